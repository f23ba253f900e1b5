package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// flatten copies an experiment read from the API into the model. The ID and names come from id (what the
// user configured or imported), the workspace ID keeps the model's spelling.
func (m *experimentResourceModel) flatten(id api.ExperimentID, x api.Experiment) {
	m.ID = types.StringValue(id.String())
	m.Name = types.StringValue(id.Name)
	m.WorkspaceID = keepSpelling(normalizeCaseInsensitive, m.WorkspaceID, types.StringValue(id.WorkspaceID().String()))
	p := api.Deref(x.Properties)
	m.CreationTime = stringOrNull(p.CreationTime)
	m.ProvisioningState = stringOrNull(p.ProvisioningState)
}
