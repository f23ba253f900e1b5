package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The tfsdk models of batchai_file_server and of the batchai_file_server data source. The administrator
// account is the cluster's model (clusterUserAccountResourceModel, and its data source twin): both are a
// UserAccountSettings, with the same attributes.

// fileServerResourceModel is the state of batchai_file_server.
type fileServerResourceModel struct {
	ID                types.String   `tfsdk:"id"`
	Name              types.String   `tfsdk:"name"`
	WorkspaceID       types.String   `tfsdk:"workspace_id"`
	VMSize            types.String   `tfsdk:"vm_size"`
	UserAccount       types.Object   `tfsdk:"user_account"`
	PublicIPsToAllow  types.List     `tfsdk:"public_ips_to_allow"`
	DataDisks         types.Object   `tfsdk:"data_disks"`
	SubnetID          types.String   `tfsdk:"subnet_id"`
	MountPoint        types.String   `tfsdk:"mount_point"`
	PublicIP          types.String   `tfsdk:"public_ip"`
	InternalIP        types.String   `tfsdk:"internal_ip"`
	CreationTime      types.String   `tfsdk:"creation_time"`
	ProvisioningState types.String   `tfsdk:"provisioning_state"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
}

type fileServerDataDisksModel struct {
	DiskSizeInGB       types.Int64  `tfsdk:"disk_size_in_gb"`
	DiskCount          types.Int64  `tfsdk:"disk_count"`
	StorageAccountType types.String `tfsdk:"storage_account_type"`
	CachingType        types.String `tfsdk:"caching_type"`
}

// fileServerDataSourceModel is the batchai_file_server data source: everything the API returns of a file
// server.
type fileServerDataSourceModel struct {
	Name                            types.String `tfsdk:"name"`
	WorkspaceID                     types.String `tfsdk:"workspace_id"`
	ID                              types.String `tfsdk:"id"`
	VMSize                          types.String `tfsdk:"vm_size"`
	AdminUserName                   types.String `tfsdk:"admin_user_name"`
	PublicIPsToAllow                types.List   `tfsdk:"public_ips_to_allow"`
	DataDisks                       types.Object `tfsdk:"data_disks"`
	SubnetID                        types.String `tfsdk:"subnet_id"`
	MountPoint                      types.String `tfsdk:"mount_point"`
	PublicIP                        types.String `tfsdk:"public_ip"`
	InternalIP                      types.String `tfsdk:"internal_ip"`
	CreationTime                    types.String `tfsdk:"creation_time"`
	ProvisioningState               types.String `tfsdk:"provisioning_state"`
	ProvisioningStateTransitionTime types.String `tfsdk:"provisioning_state_transition_time"`
}

// The object types of the file server's nested values, read from the schemas (see the init of
// cluster_models.go): the data disks, and the administrator account, which must be the cluster's
// (TestFileServerUserAccountIsTheClusters checks it).
var (
	fileServerDataDisksAttrTypes   map[string]attr.Type
	fileServerUserAccountAttrTypes map[string]attr.Type
)

func init() {
	r := fileServerResourceSchema(context.Background())
	fileServerDataDisksAttrTypes = objectAttrTypesAt(r, path.Root("data_disks"))
	fileServerUserAccountAttrTypes = objectAttrTypesAt(r, path.Root("user_account"))
}
