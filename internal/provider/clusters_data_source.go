package provider

import (
	"context"

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

func (d *clustersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_clusters"
}

func (d *clustersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = clustersDataSourceSchema()
}

// clustersDataSourceSchema is the schema of batchai_clusters: a workspace, and the state of each of its
// clusters.
func clustersDataSourceSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Lists the clusters of a Batch AI workspace with their state, as `az batchai cluster " +
			"list` does: name, VM size, allocation state, current node count and node counts by state (the CLI " +
			"table's columns). Use the `batchai_cluster` data source for one cluster's full configuration. A " +
			"missing workspace is an error naming it; a workspace without clusters gives an empty list.",
		Attributes: map[string]schema.Attribute{
			"workspace_id": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The ARM ID of the workspace: `batchai_workspace.<name>.id` or " +
					"`data.batchai_workspace.<name>.id`.",
				Validators: []validator.String{workspaceID()},
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
	m, c, ok := readConfig[clustersDataSourceModel](ctx, req.Config, &d.providerDataHolder, &resp.Diagnostics)
	if !ok {
		return
	}
	ws, ok := parseIDAttribute(&resp.Diagnostics, path.Root("workspace_id"), kindWorkspace, m.WorkspaceID.ValueString(), api.ParseWorkspaceID)
	if !ok {
		return
	}
	ctx, cancel := d.readContext(ctx, ws.String())
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
	setDataSourceState(ctx, resp, &m, diags)
}
