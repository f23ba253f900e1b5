package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
	"github.com/batchai-tf/terraform-provider-batchai/internal/vmsize"
)

// The quota preflight: a cluster whose vCPUs exceed what is left of the location's Batch AI quota is
// reported with the numbers at plan time, and stopped before its PUT or PATCH, instead of failing after
// minutes of apply. It mirrors the service's checks: one more cluster under "Clusters" when creating, then
// the nodes the cluster steers to against the regional vCPU line of its priority and the line of its VM
// size family (the vCPUs and families of every size are in internal/vmsize).
//
// At plan time (ModifyPlan, checkQuotaForPlan) a finding is a warning, never an error: `terraform destroy`
// plans the configuration first (its pre-destroy refresh), the provider cannot tell that plan from any
// other, and an error there would make an over-quota configuration impossible to destroy. The apply then
// refuses the request that would exceed the quota (checkQuotaBeforeCreate, checkQuotaBeforeResize), before
// anything is sent: that is also where a plan that could not tell (a workspace created in the same apply)
// is checked.

// clusterQuotaRequest is what a plan asks of the quota.
type clusterQuotaRequest struct {
	location string
	vmSize   string
	priority string // dedicated or lowpriority
	creating bool
	// nodes is the node count the cluster will steer to: the manual target, or the auto-scale
	// count (initial at creation, current later) clamped into [minimum, maximum].
	nodes int
	// heldNodes is what the cluster already holds (and Usages already count): 0 at creation,
	// else the larger of its current node count and its prior manual target. When a cluster is
	// replaced, it is what the cluster being replaced holds, which its deletion frees first.
	heldNodes int
	// heldVMSize and heldPriority are the size and priority of the held nodes when they differ from
	// the request's (a replacement); empty means the same.
	heldVMSize, heldPriority string
}

// heldVCPUs is what the held nodes count under the usage line name.
func (req clusterQuotaRequest) heldVCPUs(line string) int64 {
	size, prio := req.vmSize, req.priority
	if req.heldVMSize != "" {
		size = req.heldVMSize
	}
	if req.heldPriority != "" {
		prio = req.heldPriority
	}
	s, ok := vmsize.Lookup(size)
	if !ok || req.heldNodes <= 0 || !slices.ContainsFunc(quotaLines(s, prio), func(l string) bool { return strings.EqualFold(l, line) }) {
		return 0
	}
	return int64(req.heldNodes * s.VCPUs)
}

// sameHolding reports whether the held nodes are of the requested size and priority.
func (req clusterQuotaRequest) sameHolding() bool {
	return (req.heldVMSize == "" || strings.EqualFold(req.heldVMSize, req.vmSize)) &&
		(req.heldPriority == "" || strings.EqualFold(req.heldPriority, req.priority))
}

// quotaPriority is the priority label of the usage lines: Dedicated or LowPriority.
func quotaPriority(priority string) string {
	if strings.EqualFold(priority, api.VMPriorityLowPriority) {
		return "LowPriority"
	}
	return "Dedicated"
}

// quotaLines are the usage lines nodes of a size and priority count under.
func quotaLines(size vmsize.Size, priority string) []string {
	prio := quotaPriority(priority)
	return []string{"Total Cluster " + prio + " Regional vCPUs", size.Family + " Cluster " + prio + " vCPUs"}
}

