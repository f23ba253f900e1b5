package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

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

func (d *clusterDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cluster"
}

func (d *clusterDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = clusterDataSourceSchema()
}

// clusterDataSourceSchema is the schema of the batchai_cluster data source: the cluster's name and workspace,
// and everything the service returns of it (clusterDataSourceAttributes).
func clusterDataSourceSchema() schema.Schema {
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
		Validators: []validator.String{workspaceID()},
	}
	return schema.Schema{
		MarkdownDescription: "Reads an existing Batch AI cluster: everything `az batchai cluster show` shows " +
			"(VM size and priority, scale settings, image, admin user name, subnet, setup task, mount volumes, " +
			"performance counters), its allocation state, node counts by state and errors. Secrets (passwords, " +
			"keys, secret values) are never returned by the service and are not part of it. A missing workspace " +
			"or cluster is an error naming it.",
		Attributes: attrs,
	}
}

func (d *clusterDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	m, c, ok := readConfig[clusterDataSourceModel](ctx, req.Config, &d.providerDataHolder, &resp.Diagnostics)
	if !ok {
		return
	}
	ws, ok := parseIDAttribute(&resp.Diagnostics, path.Root("workspace_id"), kindWorkspace, m.WorkspaceID.ValueString(), api.ParseWorkspaceID)
	if !ok {
		return
	}
	id := ws.Cluster(m.Name.ValueString())
	ctx, cancel := d.readContext(ctx, id.String())
	defer cancel()

	cl, ok := getClusterForDataSource(ctx, c, id, path.Root("name"), path.Root("workspace_id"), &resp.Diagnostics)
	if !ok {
		return
	}
	setDataSourceState(ctx, resp, &m, m.flatten(ctx, id, cl))
}

// getClusterForDataSource reads a cluster for any data source. On a 404 it reads the workspace too, so the
// error says which of the two is missing, on the attribute that names it (nameAttr for the cluster,
// workspaceAttr for the workspace; the same path when one attribute names both).
func getClusterForDataSource(ctx context.Context, c *client.Client, id api.ClusterID, nameAttr, workspaceAttr path.Path, diags *diag.Diagnostics) (api.Cluster, bool) {
	return getInParent(diags, kindCluster, id.String(),
		func() (api.Cluster, error) { return c.GetCluster(ctx, id) },
		func() bool {
			_, ok := getWorkspaceForDataSource(ctx, c, id.WorkspaceID(), workspaceAttr, diags)
			return ok
		},
		func() { addClusterNotFoundError(diags, nameAttr, id) })
}
