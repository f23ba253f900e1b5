package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// Flatteners of a workspace: from the wire model to the resource's and the data source's models.

// flatten copies a workspace read from the API into the model. The names come from id (what the user
// configured or imported) rather than the response, so their casing never drifts; the location keeps the
// model's spelling (keepSpelling).
func (m *workspaceResourceModel) flatten(ctx context.Context, id api.WorkspaceID, ws api.Workspace) diag.Diagnostics {
	m.ID = types.StringValue(id.String())
	m.Name = types.StringValue(id.Name)
	m.ResourceGroupName = types.StringValue(id.ResourceGroup)
	m.Location = keepSpelling(normalizeLocation, m.Location, types.StringValue(api.Deref(ws.Location)))
	tags, diags := flattenTags(ctx, ws.Tags, m.Tags)
	m.Tags = tags
	props := api.Deref(ws.Properties)
	m.ProvisioningState = stringOrNull(props.ProvisioningState)
	m.CreationTime = stringOrNull(props.CreationTime)
	return diags
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

// flatten reuses the resource's flattener and adapts it to the data source, which reports the location as
// the service spells it and "no tags" as {}.
func (m *workspaceDataSourceModel) flatten(ctx context.Context, id api.WorkspaceID, ws api.Workspace) diag.Diagnostics {
	var r workspaceResourceModel
	diags := r.flatten(ctx, id, ws)
	m.ID, m.Name, m.ResourceGroupName, m.Location = r.ID, r.Name, r.ResourceGroupName, r.Location
	m.Tags = r.Tags
	if m.Tags.IsNull() {
		// A data source answers "no tags" with {} so that lookup() and for expressions work without try().
		m.Tags = types.MapValueMust(types.StringType, nil)
	}
	m.ProvisioningState, m.CreationTime = r.ProvisioningState, r.CreationTime
	m.ProvisioningStateTransitionTime = stringOrNull(api.Deref(ws.Properties).ProvisioningStateTransitionTime)
	return diags
}
