package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

// The waits of a cluster: until its allocation is steady (create and resize), and until it lists enough
// nodes (the batchai_cluster_nodes data source). Each polls through pollUntil at the provider's poll
// interval: allocation has no Retry-After to follow.

// The ends of a wait for steady that are not timeouts, so that callers can tell a failed cluster from
// failed nodes.
var (
	// errClusterFailed says that the cluster's provisioning failed (e.g. for lack of quota).
	errClusterFailed = errors.New("the cluster failed to provision")
	// errClusterDeleting says that the cluster is being deleted, so it never becomes steady.
	errClusterDeleting = errors.New("the cluster is being deleted (outside Terraform?): it will never become steady")
	// errNodesFailed says that the cluster became steady with errors for its nodes (unusable nodes after a
	// failed setup task, an allocation the region could not meet): waiting longer cannot help.
	errNodesFailed = errors.New("allocation_state is steady, but nodes failed")
)

// waitForClusterSteady polls the cluster until allocation_state is steady, so that its nodes are usable
// when apply returns. It fails when the cluster fails (errClusterFailed, naming the service's errors), when
// it becomes steady with node errors (errNodesFailed, naming them), or when ctx ends (the resource
// timeout), saying how far allocation got. A cluster that was just created or resized may read as 404 for
// timing.notFoundGrace (ARM's eventual consistency) before the wait believes it. It returns the last
// cluster read in every case, for the caller to record.
func waitForClusterSteady(ctx context.Context, c *client.Client, t timing, id api.ClusterID) (api.Cluster, error) {
	return waitForClusterSteadyReporting(ctx, c, t, id, nil, nil)
}

// waitForClusterSteadyReporting is waitForClusterSteady that also hands every read of the cluster to report
// (when not nil) while it is not steady yet, for the progress messages of batchai_cluster_resize. When seen is
// not nil it is a read the caller has just made (a create's final read): when it already ends the wait, no
// read is sent.
func waitForClusterSteadyReporting(ctx context.Context, c *client.Client, t timing, id api.ClusterID, seen *api.Cluster,
	report func(api.Cluster)) (api.Cluster, error) {
	if seen != nil {
		if done, err := steadyOutcome(*seen); done {
			return *seen, err
		}
	}
	var last api.Cluster
	if seen != nil {
		last = *seen
	}
	var notFoundSince time.Time
	err := pollUntil(ctx, c.PollFrequency(), func(ctx context.Context) (bool, error) {
		cl, err := c.GetCluster(ctx, id)
		switch {
		case client.IsNotFound(err):
			if notFoundSince.IsZero() {
				notFoundSince = time.Now()
			}
			if time.Since(notFoundSince) > t.notFoundGrace {
				return true, err
			}
			return false, nil
		case err != nil:
			return false, err
		}
		last, notFoundSince = cl, time.Time{}
		if done, err := steadyOutcome(cl); done {
			return true, err
		}
		if report != nil {
			report(cl)
		}
		p := api.Deref(cl.Properties)
		tflog.Debug(ctx, "waiting for the cluster's allocation to become steady", map[string]any{
			"allocation_state": api.Deref(p.AllocationState), "current_node_count": api.Deref(p.CurrentNodeCount),
		})
		return false, nil
	}, func(error) error { return clusterWaitTimeoutError(ctx, last) })
	return last, err
}

// steadyOutcome says whether a read of the cluster ends the wait for steady, and with which error: failed,
// being deleted, or steady and succeeded (with errNodesFailed when nodes failed).
func steadyOutcome(cl api.Cluster) (done bool, err error) {
	p := api.Deref(cl.Properties)
	switch {
	case strings.EqualFold(api.Deref(p.ProvisioningState), api.ProvisioningStateFailed):
		return true, fmt.Errorf("%w%s", errClusterFailed, clusterErrorsText(p.Errors))
	case isDeleting(p.ProvisioningState):
		return true, errClusterDeleting
	case strings.EqualFold(api.Deref(p.AllocationState), api.AllocationStateSteady) &&
		strings.EqualFold(api.Deref(p.ProvisioningState), api.ProvisioningStateSucceeded):
		if len(p.Errors) > 0 {
			return true, fmt.Errorf("%w (%s)%s", errNodesFailed, clusterAllocationText(p), clusterErrorsText(p.Errors))
		}
		return true, nil
	}
	return false, nil
}

// clusterAllocationText says where a cluster's allocation stands.
func clusterAllocationText(p api.ClusterProperties) string {
	counts := api.Deref(p.NodeStateCounts)
	return fmt.Sprintf("allocation_state was %q with %d node(s): %d idle, %d preparing, %d unusable, %d leaving",
		api.Deref(p.AllocationState), api.Deref(p.CurrentNodeCount), api.Deref(counts.IdleNodeCount),
		api.Deref(counts.PreparingNodeCount), api.Deref(counts.UnusableNodeCount), api.Deref(counts.LeavingNodeCount))
}

// clusterWaitTimeoutError says where allocation stood when the wait ran out.
func clusterWaitTimeoutError(ctx context.Context, last api.Cluster) error {
	p := api.Deref(last.Properties)
	state := clusterAllocationText(p)
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

// withClusterErrors appends the cluster's own errors to err when it does not carry them yet.
func withClusterErrors(err error, cl api.Cluster) error {
	text := clusterErrorsText(api.Deref(cl.Properties).Errors)
	if text == "" || strings.Contains(err.Error(), strings.TrimPrefix(text, "; the service reports: ")) {
		return err
	}
	return fmt.Errorf("%w%s", err, text)
}

// errNodesUnreachable says that the cluster is steady and its scale settings cannot give the wanted count,
// so waiting longer cannot help.
var errNodesUnreachable = errors.New("the cluster cannot reach that many nodes")

// waitForNodes lists the nodes until at least want are listed. Between lists it reads the cluster, so that a
// steady cluster whose scale settings stop below want fails at once instead of at the timeout.
func waitForNodes(ctx context.Context, c *client.Client, id api.ClusterID, want int) ([]api.RemoteLoginInformation, error) {
	var nodes []api.RemoteLoginInformation
	err := pollUntil(ctx, c.PollFrequency(), func(ctx context.Context) (bool, error) {
		listed, err := c.ListRemoteLoginInformation(ctx, id)
		if err != nil {
			return false, err
		}
		if nodes = listed; len(nodes) >= want {
			return true, nil
		}
		tflog.Debug(ctx, "waiting for cluster nodes", map[string]any{"listed": len(nodes), "wanted": want})
		cl, err := c.GetCluster(ctx, id)
		if err != nil {
			return false, err
		}
		if ceiling, steady := clusterNodeCeiling(cl); steady && ceiling < want {
			return true, fmt.Errorf("%w: it is steady and its scale settings allow at most %d", errNodesUnreachable, ceiling)
		}
		return false, nil
	}, func(ctxErr error) error {
		// The deadline reads the same whichever call it interrupted.
		return fmt.Errorf("%d of %d nodes listed: %w", len(nodes), want, ctxErr)
	})
	if err != nil {
		return nil, err
	}
	return nodes, nil
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
