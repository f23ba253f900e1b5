package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// clusterResourceSchema is the schema of batchai_cluster. Only scale_settings (and the provider-side
// wait_for_steady_state and timeouts) can change in place: the API's ClusterUpdateParameters holds
// nothing else, so every other argument replaces the cluster. The replacement is declared here, on each
// attribute, and on each nested block as a whole (after copying unknown computed children from state, so
// that a resize never looks like a change of setup_task) rather than on every leaf. The secrets' attributes
// are built in cluster_secrets.go.
func clusterResourceSchema(ctx context.Context) schema.Schema {
	return schema.Schema{
		MarkdownDescription: "A Batch AI cluster: the compute nodes (one VM size, one OS image) that run training jobs, " +
			"created under a `batchai_workspace`. The node count changes in place (manual target, or auto-scale " +
			"bounds, or a switch between the two); every other argument replaces the cluster.\n\n" +
			"Secrets (admin password and SSH key, storage account keys, App Insights key, setup-task secrets) are " +
			"never returned by the service. Their classic forms are `Sensitive` and kept in state from configuration; " +
			"their `_wo` forms (Terraform >= 1.11) are write-only and never stored: change the matching `_wo_version` " +
			"to send a new value (which replaces the cluster).\n\n" +
			"Plans are checked against the subscription's Batch AI quota in the workspace's location, for every " +
			"VM size the service accepted: a new cluster, or a resize, whose vCPUs exceed what is left gets a " +
			"warning at plan time with the numbers, and the apply stops before sending its request, so nothing " +
			"is created or resized (what a replaced cluster holds counts as available to its replacement). It is " +
			"a warning, not an error, because `terraform destroy` plans the configuration first and must never be " +
			"blocked by it; a plan that only removes capacity is never warned about. The provider cannot know " +
			"everything before the apply: a cluster in a workspace created by the same apply is only checked at " +
			"apply time, several new clusters are checked one by one (clusters that only exceed the quota " +
			"together each pass, and the service fails the later ones), and other tools may use quota between " +
			"plan and apply.\n\n" +
			"A cluster deleted outside Terraform, even one Azure still shows as `deleting`, is planned for " +
			"creation; the apply waits for the deletion to finish before creating it again.",
		Attributes: map[string]schema.Attribute{
			// Required attributes.
			"name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The name of the cluster, unique in its workspace: 1 to 64 letters, digits, `-` " +
					"and `_`. Changing it replaces the cluster.",
				Validators:    batchAINameValidators(),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"workspace_id": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The ARM ID of the workspace the cluster belongs to, usually " +
					"`batchai_workspace.<name>.id`: `/subscriptions/{subscription}/resourceGroups/{group}/providers/" +
					"Microsoft.BatchAI/workspaces/{workspace}`. This is the only way to name the workspace (the " +
					"cluster's own resource group and subscription are the workspace's). Changing it replaces the " +
					"cluster.",
				Validators:    []validator.String{workspaceID()},
				PlanModifiers: []planmodifier.String{keepEquivalentState(normalizeCaseInsensitive), stringplanmodifier.RequiresReplace()},
			},
			"vm_size": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The VM size of every node, e.g. `Standard_NC6`. Compared case-insensitively " +
					"(`Standard_NC6` and `STANDARD_NC6` are the same size). The service supported the Azure VM sizes of " +
					"2018 except `STANDARD_A0` and the premium-storage series (`STANDARD_GS`, `STANDARD_DS` and " +
					"`STANDARD_DSV2`): those, and names it did not know, are rejected at plan time (an unknown name with " +
					"the closest supported ones). Changing it replaces the cluster.",
				Validators:    []validator.String{supportedVMSize()},
				PlanModifiers: []planmodifier.String{keepEquivalentState(normalizeCaseInsensitive), stringplanmodifier.RequiresReplace()},
			},

			// Optional attributes.
			"vm_priority": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(api.VMPriorityDedicated),
				MarkdownDescription: "`dedicated` (default) or `lowpriority`: low-priority nodes are much cheaper but " +
					"may be pre-empted, and use the low-priority vCPU quota. Changing it replaces the cluster.",
				Validators: []validator.String{
					stringvalidator.OneOf(api.VMPriorityDedicated, api.VMPriorityLowPriority),
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"image_reference": clusterImageReferenceAttribute(),
			"subnet_id": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "The ARM ID of the virtual network subnet the nodes join. When a file server is " +
					"mounted and no subnet is given, the service uses the file server's subnet, which then shows " +
					"here. Changing it replaces the cluster; removing it from the configuration keeps the subnet " +
					"the service chose.",
				Validators: []validator.String{subnetIDValidator()},
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(), keepEquivalentState(normalizeCaseInsensitive), stringplanmodifier.RequiresReplace(),
				},
			},
			"wait_for_steady_state": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
				MarkdownDescription: "Whether create and resize wait until `allocation_state` is `steady` (every " +
					"requested node allocated and set up), so that nodes are usable when `apply` returns. Defaults " +
					"to `true`. Provider-side only: changing it calls no API.",
			},

			// Computed attributes.
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The ARM ID of the cluster, `<workspace_id>/clusters/<name>`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"allocation_state": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "`steady` when no nodes are being added or removed, `resizing` while they " +
					"are. " + observedNote,
			},
			"current_node_count": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "The number of nodes the cluster has now. " + observedNote,
			},
			"node_state_counts": schema.SingleNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The number of nodes in each state. " + observedNote,
				Attributes: map[string]schema.Attribute{
					"idle":      schema.Int64Attribute{Computed: true, MarkdownDescription: "Nodes ready for jobs."},
					"running":   schema.Int64Attribute{Computed: true, MarkdownDescription: "Nodes running a job."},
					"preparing": schema.Int64Attribute{Computed: true, MarkdownDescription: "Nodes being set up."},
					"unusable":  schema.Int64Attribute{Computed: true, MarkdownDescription: "Nodes that failed and cannot run jobs."},
					"leaving":   schema.Int64Attribute{Computed: true, MarkdownDescription: "Nodes leaving the cluster."},
				},
			},
			"errors": schema.ListNestedAttribute{
				Computed: true,
				MarkdownDescription: "Errors the service reports for the cluster, e.g. node setup failures or " +
					"allocation failures for lack of quota. " + observedNote,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"code":    schema.StringAttribute{Computed: true, MarkdownDescription: "The error code."},
					"message": schema.StringAttribute{Computed: true, MarkdownDescription: "The error message."},
					"details": schema.MapAttribute{
						Computed: true, ElementType: types.StringType,
						MarkdownDescription: "Additional details, by name.",
					},
				}},
			},
			"creation_time": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When the cluster was created (RFC 3339).",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"provisioning_state": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The provisioning state of the cluster: `creating`, `succeeded`, `failed` or " +
					"`deleting`.",
			},
		},
		Blocks: map[string]schema.Block{
			// Required blocks (a validator requires them: blocks cannot be Required).
			"scale_settings": clusterScaleSettingsBlock(),
			"user_account":   clusterUserAccountBlock(),

			// Optional blocks.
			"setup_task":           clusterSetupTaskBlock(),
			"mount_volumes":        clusterMountVolumesBlock(),
			"performance_counters": clusterPerformanceCountersBlock(),
			"timeouts":             timeoutsBlock(ctx),
		},
	}
}

