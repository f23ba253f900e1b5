package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	fwaction "github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

var (
	_ fwaction.Action                   = &clusterResizeAction{}
	_ fwaction.ActionWithConfigure      = &clusterResizeAction{}
	_ fwaction.ActionWithValidateConfig = &clusterResizeAction{}
	_ fwaction.ActionWithModifyPlan     = &clusterResizeAction{}
)

func newClusterResizeAction() fwaction.Action {
	return &clusterResizeAction{}
}

// clusterResizeAction is batchai_cluster_resize: the PATCH of `az batchai cluster resize` (a manual target) or
// `az batchai cluster auto-scale` (bounds), then a wait until the allocation is steady, with progress messages.
// Its plan runs the quota preflight of a batchai_cluster resize (cluster_quota.go), and so does Invoke, just
// before the PATCH.
type clusterResizeAction struct {
	actionBase
}

// clusterResizeActionModel is the configuration of batchai_cluster_resize.
type clusterResizeActionModel struct {
	ClusterID              types.String `tfsdk:"cluster_id"`
	TargetNodeCount        types.Int64  `tfsdk:"target_node_count"`
	NodeDeallocationOption types.String `tfsdk:"node_deallocation_option"`
	AutoScale              types.Object `tfsdk:"auto_scale"`
	WaitForSteadyState     types.Bool   `tfsdk:"wait_for_steady_state"`
	Timeout                types.String `tfsdk:"timeout"`
}

// clusterResizeAutoScaleModel is the auto_scale of batchai_cluster_resize: bounds only, since the initial node
// count only matters when a cluster is created.
type clusterResizeAutoScaleModel struct {
	MinimumNodeCount types.Int64 `tfsdk:"minimum_node_count"`
	MaximumNodeCount types.Int64 `tfsdk:"maximum_node_count"`
}

func (a *clusterResizeAction) Metadata(_ context.Context, req fwaction.MetadataRequest, resp *fwaction.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cluster_resize"
}

func (a *clusterResizeAction) Schema(_ context.Context, _ fwaction.SchemaRequest, resp *fwaction.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Resizes a Batch AI cluster: a manual target node count (`az batchai cluster resize`), or " +
			"auto-scale bounds (`az batchai cluster auto-scale`), then waits until its allocation is steady, reporting " +
			"progress. Invoke it with `terraform apply -invoke=action.batchai_cluster_resize.<name>` or from a " +
			"resource's `lifecycle { action_trigger { ... } }` (Terraform >= 1.14).\n\n" +
			"A resize asked for more nodes than the subscription's Batch AI quota allows fails at plan time, with the " +
			"numbers of the `batchai_cluster` quota preflight (which, for a resource, is a warning at plan time, so " +
			"that `terraform destroy` is never blocked, and an error before the resize is sent).\n\n" +
			"~> A cluster that Terraform manages keeps its `scale_settings` in the configuration: the next plan puts " +
			"back the configured node count. Add `lifecycle { ignore_changes = [scale_settings] }` to a " +
			"`batchai_cluster` that this action resizes.",
		Attributes: map[string]schema.Attribute{
			"cluster_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The ARM ID of the cluster, usually `batchai_cluster.<name>.id`.",
				Validators:          []validator.String{clusterID()},
			},
			"target_node_count": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Switch the cluster to (or keep it at) a manual scale with this many nodes; `0` " +
					"keeps the cluster without paying for nodes. Exactly one of `target_node_count` or `auto_scale`.",
				Validators: []validator.Int64{int64validator.AtLeast(0)},
			},
			"node_deallocation_option": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "With `target_node_count`: what happens to jobs running on nodes that are removed: " +
					"`requeue` (the service's default), `terminate` or `waitforjobcompletion`.",
				Validators: []validator.String{
					stringvalidator.OneOf(api.DeallocationRequeue, api.DeallocationTerminate, api.DeallocationWaitForJobCompletion),
					stringvalidator.AlsoRequires(path.MatchRoot("target_node_count")),
				},
			},
			"auto_scale": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "Switch the cluster to (or keep it at) auto-scale between these bounds: " +
					"`auto_scale = { minimum_node_count = 0, maximum_node_count = 4 }`. Exactly one of " +
					"`target_node_count` or `auto_scale`.",
				Attributes: map[string]schema.Attribute{
					"minimum_node_count": schema.Int64Attribute{
						Required:            true,
						MarkdownDescription: "The fewest nodes the cluster scales down to.",
						Validators:          []validator.Int64{int64validator.AtLeast(0)},
					},
					"maximum_node_count": schema.Int64Attribute{
						Required:            true,
						MarkdownDescription: "The most nodes the cluster scales up to; at least `minimum_node_count`.",
						Validators:          []validator.Int64{int64validator.AtLeast(0), atLeastSibling("minimum_node_count")},
					},
				},
			},
			"wait_for_steady_state": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Whether to wait until the cluster's `allocation_state` is `steady` (every node " +
					"added or removed). Defaults to `true`.",
			},
			"timeout": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "How long the resize and the wait may take, as a duration such as `30m` or " +
					"`1h30m`. Defaults to `" + shortDuration(defaultUpdateTimeout) + "`.",
				Validators: []validator.String{positiveDuration()},
			},
		},
	}
}

