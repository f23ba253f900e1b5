package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// Expanders of a cluster: one per API type, from the planned model to the wire model. Secrets come from the
// plan's classic attributes or, for write-only attributes (always null in plans), from the configuration
// (secretValue, cluster_secrets.go); the configuration's nested values line up index by index with the
// plan's, since neither holds computed list elements.

// expandClusterCreateParameters builds the body of the cluster PUT.
func expandClusterCreateParameters(ctx context.Context, plan, config clusterResourceModel) (api.ClusterCreateParameters, diag.Diagnostics) {
	var diags diag.Diagnostics
	props := &api.ClusterBaseProperties{
		VMSize:        stringPtr(plan.VMSize),
		VMPriority:    stringPtr(plan.VMPriority),
		ScaleSettings: expandScaleSettings(ctx, plan.ScaleSettings, &diags),
	}
	if ir := objectAs[clusterImageReferenceModel](ctx, plan.ImageReference, &diags); ir != nil {
		props.VirtualMachineConfiguration = &api.VirtualMachineConfiguration{ImageReference: expandImageReference(*ir)}
	}
	if s := stringPtr(plan.SubnetID); s != nil {
		props.Subnet = &api.ResourceID{ID: s}
	}
	props.UserAccountSettings = expandUserAccount(
		objectAs[clusterUserAccountResourceModel](ctx, plan.UserAccount, &diags),
		objectAs[clusterUserAccountResourceModel](ctx, config.UserAccount, &diags))

	nodeSetup := &api.NodeSetup{
		SetupTask: expandSetupTask(ctx,
			objectAs[clusterSetupTaskResourceModel](ctx, plan.SetupTask, &diags),
			objectAs[clusterSetupTaskResourceModel](ctx, config.SetupTask, &diags), &diags),
		MountVolumes: expandMountVolumes(ctx,
			objectAs[clusterMountVolumesModel](ctx, plan.MountVolumes, &diags),
			objectAs[clusterMountVolumesModel](ctx, config.MountVolumes, &diags), &diags),
		PerformanceCountersSettings: expandPerformanceCounters(ctx,
			objectAs[clusterPerformanceCountersResourceModel](ctx, plan.PerformanceCounters, &diags),
			objectAs[clusterPerformanceCountersResourceModel](ctx, config.PerformanceCounters, &diags), &diags),
	}
	if nodeSetup.SetupTask != nil || nodeSetup.MountVolumes != nil || nodeSetup.PerformanceCountersSettings != nil {
		props.NodeSetup = nodeSetup
	}
	return api.ClusterCreateParameters{Properties: props}, diags
}

// expandClusterUpdateParameters builds the body of the cluster PATCH: scale settings are all it holds.
func expandClusterUpdateParameters(ctx context.Context, plan clusterResourceModel) (api.ClusterUpdateParameters, diag.Diagnostics) {
	var diags diag.Diagnostics
	ss := expandScaleSettings(ctx, plan.ScaleSettings, &diags)
	return api.ClusterUpdateParameters{Properties: &api.ClusterUpdateProperties{ScaleSettings: ss}}, diags
}

func expandScaleSettings(ctx context.Context, obj types.Object, diags *diag.Diagnostics) *api.ScaleSettings {
	ss := objectAs[clusterScaleSettingsModel](ctx, obj, diags)
	if ss == nil {
		return nil
	}
	out := &api.ScaleSettings{}
	if m := objectAs[clusterManualScaleModel](ctx, ss.Manual, diags); m != nil {
		out.Manual = expandManualScale(*m)
	}
	if a := objectAs[clusterAutoScaleModel](ctx, ss.AutoScale, diags); a != nil {
		out.AutoScale = expandAutoScale(*a)
	}
	return out
}

func expandManualScale(m clusterManualScaleModel) *api.ManualScaleSettings {
	return &api.ManualScaleSettings{
		TargetNodeCount:        int32Ptr(m.TargetNodeCount),
		NodeDeallocationOption: stringPtr(m.NodeDeallocationOption),
	}
}

