package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// Flatteners: one per API type, from the wire model to the API-visible model. They know nothing of
// secrets or of prior state, so the cluster data source can use them as they are; the resource adds
// what the API never returns in cluster_resource_state.go.

func flattenScaleSettings(ctx context.Context, s *api.ScaleSettings, diags *diag.Diagnostics) types.Object {
	if s == nil {
		return types.ObjectNull(clusterScaleSettingsAttrTypes)
	}
	m := clusterScaleSettingsModel{
		Manual:    types.ObjectNull(clusterManualScaleAttrTypes),
		AutoScale: types.ObjectNull(clusterAutoScaleAttrTypes),
	}
	if s.Manual != nil {
		m.Manual = objectFrom(ctx, clusterManualScaleAttrTypes, api.Ptr(flattenManualScale(*s.Manual)), diags)
	}
	if s.AutoScale != nil {
		m.AutoScale = objectFrom(ctx, clusterAutoScaleAttrTypes, api.Ptr(flattenAutoScale(*s.AutoScale)), diags)
	}
	return objectFrom(ctx, clusterScaleSettingsAttrTypes, &m, diags)
}

func flattenManualScale(m api.ManualScaleSettings) clusterManualScaleModel {
	opt := m.NodeDeallocationOption
	if opt == nil {
		opt = api.Ptr(api.DeallocationRequeue) // the spec's default, which the service fills in
	}
	return clusterManualScaleModel{
		TargetNodeCount:        int64Value(m.TargetNodeCount),
		NodeDeallocationOption: types.StringValue(*opt),
	}
}

func flattenAutoScale(a api.AutoScaleSettings) clusterAutoScaleModel {
	return clusterAutoScaleModel{
		MinimumNodeCount: int64Value(a.MinimumNodeCount),
		MaximumNodeCount: int64Value(a.MaximumNodeCount),
		InitialNodeCount: int64Value(a.InitialNodeCount),
	}
}

func flattenImageReference(ctx context.Context, vmc *api.VirtualMachineConfiguration, diags *diag.Diagnostics) types.Object {
	if vmc == nil || vmc.ImageReference == nil {
		return types.ObjectNull(clusterImageReferenceAttrTypes)
	}
	ir := vmc.ImageReference
	return objectFrom(ctx, clusterImageReferenceAttrTypes, &clusterImageReferenceModel{
		Publisher:             stringValue(ir.Publisher),
		Offer:                 stringValue(ir.Offer),
		Sku:                   stringValue(ir.Sku),
		Version:               stringValue(ir.Version),
		VirtualMachineImageID: stringValue(ir.VirtualMachineImageID),
	}, diags)
}

func flattenUserAccount(u *api.UserAccountSettings) clusterUserAccountModel {
	if u == nil {
		return clusterUserAccountModel{AdminUserName: types.StringNull()}
	}
	return clusterUserAccountModel{AdminUserName: stringValue(u.AdminUserName)}
}

// flattenSetupTask returns what the API reports of a setup task: its secrets only by name (values are
// never returned), except those read from Key Vault, whose references are not secret.
func flattenSetupTask(ctx context.Context, st api.SetupTask, diags *diag.Diagnostics) clusterSetupTaskModel {
	m := clusterSetupTaskModel{
		CommandLine:          stringValue(st.CommandLine),
		EnvironmentVariables: types.MapNull(types.StringType),
		StdOutErrPathPrefix:  stringValue(st.StdOutErrPathPrefix),
		StdOutErrPathSuffix:  stringValue(st.StdOutErrPathSuffix),
	}
	if len(st.EnvironmentVariables) > 0 {
		env := map[string]attr.Value{}
		for _, e := range st.EnvironmentVariables {
			env[api.Deref(e.Name)] = types.StringValue(api.Deref(e.Value))
		}
		m.EnvironmentVariables = types.MapValueMust(types.StringType, env)
	}
	var refs []clusterSecretReferenceModel
	for _, s := range st.Secrets {
		if r := s.ValueSecretReference; r != nil {
			refs = append(refs, clusterSecretReferenceModel{
				Name:          stringValue(s.Name),
				SourceVaultID: stringValue(resourceIDString(r.SourceVault)),
				SecretURL:     stringValue(r.SecretURL),
			})
		}
	}
	m.SecretReferences = listFrom(ctx, clusterSecretReferenceAttrTypes, refs, diags)
	return m
}

func flattenKeyVaultSecretReference(ctx context.Context, r *api.KeyVaultSecretReference, diags *diag.Diagnostics) types.Object {
	if r == nil {
		return types.ObjectNull(clusterKeyVaultSecretReferenceAttrTypes)
	}
	return objectFrom(ctx, clusterKeyVaultSecretReferenceAttrTypes, &clusterKeyVaultSecretReferenceModel{
		SourceVaultID: stringValue(resourceIDString(r.SourceVault)),
		SecretURL:     stringValue(r.SecretURL),
	}, diags)
}

