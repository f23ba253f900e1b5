package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

var (
	_ datasource.DataSource              = &clusterDataSource{}
	_ datasource.DataSourceWithConfigure = &clusterDataSource{}
)

func newClusterDataSource() datasource.DataSource { return &clusterDataSource{} }

// clusterDataSource reads an existing cluster: `az batchai cluster show`.
type clusterDataSource struct {
	dataSourceBase
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

func (d *clusterDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cluster"
}

func (d *clusterDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := clusterDataSourceAttributes()
	attrs["name"] = schema.StringAttribute{
		Required:            true,
		MarkdownDescription: "The name of the cluster.",
		Validators:          batchAINameValidators(),
	}
	attrs["workspace_id"] = schema.StringAttribute{
		Required: true,
		MarkdownDescription: "The ARM ID of the cluster's workspace, as for the `batchai_cluster` resource: " +
			"`batchai_workspace.<name>.id` or `data.batchai_workspace.<name>.id`.",
		Validators: []validator.String{workspaceIDValidator{}},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads an existing Batch AI cluster: everything `az batchai cluster show` shows " +
			"(VM size and priority, scale settings, image, admin user name, subnet, setup task, mount volumes, " +
			"performance counters), its allocation state, node counts by state and errors. Secrets (passwords, " +
			"keys, secret values) are never returned by the service and are not part of it. A missing workspace " +
			"or cluster is an error naming it.",
		Attributes: attrs,
	}
}

func (d *clusterDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m clusterDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c, ok := d.client(&resp.Diagnostics)
	if !ok {
		return
	}
	ws, err := api.ParseWorkspaceID(m.WorkspaceID.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("workspace_id"), "Invalid Batch AI Workspace ID", err.Error())
		return
	}
	id := api.ClusterID{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Workspace: ws.Name,
		Name: m.Name.ValueString()}
	ctx = d.logContext(ctx, id.String())
	ctx, cancel := context.WithTimeout(ctx, defaultReadTimeout)
	defer cancel()

	cl, ok := getClusterForDataSource(ctx, c, id, path.Root("name"), path.Root("workspace_id"), &resp.Diagnostics)
	if !ok {
		return
	}
	resp.Diagnostics.Append(m.flatten(ctx, id, cl)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// flatten fills the model with the resource's flatteners (one per API type), then strips nothing: they
// already know nothing of secrets. Only the nested objects whose resource form carries secrets are rebuilt
// with the data source's object types.
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

	var ns api.NodeSetup
	if p.NodeSetup != nil {
		ns = *p.NodeSetup
	}
	m.SetupTask = types.ObjectNull(clusterSetupTaskAttrTypes)
	if ns.SetupTask != nil {
		m.SetupTask = objectFrom(ctx, clusterSetupTaskAttrTypes, api.Ptr(flattenSetupTask(ctx, *ns.SetupTask, &diags)), &diags)
	}
	m.MountVolumes = flattenMountVolumesForDataSource(ctx, ns.MountVolumes, &diags)
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

// flattenMountVolumesForDataSource builds mount_volumes with the data source's element types (no keys).
// Every list is present (possibly empty) so that `length(...)` and `[0]` need no null checks.
func flattenMountVolumesForDataSource(ctx context.Context, mv *api.MountVolumes, diags *diag.Diagnostics) types.Object {
	if mv == nil {
		return types.ObjectNull(clusterMountVolumesAttrTypes)
	}
	afs := make([]clusterAzureFileShareModel, 0, len(mv.AzureFileShares))
	for _, r := range mv.AzureFileShares {
		afs = append(afs, flattenAzureFileShare(ctx, r, diags))
	}
	bfs := make([]clusterAzureBlobFileSystemModel, 0, len(mv.AzureBlobFileSystems))
	for _, r := range mv.AzureBlobFileSystems {
		bfs = append(bfs, flattenAzureBlobFileSystem(ctx, r, diags))
	}
	nfs := make([]clusterFileServerMountModel, 0, len(mv.FileServers))
	for _, r := range mv.FileServers {
		nfs = append(nfs, flattenFileServerMount(r))
	}
	ufs := make([]clusterUnmanagedFileSystemModel, 0, len(mv.UnmanagedFileSystems))
	for _, r := range mv.UnmanagedFileSystems {
		ufs = append(ufs, flattenUnmanagedFileSystem(r))
	}
	return objectFrom(ctx, clusterMountVolumesAttrTypes, &clusterMountVolumesModel{
		AzureFileShares:      listFrom(ctx, clusterAzureFileShareAttrTypes, afs, diags),
		AzureBlobFileSystems: listFrom(ctx, clusterAzureBlobFileSystemAttrTypes, bfs, diags),
		FileServers:          listFrom(ctx, clusterFileServerMountAttrTypes, nfs, diags),
		UnmanagedFileSystems: listFrom(ctx, clusterUnmanagedFileSystemAttrTypes, ufs, diags),
	}, diags)
}

// getClusterForDataSource reads a cluster for any data source. On a 404 it reads the workspace too, so the
// error says which of the two is missing, on the attribute that names it (nameAttr for the cluster,
// workspaceAttr for the workspace; the same path when one attribute names both).
func getClusterForDataSource(ctx context.Context, c *client.Client, id api.ClusterID, nameAttr, workspaceAttr path.Path, diags *diag.Diagnostics) (api.Cluster, bool) {
	cl, err := c.GetCluster(ctx, id)
	if err == nil {
		return cl, true
	}
	if !client.IsNotFound(err) {
		addAPIError(diags, actionRead, kindCluster, id.String(), err)
		return cl, false
	}
	if _, ok := getWorkspaceForDataSource(ctx, c, id.WorkspaceID(), workspaceAttr, diags); !ok {
		return cl, false
	}
	diags.AddAttributeError(nameAttr, "Batch AI Cluster Not Found",
		fmt.Sprintf("The cluster %q does not exist in workspace %q (resource group %q, subscription %q; ID %s).\n\n"+
			"Check the name, or create the cluster first (batchai_cluster).",
			id.Name, id.Workspace, id.ResourceGroup, id.SubscriptionID, id))
	return cl, false
}