func expandAutoScale(m clusterAutoScaleModel) *api.AutoScaleSettings {
	return &api.AutoScaleSettings{
		MinimumNodeCount: int32Ptr(m.MinimumNodeCount),
		MaximumNodeCount: int32Ptr(m.MaximumNodeCount),
		InitialNodeCount: int32Ptr(m.InitialNodeCount),
	}
}

func expandImageReference(m clusterImageReferenceModel) *api.ImageReference {
	return &api.ImageReference{
		Publisher:             stringPtr(m.Publisher),
		Offer:                 stringPtr(m.Offer),
		Sku:                   stringPtr(m.Sku),
		Version:               stringPtr(m.Version),
		VirtualMachineImageID: stringPtr(m.VirtualMachineImageID),
	}
}

func expandUserAccount(plan, config *clusterUserAccountResourceModel) *api.UserAccountSettings {
	if plan == nil {
		return nil
	}
	if config == nil {
		config = &clusterUserAccountResourceModel{}
	}
	return &api.UserAccountSettings{
		AdminUserName:         stringPtr(plan.AdminUserName),
		AdminUserSSHPublicKey: secretValue(plan.AdminUserSSHPublicKey, config.AdminUserSSHPublicKeyWO),
		AdminUserPassword:     secretValue(plan.AdminUserPassword, config.AdminUserPasswordWO),
	}
}

func expandSetupTask(ctx context.Context, plan, config *clusterSetupTaskResourceModel, diags *diag.Diagnostics) *api.SetupTask {
	if plan == nil {
		return nil
	}
	if config == nil {
		config = &clusterSetupTaskResourceModel{}
	}
	st := &api.SetupTask{
		CommandLine:         stringPtr(plan.CommandLine),
		StdOutErrPathPrefix: stringPtr(plan.StdOutErrPathPrefix),
	}
	env := stringMap(ctx, plan.EnvironmentVariables, diags)
	for _, k := range sortedKeys(env) {
		st.EnvironmentVariables = append(st.EnvironmentVariables, api.EnvironmentVariable{Name: api.Ptr(k), Value: api.Ptr(env[k])})
	}
	secrets := stringMap(ctx, plan.Secrets, diags)
	if secrets == nil {
		secrets = stringMap(ctx, config.SecretsWO, diags)
	}
	for _, k := range sortedKeys(secrets) {
		st.Secrets = append(st.Secrets, api.EnvironmentVariableWithSecretValue{Name: api.Ptr(k), Value: api.Ptr(secrets[k])})
	}
	for _, r := range listAs[clusterSecretReferenceModel](ctx, plan.SecretReferences, diags) {
		st.Secrets = append(st.Secrets, api.EnvironmentVariableWithSecretValue{
			Name: stringPtr(r.Name),
			ValueSecretReference: &api.KeyVaultSecretReference{
				SourceVault: &api.ResourceID{ID: stringPtr(r.SourceVaultID)},
				SecretURL:   stringPtr(r.SecretURL),
			},
		})
	}
	return st
}

func expandKeyVaultSecretReference(ctx context.Context, obj types.Object, diags *diag.Diagnostics) *api.KeyVaultSecretReference {
	r := objectAs[clusterKeyVaultSecretReferenceModel](ctx, obj, diags)
	if r == nil {
		return nil
	}
	return &api.KeyVaultSecretReference{
		SourceVault: &api.ResourceID{ID: stringPtr(r.SourceVaultID)},
		SecretURL:   stringPtr(r.SecretURL),
	}
}

// expandStorageCredentials picks the account key (classic, then write-only) or the Key Vault reference.
func expandStorageCredentials(ctx context.Context, plan, config clusterAccountKeyModel, ref types.Object, diags *diag.Diagnostics) *api.AzureStorageCredentialsInfo {
	return &api.AzureStorageCredentialsInfo{
		AccountKey:                secretValue(plan.AccountKey, config.AccountKeyWO),
		AccountKeySecretReference: expandKeyVaultSecretReference(ctx, ref, diags),
	}
}