// ValidateConfig requires exactly one of target_node_count or auto_scale.
func (a *clusterResizeAction) ValidateConfig(ctx context.Context, req fwaction.ValidateConfigRequest, resp *fwaction.ValidateConfigResponse) {
	var m clusterResizeActionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	requireOneActionArgument(&resp.Diagnostics, "batchai_cluster_resize",
		"the new manual node count, or the new auto-scale bounds",
		named{"target_node_count", m.TargetNodeCount}, named{"auto_scale", m.AutoScale})
}

// ModifyPlan runs the quota preflight when the plan knows the cluster and its new size: a resize the quota
// cannot hold fails the plan, before anything is invoked.
func (a *clusterResizeAction) ModifyPlan(ctx context.Context, req fwaction.ModifyPlanRequest, resp *fwaction.ModifyPlanResponse) {
	var m clusterResizeActionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || a.data == nil || a.data.client == nil || m.ClusterID.IsUnknown() {
		return
	}
	target, known := m.scaleSettings(ctx, &resp.Diagnostics)
	id, err := api.ParseClusterID(m.ClusterID.ValueString())
	if !known || err != nil {
		return
	}
	c := a.data.client
	ctx = a.logContext(ctx, id.String())
	cl, err := c.GetCluster(ctx, id)
	if err != nil {
		return // created by the same apply, or unreadable: Invoke checks again
	}
	if problem := resizeQuotaProblem(ctx, c, id, cl, target); problem != "" {
		addResizeQuotaError(&resp.Diagnostics, m, problem)
	}
}

func (a *clusterResizeAction) Invoke(ctx context.Context, req fwaction.InvokeRequest, resp *fwaction.InvokeResponse) {
	m, c, ok := readConfig[clusterResizeActionModel](ctx, req.Config, &a.providerDataHolder, &resp.Diagnostics)
	if !ok {
		return
	}
	id, ok := parseIDAttribute(&resp.Diagnostics, path.Root("cluster_id"), kindCluster, m.ClusterID.ValueString(), api.ParseClusterID)
	if !ok {
		return
	}
	target, _ := m.scaleSettings(ctx, &resp.Diagnostics)
	timeout := actionTimeout(&resp.Diagnostics, m.Timeout, defaultUpdateTimeout)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := a.operationContext(ctx, id.String(), timeout)
	defer cancel()

	cl, err := c.GetCluster(ctx, id)
	switch {
	case client.IsNotFound(err):
		addClusterNotFoundError(&resp.Diagnostics, path.Root("cluster_id"), id)
		return
	case err != nil:
		addAPIError(&resp.Diagnostics, actionRead, kindCluster, id.String(), err)
		return
	}
	if problem := resizeQuotaProblem(ctx, c, id, cl, target); problem != "" {
		addResizeQuotaError(&resp.Diagnostics, m, problem)
		return
	}
	progress(ctx, resp, fmt.Sprintf("Resizing cluster %s from %s to %s.", id.Name,
		describeScale(api.Deref(cl.Properties).ScaleSettings), describeScale(target)))
	cl, err = c.UpdateCluster(ctx, id, api.ClusterUpdateParameters{Properties: &api.ClusterUpdateProperties{ScaleSettings: target}})
	if err != nil {
		addAPIError(&resp.Diagnostics, actionResize, kindCluster, id.String(), err)
		return
	}
	if !m.WaitForSteadyState.IsNull() && !m.WaitForSteadyState.ValueBool() {
		progress(ctx, resp, fmt.Sprintf("Cluster %s accepted the resize (%s); not waiting for it to be steady.",
			id.Name, describeAllocation(cl)))
		return
	}
	states := &stateProgress{ctx: ctx, resp: resp, subject: "Cluster " + id.Name}
	cl, err = waitForClusterSteadyReporting(ctx, c, a.timing(), id, nil, func(cl api.Cluster) { states.report(describeAllocation(cl)) })
	if err != nil {
		addAPIError(&resp.Diagnostics, actionWaitResize, kindCluster, id.String(), withClusterErrors(err, cl))
		return
	}
	progress(ctx, resp, fmt.Sprintf("Cluster %s is steady with %d node(s).", id.Name, api.Deref(api.Deref(cl.Properties).CurrentNodeCount)))
}

