package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// setFromAPI refreshes m from a cluster the API returned. m holds the prior values (the plan during
// create and update, the state during read, almost nothing after import), which decide what the API
// cannot: secrets and their write-only versions, the letter case of case-insensitive values, and the
// create-only initial_node_count. Write-only attributes are always null here.
func (m *clusterResourceModel) setFromAPI(ctx context.Context, c api.Cluster) diag.Diagnostics {
	var diags diag.Diagnostics
	p := c.Properties
	if p == nil {
		p = &api.ClusterProperties{}
	}
	if m.ID.IsNull() || m.ID.IsUnknown() {
		m.ID = stringValue(c.ID)
	}
	m.Name = keepCasing(m.Name, stringValue(c.Name))
	if m.WorkspaceID.IsNull() || m.WorkspaceID.IsUnknown() {
		if id, err := api.ParseClusterID(m.ID.ValueString()); err == nil {
			m.WorkspaceID = types.StringValue(id.WorkspaceID().String())
		}
	}
	m.VMSize = keepCasing(m.VMSize, stringValue(p.VMSize))
	m.VMPriority = stringValue(defaultString(p.VMPriority, api.VMPriorityDedicated))
	m.ScaleSettings = keepInitialNodeCount(ctx, m.ScaleSettings, flattenScaleSettings(ctx, p.ScaleSettings, &diags), &diags)
	m.ImageReference = flattenImageReference(ctx, p.VirtualMachineConfiguration, &diags)
	m.SubnetID = keepCasing(m.SubnetID, stringValue(resourceIDString(p.Subnet)))
	m.UserAccount = resourceUserAccount(ctx, p.UserAccountSettings, m.UserAccount, &diags)

	var ns api.NodeSetup
	if p.NodeSetup != nil {
		ns = *p.NodeSetup
	}
	m.SetupTask = resourceSetupTask(ctx, ns.SetupTask, m.SetupTask, &diags)
	m.MountVolumes = resourceMountVolumes(ctx, ns.MountVolumes, m.MountVolumes, &diags)
	m.PerformanceCounters = resourcePerformanceCounters(ctx, ns.PerformanceCountersSettings, m.PerformanceCounters, &diags)

	if m.WaitForSteadyState.IsNull() || m.WaitForSteadyState.IsUnknown() {
		m.WaitForSteadyState = types.BoolValue(true)
	}
	m.setObservedFromAPI(ctx, p, &diags)
	return diags
}

// setObservedFromAPI sets the read-only values that change while the cluster lives.
func (m *clusterResourceModel) setObservedFromAPI(ctx context.Context, p *api.ClusterProperties, diags *diag.Diagnostics) {
	m.AllocationState = stringValue(p.AllocationState)
	m.CurrentNodeCount = int64Value(p.CurrentNodeCount)
	m.NodeStateCounts = flattenNodeStateCounts(ctx, p.NodeStateCounts, diags)
	m.Errors = flattenClusterErrors(ctx, p.Errors, diags)
	m.CreationTime = stringValue(p.CreationTime)
	m.ProvisioningState = stringValue(p.ProvisioningState)
}

// keepCasing keeps the prior value when the API returns the same value in another letter case.
func keepCasing(prior, fromAPI types.String) types.String {
	if !prior.IsNull() && !prior.IsUnknown() && !fromAPI.IsNull() && strings.EqualFold(prior.ValueString(), fromAPI.ValueString()) {
		return prior
	}
	return fromAPI
}

