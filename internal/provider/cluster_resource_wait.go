package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

// clusterNotFoundGrace is how long a cluster that was just created or resized may read as 404 (ARM's
// eventual consistency) before the waiter believes it.
const clusterNotFoundGrace = 30 * time.Second

// clusterPollInterval is the provider's poll_interval, which the client carries: allocation has no
// Retry-After to follow.
func clusterPollInterval(c *client.Client) time.Duration {
	if d := c.PollFrequency(); d > 0 {
		return d
	}
	return client.DefaultPollFrequency
}

// waitForClusterSteady polls the cluster until allocation_state is steady, so that its nodes are usable
// when apply returns. It fails when the cluster fails (e.g. for lack of quota), naming the service's
// errors, or when ctx ends (the resource timeout), saying how far allocation got. It returns the last
// cluster read in every case, for the caller to record.
func waitForClusterSteady(ctx context.Context, c *client.Client, id api.ClusterID) (api.Cluster, error) {
	interval := clusterPollInterval(c)
	var last api.Cluster
	var notFoundSince time.Time
	for {
		cl, err := c.GetCluster(ctx, id)
		switch {
		case client.IsNotFound(err):
			if notFoundSince.IsZero() {
				notFoundSince = time.Now()
			}
			if time.Since(notFoundSince) > clusterNotFoundGrace {
				return last, err
			}
		case err != nil && ctx.Err() == nil:
			return last, err
		case err == nil:
			last, notFoundSince = cl, time.Time{}
			p := api.Deref(cl.Properties)
			if strings.EqualFold(api.Deref(p.ProvisioningState), api.ProvisioningStateFailed) {
				return last, fmt.Errorf("the cluster failed to provision%s", clusterErrorsText(p.Errors))
			}
			if isDeleting(p.ProvisioningState) {
				return last, errors.New("the cluster is being deleted (outside Terraform?): it will never become steady")
			}
			if strings.EqualFold(api.Deref(p.AllocationState), api.AllocationStateSteady) &&
				strings.EqualFold(api.Deref(p.ProvisioningState), api.ProvisioningStateSucceeded) {
				return last, nil
			}
			tflog.Debug(ctx, "waiting for the cluster's allocation to become steady", map[string]any{
				"allocation_state": api.Deref(p.AllocationState), "current_node_count": api.Deref(p.CurrentNodeCount),
			})
		}
		select {
		case <-ctx.Done():
			return last, clusterWaitTimeoutError(ctx, last)
		case <-time.After(interval):
		}
	}
}

// clusterWaitTimeoutError says where allocation stood when the wait ran out.
func clusterWaitTimeoutError(ctx context.Context, last api.Cluster) error {
	p := api.Deref(last.Properties)
	counts := api.Deref(p.NodeStateCounts)
	state := fmt.Sprintf("allocation_state was %q with %d node(s): %d idle, %d preparing, %d unusable, %d leaving",
		api.Deref(p.AllocationState), api.Deref(p.CurrentNodeCount), api.Deref(counts.IdleNodeCount),
		api.Deref(counts.PreparingNodeCount), api.Deref(counts.UnusableNodeCount), api.Deref(counts.LeavingNodeCount))
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("timed out waiting for allocation_state %q (%s%s); raise the timeout in the "+
			"`timeouts` block, or set wait_for_steady_state = false: %w", api.AllocationStateSteady, state,
			clusterErrorsText(p.Errors), ctx.Err())
	}
	return fmt.Errorf("interrupted while waiting for allocation_state %q (%s): %w", api.AllocationStateSteady, state, ctx.Err())
}

// clusterErrorsText lists the errors the service reports for a cluster, e.g. the quota numbers.
func clusterErrorsText(errs []api.BatchAIError) string {
	if len(errs) == 0 {
		return ""
	}
	parts := make([]string, 0, len(errs))
	for _, e := range errs {
		parts = append(parts, fmt.Sprintf("%s: %s", api.Deref(e.Code), api.Deref(e.Message)))
	}
	return "; the service reports: " + strings.Join(parts, "; ")
}