// scaleSettings is the PATCH's scale settings; known is false while the configuration has unknown values.
func (m clusterResizeActionModel) scaleSettings(ctx context.Context, diags *diag.Diagnostics) (ss *api.ScaleSettings, known bool) {
	if m.TargetNodeCount.IsUnknown() || m.AutoScale.IsUnknown() || m.NodeDeallocationOption.IsUnknown() {
		return nil, false
	}
	if !m.TargetNodeCount.IsNull() {
		return &api.ScaleSettings{Manual: &api.ManualScaleSettings{
			TargetNodeCount: int32Ptr(m.TargetNodeCount), NodeDeallocationOption: stringPtr(m.NodeDeallocationOption),
		}}, true
	}
	auto := objectAs[clusterResizeAutoScaleModel](ctx, m.AutoScale, diags)
	if auto == nil || auto.MinimumNodeCount.IsUnknown() || auto.MaximumNodeCount.IsUnknown() {
		return nil, false
	}
	return &api.ScaleSettings{AutoScale: &api.AutoScaleSettings{
		MinimumNodeCount: int32Ptr(auto.MinimumNodeCount), MaximumNodeCount: int32Ptr(auto.MaximumNodeCount),
	}}, true
}

// resizeQuotaProblem is the quota preflight of a resize of cl to target (cluster_quota.go): what the quota line
// the cluster would exceed says, or "" when it fits or nothing can tell.
func resizeQuotaProblem(ctx context.Context, c *client.Client, id api.ClusterID, cl api.Cluster, target *api.ScaleSettings) string {
	p := api.Deref(cl.Properties)
	req := clusterQuotaRequest{vmSize: api.Deref(p.VMSize), priority: api.Deref(defaultString(p.VMPriority, api.VMPriorityDedicated)),
		heldNodes: apiHeldNodes(p)}
	switch {
	case target == nil:
		return ""
	case target.Manual != nil:
		req.nodes = int(api.Deref(target.Manual.TargetNodeCount))
	case target.AutoScale != nil:
		req.nodes = clampNodes(int(api.Deref(p.CurrentNodeCount)), int(api.Deref(target.AutoScale.MinimumNodeCount)),
			int(api.Deref(target.AutoScale.MaximumNodeCount)))
	}
	if req.nodes <= req.heldNodes {
		return "" // shrinking, or no growth: never refused
	}
	ws, err := c.GetWorkspace(ctx, id.WorkspaceID())
	if err != nil {
		return ""
	}
	req.location = normalizeLocation.normalize(api.Deref(ws.Location))
	usages, err := c.ListUsages(ctx, req.location)
	if err != nil {
		return ""
	}
	return checkClusterQuota(req, usages)
}

// addResizeQuotaError reports the quota preflight's finding on the argument that sets the node count.
func addResizeQuotaError(diags *diag.Diagnostics, m clusterResizeActionModel, problem string) {
	at := path.Root("target_node_count")
	if m.TargetNodeCount.IsNull() {
		at = path.Root("auto_scale")
	}
	diags.AddAttributeError(at, "Insufficient Batch AI Quota",
		fmt.Sprintf("%s asks for more than the subscription's Batch AI quota allows: %s", at, problem))
}

// describeScale says what scale settings ask for, for progress messages: "manual, 2 nodes" or "auto-scale
// between 0 and 4 nodes".
func describeScale(ss *api.ScaleSettings) string {
	switch {
	case ss == nil:
		return "no scale settings"
	case ss.Manual != nil:
		s := fmt.Sprintf("manual, %d node(s)", api.Deref(ss.Manual.TargetNodeCount))
		if o := api.Deref(ss.Manual.NodeDeallocationOption); o != "" {
			s += " (" + o + ")"
		}
		return s
	case ss.AutoScale != nil:
		return fmt.Sprintf("auto-scale between %d and %d nodes", api.Deref(ss.AutoScale.MinimumNodeCount), api.Deref(ss.AutoScale.MaximumNodeCount))
	}
	return "no scale settings"
}

// describeAllocation says where a cluster's allocation stands: "resizing, 1 node(s): 1 idle, 0 running, 2
// preparing, 0 unusable, 0 leaving".
func describeAllocation(cl api.Cluster) string {
	p := api.Deref(cl.Properties)
	counts := api.Deref(p.NodeStateCounts)
	parts := []string{
		fmt.Sprintf("%d idle", api.Deref(counts.IdleNodeCount)),
		fmt.Sprintf("%d running", api.Deref(counts.RunningNodeCount)),
		fmt.Sprintf("%d preparing", api.Deref(counts.PreparingNodeCount)),
		fmt.Sprintf("%d unusable", api.Deref(counts.UnusableNodeCount)),
		fmt.Sprintf("%d leaving", api.Deref(counts.LeavingNodeCount)),
	}
	return fmt.Sprintf("%s, %d node(s): %s", api.Deref(p.AllocationState), api.Deref(p.CurrentNodeCount), strings.Join(parts, ", "))
}