// keepInitialNodeCount keeps the prior auto_scale.initial_node_count: it only mattered at creation and
// must never show as drift. After an import there is no prior value, and the API's is used.
func keepInitialNodeCount(ctx context.Context, prior, fromAPI types.Object, diags *diag.Diagnostics) types.Object {
	priorSS := objectAs[clusterScaleSettingsModel](ctx, prior, diags)
	apiSS := objectAs[clusterScaleSettingsModel](ctx, fromAPI, diags)
	if priorSS == nil || apiSS == nil {
		return fromAPI
	}
	priorAuto := objectAs[clusterAutoScaleModel](ctx, priorSS.AutoScale, diags)
	apiAuto := objectAs[clusterAutoScaleModel](ctx, apiSS.AutoScale, diags)
	if priorAuto == nil || apiAuto == nil || priorAuto.InitialNodeCount.IsNull() || priorAuto.InitialNodeCount.IsUnknown() {
		return fromAPI
	}
	apiAuto.InitialNodeCount = priorAuto.InitialNodeCount
	apiSS.AutoScale = objectFrom(ctx, clusterAutoScaleAttrTypes, apiAuto, diags)
	return objectFrom(ctx, clusterScaleSettingsAttrTypes, apiSS, diags)
}

func resourceUserAccount(ctx context.Context, u *api.UserAccountSettings, prior types.Object, diags *diag.Diagnostics) types.Object {
	if u == nil {
		return types.ObjectNull(clusterUserAccountResourceAttrTypes)
	}
	out := clusterUserAccountResourceModel{clusterUserAccountModel: flattenUserAccount(u)}
	if p := objectAs[clusterUserAccountResourceModel](ctx, prior, diags); p != nil {
		out.AdminUserSSHPublicKey = p.AdminUserSSHPublicKey
		out.AdminUserSSHPublicKeyWOVersion = p.AdminUserSSHPublicKeyWOVersion
		out.AdminUserPassword = p.AdminUserPassword
		out.AdminUserPasswordWOVersion = p.AdminUserPasswordWOVersion
	}
	return objectFrom(ctx, clusterUserAccountResourceAttrTypes, &out, diags)
}

func resourceSetupTask(ctx context.Context, st *api.SetupTask, prior types.Object, diags *diag.Diagnostics) types.Object {
	if st == nil {
		return types.ObjectNull(clusterSetupTaskResourceAttrTypes)
	}
	out := clusterSetupTaskResourceModel{
		clusterSetupTaskModel: flattenSetupTask(ctx, *st, diags),
		Secrets:               types.MapNull(types.StringType),
		SecretsWO:             types.MapNull(types.StringType),
	}
	if p := objectAs[clusterSetupTaskResourceModel](ctx, prior, diags); p != nil {
		out.Secrets = p.Secrets
		out.SecretsWOVersion = p.SecretsWOVersion
		// An empty map in configuration must stay empty, not become null.
		if out.EnvironmentVariables.IsNull() && !p.EnvironmentVariables.IsNull() && !p.EnvironmentVariables.IsUnknown() &&
			len(p.EnvironmentVariables.Elements()) == 0 {
			out.EnvironmentVariables = p.EnvironmentVariables
		}
	}
	return objectFrom(ctx, clusterSetupTaskResourceAttrTypes, &out, diags)
}

func resourcePerformanceCounters(ctx context.Context, pc *api.PerformanceCountersSettings, prior types.Object, diags *diag.Diagnostics) types.Object {
	if pc == nil || pc.AppInsightsReference == nil {
		return types.ObjectNull(clusterPerformanceCountersResourceAttrTypes)
	}
	out := clusterPerformanceCountersResourceModel{clusterPerformanceCountersModel: flattenPerformanceCounters(ctx, *pc, diags)}
	if p := objectAs[clusterPerformanceCountersResourceModel](ctx, prior, diags); p != nil {
		out.InstrumentationKey = p.InstrumentationKey
		out.InstrumentationKeyWOVersion = p.InstrumentationKeyWOVersion
	}
	return objectFrom(ctx, clusterPerformanceCountersResourceAttrTypes, &out, diags)
}