// checkClusterQuota returns a description of the first quota line the request exceeds, or "".
// Sizes missing from the VM-size table (internal/vmsize), and lines missing from usages, are not checked.
func checkClusterQuota(req clusterQuotaRequest, usages []api.Usage) string {
	if req.creating {
		if u, ok := findUsage(usages, "Clusters"); ok {
			current, limit := int64(api.Deref(u.CurrentValue)), api.Deref(u.Limit)
			if current+1 > limit {
				return fmt.Sprintf("creating this cluster needs one more cluster under %q in %s, but %d of the "+
					"limit of %d are in use. Delete a cluster or request a quota increase.",
					"Clusters", req.location, current, limit)
			}
		}
	}
	size, ok := vmsize.Lookup(req.vmSize)
	if !ok || req.nodes <= 0 || (req.sameHolding() && req.nodes <= req.heldNodes) {
		return ""
	}
	prio := quotaPriority(req.priority)
	need := int64(req.nodes * size.VCPUs)
	for _, name := range quotaLines(size, req.priority) {
		u, ok := findUsage(usages, name)
		if !ok {
			continue
		}
		// Usages count what this cluster (or the one it replaces) holds already; the service checks the
		// others plus the new size.
		others := max(int64(api.Deref(u.CurrentValue))-req.heldVCPUs(name), 0)
		limit := api.Deref(u.Limit)
		if others+need > limit {
			return fmt.Sprintf("%d %s node(s) of %s need %d vCPUs (%d each) under %q in %s, but other clusters "+
				"use %d of its limit of %d vCPUs, leaving %d. Reduce the node count, choose a smaller VM size, or "+
				"request a quota increase.",
				req.nodes, strings.ToLower(prio), req.vmSize, need, size.VCPUs, name, req.location,
				others, limit, max(limit-others, 0))
		}
	}
	return ""
}

// findUsage finds a usage line by its machine name, case-insensitively.
func findUsage(usages []api.Usage, name string) (api.Usage, bool) {
	for _, u := range usages {
		if u.Name != nil && strings.EqualFold(api.Deref(u.Name.Value), name) {
			return u, true
		}
	}
	return api.Usage{}, false
}

// clampNodes is the service's auto-scale target: v kept inside [lo, hi].
func clampNodes(v, lo, hi int) int { return min(max(v, lo), hi) }

// checkQuotaForPlan runs the preflight for a plan (prior is nil for a create) and reports a finding as a
// warning on the attribute that sets the node count: the apply will stop before the request. What the
// preflight of a create found is kept for the Create that may follow (cluster_preflight.go).
func (r *clusterResource) checkQuotaForPlan(ctx context.Context, c *client.Client, plan clusterResourceModel,
	prior *clusterResourceModel, diags *diag.Diagnostics) {
	f := r.quotaProblem(ctx, c, plan, prior, false)
	if prior == nil && f.cluster != nil {
		r.preflights().record(f.cluster.String(), f.req, f.passed)
	}
	if f.problem != "" {
		addQuotaWarning(diags, plan, f.problem, f.replacingFailed)
	}
}

// checkQuotaBeforeCreate runs the preflight once more just before the PUT: the quota may have been used up
// since the plan, and the plan could not check it when the workspace was not created yet. absent says that
// the caller has just found no cluster of that name. It returns false after reporting a finding.
func (r *clusterResource) checkQuotaBeforeCreate(ctx context.Context, c *client.Client, plan clusterResourceModel,
	absent bool, diags *diag.Diagnostics) bool {
	if f := r.quotaProblem(ctx, c, plan, nil, absent); f.problem != "" {
		addQuotaError(diags, plan, f.problem, "Nothing was created.")
		return false
	}
	return true
}

// checkQuotaBeforeResize runs the preflight just before the PATCH of a resize, which the plan only warned
// about. It returns false after reporting a finding.
func (r *clusterResource) checkQuotaBeforeResize(ctx context.Context, c *client.Client, plan, state clusterResourceModel,
	diags *diag.Diagnostics) bool {
	if f := r.quotaProblem(ctx, c, plan, &state, false); f.problem != "" {
		addQuotaError(diags, plan, f.problem, "The cluster was not resized.")
		return false
	}
	return true
}

// quotaFinding is what a quota preflight found.
type quotaFinding struct {
	// problem describes the quota line the cluster would exceed, or is "".
	problem string
	// replacingFailed says that the existing cluster is one whose create failed, which the caller only warns
	// about.
	replacingFailed bool
	// passed says that the preflight of a create ran in full and found nothing in the way: no cluster of
	// that name exists (a read answered 404, or the caller said so), and the usages leave room.
	passed bool
	// cluster is the ID of the cluster checked, when the plan knows it; req is what was checked.
	cluster *api.ClusterID
	req     clusterQuotaRequest
}

