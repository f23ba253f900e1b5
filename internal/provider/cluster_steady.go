package provider

import (
	"context"
	"errors"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

// A wait for steady that ends without steady. Once Azure has reported a cluster's create succeeded, the cluster
// is what the configuration asked for, and its nodes are the service's to allocate: Terraform no longer waiting
// for them is no reason to replace it. So:
//
//   - A create whose operation failed is still tainted (resource_create.go), and so is a cluster that fails or
//     starts being deleted during the wait.
//   - Anything else that ends the wait for steady after the create succeeded (the create timeout, Ctrl-C, reads
//     that keep failing, and node failures: unusable nodes after a failed setup task, an allocation the region
//     could not meet) records the cluster as it is, untainted, with a warning that names the reason, and marks
//     the wait as pending in the resource's private state. Terraform taints every resource whose create
//     returns an error, so the create cannot fail without replacing the cluster: it warns instead.
//   - A pending wait is resumed by the next plan and apply: the plan shows an in-place update of the observed
//     values (allocation_state, node counts, errors: known after apply), and the apply waits for steady again.
//     An update's wait that ends without steady is an error (an update's error taints nothing), and stays
//     pending. A refresh that finds the cluster steady without errors ends the pending wait: nothing is left to
//     do. wait_for_steady_state = false ends it too.
//
// Node failures are treated like an interrupted wait rather than like a failed create because replacing the
// cluster cannot fix them (a setup task that fails on every node fails again on the new nodes, until the
// configuration changes it, which replaces the cluster anyway; a region short of capacity is short for the new
// cluster too, which would also lose the nodes the old one got), and because the service goes on managing those
// nodes. The apply that resumes the wait then fails with the node errors, naming them, and keeps the cluster.

// clusterPrivateSteadyWait is the private-state key that marks a wait for steady as pending.
const clusterPrivateSteadyWait = "steady_wait_pending"

// steadyWaitPending reports whether an earlier wait for steady did not complete.
func steadyWaitPending(ctx context.Context, p privateStateReader, diags *diag.Diagnostics) bool {
	if p == nil {
		return false
	}
	mark, d := p.GetKey(ctx, clusterPrivateSteadyWait)
	diags.Append(d...)
	return len(mark) > 0
}

// setSteadyWaitPending sets or removes the mark.
func setSteadyWaitPending(ctx context.Context, p privateState, pending bool) diag.Diagnostics {
	if !pending {
		return p.SetKey(ctx, clusterPrivateSteadyWait, nil)
	}
	return p.SetKey(ctx, clusterPrivateSteadyWait, []byte("true"))
}

// taintsCreate reports a wait error after which the cluster is not what the configuration asked for: it
// failed, it is being deleted, or it is gone.
func taintsCreate(err error) bool {
	return errors.Is(err, errClusterFailed) || errors.Is(err, errClusterDeleting) || client.IsNotFound(err)
}

// isSteady reports a cluster with nothing left to wait for: steady, succeeded, without errors.
func isSteady(cl api.Cluster) bool {
	p := api.Deref(cl.Properties)
	return strings.EqualFold(api.Deref(p.AllocationState), api.AllocationStateSteady) &&
		strings.EqualFold(api.Deref(p.ProvisioningState), api.ProvisioningStateSucceeded) && len(p.Errors) == 0
}

// recordUnsteady prepares plan for a state recorded after a wait for steady ended with waitErr: what a read
// shows now (on a context that outlives an interrupted apply by at most timing.overrunGrace), else the last
// cluster the wait read, else nulls for what only the API knows.
func (r *clusterResource) recordUnsteady(ctx context.Context, c *client.Client, id api.ClusterID, plan *clusterResourceModel,
	last api.Cluster, waitErr error) diag.Diagnostics {
	rctx, cancel := recoveryContext(ctx, r.timing().overrunGrace)
	defer cancel()
	cl, err := c.GetCluster(rctx, id)
	if err != nil {
		tflog.Warn(rctx, "could not read the cluster after its wait for steady ended; recording what the wait saw",
			map[string]any{"error": err.Error(), "wait_error": waitErr.Error()})
		cl = last
	}
	if cl.Properties == nil {
		return plan.nullUnknowns(rctx)
	}
	return plan.setFromAPI(rctx, cl)
}

// planSteadyWaitResumed leaves the observed values of plan unknown, so that the plan shows the update that
// resumes a pending wait for steady.
func planSteadyWaitResumed(plan *clusterResourceModel) {
	plan.AllocationState = types.StringUnknown()
	plan.CurrentNodeCount = types.Int64Unknown()
	plan.NodeStateCounts = types.ObjectUnknown(clusterNodeStateCountsAttrTypes)
	plan.Errors = types.ListUnknown(types.ObjectType{AttrTypes: clusterErrorAttrTypes})
}