// observedNote is what the schema says of the values the provider observes rather than configures: the
// drift guide (templates/guides/drift-detection-in-ci.md.tmpl) says the same.
const observedNote = "Observed at the last read: it changes without any change of configuration (auto-scale, " +
	"pre-emption, jobs), which `terraform plan -refresh-only` reports and a normal plan never does."

// clusterImageReferenceAttribute is a nested attribute (not a block) because it is Optional+Computed:
// when left out, the service picks its default image and it shows here without a diff. Blocks cannot
// be Computed.
func clusterImageReferenceAttribute() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Optional: true,
		Computed: true,
		MarkdownDescription: "The OS image of the nodes, written as an attribute: `image_reference = { ... }`. " +
			"When left out the service uses its default (`Canonical` `UbuntuServer` `16.04-LTS` `latest`), which " +
			"then shows here without a diff. Changing a configured image replaces the cluster.",
		PlanModifiers: []planmodifier.Object{useStateForUnknownDeep(), objectplanmodifier.RequiresReplace()},
		// publisher, offer and sku are required when the image is configured (requiredWhenSet), but declared
		// Optional+Computed: that way an omitted image_reference keeps its prior value in Terraform's proposed
		// plan, and the no-op plan of a cluster is no change at all to the framework (see requiredWhenSet).
		Validators: []validator.Object{requiredWhenSet("publisher", "offer", "sku")},
		Attributes: map[string]schema.Attribute{
			"publisher": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "Required when `image_reference` is set. The image publisher, e.g. `Canonical` or `microsoft-ads`.",
			},
			"offer": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "Required when `image_reference` is set. The image offer, e.g. `UbuntuServer` or `linux-data-science-vm-ubuntu`.",
			},
			"sku": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "Required when `image_reference` is set. The image SKU, e.g. `16.04-LTS` or `linuxdsvmubuntu`.",
			},
			"version": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "The image version; the service uses `latest` when it is left out.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseNonNullStateForUnknown()},
			},
			"virtual_machine_image_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The ARM ID of a custom image " +
					"(`/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.Compute/images/{image}`). " +
					"`publisher`, `offer` and `sku` must still name the marketplace image it was built from.",
				Validators: []validator.String{armIDValidator("Microsoft.Compute", "images")},
			},
		},
	}
}

