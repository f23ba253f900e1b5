package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// workspaceResourceModel is the state of batchai_workspace.
type workspaceResourceModel struct {
	ID                types.String          `tfsdk:"id"`
	Name              types.String          `tfsdk:"name"`
	ResourceGroupName types.String          `tfsdk:"resource_group_name"`
	Location          normalizedStringValue `tfsdk:"location"`
	Tags              types.Map             `tfsdk:"tags"`
	ProvisioningState types.String          `tfsdk:"provisioning_state"`
	CreationTime      types.String          `tfsdk:"creation_time"`
	Timeouts          timeouts.Value        `tfsdk:"timeouts"`
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

// flattenTags converts the API's tags. ARM omits an empty tag map, so an empty map in the prior value is
// kept as it is: `tags = {}` must not drift to null.
func flattenTags(ctx context.Context, tags map[string]string, prior types.Map) (types.Map, diag.Diagnostics) {
	if len(tags) == 0 {
		if !prior.IsNull() && !prior.IsUnknown() && len(prior.Elements()) == 0 {
			return prior, nil
		}
		return types.MapNull(types.StringType), nil
	}
	return types.MapValueFrom(ctx, types.StringType, tags)
}

// flatten copies a workspace read from the API into the model. The names come from id (what the user
// configured or imported) rather than the response, so their casing never drifts.
func (m *workspaceResourceModel) flatten(ctx context.Context, id api.WorkspaceID, ws api.Workspace) diag.Diagnostics {
	m.ID = types.StringValue(id.String())
	m.Name = types.StringValue(id.Name)
	m.ResourceGroupName = types.StringValue(id.ResourceGroup)
	m.Location = newLocationValue(api.Deref(ws.Location))
	tags, diags := flattenTags(ctx, ws.Tags, m.Tags)
	m.Tags = tags
	var props api.WorkspaceProperties
	if ws.Properties != nil {
		props = *ws.Properties
	}
	m.ProvisioningState = stringOrNull(props.ProvisioningState)
	m.CreationTime = stringOrNull(props.CreationTime)
	return diags
}

// stringOrNull maps an absent or empty API string to null.
func stringOrNull(p *string) types.String {
	if p == nil || *p == "" {
		return types.StringNull()
	}
	return types.StringValue(*p)
}