func flattenAzureFileShare(ctx context.Context, r api.AzureFileShareReference, diags *diag.Diagnostics) clusterAzureFileShareModel {
	m := clusterAzureFileShareModel{
		AccountName:               stringValue(r.AccountName),
		AzureFileURL:              stringValue(r.AzureFileURL),
		AccountKeySecretReference: types.ObjectNull(clusterKeyVaultSecretReferenceAttrTypes),
		RelativeMountPath:         stringValue(r.RelativeMountPath),
		FileMode:                  stringValue(defaultString(r.FileMode, api.DefaultFileMode)),
		DirectoryMode:             stringValue(defaultString(r.DirectoryMode, api.DefaultDirectoryMode)),
	}
	if r.Credentials != nil {
		m.AccountKeySecretReference = flattenKeyVaultSecretReference(ctx, r.Credentials.AccountKeySecretReference, diags)
	}
	return m
}

func flattenAzureBlobFileSystem(ctx context.Context, r api.AzureBlobFileSystemReference, diags *diag.Diagnostics) clusterAzureBlobFileSystemModel {
	m := clusterAzureBlobFileSystemModel{
		AccountName:               stringValue(r.AccountName),
		ContainerName:             stringValue(r.ContainerName),
		AccountKeySecretReference: types.ObjectNull(clusterKeyVaultSecretReferenceAttrTypes),
		RelativeMountPath:         stringValue(r.RelativeMountPath),
		MountOptions:              stringValue(r.MountOptions),
	}
	if r.Credentials != nil {
		m.AccountKeySecretReference = flattenKeyVaultSecretReference(ctx, r.Credentials.AccountKeySecretReference, diags)
	}
	return m
}

func flattenFileServerMount(r api.FileServerReference) clusterFileServerMountModel {
	return clusterFileServerMountModel{
		FileServerID:      stringValue(resourceIDString(r.FileServer)),
		RelativeMountPath: stringValue(r.RelativeMountPath),
		SourceDirectory:   stringValue(r.SourceDirectory),
		MountOptions:      stringValue(r.MountOptions),
	}
}

func flattenUnmanagedFileSystem(r api.UnmanagedFileSystemReference) clusterUnmanagedFileSystemModel {
	return clusterUnmanagedFileSystemModel{
		MountCommand:      stringValue(r.MountCommand),
		RelativeMountPath: stringValue(r.RelativeMountPath),
	}
}

func flattenPerformanceCounters(ctx context.Context, p api.PerformanceCountersSettings, diags *diag.Diagnostics) clusterPerformanceCountersModel {
	m := clusterPerformanceCountersModel{
		AppInsightsComponentID:            types.StringNull(),
		InstrumentationKeySecretReference: types.ObjectNull(clusterKeyVaultSecretReferenceAttrTypes),
	}
	if r := p.AppInsightsReference; r != nil {
		m.AppInsightsComponentID = stringValue(resourceIDString(r.Component))
		m.InstrumentationKeySecretReference = flattenKeyVaultSecretReference(ctx, r.InstrumentationKeySecretReference, diags)
	}
	return m
}

func flattenNodeStateCounts(ctx context.Context, n *api.NodeStateCounts, diags *diag.Diagnostics) types.Object {
	if n == nil {
		n = &api.NodeStateCounts{}
	}
	return objectFrom(ctx, clusterNodeStateCountsAttrTypes, &clusterNodeStateCountsModel{
		Idle:      int64Value(n.IdleNodeCount),
		Running:   int64Value(n.RunningNodeCount),
		Preparing: int64Value(n.PreparingNodeCount),
		Unusable:  int64Value(n.UnusableNodeCount),
		Leaving:   int64Value(n.LeavingNodeCount),
	}, diags)
}

// flattenClusterErrors is never null, so that a cluster without errors reads as [] both times.
func flattenClusterErrors(ctx context.Context, errs []api.BatchAIError, diags *diag.Diagnostics) types.List {
	items := make([]clusterErrorModel, 0, len(errs))
	for _, e := range errs {
		details := map[string]attr.Value{}
		for _, d := range e.Details {
			details[api.Deref(d.Name)] = types.StringValue(api.Deref(d.Value))
		}
		items = append(items, clusterErrorModel{
			Code:    stringValue(e.Code),
			Message: stringValue(e.Message),
			Details: types.MapValueMust(types.StringType, details),
		})
	}
	return listFrom(ctx, clusterErrorAttrTypes, items, diags)
}

func resourceIDString(r *api.ResourceID) *string {
	if r == nil {
		return nil
	}
	return r.ID
}

func defaultString(p *string, def string) *string {
	if p == nil {
		return &def
	}
	return p
}