// quotaProblem runs the quota preflight for a create (prior == nil) or a resize. The finding's problem is
// "" whenever it cannot tell: values only known after apply (e.g. a workspace created in the same apply), a
// VM size missing from the VM-size table, or a failure to read the workspace or the usages (the service
// still checks).
//
// A create whose cluster already exists is the second half of a replacement (Terraform deletes the old
// cluster first) or of a cluster being deleted: what that cluster holds is freed before the PUT, so it is
// counted as available, and the cluster count does not grow. absent says that the caller has just found no
// cluster of that name, so it is not read again.
func (r *clusterResource) quotaProblem(ctx context.Context, c *client.Client, plan clusterResourceModel, prior *clusterResourceModel,
	absent bool) quotaFinding {
	var diags diag.Diagnostics
	var f quotaFinding
	nodes, ok := plannedNodes(ctx, plan, prior, &diags)
	if !ok || diags.HasError() || plan.VMSize.IsUnknown() || plan.VMPriority.IsUnknown() || plan.WorkspaceID.IsUnknown() {
		return f
	}
	req := clusterQuotaRequest{vmSize: plan.VMSize.ValueString(), priority: plan.VMPriority.ValueString(),
		creating: prior == nil, nodes: nodes}
	if prior != nil {
		// A replacement may change the size or priority too: the held nodes are the prior ones.
		req.heldNodes, req.heldVMSize, req.heldPriority = heldNodes(ctx, *prior, &diags), prior.VMSize.ValueString(), prior.VMPriority.ValueString()
		if req.sameHolding() && req.nodes <= req.heldNodes {
			return f // shrinking, or no growth: never refused
		}
	}
	if _, known := vmsize.Lookup(req.vmSize); !known && !req.creating {
		return f
	}
	wsID, err := api.ParseWorkspaceID(plan.WorkspaceID.ValueString())
	if err != nil {
		return f
	}
	if req.creating && !plan.Name.IsUnknown() {
		id := wsID.Cluster(plan.Name.ValueString())
		f.cluster = &id
	}
	ws, err := c.GetWorkspace(ctx, wsID)
	if err != nil {
		tflog.Debug(ctx, "quota preflight skipped: cannot read the workspace", map[string]any{"error": err.Error()})
		return f
	}
	if f.cluster != nil && !absent {
		existing, err := c.GetCluster(ctx, *f.cluster)
		switch {
		case err == nil:
			p := api.Deref(existing.Properties)
			f.replacingFailed = strings.EqualFold(api.Deref(p.ProvisioningState), api.ProvisioningStateFailed)
			req.creating = false
			req.heldNodes, req.heldVMSize, req.heldPriority = apiHeldNodes(p), api.Deref(p.VMSize), api.Deref(p.VMPriority)
		case client.IsNotFound(err):
			absent = true
		}
	}
	req.location = normalizeLocation.normalize(api.Deref(ws.Location))
	f.req = req
	usages, err := c.ListUsages(ctx, req.location)
	if err != nil {
		tflog.Debug(ctx, "quota preflight skipped: cannot list usages", map[string]any{"error": err.Error()})
		return f
	}
	f.problem = checkClusterQuota(req, usages)
	f.passed = f.problem == "" && req.creating && absent
	return f
}

// apiHeldNodes is what an existing cluster holds against the quota, as heldNodes says for state: its
// nodes, or its manual target while it grows; a cluster whose create failed holds only its nodes.
func apiHeldNodes(p api.ClusterProperties) int {
	held := int(api.Deref(p.CurrentNodeCount))
	failed := strings.EqualFold(api.Deref(p.ProvisioningState), api.ProvisioningStateFailed)
	if ss := p.ScaleSettings; ss != nil && ss.Manual != nil && !failed {
		held = max(held, int(api.Deref(ss.Manual.TargetNodeCount)))
	}
	return held
}

