package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// Flatteners of a cluster: from the wire model to the resource's and the data sources' models. The ones of
// each API type (flattenScaleSettings, flattenSetupTask...) return only what the API returns, so that the
// resource and the data sources share them; the resource adds what the API never returns (secrets, kept
// from prior values) in cluster_secrets.go.

// setFromAPI refreshes m from a cluster the API returned. m holds the prior values (the plan during
// create and update, the state during read, almost nothing after import), which decide what the API
// cannot: secrets and their write-only versions, the letter case of case-insensitive values, and the
// create-only initial_node_count. Write-only attributes are always null here. The secrets come from the
// prior values (cluster_secrets.go), the spellings too (keepSpelling).
func (m *clusterResourceModel) setFromAPI(ctx context.Context, c api.Cluster) diag.Diagnostics {
	var diags diag.Diagnostics
	p := c.Properties
	if p == nil {
		p = &api.ClusterProperties{}
	}
	if m.ID.IsNull() || m.ID.IsUnknown() {
		m.ID = stringValue(c.ID)
	}
	m.Name = keepSpelling(normalizeCaseInsensitive, m.Name, stringValue(c.Name))
	if m.WorkspaceID.IsNull() || m.WorkspaceID.IsUnknown() {
		if id, err := api.ParseClusterID(m.ID.ValueString()); err == nil {
			m.WorkspaceID = types.StringValue(id.WorkspaceID().String())
		}
	}
	m.VMSize = keepSpelling(normalizeCaseInsensitive, m.VMSize, stringValue(p.VMSize))
	m.VMPriority = stringValue(defaultString(p.VMPriority, api.VMPriorityDedicated))
	m.ScaleSettings = keepInitialNodeCount(ctx, m.ScaleSettings, flattenScaleSettings(ctx, p.ScaleSettings, &diags), &diags)
	m.ImageReference = flattenImageReference(ctx, p.VirtualMachineConfiguration, &diags)
	m.SubnetID = keepSpelling(normalizeCaseInsensitive, m.SubnetID, stringValue(resourceIDString(p.Subnet)))
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

// nullUnknowns replaces the values that would only be known after apply with nulls, for a state
// recorded without reading the cluster (state may not hold unknowns).
func (m *clusterResourceModel) nullUnknowns(ctx context.Context) diag.Diagnostics {
	var diags diag.Diagnostics
	if m.ImageReference.IsUnknown() {
		m.ImageReference = types.ObjectNull(clusterImageReferenceAttrTypes)
	}
	if m.SubnetID.IsUnknown() {
		m.SubnetID = types.StringNull()
	}
	if st := objectAs[clusterSetupTaskResourceModel](ctx, m.SetupTask, &diags); st != nil && st.StdOutErrPathSuffix.IsUnknown() {
		st.StdOutErrPathSuffix = types.StringNull()
		m.SetupTask = objectFrom(ctx, clusterSetupTaskResourceAttrTypes, st, &diags)
	}
	if m.AllocationState.IsUnknown() {
		m.AllocationState = types.StringNull()
	}
	if m.CurrentNodeCount.IsUnknown() {
		m.CurrentNodeCount = types.Int64Null()
	}
	if m.NodeStateCounts.IsUnknown() {
		m.NodeStateCounts = types.ObjectNull(clusterNodeStateCountsAttrTypes)
	}
	if m.Errors.IsUnknown() {
		m.Errors = types.ListNull(types.ObjectType{AttrTypes: clusterErrorAttrTypes})
	}
	if m.CreationTime.IsUnknown() {
		m.CreationTime = types.StringNull()
	}
	if m.ProvisioningState.IsUnknown() {
		m.ProvisioningState = types.StringNull()
	}
	return diags
}

// flatten fills the batchai_cluster data source's model with the flatteners below (one per API type). They
// know nothing of secrets, so nothing needs stripping; the nested values whose resource form carries secrets
// are built with the data source's object types.
func (m *clusterDataSourceModel) flatten(ctx context.Context, id api.ClusterID, c api.Cluster) diag.Diagnostics {
	var diags diag.Diagnostics
	p := c.Properties
	if p == nil {
		p = &api.ClusterProperties{}
	}
	m.Name = types.StringValue(id.Name)
	m.WorkspaceID = types.StringValue(id.WorkspaceID().String())
	m.clusterStateModel = flattenClusterState(ctx, id, p, &diags)
	m.ScaleSettings = flattenScaleSettings(ctx, p.ScaleSettings, &diags)
	m.ImageReference = flattenImageReference(ctx, p.VirtualMachineConfiguration, &diags)
	m.UserAccount = objectFrom(ctx, clusterUserAccountAttrTypes, api.Ptr(flattenUserAccount(p.UserAccountSettings)), &diags)
	m.SubnetID = stringValue(resourceIDString(p.Subnet))
	m.Errors = flattenClusterErrors(ctx, p.Errors, &diags)

	ns := api.Deref(p.NodeSetup)
	m.SetupTask = types.ObjectNull(clusterSetupTaskAttrTypes)
	if ns.SetupTask != nil {
		m.SetupTask = objectFrom(ctx, clusterSetupTaskAttrTypes, api.Ptr(flattenSetupTask(ctx, *ns.SetupTask, &diags)), &diags)
	}
	m.MountVolumes = flattenMountVolumes(ctx, ns.MountVolumes, clusterMountVolumesAttrTypes,
		same[clusterAzureFileShareModel], same[clusterAzureBlobFileSystemModel], &diags)
	m.PerformanceCounters = types.ObjectNull(clusterPerformanceCountersAttrTypes)
	if ns.PerformanceCountersSettings != nil {
		m.PerformanceCounters = objectFrom(ctx, clusterPerformanceCountersAttrTypes,
			api.Ptr(flattenPerformanceCounters(ctx, *ns.PerformanceCountersSettings, &diags)), &diags)
	}
	return diags
}

// flattenClusterState is the read-only state of both cluster data sources. vm_priority is filled with the
// spec's default when the service leaves it out, as the resource does.
func flattenClusterState(ctx context.Context, id api.ClusterID, p *api.ClusterProperties, diags *diag.Diagnostics) clusterStateModel {
	return clusterStateModel{
		ID:                              types.StringValue(id.String()),
		VMSize:                          stringValue(p.VMSize),
		VMPriority:                      stringValue(defaultString(p.VMPriority, api.VMPriorityDedicated)),
		AllocationState:                 stringValue(p.AllocationState),
		AllocationStateTransitionTime:   stringValue(p.AllocationStateTransitionTime),
		CurrentNodeCount:                int64Value(p.CurrentNodeCount),
		NodeStateCounts:                 flattenNodeStateCounts(ctx, p.NodeStateCounts, diags),
		ProvisioningState:               stringValue(p.ProvisioningState),
		ProvisioningStateTransitionTime: stringValue(p.ProvisioningStateTransitionTime),
		CreationTime:                    stringValue(p.CreationTime),
	}
}

// flattenClusterSummaries keeps the service's order. The IDs are built from the workspace ID the user gave
// and each cluster's name, so that they match batchai_cluster.<name>.id exactly (letter case included).
func flattenClusterSummaries(ctx context.Context, ws api.WorkspaceID, clusters []api.Cluster, diags *diag.Diagnostics) types.List {
	items := make([]clusterSummaryModel, 0, len(clusters))
	for _, cl := range clusters {
		name := api.Deref(cl.Name)
		id := ws.Cluster(name)
		p := cl.Properties
		if p == nil {
			p = &api.ClusterProperties{}
		}
		items = append(items, clusterSummaryModel{
			Name:              types.StringValue(name),
			clusterStateModel: flattenClusterState(ctx, id, p, diags),
		})
	}
	return listFrom(ctx, clusterSummaryAttrTypes, items, diags)
}

// flattenClusterNodes builds the nodes list with each node's SSH command.
func flattenClusterNodes(ctx context.Context, nodes []api.RemoteLoginInformation, admin string) (types.List, diag.Diagnostics) {
	elems := make([]clusterNodeModel, 0, len(nodes))
	for _, n := range nodes {
		ip, port := api.Deref(n.IPAddress), api.Deref(n.Port)
		elems = append(elems, clusterNodeModel{
			NodeID:     types.StringValue(api.Deref(n.NodeID)),
			IPAddress:  types.StringValue(ip),
			Port:       types.Int64Value(int64(port)),
			SSHCommand: types.StringValue(sshCommand(admin, ip, port)),
		})
	}
	return types.ListValueFrom(ctx, types.ObjectType{AttrTypes: clusterNodeAttrTypes}, elems)
}

// sshCommand is the command `az batchai cluster node list`'s help describes: ssh <admin>@<ip> -p <port>.
// IPv6 addresses need no brackets in that form, since the port is a separate flag.
func sshCommand(admin, ip string, port int32) string {
	target := ip
	if admin != "" {
		target = admin + "@" + ip
	}
	return fmt.Sprintf("ssh %s -p %d", target, port)
}

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

// flattenMountVolumes is the one flattener of NodeSetup.mountVolumes, for the resource and the data source:
// attrTypes is the caller's object type of mount_volumes, and afs and bfs build the caller's element of an
// Azure Files share and of a blob file system from what the API returns of it (the resource adds the keys it
// kept, the data source nothing). Every list is present, possibly empty, so that `length(...)` and `[0]`
// need no null checks.
func flattenMountVolumes[AFS, BFS any](ctx context.Context, mv *api.MountVolumes, attrTypes map[string]attr.Type,
	afs func(clusterAzureFileShareModel) AFS, bfs func(clusterAzureBlobFileSystemModel) BFS, diags *diag.Diagnostics) types.Object {
	if mv == nil {
		return types.ObjectNull(attrTypes)
	}
	shares := make([]AFS, 0, len(mv.AzureFileShares))
	for _, r := range mv.AzureFileShares {
		shares = append(shares, afs(flattenAzureFileShare(ctx, r, diags)))
	}
	blobs := make([]BFS, 0, len(mv.AzureBlobFileSystems))
	for _, r := range mv.AzureBlobFileSystems {
		blobs = append(blobs, bfs(flattenAzureBlobFileSystem(ctx, r, diags)))
	}
	nfs := make([]clusterFileServerMountModel, 0, len(mv.FileServers))
	for _, r := range mv.FileServers {
		nfs = append(nfs, flattenFileServerMount(r))
	}
	ufs := make([]clusterUnmanagedFileSystemModel, 0, len(mv.UnmanagedFileSystems))
	for _, r := range mv.UnmanagedFileSystems {
		ufs = append(ufs, flattenUnmanagedFileSystem(r))
	}
	return objectFrom(ctx, attrTypes, &clusterMountVolumesModel{
		AzureFileShares:      listFrom(ctx, elementAttrTypes(attrTypes, "azure_file_share"), shares, diags),
		AzureBlobFileSystems: listFrom(ctx, elementAttrTypes(attrTypes, "azure_blob_file_system"), blobs, diags),
		FileServers:          listFrom(ctx, clusterFileServerMountAttrTypes, nfs, diags),
		UnmanagedFileSystems: listFrom(ctx, clusterUnmanagedFileSystemAttrTypes, ufs, diags),
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