// resourceMountVolumes adds the prior account keys to the mounts the API returns, matching each
// mount by its relative_mount_path (unique on a node), so a reordered list keeps its keys.
func resourceMountVolumes(ctx context.Context, mv *api.MountVolumes, prior types.Object, diags *diag.Diagnostics) types.Object {
	if mv == nil || len(mv.AzureFileShares)+len(mv.AzureBlobFileSystems)+len(mv.FileServers)+len(mv.UnmanagedFileSystems) == 0 {
		return types.ObjectNull(clusterMountVolumesResourceAttrTypes)
	}
	var priorAFS []clusterAzureFileShareResourceModel
	var priorBFS []clusterAzureBlobFileSystemResourceModel
	if p := objectAs[clusterMountVolumesModel](ctx, prior, diags); p != nil {
		priorAFS = listAs[clusterAzureFileShareResourceModel](ctx, p.AzureFileShares, diags)
		priorBFS = listAs[clusterAzureBlobFileSystemResourceModel](ctx, p.AzureBlobFileSystems, diags)
	}

	afs := make([]clusterAzureFileShareResourceModel, 0, len(mv.AzureFileShares))
	for _, r := range mv.AzureFileShares {
		m := clusterAzureFileShareResourceModel{clusterAzureFileShareModel: flattenAzureFileShare(ctx, r, diags)}
		m.clusterAccountKeyModel = priorAccountKey(priorAFS, func(p clusterAzureFileShareResourceModel) (types.String, clusterAccountKeyModel) {
			return p.RelativeMountPath, p.clusterAccountKeyModel
		}, m.RelativeMountPath)
		afs = append(afs, m)
	}
	bfs := make([]clusterAzureBlobFileSystemResourceModel, 0, len(mv.AzureBlobFileSystems))
	for _, r := range mv.AzureBlobFileSystems {
		m := clusterAzureBlobFileSystemResourceModel{clusterAzureBlobFileSystemModel: flattenAzureBlobFileSystem(ctx, r, diags)}
		m.clusterAccountKeyModel = priorAccountKey(priorBFS, func(p clusterAzureBlobFileSystemResourceModel) (types.String, clusterAccountKeyModel) {
			return p.RelativeMountPath, p.clusterAccountKeyModel
		}, m.RelativeMountPath)
		bfs = append(bfs, m)
	}
	fs := make([]clusterFileServerMountModel, 0, len(mv.FileServers))
	for _, r := range mv.FileServers {
		fs = append(fs, flattenFileServerMount(r))
	}
	ufs := make([]clusterUnmanagedFileSystemModel, 0, len(mv.UnmanagedFileSystems))
	for _, r := range mv.UnmanagedFileSystems {
		ufs = append(ufs, flattenUnmanagedFileSystem(r))
	}
	return objectFrom(ctx, clusterMountVolumesResourceAttrTypes, &clusterMountVolumesModel{
		AzureFileShares:      listFrom(ctx, clusterAzureFileShareResourceAttrTypes, afs, diags),
		AzureBlobFileSystems: listFrom(ctx, clusterAzureBlobFileSystemResourceAttrTypes, bfs, diags),
		FileServers:          listFrom(ctx, clusterFileServerMountAttrTypes, fs, diags),
		UnmanagedFileSystems: listFrom(ctx, clusterUnmanagedFileSystemAttrTypes, ufs, diags),
	}, diags)
}

// priorAccountKey finds the prior key of the mount at mountPath; the write-only key itself is never kept.
func priorAccountKey[T any](prior []T, key func(T) (types.String, clusterAccountKeyModel), mountPath types.String) clusterAccountKeyModel {
	for _, p := range prior {
		if path, k := key(p); path.Equal(mountPath) {
			return clusterAccountKeyModel{
				AccountKey:          k.AccountKey,
				AccountKeyWO:        types.StringNull(),
				AccountKeyWOVersion: k.AccountKeyWOVersion,
			}
		}
	}
	return clusterAccountKeyModel{AccountKey: types.StringNull(), AccountKeyWO: types.StringNull(), AccountKeyWOVersion: types.Int64Null()}
}
