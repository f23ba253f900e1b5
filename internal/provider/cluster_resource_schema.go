package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
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
// nothing else, so every other argument replaces the cluster.
func clusterResourceSchema(ctx context.Context) schema.Schema {
	return schema.Schema{
		MarkdownDescription: "A Batch AI cluster: the compute nodes (one VM size, one OS image) that run training jobs, " +
			"created under a `batchai_workspace`. The node count changes in place (manual target, or auto-scale " +
			"bounds, or a switch between the two); every other argument replaces the cluster.\n\n" +
			"Secrets (admin password and SSH key, storage account keys, App Insights key, setup-task secrets) are " +
			"never returned by the service. Their classic forms are `Sensitive` and kept in state from configuration; " +
			"their `_wo` forms (Terraform >= 1.11) are write-only and never stored: change the matching `_wo_version` " +
			"to send a new value (which replaces the cluster).\n\n" +
			"Plans are checked against the subscription's Batch AI quota in the workspace's location: a new " +
			"cluster, or a resize, whose vCPUs exceed what is left fails at plan time with the numbers (what a " +
			"replaced cluster holds counts as available to its replacement). `terraform destroy` plans the " +
			"configuration first: while the configuration asks for more than the quota allows, destroy with " +
			"`terraform destroy -refresh=false`.\n\n" +
			"A cluster deleted outside Terraform, even one Azure still shows as `deleting`, is planned for " +
			"creation; the apply waits for the deletion to finish before creating it again.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The ARM ID of the cluster, `<workspace_id>/clusters/<name>`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
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
				Validators:    []validator.String{workspaceIDValidator{}},
				PlanModifiers: []planmodifier.String{keepEquivalentState(normalizeCaseInsensitive), stringplanmodifier.RequiresReplace()},
			},
			"vm_size": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The VM size of every node, e.g. `Standard_NC6`. Compared case-insensitively " +
					"(`Standard_NC6` and `STANDARD_NC6` are the same size). The service supports every Azure VM size " +
					"except `STANDARD_A0` and the premium-storage series (`STANDARD_GS`, `STANDARD_DS` and " +
					"`STANDARD_DSV2`), which are rejected at plan time. Changing it replaces the cluster.",
				Validators:    []validator.String{clusterVMSizeValidator{}},
				PlanModifiers: []planmodifier.String{keepEquivalentState(normalizeCaseInsensitive), stringplanmodifier.RequiresReplace()},
			},
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
			"allocation_state": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "`steady` when no nodes are being added or removed, `resizing` while they " +
					"are.",
			},
			"current_node_count": schema.Int64Attribute{
				Computed:            true,
				MarkdownDescription: "The number of nodes the cluster has now.",
			},
			"node_state_counts": schema.SingleNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The number of nodes in each state.",
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
					"allocation failures for lack of quota.",
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
			"scale_settings":       clusterScaleSettingsBlock(),
			"user_account":         clusterUserAccountBlock(),
			"setup_task":           clusterSetupTaskBlock(),
			"mount_volumes":        clusterMountVolumesBlock(),
			"performance_counters": clusterPerformanceCountersBlock(),
			"timeouts":             timeoutsBlock(ctx),
		},
	}
}

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
		Attributes: map[string]schema.Attribute{
			"publisher": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The image publisher, e.g. `Canonical` or `microsoft-ads`.",
			},
			"offer": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The image offer, e.g. `UbuntuServer` or `linux-data-science-vm-ubuntu`.",
			},
			"sku": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The image SKU, e.g. `16.04-LTS` or `linuxdsvmubuntu`.",
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
