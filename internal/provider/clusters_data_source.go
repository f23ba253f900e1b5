package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

var (
	_ datasource.DataSource              = &clustersDataSource{}
	_ datasource.DataSourceWithConfigure = &clustersDataSource{}
)

func newClustersDataSource() datasource.DataSource { return &clustersDataSource{} }

// clustersDataSource lists the clusters of a workspace: `az batchai cluster list`.
type clustersDataSource struct {
	dataSourceBase
}

type clustersDataSourceModel struct {
	WorkspaceID types.String `tfsdk:"workspace_id"`
	ID          types.String `tfsdk:"id"`
	Clusters    types.List   `tfsdk:"clusters"`
}

// clusterSummaryModel is one row of the list: the CLI table's columns and a little more.
type clusterSummaryModel struct {
	Name types.String `tfsdk:"name"`
	clusterStateModel
}

// clusterSummaryAttrTypes is the object type of clusterSummaryModel, derived from the schema so that the two
// cannot disagree.
func clusterSummaryAttrTypes() map[string]attr.Type {
	attrs := clusterSummaryAttributes()
	out := make(map[string]attr.Type, len(attrs))
	for name, a := range attrs {
		out[name] = a.GetType()
	}
	return out
}

func clusterSummaryAttributes() map[string]schema.Attribute {
	attrs := clusterStateDataSourceAttributes()
	attrs["name"] = computedString("The name of the cluster.")
	return attrs
}

func (d *clustersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_clusters"
}

func (d *clustersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the clusters of a Batch AI workspace with their state, as `az batchai cluster " +
			"list` does: name, VM size, allocation state, current node count and node counts by state (the CLI " +
			"table's columns). Use the `batchai_cluster` data source for one cluster's full configuration. A " +
			"missing workspace is an error naming it; a workspace without clusters gives an empty list.",
		Attributes: map[string]schema.Attribute{
			"workspace_id": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The ARM ID of the workspace: `batchai_workspace.<name>.id` or " +
					"`data.batchai_workspace.<name>.id`.",
				Validators: []validator.String{workspaceIDValidator{}},
			},
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The ARM ID of the workspace (the same as `workspace_id`).",
			},
			"clusters": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The clusters, in the order the service lists them.",
				NestedObject:        schema.NestedAttributeObject{Attributes: clusterSummaryAttributes()},
			},
		},
	}
}

func (d *clustersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m clustersDataSourceModel
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
	ctx = d.logContext(ctx, ws.String())
	ctx, cancel := context.WithTimeout(ctx, defaultReadTimeout)
	defer cancel()

	// The workspace is read first: listing the clusters of a missing workspace may answer an empty list
	// rather than a 404, and a typo must not look like "no clusters".
	if _, ok := getWorkspaceForDataSource(ctx, c, ws, path.Root("workspace_id"), &resp.Diagnostics); !ok {
		return
	}
	clusters, err := c.ListClusters(ctx, ws)
	if err != nil {
		addAPIError(&resp.Diagnostics, actionRead, kindCluster+"s", ws.String()+"/clusters", err)
		return
	}
	m.ID = types.StringValue(ws.String())
	var diags diag.Diagnostics
	m.Clusters = flattenClusterSummaries(ctx, ws, clusters, &diags)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// flattenClusterSummaries keeps the service's order. The IDs are built from the workspace ID the user gave
// and each cluster's name, so that they match batchai_cluster.<name>.id exactly (letter case included).
func flattenClusterSummaries(ctx context.Context, ws api.WorkspaceID, clusters []api.Cluster, diags *diag.Diagnostics) types.List {
	items := make([]clusterSummaryModel, 0, len(clusters))
	for _, cl := range clusters {
		name := api.Deref(cl.Name)
		id := api.ClusterID{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Workspace: ws.Name, Name: name}
		p := cl.Properties
		if p == nil {
			p = &api.ClusterProperties{}
		}
		items = append(items, clusterSummaryModel{
			Name:              types.StringValue(name),
			clusterStateModel: flattenClusterState(ctx, id, p, diags),
		})
	}
	return listFrom(ctx, clusterSummaryAttrTypes(), items, diags)
}
