package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
	"github.com/batchai-tf/terraform-provider-batchai/internal/vmsize"
)

// ModifyPlan settles the read-only values of an update and runs the quota preflight. (When the plan is a
// replacement, Terraform plans the new cluster again without prior state, which runs the create preflight;
// what this call does to the update plan is then discarded.)
//
// The framework plans every computed value as unknown once anything changes. When scale_settings
// changes, allocation_state, node counts, errors and provisioning_state really do change during apply
// and stay unknown; when only provider-side arguments change (wait_for_steady_state, timeouts) nothing
// reaches the API, so they keep their state values and the plan shows no noise.
func (r *clusterResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan clusterResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var prior *clusterResourceModel
	if !req.State.Raw.IsNull() {
		var state clusterResourceModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		prior = &state
		if plan.ScaleSettings.Equal(state.ScaleSettings) {
			plan.AllocationState = state.AllocationState
			plan.CurrentNodeCount = state.CurrentNodeCount
			plan.NodeStateCounts = state.NodeStateCounts
			plan.Errors = state.Errors
			plan.ProvisioningState = state.ProvisioningState
			resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
			return
		}
	}
	if r.data == nil || r.data.client == nil {
		return // validation without a configured provider
	}
	problem, replacingFailed := r.quotaProblem(ctx, r.data.client, plan, prior)
	switch {
	case problem == "":
	case replacingFailed:
		// The plan replaces a cluster whose create failed (tainted). Failing here would also fail
		// `terraform destroy`, which plans the configuration first, and the failed cluster could never
		// be removed: warn now; the create checks the quota again before its PUT.
		addQuotaWarning(&resp.Diagnostics, plan, problem)
	default:
		addQuotaError(&resp.Diagnostics, plan, problem)
	}
}

// quotaProblem runs the quota preflight for a create (prior == nil) or a resize, and describes the
// quota line the cluster would exceed, or returns "". It returns "" whenever it cannot tell: values
// only known after apply (e.g. a workspace created in the same apply), a VM size missing from the
// VM-size table, or a failure to read the workspace or the usages (the service still checks).
//
// A create whose cluster already exists is the second half of a replacement (Terraform deletes the old
// cluster first) or of a cluster being deleted: what that cluster holds is freed before the PUT, so it is
// counted as available, and the cluster count does not grow. replacingFailed says that the existing
// cluster is one whose create failed, which the caller only warns about.
func (r *clusterResource) quotaProblem(ctx context.Context, c *client.Client, plan clusterResourceModel, prior *clusterResourceModel) (problem string, replacingFailed bool) {
	var diags diag.Diagnostics
	nodes, ok := plannedNodes(ctx, plan, prior, &diags)
	if !ok || diags.HasError() || plan.VMSize.IsUnknown() || plan.VMPriority.IsUnknown() || plan.WorkspaceID.IsUnknown() {
		return "", false
	}
	req := clusterQuotaRequest{vmSize: plan.VMSize.ValueString(), priority: plan.VMPriority.ValueString(),
		creating: prior == nil, nodes: nodes}
	if prior != nil {
		// A replacement may change the size or priority too: the held nodes are the prior ones.
		req.heldNodes, req.heldVMSize, req.heldPriority = heldNodes(ctx, *prior, &diags), prior.VMSize.ValueString(), prior.VMPriority.ValueString()
		if req.sameHolding() && req.nodes <= req.heldNodes {
			return "", false // shrinking, or no growth: never refused
		}
	}
	if _, known := vmsize.Lookup(req.vmSize); !known && !req.creating {
		return "", false
	}
	wsID, err := api.ParseWorkspaceID(plan.WorkspaceID.ValueString())
	if err != nil {
		return "", false
	}
	ws, err := c.GetWorkspace(ctx, wsID)
	if err != nil {
		tflog.Debug(ctx, "quota preflight skipped: cannot read the workspace", map[string]any{"error": err.Error()})
		return "", false
	}
	if req.creating && !plan.Name.IsUnknown() {
		id := api.ClusterID{SubscriptionID: wsID.SubscriptionID, ResourceGroup: wsID.ResourceGroup, Workspace: wsID.Name, Name: plan.Name.ValueString()}
		if existing, err := c.GetCluster(ctx, id); err == nil {
			p := api.Deref(existing.Properties)
			replacingFailed = strings.EqualFold(api.Deref(p.ProvisioningState), api.ProvisioningStateFailed)
			req.creating = false
			req.heldNodes, req.heldVMSize, req.heldPriority = apiHeldNodes(p), api.Deref(p.VMSize), api.Deref(p.VMPriority)
		}
	}
	req.location = strings.ToLower(strings.ReplaceAll(api.Deref(ws.Location), " ", ""))
	usages, err := c.ListUsages(ctx, req.location)
	if err != nil {
		tflog.Debug(ctx, "quota preflight skipped: cannot list usages", map[string]any{"error": err.Error()})
		return "", false
	}
	return checkClusterQuota(req, usages), replacingFailed
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

// addQuotaError reports the preflight's finding on the attribute that sets the node count. Terraform
// plans the configuration before a destroy too, so the detail says how to destroy regardless.
func addQuotaError(diags *diag.Diagnostics, plan clusterResourceModel, problem string) {
	at := quotaAttribute(plan)
	diags.AddAttributeError(at, "Insufficient Batch AI Quota",
		fmt.Sprintf("%s asks for more than the subscription's Batch AI quota allows: %s\n\n"+
			"`terraform destroy` plans this configuration first and stops here too: to destroy regardless, "+
			"run `terraform destroy -refresh=false`, or change the configuration first.", at, problem))
}

// addQuotaWarning reports the finding for the replacement of a cluster whose create failed.
func addQuotaWarning(diags *diag.Diagnostics, plan clusterResourceModel, problem string) {
	at := quotaAttribute(plan)
	diags.AddAttributeWarning(at, "Insufficient Batch AI Quota",
		fmt.Sprintf("%s asks for more than the subscription's Batch AI quota allows: %s\n\n"+
			"The cluster it replaces failed to be created. Unless quota frees up, the apply will stop again, "+
			"before creating anything, after deleting the failed cluster.", at, problem))
}