func clusterScaleSettingsBlock() schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: "Required. How many nodes the cluster has: exactly one of `manual` or `auto_scale`. " +
			"Changes (a new target, new bounds, or a switch between manual and auto-scale) are applied in place.",
		Validators: []validator.Object{objectvalidator.IsRequired()},
		Blocks: map[string]schema.Block{
			"manual": schema.SingleNestedBlock{
				MarkdownDescription: "A fixed number of nodes, like `az batchai cluster create --target` and " +
					"`az batchai cluster resize`.",
				Attributes: map[string]schema.Attribute{
					"target_node_count": schema.Int64Attribute{
						Optional: true, // required in the block: see requiredInBlock
						MarkdownDescription: "Required. The number of nodes; `0` keeps the cluster without paying " +
							"for nodes.",
						Validators: []validator.Int64{requiredInBlock(), int64validator.AtLeast(0)},
					},
					"node_deallocation_option": schema.StringAttribute{
						Optional: true,
						Computed: true,
						Default:  stringdefault.StaticString(api.DeallocationRequeue),
						MarkdownDescription: "What happens to running jobs when nodes are removed: `requeue` " +
							"(default; stop and requeue them), `terminate` (stop them for good) or " +
							"`waitforjobcompletion` (let them finish, schedule no new ones).",
						Validators: []validator.String{stringvalidator.OneOf(
							api.DeallocationRequeue, api.DeallocationTerminate, api.DeallocationWaitForJobCompletion)},
					},
				},
			},
			"auto_scale": schema.SingleNestedBlock{
				MarkdownDescription: "Let the service keep the node count between a minimum and a maximum, like " +
					"`az batchai cluster create --min --max` and `az batchai cluster auto-scale`. The node count " +
					"moving inside the bounds is never a diff.",
				Attributes: map[string]schema.Attribute{
					"minimum_node_count": schema.Int64Attribute{
						Optional:            true, // required in the block: see requiredInBlock
						MarkdownDescription: "Required. The fewest nodes the cluster scales down to.",
						Validators:          []validator.Int64{requiredInBlock(), int64validator.AtLeast(0)},
					},
					"maximum_node_count": schema.Int64Attribute{
						Optional: true, // required in the block: see requiredInBlock
						MarkdownDescription: "Required. The most nodes the cluster scales up to; at least " +
							"`minimum_node_count`.",
						Validators: []validator.Int64{requiredInBlock(),
							int64validator.AtLeast(0), atLeastSibling("minimum_node_count"),
						},
					},
					"initial_node_count": schema.Int64Attribute{
						Optional: true,
						Computed: true,
						Default:  int64default.StaticInt64(0),
						MarkdownDescription: "The number of nodes allocated when the cluster is created (default " +
							"`0`). Used only at creation: changing it later plans nothing.",
						Validators:    []validator.Int64{int64validator.AtLeast(0)},
						PlanModifiers: []planmodifier.Int64{createOnlyInt64()},
					},
				},
			},
		},
	}
}

