package provider

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

// A create's preflight, once per apply. Terraform (and OpenTofu) plan every resource instance again during
// the apply, right before its create, so ModifyPlan has then just read what Create would read again: the
// workspace, the cluster (404: nothing of that name exists) and the location's usages. The framework hands
// Create no planned private state, so that plan's finding is kept in memory instead, for the Create that
// follows in the same provider process: a passed preflight (the cluster proven absent and the quota enough)
// lets Create go straight to its PUT. Anything else (a finding, an error, values that were unknown, an entry
// older than preflightFreshness, a plan that differs from the one checked) leaves Create to check for itself,
// as it always did. An entry is used once.

// preflightFreshness is how long a passed preflight stands in for Create's own checks. The apply-time plan
// and the create of an instance run one after the other in the same graph node, milliseconds apart; a plan
// made by `terraform plan` earlier is never trusted, however the CLI is driven.
const preflightFreshness = 30 * time.Second

// createPreflights holds the passed preflights of the provider process's current configuration, by cluster ID.
type createPreflights struct {
	mu      sync.Mutex
	now     func() time.Time
	entries map[string]preflightPass
}

// preflightPass is one passed preflight: when, and for which request.
type preflightPass struct {
	at      time.Time
	request string // See preflightKey.
}

func newCreatePreflights() *createPreflights {
	return &createPreflights{now: time.Now, entries: map[string]preflightPass{}}
}

// preflightKey is what a preflight checked, so that a Create whose plan asks for something else checks again.
// The location is left out: Create does not know it without reading the workspace.
func preflightKey(req clusterQuotaRequest) string {
	return strings.ToLower(req.vmSize + "|" + req.priority + "|" + strconv.Itoa(req.nodes))
}

// record keeps a passed preflight for the cluster id, or, with passed false, forgets any earlier one: every
// plan of a create replaces what the one before it found.
func (p *createPreflights) record(id string, req clusterQuotaRequest, passed bool) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	for k, e := range p.entries {
		if now.Sub(e.at) > preflightFreshness {
			delete(p.entries, k) // Plans that no create followed.
		}
	}
	if !passed {
		delete(p.entries, strings.ToLower(id))
		return
	}
	p.entries[strings.ToLower(id)] = preflightPass{at: now, request: preflightKey(req)}
}

// take reports whether a fresh preflight passed for the cluster id and the request req, and forgets it.
func (p *createPreflights) take(id string, req clusterQuotaRequest) bool {
	if p == nil {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.entries[strings.ToLower(id)]
	delete(p.entries, strings.ToLower(id))
	if !ok || p.now().Sub(e.at) > preflightFreshness {
		return false
	}
	return e.request == preflightKey(req)
}

// preflights is the provider's ledger of passed preflights, or nil before the provider is configured.
func (r *clusterResource) preflights() *createPreflights {
	if r.data == nil {
		return nil
	}
	return r.data.preflights
}

// preflightPassed reports whether the apply-time plan of this create passed its preflight for what plan asks
// (see above), and uses that finding up.
func (r *clusterResource) preflightPassed(ctx context.Context, id api.ClusterID, plan clusterResourceModel) bool {
	var diags diag.Diagnostics
	nodes, ok := plannedNodes(ctx, plan, nil, &diags)
	passed := r.preflights().take(id.String(), clusterQuotaRequest{vmSize: plan.VMSize.ValueString(),
		priority: plan.VMPriority.ValueString(), nodes: nodes})
	return passed && ok && !diags.HasError()
}

// checkBeforeCreate is Create's own preflight, when the plan's cannot stand in for it: no cluster of that
// name may exist (one being deleted is waited for), and the quota must leave room. It returns false after
// reporting what is in the way.
func (r *clusterResource) checkBeforeCreate(ctx context.Context, c *client.Client, id api.ClusterID, plan clusterResourceModel,
	diags *diag.Diagnostics) bool {
	return checkCreatable(ctx, c,
		func(a action, err error) { addAPIError(diags, a, kindCluster, id.String(), err) },
		func() { addAlreadyExistsError(diags, kindCluster, id.String(), "batchai_cluster") },
		clusterProvisioningState(c, id)) &&
		// The plan could not check the quota when the workspace was not created yet; check it now, before
		// the PUT, rather than let the service fail the cluster minutes later.
		r.checkQuotaBeforeCreate(ctx, c, plan, true, diags)
}
