package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// Expanders of batchai_workspace: from the planned model to the wire model.

// expandWorkspaceCreateParameters builds the body of the workspace PUT.
func expandWorkspaceCreateParameters(ctx context.Context, plan workspaceResourceModel) (api.WorkspaceCreateParameters, diag.Diagnostics) {
	tags, diags := expandTags(ctx, plan.Tags)
	return api.WorkspaceCreateParameters{Location: expandLocation(plan.Location), Tags: tags}, diags
}

// expandLocation sends a location in ARM's own spelling ("eastus" for "East US").
func expandLocation(v types.String) *string {
	return api.Ptr(normalizeLocation.normalize(v.ValueString()))
}

// expandTags converts the tags attribute for a request; null and empty both mean "no tags".
func expandTags(ctx context.Context, m types.Map) (map[string]string, diag.Diagnostics) {
	tags := map[string]string{}
	if m.IsNull() || m.IsUnknown() {
		return tags, nil
	}
	diags := m.ElementsAs(ctx, &tags, false)
	return tags, diags
}