func clusterUserAccountBlock() schema.SingleNestedBlock {
	return userAccountBlock("Required. The administrator account created on every node, for SSH. Give an SSH "+
		"public key, a password, or both, each either as a `Sensitive` attribute stored in state or as a "+
		"write-only `_wo` attribute with its `_wo_version`. Changing anything replaces the cluster.", "cluster")
}

// userAccountBlock is a UserAccountSettings block (a cluster's, or a file server's), with its description and
// the resource a new secret replaces.
func userAccountBlock(description, resource string) schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: description,
		Validators:          []validator.Object{objectvalidator.IsRequired()},
		PlanModifiers:       []planmodifier.Object{requiresReplaceUnlessAdopting(adoptUserAccount)},
		Attributes: map[string]schema.Attribute{
			"admin_user_name": schema.StringAttribute{
				Optional: true, // required in the block: see requiredInBlock
				MarkdownDescription: "Required. The administrator's user name (the CLI's `--user-name`), used as " +
					"`ssh <admin_user_name>@<ip> -p <port>`.",
				Validators: []validator.String{requiredInBlock(), stringvalidator.LengthAtLeast(1)},
			},
			"admin_user_ssh_public_key": sensitiveString("The administrator's SSH public key (an OpenSSH RSA key, "+
				"`ssh-rsa AAAA...`), stored in state. Conflicts with `admin_user_ssh_public_key_wo`.", "admin_user_ssh_public_key_wo",
				sshPublicKey()),
			"admin_user_ssh_public_key_wo": writeOnlyString("The administrator's SSH public key, write-only "+
				"(never stored). Requires `admin_user_ssh_public_key_wo_version`.", "admin_user_ssh_public_key_wo_version",
				sshPublicKey()),
			"admin_user_ssh_public_key_wo_version": writeOnlyVersionOf("admin_user_ssh_public_key_wo", resource),
			"admin_user_password": sensitiveString("The administrator's password, stored in state. Conflicts "+
				"with `admin_user_password_wo`.", "admin_user_password_wo"),
			"admin_user_password_wo": writeOnlyString("The administrator's password, write-only (never stored). "+
				"Requires `admin_user_password_wo_version`.", "admin_user_password_wo_version"),
			"admin_user_password_wo_version": writeOnlyVersionOf("admin_user_password_wo", resource),
		},
	}
}

