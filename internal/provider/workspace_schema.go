package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// workspaceResourceSchema is the schema of batchai_workspace. Only tags change in place (the API's
// WorkspaceUpdateParameters holds nothing else): every other argument replaces the workspace.
func workspaceResourceSchema(ctx context.Context) schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Manages a Batch AI workspace, the container of Batch AI clusters. Only `tags` can " +
			"change in place; any other change replaces the workspace (and, in Azure, everything in it).",
		Attributes: map[string]schema.Attribute{
			// Required attributes.
			"name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The name of the workspace: 1 to 64 letters, digits, `-` and `_`. Changing it " +
					"replaces the workspace.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    batchAINameValidators(),
			},
			"resource_group_name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The resource group that holds the workspace: 1 to 90 letters, digits, `-`, " +
					"`_` and `.`. Changing it replaces the workspace.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    resourceGroupNameValidators(),
			},
			"location": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The Azure location of the workspace, in either spelling (`East US` or " +
					"`eastus`: they never differ in a plan). Changing it replaces the workspace.",
				PlanModifiers: []planmodifier.String{
					keepEquivalentState(normalizeLocation),
					stringplanmodifier.RequiresReplace(),
				},
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},

			// Optional attributes.
			"tags": schema.MapAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Tags to assign to the workspace (at most 50). They are updated in place.",
				Validators: []validator.Map{
					mapvalidator.SizeAtMost(50),
					mapvalidator.KeysAre(stringvalidator.LengthBetween(1, 512)),
					mapvalidator.ValueStringsAre(stringvalidator.LengthAtMost(256)),
				},
			},

			// Computed attributes.
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The ARM ID of the workspace.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"provisioning_state": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The provisioning state reported by Azure, such as `succeeded`.",
			},
			"creation_time": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When the workspace was created (RFC 3339).",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeoutsBlock(ctx),
		},
	}
}
