package provider

import (
	"context"

	datasourcetimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The tfsdk models of batchai_cluster and of the cluster data sources (batchai_cluster, batchai_clusters,
// batchai_cluster_nodes), and the object types of their nested values. Nested blocks are held as
// types.Object / types.List rather than pointers to structs so that plans with unknown values (ModifyPlan,
// validators) can be read without errors; the objectAs/listAs helpers convert them where a known value is
// needed.
//
// Models of API-visible values (clusterXModel) are shared with the cluster data source. The resource's
// variants (clusterXResourceModel) embed them and add the secrets the API never returns and their
// write-only twins, which only the resource has.

// clusterResourceModel is the whole batchai_cluster resource.
type clusterResourceModel struct {
	ID                  types.String   `tfsdk:"id"`
	Name                types.String   `tfsdk:"name"`
	WorkspaceID         types.String   `tfsdk:"workspace_id"`
	VMSize              types.String   `tfsdk:"vm_size"`
	VMPriority          types.String   `tfsdk:"vm_priority"`
	ScaleSettings       types.Object   `tfsdk:"scale_settings"`
	ImageReference      types.Object   `tfsdk:"image_reference"`
	UserAccount         types.Object   `tfsdk:"user_account"`
	SubnetID            types.String   `tfsdk:"subnet_id"`
	SetupTask           types.Object   `tfsdk:"setup_task"`
	MountVolumes        types.Object   `tfsdk:"mount_volumes"`
	PerformanceCounters types.Object   `tfsdk:"performance_counters"`
	WaitForSteadyState  types.Bool     `tfsdk:"wait_for_steady_state"`
	AllocationState     types.String   `tfsdk:"allocation_state"`
	CurrentNodeCount    types.Int64    `tfsdk:"current_node_count"`
	NodeStateCounts     types.Object   `tfsdk:"node_state_counts"`
	Errors              types.List     `tfsdk:"errors"`
	CreationTime        types.String   `tfsdk:"creation_time"`
	ProvisioningState   types.String   `tfsdk:"provisioning_state"`
	Timeouts            timeouts.Value `tfsdk:"timeouts"`
}

// clusterScaleSettingsModel holds exactly one of manual or auto_scale.
type clusterScaleSettingsModel struct {
	Manual    types.Object `tfsdk:"manual"`
	AutoScale types.Object `tfsdk:"auto_scale"`
}

type clusterManualScaleModel struct {
	TargetNodeCount        types.Int64  `tfsdk:"target_node_count"`
	NodeDeallocationOption types.String `tfsdk:"node_deallocation_option"`
}

type clusterAutoScaleModel struct {
	MinimumNodeCount types.Int64 `tfsdk:"minimum_node_count"`
	MaximumNodeCount types.Int64 `tfsdk:"maximum_node_count"`
	InitialNodeCount types.Int64 `tfsdk:"initial_node_count"`
}

type clusterImageReferenceModel struct {
	Publisher             types.String `tfsdk:"publisher"`
	Offer                 types.String `tfsdk:"offer"`
	Sku                   types.String `tfsdk:"sku"`
	Version               types.String `tfsdk:"version"`
	VirtualMachineImageID types.String `tfsdk:"virtual_machine_image_id"`
}

// clusterUserAccountModel is what the API returns of the admin account: only the name.
type clusterUserAccountModel struct {
	AdminUserName types.String `tfsdk:"admin_user_name"`
}

type clusterUserAccountResourceModel struct {
	clusterUserAccountModel
	AdminUserSSHPublicKey          types.String `tfsdk:"admin_user_ssh_public_key"`
	AdminUserSSHPublicKeyWO        types.String `tfsdk:"admin_user_ssh_public_key_wo"`
	AdminUserSSHPublicKeyWOVersion types.Int64  `tfsdk:"admin_user_ssh_public_key_wo_version"`
	AdminUserPassword              types.String `tfsdk:"admin_user_password"`
	AdminUserPasswordWO            types.String `tfsdk:"admin_user_password_wo"`
	AdminUserPasswordWOVersion     types.Int64  `tfsdk:"admin_user_password_wo_version"`
}

// clusterSetupTaskModel is what the API returns of the setup task: everything but secret values.
type clusterSetupTaskModel struct {
	CommandLine          types.String `tfsdk:"command_line"`
	EnvironmentVariables types.Map    `tfsdk:"environment_variables"`
	SecretReferences     types.List   `tfsdk:"secret_reference"`
	StdOutErrPathPrefix  types.String `tfsdk:"std_out_err_path_prefix"`
	StdOutErrPathSuffix  types.String `tfsdk:"std_out_err_path_suffix"`
}

type clusterSetupTaskResourceModel struct {
	clusterSetupTaskModel
	Secrets          types.Map   `tfsdk:"secrets"`
	SecretsWO        types.Map   `tfsdk:"secrets_wo"`
	SecretsWOVersion types.Int64 `tfsdk:"secrets_wo_version"`
}

// clusterSecretReferenceModel is a setup-task environment variable whose value lives in Key Vault.
type clusterSecretReferenceModel struct {
	Name          types.String `tfsdk:"name"`
	SourceVaultID types.String `tfsdk:"source_vault_id"`
	SecretURL     types.String `tfsdk:"secret_url"`
}

type clusterKeyVaultSecretReferenceModel struct {
	SourceVaultID types.String `tfsdk:"source_vault_id"`
	SecretURL     types.String `tfsdk:"secret_url"`
}

// clusterMountVolumesModel is shared as is: its lists carry their own element types, which differ
// between the resource (with keys) and the data source.
type clusterMountVolumesModel struct {
	AzureFileShares      types.List `tfsdk:"azure_file_share"`
	AzureBlobFileSystems types.List `tfsdk:"azure_blob_file_system"`
	FileServers          types.List `tfsdk:"file_server"`
	UnmanagedFileSystems types.List `tfsdk:"unmanaged_file_system"`
}

type clusterAzureFileShareModel struct {
	AccountName               types.String `tfsdk:"account_name"`
	AzureFileURL              types.String `tfsdk:"azure_file_url"`
	AccountKeySecretReference types.Object `tfsdk:"account_key_secret_reference"`
	RelativeMountPath         types.String `tfsdk:"relative_mount_path"`
	FileMode                  types.String `tfsdk:"file_mode"`
	DirectoryMode             types.String `tfsdk:"directory_mode"`
}

type clusterAzureFileShareResourceModel struct {
	clusterAzureFileShareModel
	clusterAccountKeyModel
}

type clusterAzureBlobFileSystemModel struct {
	AccountName               types.String `tfsdk:"account_name"`
	ContainerName             types.String `tfsdk:"container_name"`
	AccountKeySecretReference types.Object `tfsdk:"account_key_secret_reference"`
	RelativeMountPath         types.String `tfsdk:"relative_mount_path"`
	MountOptions              types.String `tfsdk:"mount_options"`
}

type clusterAzureBlobFileSystemResourceModel struct {
	clusterAzureBlobFileSystemModel
	clusterAccountKeyModel
}

// clusterAccountKeyModel is a storage account key in its three resource-only forms.
type clusterAccountKeyModel struct {
	AccountKey          types.String `tfsdk:"account_key"`
	AccountKeyWO        types.String `tfsdk:"account_key_wo"`
	AccountKeyWOVersion types.Int64  `tfsdk:"account_key_wo_version"`
}

type clusterFileServerMountModel struct {
	FileServerID      types.String `tfsdk:"file_server_id"`
	RelativeMountPath types.String `tfsdk:"relative_mount_path"`
	SourceDirectory   types.String `tfsdk:"source_directory"`
	MountOptions      types.String `tfsdk:"mount_options"`
}

type clusterUnmanagedFileSystemModel struct {
	MountCommand      types.String `tfsdk:"mount_command"`
	RelativeMountPath types.String `tfsdk:"relative_mount_path"`
}

type clusterPerformanceCountersModel struct {
	AppInsightsComponentID            types.String `tfsdk:"app_insights_component_id"`
	InstrumentationKeySecretReference types.Object `tfsdk:"instrumentation_key_secret_reference"`
}

type clusterPerformanceCountersResourceModel struct {
	clusterPerformanceCountersModel
	InstrumentationKey          types.String `tfsdk:"instrumentation_key"`
	InstrumentationKeyWO        types.String `tfsdk:"instrumentation_key_wo"`
	InstrumentationKeyWOVersion types.Int64  `tfsdk:"instrumentation_key_wo_version"`
}

type clusterNodeStateCountsModel struct {
	Idle      types.Int64 `tfsdk:"idle"`
	Running   types.Int64 `tfsdk:"running"`
	Preparing types.Int64 `tfsdk:"preparing"`
	Unusable  types.Int64 `tfsdk:"unusable"`
	Leaving   types.Int64 `tfsdk:"leaving"`
}

type clusterErrorModel struct {
	Code    types.String `tfsdk:"code"`
	Message types.String `tfsdk:"message"`
	Details types.Map    `tfsdk:"details"`
}

// clusterStateModel is the read-only state of a cluster, shared by batchai_cluster and batchai_clusters.
type clusterStateModel struct {
	ID                              types.String `tfsdk:"id"`
	VMSize                          types.String `tfsdk:"vm_size"`
	VMPriority                      types.String `tfsdk:"vm_priority"`
	AllocationState                 types.String `tfsdk:"allocation_state"`
	AllocationStateTransitionTime   types.String `tfsdk:"allocation_state_transition_time"`
	CurrentNodeCount                types.Int64  `tfsdk:"current_node_count"`
	NodeStateCounts                 types.Object `tfsdk:"node_state_counts"`
	ProvisioningState               types.String `tfsdk:"provisioning_state"`
	ProvisioningStateTransitionTime types.String `tfsdk:"provisioning_state_transition_time"`
	CreationTime                    types.String `tfsdk:"creation_time"`
}

// clusterDataSourceModel is the batchai_cluster data source: everything the API returns of a cluster.
type clusterDataSourceModel struct {
	Name        types.String `tfsdk:"name"`
	WorkspaceID types.String `tfsdk:"workspace_id"`
	clusterStateModel
	ScaleSettings       types.Object `tfsdk:"scale_settings"`
	ImageReference      types.Object `tfsdk:"image_reference"`
	UserAccount         types.Object `tfsdk:"user_account"`
	SubnetID            types.String `tfsdk:"subnet_id"`
	SetupTask           types.Object `tfsdk:"setup_task"`
	MountVolumes        types.Object `tfsdk:"mount_volumes"`
	PerformanceCounters types.Object `tfsdk:"performance_counters"`
	Errors              types.List   `tfsdk:"errors"`
}

// clustersDataSourceModel is the batchai_clusters data source.
type clustersDataSourceModel struct {
	WorkspaceID types.String `tfsdk:"workspace_id"`
	ID          types.String `tfsdk:"id"`
	Clusters    types.List   `tfsdk:"clusters"`
}

// clusterSummaryModel is one row of batchai_clusters: the CLI table's columns and a little more.
type clusterSummaryModel struct {
	Name types.String `tfsdk:"name"`
	clusterStateModel
}

// clusterNodesDataSourceModel is the batchai_cluster_nodes data source.
type clusterNodesDataSourceModel struct {
	ClusterID        types.String             `tfsdk:"cluster_id"`
	WaitForNodeCount types.Int64              `tfsdk:"wait_for_node_count"`
	ID               types.String             `tfsdk:"id"`
	AdminUserName    types.String             `tfsdk:"admin_user_name"`
	Nodes            types.List               `tfsdk:"nodes"`
	Timeouts         datasourcetimeouts.Value `tfsdk:"timeouts"`
}

// clusterNodeModel is one node of batchai_cluster_nodes, with the command that reaches it.
type clusterNodeModel struct {
	NodeID     types.String `tfsdk:"node_id"`
	IPAddress  types.String `tfsdk:"ip_address"`
	Port       types.Int64  `tfsdk:"port"`
	SSHCommand types.String `tfsdk:"ssh_command"`
}

// The object types of the nested models, read from the schemas when the package initializes (init below):
// the schemas are the one place they are written. Types shared by the resource and the data sources
// (scale settings, image, node counts, errors, Key Vault references, file server and unmanaged mounts) are
// the resource's; the data sources declare the same attributes, which TestClusterDataSourceTypesMatchResource
// checks.
var (
	clusterScaleSettingsAttrTypes           map[string]attr.Type
	clusterManualScaleAttrTypes             map[string]attr.Type
	clusterAutoScaleAttrTypes               map[string]attr.Type
	clusterImageReferenceAttrTypes          map[string]attr.Type
	clusterKeyVaultSecretReferenceAttrTypes map[string]attr.Type
	clusterSecretReferenceAttrTypes         map[string]attr.Type
	clusterNodeStateCountsAttrTypes         map[string]attr.Type
	clusterErrorAttrTypes                   map[string]attr.Type
	clusterFileServerMountAttrTypes         map[string]attr.Type
	clusterUnmanagedFileSystemAttrTypes     map[string]attr.Type

	// The resource's own: API-visible attributes plus the secrets and their write-only twins.
	clusterUserAccountResourceAttrTypes         map[string]attr.Type
	clusterSetupTaskResourceAttrTypes           map[string]attr.Type
	clusterAzureFileShareResourceAttrTypes      map[string]attr.Type
	clusterAzureBlobFileSystemResourceAttrTypes map[string]attr.Type
	clusterMountVolumesResourceAttrTypes        map[string]attr.Type
	clusterPerformanceCountersResourceAttrTypes map[string]attr.Type

	// The data sources' own: no secrets.
	clusterUserAccountAttrTypes         map[string]attr.Type
	clusterSetupTaskAttrTypes           map[string]attr.Type
	clusterMountVolumesAttrTypes        map[string]attr.Type
	clusterPerformanceCountersAttrTypes map[string]attr.Type
	clusterSummaryAttrTypes             map[string]attr.Type
	clusterNodeAttrTypes                map[string]attr.Type
)

// init reads the object types from the schemas. It is an init function rather than variable initializers
// because the schemas refer (through plan modifiers) to code that uses these types.
func init() {
	ctx := context.Background()
	r := clusterResourceSchema(ctx)
	at := func(p path.Path) map[string]attr.Type { return objectAttrTypesAt(r, p) }
	scale, mounts := path.Root("scale_settings"), path.Root("mount_volumes")
	clusterScaleSettingsAttrTypes = at(scale)
	clusterManualScaleAttrTypes = at(scale.AtName("manual"))
	clusterAutoScaleAttrTypes = at(scale.AtName("auto_scale"))
	clusterImageReferenceAttrTypes = at(path.Root("image_reference"))
	clusterKeyVaultSecretReferenceAttrTypes = at(path.Root("performance_counters").AtName("instrumentation_key_secret_reference"))
	clusterSecretReferenceAttrTypes = at(path.Root("setup_task").AtName("secret_reference"))
	clusterNodeStateCountsAttrTypes = at(path.Root("node_state_counts"))
	clusterErrorAttrTypes = at(path.Root("errors"))
	clusterFileServerMountAttrTypes = at(mounts.AtName("file_server"))
	clusterUnmanagedFileSystemAttrTypes = at(mounts.AtName("unmanaged_file_system"))

	clusterUserAccountResourceAttrTypes = at(path.Root("user_account"))
	clusterSetupTaskResourceAttrTypes = at(path.Root("setup_task"))
	clusterAzureFileShareResourceAttrTypes = at(mounts.AtName("azure_file_share"))
	clusterAzureBlobFileSystemResourceAttrTypes = at(mounts.AtName("azure_blob_file_system"))
	clusterMountVolumesResourceAttrTypes = at(mounts)
	clusterPerformanceCountersResourceAttrTypes = at(path.Root("performance_counters"))

	d := clusterDataSourceSchema()
	clusterUserAccountAttrTypes = objectAttrTypesAt(d, path.Root("user_account"))
	clusterSetupTaskAttrTypes = objectAttrTypesAt(d, path.Root("setup_task"))
	clusterMountVolumesAttrTypes = objectAttrTypesAt(d, mounts)
	clusterPerformanceCountersAttrTypes = objectAttrTypesAt(d, path.Root("performance_counters"))
	clusterSummaryAttrTypes = objectAttrTypesAt(clustersDataSourceSchema(), path.Root("clusters"))
	clusterNodeAttrTypes = objectAttrTypesAt(clusterNodesDataSourceSchema(ctx), path.Root("nodes"))
}