func clusterSetupTaskBlock() schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: "A command run as root on every node when it is allocated or rebooted (the CLI's " +
			"`--setup-task` and `--setup-task-output`). Changing anything replaces the cluster.",
		PlanModifiers: []planmodifier.Object{useStateForUnknownDeep(), requiresReplaceUnlessAdopting(adoptSetupTask)},
		Attributes: map[string]schema.Attribute{
			"command_line": schema.StringAttribute{
				Optional:            true, // required in the block: see requiredInBlock
				MarkdownDescription: "Required. The command line, run in a bash subshell, e.g. `apt install unzip -y`.",
				Validators:          []validator.String{requiredInBlock(), stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       []planmodifier.String{requiresReplaceWhenNew()},
			},
			"environment_variables": schema.MapAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Environment variables of the command, by name.",
			},
			"secrets": schema.MapAttribute{
				Optional:    true,
				Sensitive:   true,
				ElementType: types.StringType,
				MarkdownDescription: "Environment variables whose values the service never reports back, by " +
					"name; stored in state. Conflicts with `secrets_wo`.",
				Validators: []validator.Map{conflictsWithSibling("secrets_wo")},
			},
			"secrets_wo": schema.MapAttribute{
				Optional:    true,
				Sensitive:   true,
				WriteOnly:   true,
				ElementType: types.StringType,
				MarkdownDescription: "Like `secrets`, but write-only (never stored; Terraform >= 1.11). Requires " +
					"`secrets_wo_version`.",
				Validators: []validator.Map{mapvalidator.AlsoRequires(path.MatchRelative().AtParent().AtName("secrets_wo_version"))},
			},
			"secrets_wo_version": writeOnlyVersion("secrets_wo"),
			"std_out_err_path_prefix": schema.StringAttribute{
				Optional: true, // required in the block: see requiredInBlock
				MarkdownDescription: "Required. Where the task's stdout and stderr go (the CLI's " +
					"`--setup-task-output`), e.g. `$AZ_BATCHAI_MOUNT_ROOT/afs`; the service appends " +
					"`std_out_err_path_suffix`.",
				Validators: []validator.String{requiredInBlock(), stringvalidator.LengthAtLeast(1)},
			},
			"std_out_err_path_suffix": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The path the service appends to `std_out_err_path_prefix`: the task's output " +
					"is in `<prefix>/<suffix>`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseNonNullStateForUnknown()},
			},
		},
		Blocks: map[string]schema.Block{
			"secret_reference": schema.ListNestedBlock{
				MarkdownDescription: "A secret environment variable whose value the service reads from Azure Key " +
					"Vault. Repeatable.",
				NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{
						Required:            true,
						MarkdownDescription: "The environment variable name.",
					},
					"source_vault_id": keyVaultIDAttribute(),
					"secret_url":      keyVaultSecretURLAttribute(),
				}},
			},
		},
	}
}

func clusterPerformanceCountersBlock() schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: "Send node performance counters to Azure Application Insights. Give the " +
			"instrumentation key in exactly one form. Changing anything replaces the cluster.",
		PlanModifiers: []planmodifier.Object{requiresReplaceUnlessAdopting(adoptPerformanceCounters)},
		Attributes: map[string]schema.Attribute{
			"app_insights_component_id": schema.StringAttribute{
				Optional:            true, // required in the block: see requiredInBlock
				MarkdownDescription: "Required. The ARM ID of the Application Insights component.",
				Validators:          []validator.String{requiredInBlock(), armIDValidator("Microsoft.Insights", "components")},
				PlanModifiers:       []planmodifier.String{requiresReplaceWhenNew()},
			},
			"instrumentation_key": sensitiveString("The component's instrumentation key, stored in state. Give "+
				"exactly one of `instrumentation_key`, `instrumentation_key_wo` or `instrumentation_key_secret_reference`.",
				"instrumentation_key_wo"),
			"instrumentation_key_wo": writeOnlyString("The component's instrumentation key, write-only (never "+
				"stored). Requires `instrumentation_key_wo_version`.", "instrumentation_key_wo_version"),
			"instrumentation_key_wo_version": writeOnlyVersion("instrumentation_key_wo"),
		},
		Blocks: map[string]schema.Block{
			"instrumentation_key_secret_reference": keyVaultSecretReferenceBlock("The instrumentation key"),
		},
	}
}

