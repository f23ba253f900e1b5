package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

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

type clusterNodesDataSourceModel struct {
	ClusterID        types.String   `tfsdk:"cluster_id"`
	WaitForNodeCount types.Int64    `tfsdk:"wait_for_node_count"`
	ID               types.String   `tfsdk:"id"`
	AdminUserName    types.String   `tfsdk:"admin_user_name"`
	Nodes            types.List     `tfsdk:"nodes"`
	Timeouts         timeouts.Value `tfsdk:"timeouts"`
}

type clusterNodeModel struct {
	NodeID     types.String `tfsdk:"node_id"`
	IPAddress  types.String `tfsdk:"ip_address"`
	Port       types.Int64  `tfsdk:"port"`
	SSHCommand types.String `tfsdk:"ssh_command"`
}

var clusterNodeAttrTypes = map[string]attr.Type{
	"node_id":     types.StringType,
	"ip_address":  types.StringType,
	"port":        types.Int64Type,
	"ssh_command": types.StringType,
}

func (d *clusterNodesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cluster_nodes"
}

func (d *clusterNodesDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
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
	if _, err := api.ParseClusterID(id.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("cluster_id"), "Invalid Batch AI Cluster ID", err.Error())
	}
}

func (d *clusterNodesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m clusterNodesDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c, ok := d.client(&resp.Diagnostics)
	if !ok {
		return
	}
	id, err := api.ParseClusterID(m.ClusterID.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("cluster_id"), "Invalid Batch AI Cluster ID", err.Error())
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
	ctx = d.logContext(ctx, id.String())
	ctx, cancel := context.WithTimeout(ctx, timeout)
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
		addNodesError(ctx, c, &resp.Diagnostics, id, want, timeout, err)
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

// errNodesUnreachable says that the cluster is steady and its scale settings cannot give the wanted count,
// so waiting longer cannot help.
var errNodesUnreachable = errors.New("the cluster cannot reach that many nodes")

// waitForNodes lists the nodes until at least want are listed. Between lists it reads the cluster, so that a
// steady cluster whose scale settings stop below want fails at once instead of at the timeout.
func waitForNodes(ctx context.Context, c *client.Client, id api.ClusterID, want int) ([]api.RemoteLoginInformation, error) {
	interval := clusterPollInterval(c) // the provider's poll_interval, as the cluster waiter uses
	listed := 0
	// expired words a deadline the same way whichever call it interrupted.
	expired := func(err error) error {
		if ctx.Err() != nil {
			return fmt.Errorf("%d of %d nodes listed: %w", listed, want, ctx.Err())
		}
		return err
	}
	for {
		nodes, err := c.ListRemoteLoginInformation(ctx, id)
		if err != nil {
			return nil, expired(err)
		}
		if listed = len(nodes); listed >= want {
			return nodes, nil
		}
		tflog.Debug(ctx, "waiting for cluster nodes", map[string]any{"listed": listed, "wanted": want})
		cl, err := c.GetCluster(ctx, id)
		if err != nil {
			return nil, expired(err)
		}
		if ceiling, steady := clusterNodeCeiling(cl); steady && ceiling < want {
			return nil, fmt.Errorf("%w: it is steady and its scale settings allow at most %d", errNodesUnreachable, ceiling)
		}
		select {
		case <-ctx.Done():
			return nil, expired(ctx.Err())
		case <-time.After(interval):
		}
	}
}

// clusterNodeCeiling is the most nodes the cluster's scale settings allow, and whether it is steady (not
// resizing: no change of node count is under way).
func clusterNodeCeiling(cl api.Cluster) (int, bool) {
	p := cl.Properties
	if p == nil || p.ScaleSettings == nil {
		return 0, false
	}
	steady := api.Deref(p.AllocationState) == api.AllocationStateSteady
	switch s := p.ScaleSettings; {
	case s.Manual != nil:
		return int(api.Deref(s.Manual.TargetNodeCount)), steady
	case s.AutoScale != nil:
		return int(api.Deref(s.AutoScale.MaximumNodeCount)), steady
	}
	return 0, false
}

// addNodesError explains a failed list or wait. After a timeout it reads the cluster once more (on a fresh
// context, since ctx has expired) so that the message says what the cluster is doing and which errors it
// reports: the usual reason nodes do not come is a quota or node setup failure.
func addNodesError(ctx context.Context, c *client.Client, diags *diag.Diagnostics, id api.ClusterID, want int, timeout time.Duration, err error) {
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
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
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
