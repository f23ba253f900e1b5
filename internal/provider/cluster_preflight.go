package provider

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

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
//
// Two creates of one cluster ID in one apply (two resources given the same name and workspace) would each find
// the cluster absent in their plans, run in parallel, and both PUT: the second PUT, being create-or-update,
// would quietly make both resources manage one cluster. So a Create takes its turn for its cluster ID (begin)
// from its checks until its PUT is answered, and a Create of an ID that another Create has begun in the same
// provider configuration never trusts a plan: it checks for itself, after the first one's PUT, and finds that
// cluster.

// preflightFreshness is how long a passed preflight stands in for Create's own checks. The apply-time plan
// and the create of an instance run one after the other in the same graph node, milliseconds apart; a plan
// made by `terraform plan` earlier is never trusted, however the CLI is driven.
const preflightFreshness = 30 * time.Second

// createPreflights holds the passed preflights of the provider process's current configuration, by cluster ID,
// and the creates that have begun in it.
type createPreflights struct {
	mu      sync.Mutex
	now     func() time.Time
	entries map[string]preflightPass
	// turns holds, by cluster ID, a channel closed when the Create whose turn it is has had its PUT answered.
	turns map[string]chan struct{}
	// begun holds the cluster IDs whose Create has begun in this provider configuration.
	begun map[string]bool
}

// preflightPass is one passed preflight: when, and for which request.
type preflightPass struct {
	at      time.Time
	request string // See preflightKey.
}

func newCreatePreflights() *createPreflights {
	return &createPreflights{now: time.Now, entries: map[string]preflightPass{}, turns: map[string]chan struct{}{},
		begun: map[string]bool{}}
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

// begin waits, within ctx, for the turn of a Create of the cluster id: until no other Create of that ID is
// between its checks and its PUT's answer. A Create that another Create of the same ID came before forgets any
// passed preflight, so that it checks for itself. The caller calls end once the PUT is answered (or never
// sent); calling it again does nothing.
func (p *createPreflights) begin(ctx context.Context, id string) (end func(), err error) {
	if p == nil {
		return func() {}, nil
	}
	key := strings.ToLower(id)
	for {
		p.mu.Lock()
		busy, taken := p.turns[key]
		if !taken {
			done := make(chan struct{})
			p.turns[key] = done
			if p.begun[key] {
				delete(p.entries, key)
			}
			p.begun[key] = true
			p.mu.Unlock()
			var once sync.Once
			return func() {
				once.Do(func() {
					p.mu.Lock()
					delete(p.turns, key)
					p.mu.Unlock()
					close(done)
				})
			}, nil
		}
		p.mu.Unlock()
		select {
		case <-busy:
		case <-ctx.Done():
			return func() {}, fmt.Errorf("waiting for another create of this cluster in the same apply to send its request: %w; "+
				"two resources of the configuration name this cluster in one workspace, and only one of them can create it: "+
				"give each its own name", ctx.Err())
		}
	}
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

// clearToCreate takes the create's turn for its cluster ID (see begin) and makes sure that nothing is in the
// way of the PUT: the apply-time plan's passed preflight for what plan asks, else Create's own checks. It
// returns false after reporting what is in the way. The caller calls end once the PUT is answered, or when it
// returns, whichever comes first.
func (r *clusterResource) clearToCreate(ctx context.Context, c *client.Client, id api.ClusterID, plan clusterResourceModel,
	diags *diag.Diagnostics) (end func(), ok bool) {
	end, err := r.preflights().begin(ctx, id.String())
	if err != nil {
		addAPIError(diags, actionCheckExist, kindCluster, id.String(), err)
		return end, false
	}
	if r.preflightPassed(ctx, id, plan) {
		tflog.Debug(ctx, "the apply-time plan found no cluster of this name and enough quota; creating")
		return end, true
	}
	return end, r.checkBeforeCreate(ctx, c, id, plan, diags)
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
