package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// experimentTimeouts are batchai_experiment's defaults: an experiment has no update API.
var experimentTimeouts = operationTimeouts{create: defaultCreateTimeout, read: defaultReadTimeout, delete: defaultDeleteTimeout}

// experimentResourceSchema is the schema of batchai_experiment. An experiment has nothing to configure and no
// update API: both arguments replace it.
func experimentResourceSchema(ctx context.Context) schema.Schema {
	return schema.Schema{
		MarkdownDescription: "A Batch AI experiment: a named folder of jobs (`batchai_job`) in a workspace, like " +
			"`az batchai experiment create`. It has nothing to configure. **Deleting an experiment deletes every " +
			"job in it**, including jobs Terraform does not manage, and a running job stops; changing `name` or " +
			"`workspace_id` replaces the experiment, and so deletes its jobs.",
		Attributes: map[string]schema.Attribute{
			// Required attributes.
			"name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The name of the experiment, unique in its workspace: 1 to 64 letters, digits, " +
					"`-` and `_`. Changing it replaces the experiment.",
				Validators:    batchAINameValidators(),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"workspace_id": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The ARM ID of the workspace the experiment belongs to, usually " +
					"`batchai_workspace.<name>.id`. Changing it replaces the experiment.",
				Validators:    []validator.String{workspaceID()},
				PlanModifiers: []planmodifier.String{keepEquivalentState(normalizeCaseInsensitive), stringplanmodifier.RequiresReplace()},
			},

			// Computed attributes. Nothing changes them in place: they keep their state values in every plan.
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The ARM ID of the experiment, `<workspace_id>/experiments/<name>`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"creation_time": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When the experiment was created (RFC 3339).",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"provisioning_state": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The provisioning state of the experiment, `succeeded` once created.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeoutsBlockOf(ctx, experimentTimeouts),
		},
	}
}
