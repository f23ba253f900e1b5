package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// The nested blocks of batchai_cluster. Every block but scale_settings replaces the cluster when it
// changes: the replace is declared once on the block (after copying unknown computed children from
// state, so a resize never looks like a change of setup_task) rather than on every leaf.

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
	return schema.SingleNestedBlock{
		MarkdownDescription: "Required. The administrator account created on every node, for SSH. Give an SSH " +
			"public key, a password, or both, each either as a `Sensitive` attribute stored in state or as a " +
			"write-only `_wo` attribute with its `_wo_version`. Changing anything replaces the cluster.",
		Validators:    []validator.Object{objectvalidator.IsRequired()},
		PlanModifiers: []planmodifier.Object{requiresReplaceUnlessAdopting(adoptUserAccount)},
		Attributes: map[string]schema.Attribute{
			"admin_user_name": schema.StringAttribute{
				Optional: true, // required in the block: see requiredInBlock
				MarkdownDescription: "Required. The administrator's user name (the CLI's `--user-name`), used as " +
					"`ssh <admin_user_name>@<ip> -p <port>`.",
				Validators: []validator.String{requiredInBlock(), stringvalidator.LengthAtLeast(1)},
			},
			"admin_user_ssh_public_key": sensitiveString("The administrator's SSH public key (an OpenSSH RSA key, "+
				"`ssh-rsa AAAA...`), stored in state. Conflicts with `admin_user_ssh_public_key_wo`.", "admin_user_ssh_public_key_wo",
				sshPublicKeyValidator{}),
			"admin_user_ssh_public_key_wo": writeOnlyString("The administrator's SSH public key, write-only "+
				"(never stored). Requires `admin_user_ssh_public_key_wo_version`.", "admin_user_ssh_public_key_wo_version",
				sshPublicKeyValidator{}),
			"admin_user_ssh_public_key_wo_version": writeOnlyVersion("admin_user_ssh_public_key_wo"),
			"admin_user_password": sensitiveString("The administrator's password, stored in state. Conflicts "+
				"with `admin_user_password_wo`.", "admin_user_password_wo"),
			"admin_user_password_wo": writeOnlyString("The administrator's password, write-only (never stored). "+
				"Requires `admin_user_password_wo_version`.", "admin_user_password_wo_version"),
			"admin_user_password_wo_version": writeOnlyVersion("admin_user_password_wo"),
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
				Validators: []validator.Map{mapvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName("secrets_wo"))},
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

// sensitiveString is the classic, state-stored form of a secret, exclusive with its write-only twin.
func sensitiveString(description, writeOnlyTwin string, more ...validator.String) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		Sensitive:           true,
		MarkdownDescription: description,
		Validators: append([]validator.String{
			stringvalidator.LengthAtLeast(1),
			stringvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName(writeOnlyTwin)),
		}, more...),
	}
}

// writeOnlyString is the write-only form of a secret (the azurerm `_wo` convention).
func writeOnlyString(description, versionAttr string, more ...validator.String) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		Sensitive:           true,
		WriteOnly:           true,
		MarkdownDescription: description,
		Validators: append([]validator.String{
			stringvalidator.LengthAtLeast(1),
			stringvalidator.AlsoRequires(path.MatchRelative().AtParent().AtName(versionAttr)),
		}, more...),
	}
}

// writeOnlyVersion is the `_wo_version` of a write-only secret: stored in state, it is the only way
// Terraform can see that the secret changed.
func writeOnlyVersion(writeOnlyAttr string) schema.Int64Attribute {
	return schema.Int64Attribute{
		Optional: true,
		MarkdownDescription: "Any number; change it to send a new `" + writeOnlyAttr + "` (which replaces the " +
			"cluster). Required with `" + writeOnlyAttr + "`.",
		Validators: []validator.Int64{
			int64validator.AlsoRequires(path.MatchRelative().AtParent().AtName(writeOnlyAttr)),
		},
	}
}