// recordFailedCreate runs when the service accepted the PUT but the wait failed (operation failed, timeout,
// interrupt). The cluster exists, so it goes to state with the error: Terraform marks it tainted instead of
// orphaning it, and the next apply replaces it. The GET runs detached from ctx, which may be canceled.
func (r *clusterResource) recordFailedCreate(ctx context.Context, c *client.Client, id api.ClusterID,
	plan clusterResourceModel, resp *resource.CreateResponse, waitErr error) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recoveryTimeout)
	defer cancel()
	plan.ID = types.StringValue(id.String())
	cl, err := c.GetCluster(rctx, id)
	switch {
	case err == nil:
		resp.Diagnostics.Append(plan.setFromAPI(rctx, cl)...)
		waitErr = withClusterErrors(waitErr, cl)
	case client.IsNotFound(err):
		// Nothing was created (or the failure removed it): there is nothing to track.
		addAPIError(&resp.Diagnostics, actionWaitCreate, kindCluster, id.String(), waitErr)
		return
	default:
		// Unknown outcome: record the ID anyway (the next refresh settles the rest) rather than risk an orphan.
		tflog.Warn(rctx, "could not read the cluster after a failed create; recording its ID only", map[string]any{"error": err.Error()})
		resp.Diagnostics.Append(plan.nullUnknowns(rctx)...)
	}
	resp.Diagnostics.Append(resp.State.Set(rctx, &plan)...)
	addTaintedCreateError(&resp.Diagnostics, kindCluster, id.String(), waitErr)
}

// recordFailedUpdate runs when the PATCH was accepted but waiting for steady failed: the new scale
// settings are in effect, so state records them (and what the cluster looks like) with the error.
func (r *clusterResource) recordFailedUpdate(ctx context.Context, c *client.Client, id api.ClusterID,
	plan clusterResourceModel, resp *resource.UpdateResponse, waitErr error) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recoveryTimeout)
	defer cancel()
	if cl, err := c.GetCluster(rctx, id); err == nil {
		resp.Diagnostics.Append(plan.setFromAPI(rctx, cl)...)
	} else {
		resp.Diagnostics.Append(plan.nullUnknowns(rctx)...)
	}
	resp.Diagnostics.Append(resp.State.Set(rctx, &plan)...)
	addAPIError(&resp.Diagnostics, actionWaitUpdate, kindCluster, id.String(), waitErr)
}

// withClusterErrors appends the cluster's own errors to err when it does not carry them yet.
func withClusterErrors(err error, cl api.Cluster) error {
	text := clusterErrorsText(api.Deref(cl.Properties).Errors)
	if text == "" || strings.Contains(err.Error(), strings.TrimPrefix(text, "; the service reports: ")) {
		return err
	}
	return fmt.Errorf("%w%s", err, text)
}

// nullUnknowns replaces the values that would only be known after apply with nulls, for a state
// recorded without reading the cluster (state may not hold unknowns).
func (m *clusterResourceModel) nullUnknowns(ctx context.Context) diag.Diagnostics {
	var diags diag.Diagnostics
	if m.ImageReference.IsUnknown() {
		m.ImageReference = types.ObjectNull(clusterImageReferenceAttrTypes)
	}
	if m.SubnetID.IsUnknown() {
		m.SubnetID = types.StringNull()
	}
	if st := objectAs[clusterSetupTaskResourceModel](ctx, m.SetupTask, &diags); st != nil && st.StdOutErrPathSuffix.IsUnknown() {
		st.StdOutErrPathSuffix = types.StringNull()
		m.SetupTask = objectFrom(ctx, clusterSetupTaskResourceAttrTypes, st, &diags)
	}
	if m.AllocationState.IsUnknown() {
		m.AllocationState = types.StringNull()
	}
	if m.CurrentNodeCount.IsUnknown() {
		m.CurrentNodeCount = types.Int64Null()
	}
	if m.NodeStateCounts.IsUnknown() {
		m.NodeStateCounts = types.ObjectNull(clusterNodeStateCountsAttrTypes)
	}
	if m.Errors.IsUnknown() {
		m.Errors = types.ListNull(types.ObjectType{AttrTypes: clusterErrorAttrTypes})
	}
	if m.CreationTime.IsUnknown() {
		m.CreationTime = types.StringNull()
	}
	if m.ProvisioningState.IsUnknown() {
		m.ProvisioningState = types.StringNull()
	}
	return diags
}
