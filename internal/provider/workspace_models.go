package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The tfsdk models of batchai_workspace and of the batchai_workspace data source.

// workspaceResourceModel is the state of batchai_workspace.
type workspaceResourceModel struct {
	ID                types.String   `tfsdk:"id"`
	Name              types.String   `tfsdk:"name"`
	ResourceGroupName types.String   `tfsdk:"resource_group_name"`
	Location          types.String   `tfsdk:"location"`
	Tags              types.Map      `tfsdk:"tags"`
	ProvisioningState types.String   `tfsdk:"provisioning_state"`
	CreationTime      types.String   `tfsdk:"creation_time"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
}

// workspaceDataSourceModel is the state of the batchai_workspace data source.
type workspaceDataSourceModel struct {
	ID                              types.String `tfsdk:"id"`
	Name                            types.String `tfsdk:"name"`
	ResourceGroupName               types.String `tfsdk:"resource_group_name"`
	Location                        types.String `tfsdk:"location"`
	Tags                            types.Map    `tfsdk:"tags"`
	ProvisioningState               types.String `tfsdk:"provisioning_state"`
	ProvisioningStateTransitionTime types.String `tfsdk:"provisioning_state_transition_time"`
	CreationTime                    types.String `tfsdk:"creation_time"`
}