// keyVaultSecretReferenceBlock is a KeyVaultSecretReference: a secret the service reads itself.
func keyVaultSecretReferenceBlock(what string) schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: what + ", read by the service from an Azure Key Vault secret.",
		Attributes: map[string]schema.Attribute{
			"source_vault_id": keyVaultIDAttribute(),
			"secret_url":      keyVaultSecretURLAttribute(),
		},
	}
}

func keyVaultIDAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true, // required in the block: see requiredInBlock
		MarkdownDescription: "Required. The ARM ID of the Key Vault " +
			"(`/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.KeyVault/vaults/{vault}`).",
		Validators: []validator.String{requiredInBlock(), armIDValidator("Microsoft.KeyVault", "vaults")},
	}
}

func keyVaultSecretURLAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true, // required in the block: see requiredInBlock
		MarkdownDescription: "Required. The URL of the secret, e.g. " +
			"`https://{vault}.vault.azure.net/secrets/{name}/{version}`.",
		Validators: []validator.String{requiredInBlock(), stringvalidator.RegexMatches(keyVaultSecretURLPattern,
			"must be the https URL of a Key Vault secret, https://{vault}.vault.azure.net/secrets/{name}[/{version}]")},
	}
}

// mountScope is what differs between the mounts of a cluster (NodeSetup.mountVolumes, mounted for the
// cluster's life) and those of a job (JobBaseProperties.mountVolumes, mounted for the job only). The blocks
// are otherwise the same, down to their object types, so that one expander and one flattener serve both.
type mountScope struct {
	root        string // The variable the mounts are under, e.g. $AZ_BATCHAI_MOUNT_ROOT.
	description string // The block's description.
	fileServer  string // The file_server block's description.
}

// clusterMounts are a cluster's mounts.
var clusterMounts = mountScope{
	root: "$AZ_BATCHAI_MOUNT_ROOT",
	description: "File systems mounted on every node under `$AZ_BATCHAI_MOUNT_ROOT/<relative_mount_path>` " +
		"(the CLI's `--afs-name`, `--bfs-name`, `--nfs` and `--config-file` mounts). Give at least one mount. " +
		"Changing anything replaces the cluster.",
	fileServer: "A Batch AI file server (NFS), like the CLI's `--nfs` (which mounts it with " +
		"`mount_options = \"rw\"`). Repeatable. Without `subnet_id`, the cluster joins the file server's " +
		"subnet.",
}

// clusterMountVolumesBlock is NodeSetup.mountVolumes.
func clusterMountVolumesBlock() schema.SingleNestedBlock { return mountVolumesBlock(clusterMounts) }