// plannedNodes is the node count the planned scale settings steer to, as the service computes it: the
// manual target; for auto-scale, the initial count at creation and the current count later, each kept
// inside [minimum, maximum]. ok is false while any of it is unknown.
func plannedNodes(ctx context.Context, plan clusterResourceModel, prior *clusterResourceModel, diags *diag.Diagnostics) (int, bool) {
	if plan.ScaleSettings.IsUnknown() {
		return 0, false
	}
	ss := objectAs[clusterScaleSettingsModel](ctx, plan.ScaleSettings, diags)
	if ss == nil || ss.Manual.IsUnknown() || ss.AutoScale.IsUnknown() {
		return 0, false
	}
	if m := objectAs[clusterManualScaleModel](ctx, ss.Manual, diags); m != nil {
		return int(m.TargetNodeCount.ValueInt64()), !m.TargetNodeCount.IsUnknown()
	}
	a := objectAs[clusterAutoScaleModel](ctx, ss.AutoScale, diags)
	if a == nil || a.MinimumNodeCount.IsUnknown() || a.MaximumNodeCount.IsUnknown() || a.InitialNodeCount.IsUnknown() {
		return 0, false
	}
	from := int(a.InitialNodeCount.ValueInt64())
	if prior != nil {
		from = int(prior.CurrentNodeCount.ValueInt64())
	}
	return clampNodes(from, int(a.MinimumNodeCount.ValueInt64()), int(a.MaximumNodeCount.ValueInt64())), true
}

// heldNodes is what a cluster holds against the quota: its nodes, or its manual target while it grows.
func heldNodes(ctx context.Context, state clusterResourceModel, diags *diag.Diagnostics) int {
	held := int(state.CurrentNodeCount.ValueInt64())
	if ss := objectAs[clusterScaleSettingsModel](ctx, state.ScaleSettings, diags); ss != nil {
		if m := objectAs[clusterManualScaleModel](ctx, ss.Manual, diags); m != nil {
			held = max(held, int(m.TargetNodeCount.ValueInt64()))
		}
	}
	return held
}

// quotaAttribute is the attribute that sets the node count, which quota findings are reported on.
func quotaAttribute(plan clusterResourceModel) path.Path {
	if ss, ok := plan.ScaleSettings.Attributes()["auto_scale"]; ok && !ss.IsNull() {
		return path.Root("scale_settings").AtName("auto_scale")
	}
	return path.Root("scale_settings").AtName("manual").AtName("target_node_count")
}

// addQuotaError reports the finding of the apply-time preflight on the attribute that sets the node count;
// outcome says what was not done.
func addQuotaError(diags *diag.Diagnostics, plan clusterResourceModel, problem, outcome string) {
	at := quotaAttribute(plan)
	diags.AddAttributeError(at, "Insufficient Batch AI Quota",
		fmt.Sprintf("%s asks for more than the subscription's Batch AI quota allows: %s\n\n%s", at, problem, outcome))
}

// addQuotaWarning reports the finding of the plan-time preflight. replacingFailed says that the plan replaces
// a cluster whose create failed, which the apply deletes before it stops.
func addQuotaWarning(diags *diag.Diagnostics, plan clusterResourceModel, problem string, replacingFailed bool) {
	at := quotaAttribute(plan)
	outcome := "Unless quota frees up first, applying this plan stops before the cluster is created or resized, " +
		"and nothing is sent for it."
	if replacingFailed {
		outcome = "The cluster it replaces failed to be created. Unless quota frees up, the apply will stop again, " +
			"before creating anything, after deleting the failed cluster."
	}
	diags.AddAttributeWarning(at, "Insufficient Batch AI Quota",
		fmt.Sprintf("%s asks for more than the subscription's Batch AI quota allows: %s\n\n%s This is a warning, "+
			"not an error, so that `terraform destroy`, which plans the configuration first, is never blocked by it.",
			at, problem, outcome))
}
