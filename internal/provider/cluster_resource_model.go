package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The tfsdk models of batchai_cluster. Nested blocks are held as types.Object / types.List rather than
// pointers to structs so that plans with unknown values (ModifyPlan, validators) can be read without
// errors; the objectAs/listAs helpers convert them where a known value is needed.
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

// Object types of the models above. They must agree with the schema; TestClusterResourceSchemaTypes
// compares each with the type the schema declares at its path, so a drift fails a test, not a plan.
var (
	clusterManualScaleAttrTypes = map[string]attr.Type{
		"target_node_count":        types.Int64Type,
		"node_deallocation_option": types.StringType,
	}
	clusterAutoScaleAttrTypes = map[string]attr.Type{
		"minimum_node_count": types.Int64Type,
		"maximum_node_count": types.Int64Type,
		"initial_node_count": types.Int64Type,
	}
	clusterScaleSettingsAttrTypes = map[string]attr.Type{
		"manual":     types.ObjectType{AttrTypes: clusterManualScaleAttrTypes},
		"auto_scale": types.ObjectType{AttrTypes: clusterAutoScaleAttrTypes},
	}
	clusterImageReferenceAttrTypes = map[string]attr.Type{
		"publisher":                types.StringType,
		"offer":                    types.StringType,
		"sku":                      types.StringType,
		"version":                  types.StringType,
		"virtual_machine_image_id": types.StringType,
	}
	clusterKeyVaultSecretReferenceAttrTypes = map[string]attr.Type{
		"source_vault_id": types.StringType,
		"secret_url":      types.StringType,
	}
	clusterSecretReferenceAttrTypes = map[string]attr.Type{
		"name":            types.StringType,
		"source_vault_id": types.StringType,
		"secret_url":      types.StringType,
	}
	clusterNodeStateCountsAttrTypes = map[string]attr.Type{
		"idle":      types.Int64Type,
		"running":   types.Int64Type,
		"preparing": types.Int64Type,
		"unusable":  types.Int64Type,
		"leaving":   types.Int64Type,
	}
	clusterErrorAttrTypes = map[string]attr.Type{
		"code":    types.StringType,
		"message": types.StringType,
		"details": types.MapType{ElemType: types.StringType},
	}
	clusterFileServerMountAttrTypes = map[string]attr.Type{
		"file_server_id":      types.StringType,
		"relative_mount_path": types.StringType,
		"source_directory":    types.StringType,
		"mount_options":       types.StringType,
	}
	clusterUnmanagedFileSystemAttrTypes = map[string]attr.Type{
		"mount_command":       types.StringType,
		"relative_mount_path": types.StringType,
	}
)

// Resource-only object types: the API-visible attributes plus keys and their write-only twins.
var (
	clusterAccountKeyAttrTypes = map[string]attr.Type{
		"account_key":            types.StringType,
		"account_key_wo":         types.StringType,
		"account_key_wo_version": types.Int64Type,
	}
	clusterUserAccountResourceAttrTypes = map[string]attr.Type{
		"admin_user_name":                      types.StringType,
		"admin_user_ssh_public_key":            types.StringType,
		"admin_user_ssh_public_key_wo":         types.StringType,
		"admin_user_ssh_public_key_wo_version": types.Int64Type,
		"admin_user_password":                  types.StringType,
		"admin_user_password_wo":               types.StringType,
		"admin_user_password_wo_version":       types.Int64Type,
	}
	clusterSetupTaskResourceAttrTypes = map[string]attr.Type{
		"command_line":            types.StringType,
		"environment_variables":   types.MapType{ElemType: types.StringType},
		"secret_reference":        types.ListType{ElemType: types.ObjectType{AttrTypes: clusterSecretReferenceAttrTypes}},
		"std_out_err_path_prefix": types.StringType,
		"std_out_err_path_suffix": types.StringType,
		"secrets":                 types.MapType{ElemType: types.StringType},
		"secrets_wo":              types.MapType{ElemType: types.StringType},
		"secrets_wo_version":      types.Int64Type,
	}
	clusterAzureFileShareResourceAttrTypes = mergeAttrTypes(map[string]attr.Type{
		"account_name":                 types.StringType,
		"azure_file_url":               types.StringType,
		"account_key_secret_reference": types.ObjectType{AttrTypes: clusterKeyVaultSecretReferenceAttrTypes},
		"relative_mount_path":          types.StringType,
		"file_mode":                    types.StringType,
		"directory_mode":               types.StringType,
	}, clusterAccountKeyAttrTypes)
	clusterAzureBlobFileSystemResourceAttrTypes = mergeAttrTypes(map[string]attr.Type{
		"account_name":                 types.StringType,
		"container_name":               types.StringType,
		"account_key_secret_reference": types.ObjectType{AttrTypes: clusterKeyVaultSecretReferenceAttrTypes},
		"relative_mount_path":          types.StringType,
		"mount_options":                types.StringType,
	}, clusterAccountKeyAttrTypes)
	clusterMountVolumesResourceAttrTypes = map[string]attr.Type{
		"azure_file_share":       types.ListType{ElemType: types.ObjectType{AttrTypes: clusterAzureFileShareResourceAttrTypes}},
		"azure_blob_file_system": types.ListType{ElemType: types.ObjectType{AttrTypes: clusterAzureBlobFileSystemResourceAttrTypes}},
		"file_server":            types.ListType{ElemType: types.ObjectType{AttrTypes: clusterFileServerMountAttrTypes}},
		"unmanaged_file_system":  types.ListType{ElemType: types.ObjectType{AttrTypes: clusterUnmanagedFileSystemAttrTypes}},
	}
	clusterPerformanceCountersResourceAttrTypes = map[string]attr.Type{
		"app_insights_component_id":            types.StringType,
		"instrumentation_key_secret_reference": types.ObjectType{AttrTypes: clusterKeyVaultSecretReferenceAttrTypes},
		"instrumentation_key":                  types.StringType,
		"instrumentation_key_wo":               types.StringType,
		"instrumentation_key_wo_version":       types.Int64Type,
	}
)

func mergeAttrTypes(maps ...map[string]attr.Type) map[string]attr.Type {
	out := map[string]attr.Type{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}
