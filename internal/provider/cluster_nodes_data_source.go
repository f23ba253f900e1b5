package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
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
	_ datasource.DataSource                   = &clusterNodesDataSource{}
	_ datasource.DataSourceWithConfigure      = &clusterNodesDataSource{}
	_ datasource.DataSourceWithValidateConfig = &clusterNodesDataSource{}
)

// nodesWaitTimeoutDefault bounds wait_for_node_count when no timeouts block says otherwise: allocating and
// setting up GPU nodes takes minutes, far more than a plain read (defaultReadTimeout).
const nodesWaitTimeoutDefault = 30 * time.Minute

func newClusterNodesDataSource() datasource.DataSource { return &clusterNodesDataSource{} }

// clusterNodesDataSource lists how to reach each node over SSH: `az batchai cluster node list`, plus the
// ready-made `ssh` command the CLI's help describes.
type clusterNodesDataSource struct {
	dataSourceBase
}

func (d *clusterNodesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cluster_nodes"
}

func (d *clusterNodesDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = clusterNodesDataSourceSchema(ctx)
}

// clusterNodesDataSourceSchema is the schema of batchai_cluster_nodes.
func clusterNodesDataSourceSchema(ctx context.Context) schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Lists the nodes of a Batch AI cluster with their public IP address and SSH port, " +
			"as `az batchai cluster node list` does, and a ready-to-use `ssh` command for the cluster's admin user " +
			"(`ssh <admin>@<ip> -p <port>`). Optionally waits until a number of nodes are listed.\n\n" +
			"When the cluster is managed in the same configuration, add `depends_on = [batchai_cluster.<name>]`: " +
			"Terraform then reads the nodes after a pending resize is applied instead of before it (a plain " +
			"reference to the cluster's `id`, which a resize does not change, lets Terraform read the data source " +
			"at plan time, when the new nodes do not exist yet).",
		Attributes: map[string]schema.Attribute{
			"cluster_id": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The ARM ID of the cluster, e.g. `batchai_cluster.<name>.id` or " +
					"`data.batchai_cluster.<name>.id`.",
			},
			"wait_for_node_count": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Wait until at least this many nodes are listed, polling the service, for up " +
					"to the `read` timeout (default 30 minutes when this is set). Fails early when the cluster is " +
					"steady and its scale settings cannot reach this many nodes. Unset (or 0) lists the nodes " +
					"there are now.",
				Validators: []validator.Int64{int64validator.AtLeast(0)},
			},
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The ARM ID of the cluster (the same as `cluster_id`).",
			},
			"admin_user_name": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The cluster's admin user, the one the SSH commands log in as.",
			},
			"nodes": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The nodes, in the order the service lists them.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"node_id": schema.StringAttribute{
						Computed:            true,
						MarkdownDescription: "The node's ID (the CLI's `ID` column), e.g. `tvm-3601533753_1-20170719t162906z`.",
					},
					"ip_address": schema.StringAttribute{
						Computed:            true,
						MarkdownDescription: "The public IP address to connect to (the CLI's `IP` column). Nodes may share it.",
					},
					"port": schema.Int64Attribute{
						Computed:            true,
						MarkdownDescription: "The node's SSH port on that address (the CLI's `SSH Port` column).",
					},
					"ssh_command": schema.StringAttribute{
						Computed:            true,
						MarkdownDescription: "`ssh <admin_user_name>@<ip_address> -p <port>`.",
					},
				}},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.BlockWithOpts(ctx, timeouts.Opts{
				ReadDescription: "How long the read may take, including the wait for `wait_for_node_count` nodes " +
					"(a Go duration such as `20m`; default 30m with `wait_for_node_count`, 5m without).",
			}),
		},
	}
}

// ValidateConfig checks cluster_id at plan time, when it is known.
func (d *clusterNodesDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var id types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("cluster_id"), &id)...)
	if id.IsNull() || id.IsUnknown() {
		return
	}
	parseIDAttribute(&resp.Diagnostics, path.Root("cluster_id"), kindCluster, id.ValueString(), api.ParseClusterID)
}

func (d *clusterNodesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	m, c, ok := readConfig[clusterNodesDataSourceModel](ctx, req.Config, &d.providerDataHolder, &resp.Diagnostics)
	if !ok {
		return
	}
	id, ok := parseIDAttribute(&resp.Diagnostics, path.Root("cluster_id"), kindCluster, m.ClusterID.ValueString(), api.ParseClusterID)
	if !ok {
		return
	}
	want := int(m.WaitForNodeCount.ValueInt64()) // null reads as 0: no wait
	def := defaultReadTimeout
	if want > 0 {
		def = nodesWaitTimeoutDefault
	}
	timeout, diags := m.Timeouts.Read(ctx, def)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := d.operationContext(ctx, id.String(), timeout)
	defer cancel()

	cl, ok := getClusterForDataSource(ctx, c, id, path.Root("cluster_id"), path.Root("cluster_id"), &resp.Diagnostics)
	if !ok {
		return
	}
	admin := ""
	if p := cl.Properties; p != nil && p.UserAccountSettings != nil {
		admin = api.Deref(p.UserAccountSettings.AdminUserName)
	}

	nodes, err := waitForNodes(ctx, c, id, want)
	if err != nil {
		addNodesError(ctx, c, d.timing(), &resp.Diagnostics, id, want, timeout, err)
		return
	}
	m.ID = types.StringValue(id.String())
	m.AdminUserName = types.StringValue(admin)
	m.Nodes, diags = flattenClusterNodes(ctx, nodes, admin)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// addNodesError explains a failed list or wait. After a timeout it reads the cluster once more (on a fresh
// context, since ctx has expired) so that the message says what the cluster is doing and which errors it
// reports: the usual reason nodes do not come is a quota or node setup failure.
func addNodesError(ctx context.Context, c *client.Client, t timing, diags *diag.Diagnostics, id api.ClusterID, want int, timeout time.Duration, err error) {
	if client.IsNotFound(err) {
		diags.AddAttributeError(path.Root("cluster_id"), "Batch AI Cluster Not Found",
			fmt.Sprintf("The cluster %q was deleted while its nodes were being listed (ID %s).", id.Name, id))
		return
	}
	if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, errNodesUnreachable) {
		addAPIError(diags, actionRead, kindCluster+" Nodes", id.String(), err)
		return
	}
	detail := fmt.Sprintf("Waiting for %d nodes of cluster %q (ID %s): %s", want, id.Name, id, err)
	if errors.Is(err, context.DeadlineExceeded) {
		detail = fmt.Sprintf("Waited %s for %d nodes of cluster %q (ID %s): %s", timeout, want, id.Name, id, err)
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), t.explainTimeout)
	defer cancel()
	if cl, gerr := c.GetCluster(rctx, id); gerr == nil && cl.Properties != nil {
		p := cl.Properties
		detail += fmt.Sprintf("\n\nThe cluster is %s with %d nodes.", api.Deref(p.AllocationState), api.Deref(p.CurrentNodeCount))
		for _, e := range p.Errors {
			detail += fmt.Sprintf("\nCluster error %s: %s", api.Deref(e.Code), api.Deref(e.Message))
		}
	}
	detail += "\n\nLower wait_for_node_count, raise the cluster's node count, or give the wait more time " +
		"(timeouts { read = \"...\" })."
	diags.AddAttributeError(path.Root("wait_for_node_count"), "Error Waiting for Batch AI Cluster Nodes", detail)
}