// mountVolumesBlock is a MountVolumes block. The mounts are lists, not sets: write-only attributes
// (account_key_wo) cannot live in sets, and the service keeps their order anyway.
func mountVolumesBlock(scope mountScope) schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: scope.description,
		Validators:          []validator.Object{atLeastOneNestedBlock()},
		PlanModifiers:       []planmodifier.Object{requiresReplaceUnlessAdopting(adoptMountVolumes, withoutAppendedItems)},
		Blocks: map[string]schema.Block{
			"azure_file_share": schema.ListNestedBlock{
				MarkdownDescription: "An Azure Files share. Repeatable.",
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"account_name": schema.StringAttribute{
							Required:            true,
							MarkdownDescription: "The storage account name.",
						},
						"azure_file_url": schema.StringAttribute{
							Required: true,
							MarkdownDescription: "The URL of the share, " +
								"`https://<account_name>.file.core.windows.net/<share>`.",
						},
						"account_key":            accountKeyAttribute(),
						"account_key_wo":         writeOnlyString("The storage account key, write-only (never stored). Requires `account_key_wo_version`.", "account_key_wo_version"),
						"account_key_wo_version": writeOnlyVersion("account_key_wo"),
						"relative_mount_path":    relativeMountPathAttribute(scope.root),
						"file_mode": schema.StringAttribute{
							Optional:            true,
							Computed:            true,
							Default:             stringdefault.StaticString(api.DefaultFileMode),
							MarkdownDescription: "The octal permissions of files (default `0777`).",
							Validators:          []validator.String{stringvalidator.RegexMatches(octalModePattern, "must be an octal mode such as 0777")},
						},
						"directory_mode": schema.StringAttribute{
							Optional:            true,
							Computed:            true,
							Default:             stringdefault.StaticString(api.DefaultDirectoryMode),
							MarkdownDescription: "The octal permissions of directories (default `0777`).",
							Validators:          []validator.String{stringvalidator.RegexMatches(octalModePattern, "must be an octal mode such as 0777")},
						},
					},
					Blocks: map[string]schema.Block{
						"account_key_secret_reference": keyVaultSecretReferenceBlock("The storage account key"),
					},
				},
			},
			"azure_blob_file_system": schema.ListNestedBlock{
				MarkdownDescription: "An Azure Blob container mounted with blobfuse. Repeatable.",
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"account_name": schema.StringAttribute{
							Required:            true,
							MarkdownDescription: "The storage account name.",
						},
						"container_name": schema.StringAttribute{
							Required:            true,
							MarkdownDescription: "The blob container name.",
						},
						"account_key":            accountKeyAttribute(),
						"account_key_wo":         writeOnlyString("The storage account key, write-only (never stored). Requires `account_key_wo_version`.", "account_key_wo_version"),
						"account_key_wo_version": writeOnlyVersion("account_key_wo"),
						"relative_mount_path":    relativeMountPathAttribute(scope.root),
						"mount_options": schema.StringAttribute{
							Optional:            true,
							MarkdownDescription: "Options passed to blobfuse.",
						},
					},
					Blocks: map[string]schema.Block{
						"account_key_secret_reference": keyVaultSecretReferenceBlock("The storage account key"),
					},
				},
			},
			"file_server": schema.ListNestedBlock{
				MarkdownDescription: scope.fileServer,
				NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"file_server_id": schema.StringAttribute{
						Required:            true,
						MarkdownDescription: "The ARM ID of the file server, usually a `" + api.ProviderNamespace + "/workspaces/{workspace}/fileServers/{name}` ID.",
						Validators:          []validator.String{armIDValidator(api.ProviderNamespace, "workspaces", "fileServers")},
					},
					"relative_mount_path": relativeMountPathAttribute(scope.root),
					"source_directory": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "The directory of the file server to mount (default: its root).",
					},
					"mount_options": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "NFS mount options, e.g. `rw`.",
					},
				}},
			},
			"unmanaged_file_system": schema.ListNestedBlock{
				MarkdownDescription: "Any file system a mount command can mount. Repeatable.",
				NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"mount_command": schema.StringAttribute{
						Required: true,
						MarkdownDescription: "The mount command line; the service appends the mount path, e.g. " +
							"`mount -t glusterfs 10.0.0.4:/gfs`.",
						Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
					},
					"relative_mount_path": relativeMountPathAttribute(scope.root),
				}},
			},
		},
	}
}

// accountKeyAttribute is the classic storage key. Exactly one of it, its write-only twin or a Key Vault
// reference must be given (ValidateConfig checks it): the spec asks for one of the two on the wire.
func accountKeyAttribute() schema.StringAttribute {
	return sensitiveString("The storage account key, stored in state. Give exactly one of `account_key`, "+
		"`account_key_wo` or `account_key_secret_reference`.", "account_key_wo")
}

func relativeMountPathAttribute(root string) schema.StringAttribute {
	return schema.StringAttribute{
		Required: true,
		MarkdownDescription: "Where to mount it, relative to `" + root + "`, e.g. `afs` or `data/afs`: no `/` " +
			"at either end, no empty, `.` or `..` segments, and a directory of its own (two mounts " +
			"cannot share one). Both are checked at plan time.",
		Validators:    []validator.String{stringvalidator.LengthAtLeast(1), relativeMountPath()},
		PlanModifiers: []planmodifier.String{requiresReplaceWhenNew()},
	}
}
