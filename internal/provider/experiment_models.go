package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// experimentResourceModel is the state of batchai_experiment.
type experimentResourceModel struct {
	ID                types.String   `tfsdk:"id"`
	Name              types.String   `tfsdk:"name"`
	WorkspaceID       types.String   `tfsdk:"workspace_id"`
	CreationTime      types.String   `tfsdk:"creation_time"`
	ProvisioningState types.String   `tfsdk:"provisioning_state"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
}