func expandMountVolumes(ctx context.Context, plan, config *clusterMountVolumesModel, diags *diag.Diagnostics) *api.MountVolumes {
	if plan == nil {
		return nil
	}
	if config == nil {
		config = &clusterMountVolumesModel{}
	}
	mv := &api.MountVolumes{}
	afsConfig := listAs[clusterAzureFileShareResourceModel](ctx, config.AzureFileShares, diags)
	for i, p := range listAs[clusterAzureFileShareResourceModel](ctx, plan.AzureFileShares, diags) {
		mv.AzureFileShares = append(mv.AzureFileShares, expandAzureFileShare(ctx, p, at(afsConfig, i), diags))
	}
	bfsConfig := listAs[clusterAzureBlobFileSystemResourceModel](ctx, config.AzureBlobFileSystems, diags)
	for i, p := range listAs[clusterAzureBlobFileSystemResourceModel](ctx, plan.AzureBlobFileSystems, diags) {
		mv.AzureBlobFileSystems = append(mv.AzureBlobFileSystems, expandAzureBlobFileSystem(ctx, p, at(bfsConfig, i), diags))
	}
	for _, p := range listAs[clusterFileServerMountModel](ctx, plan.FileServers, diags) {
		mv.FileServers = append(mv.FileServers, expandFileServerMount(p))
	}
	for _, p := range listAs[clusterUnmanagedFileSystemModel](ctx, plan.UnmanagedFileSystems, diags) {
		mv.UnmanagedFileSystems = append(mv.UnmanagedFileSystems, expandUnmanagedFileSystem(p))
	}
	return mv
}

func expandAzureFileShare(ctx context.Context, plan, config clusterAzureFileShareResourceModel, diags *diag.Diagnostics) api.AzureFileShareReference {
	return api.AzureFileShareReference{
		AccountName:       stringPtr(plan.AccountName),
		AzureFileURL:      stringPtr(plan.AzureFileURL),
		Credentials:       expandStorageCredentials(ctx, plan.clusterAccountKeyModel, config.clusterAccountKeyModel, plan.AccountKeySecretReference, diags),
		RelativeMountPath: stringPtr(plan.RelativeMountPath),
		FileMode:          stringPtr(plan.FileMode),
		DirectoryMode:     stringPtr(plan.DirectoryMode),
	}
}

func expandAzureBlobFileSystem(ctx context.Context, plan, config clusterAzureBlobFileSystemResourceModel, diags *diag.Diagnostics) api.AzureBlobFileSystemReference {
	return api.AzureBlobFileSystemReference{
		AccountName:       stringPtr(plan.AccountName),
		ContainerName:     stringPtr(plan.ContainerName),
		Credentials:       expandStorageCredentials(ctx, plan.clusterAccountKeyModel, config.clusterAccountKeyModel, plan.AccountKeySecretReference, diags),
		RelativeMountPath: stringPtr(plan.RelativeMountPath),
		MountOptions:      stringPtr(plan.MountOptions),
	}
}

func expandFileServerMount(m clusterFileServerMountModel) api.FileServerReference {
	return api.FileServerReference{
		FileServer:        &api.ResourceID{ID: stringPtr(m.FileServerID)},
		SourceDirectory:   stringPtr(m.SourceDirectory),
		RelativeMountPath: stringPtr(m.RelativeMountPath),
		MountOptions:      stringPtr(m.MountOptions),
	}
}

func expandUnmanagedFileSystem(m clusterUnmanagedFileSystemModel) api.UnmanagedFileSystemReference {
	return api.UnmanagedFileSystemReference{
		MountCommand:      stringPtr(m.MountCommand),
		RelativeMountPath: stringPtr(m.RelativeMountPath),
	}
}

func expandPerformanceCounters(ctx context.Context, plan, config *clusterPerformanceCountersResourceModel, diags *diag.Diagnostics) *api.PerformanceCountersSettings {
	if plan == nil {
		return nil
	}
	if config == nil {
		config = &clusterPerformanceCountersResourceModel{}
	}
	return &api.PerformanceCountersSettings{AppInsightsReference: &api.AppInsightsReference{
		Component:                         &api.ResourceID{ID: stringPtr(plan.AppInsightsComponentID)},
		InstrumentationKey:                secretValue(plan.InstrumentationKey, config.InstrumentationKeyWO),
		InstrumentationKeySecretReference: expandKeyVaultSecretReference(ctx, plan.InstrumentationKeySecretReference, diags),
	}}
}
