package sim

import (
	"math"
	"slices"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// Node states, as nodeStateCounts names them. A node whose setup task fails becomes unusable
// instead of idle; a node running a job is running. NodeAllocating is the emulator's own: a node the service is still allocating (see
// Config.AllocationDelay) is counted nowhere in the API and has no address yet.
const (
	NodeAllocating = "allocating"
	NodePreparing  = "preparing"
	NodeIdle       = "idle"
	NodeRunning    = "running"
	NodeLeaving    = "leaving"
	NodeUnusable   = "unusable"
)

// SSH ports: the first node gets 50000, the next 50001, … (examples/ClusterListRemoteLoginInfo.json),
// inside the 50000-54999 NAT range Azure Batch gives a pool.
const (
	firstPort int32 = 50000
	portCount int32 = 5000
)

// removalOrder is which nodes go first when a cluster shrinks or is preempted: nodes that do no
// work (unusable, then still preparing, then idle) before busy ones, the newest first within a
// state. Dropping preparing nodes first means that scaling up and straight back down returns
// to the very nodes the cluster had.
var removalOrder = []string{NodeAllocating, NodeUnusable, NodePreparing, NodeIdle, NodeRunning}

// preemptionOrder is removalOrder without allocating nodes: no VM to take back yet.
var preemptionOrder = removalOrder[1:]

// Node is one compute node. Nodes change state only at ReadyAt, so a cluster's whole history
// follows from these timestamps whenever it is read.
type Node struct {
	ID    string    `json:"id"`
	Seq   int       `json:"seq"`
	Port  int32     `json:"port"`
	State string    `json:"state"`
	Since time.Time `json:"since"` // when the node entered State
	// ReadyAt is when an allocating node appears (preparing), a preparing node becomes idle or
	// a leaving node is gone; zero otherwise.
	ReadyAt time.Time `json:"readyAt"`
	// Preempted marks a leaving node that low-priority preemption took away: the service
	// replaces it once it is gone.
	Preempted bool `json:"preempted,omitempty"`
	// PreemptAt is when Config.PreemptionInterval reclaims this low-priority node; zero for none.
	PreemptAt time.Time `json:"preemptAt,omitzero"`
	// SetupExitCode is the exit code of the setup task on an unusable node.
	SetupExitCode int `json:"setupExitCode,omitempty"`
	// JobID is the job a running node runs.
	JobID string `json:"jobId,omitempty"`
}

// Advance brings the cluster to now: preparing nodes whose time has come are idle, leaving
// nodes are gone, preempted nodes are replaced, and allocationState settles. Transitions happen
// at their own timestamps, not at now, so one call far in the future (after a restart, say)
// gives exactly what many small calls would. A now earlier than the last one changes nothing.
func (c *Cluster) Advance(now time.Time, cfg Config) {
	c.Config = cfg.normalized()
	c.advance(now)
}

// advance processes every node event due by now, earliest first.
func (c *Cluster) advance(now time.Time) {
	for {
		t, ok := c.nextEvent()
		if !ok || t.After(now) {
			return
		}
		c.step(t)
	}
}

// nextEvent is the earliest pending event: of a node (a ReadyAt or a PreemptAt), of a job or of
// auto-scale.
func (c *Cluster) nextEvent() (time.Time, bool) {
	next, found := c.nextJobEvent()
	consider := func(t time.Time) {
		if !t.IsZero() && (!found || t.Before(next)) {
			next, found = t, true
		}
	}
	for _, n := range c.Nodes {
		if inFlight(n) {
			consider(n.ReadyAt)
		}
		consider(n.PreemptAt)
	}
	return next, found
}

// step applies every event due at t (the earliest pending one), then the rules that follow at t
// (update).
func (c *Cluster) step(t time.Time) {
	kept := make([]Node, 0, len(c.Nodes))
	setupExit := -1 // computed once, on the first node that finishes preparing
	for _, n := range c.Nodes {
		if inFlight(n) && !n.ReadyAt.After(t) {
			switch n.State {
			case NodeLeaving:
				continue // gone
			case NodeAllocating:
				n.State, n.Since, n.ReadyAt = NodePreparing, n.ReadyAt, n.ReadyAt.Add(c.Config.ProvisioningDelay)
			default:
				if setupExit < 0 {
					setupExit = c.setupExitCode()
				}
				n.State, n.Since, n.ReadyAt = NodeIdle, n.ReadyAt, time.Time{}
				if setupExit != 0 {
					// The setup task failed: the node is unusable, and the cluster reports why.
					n.State, n.SetupExitCode = NodeUnusable, setupExit
				} else if c.Config.PreemptionInterval > 0 && api.Deref(c.Props.VMPriority) == api.VMPriorityLowPriority {
					n.PreemptAt = n.Since.Add(c.Config.PreemptionInterval)
				}
			}
		}
		kept = append(kept, n)
	}
	c.Nodes = kept
	for i := range c.Nodes {
		if n := &c.Nodes[i]; !n.PreemptAt.IsZero() && !n.PreemptAt.After(t) {
			c.preemptNode(i, t)
		}
	}
	c.stepJobs(t)
	c.update(t)
}

// preemptNode reclaims node i at t, as low-priority preemption does: it leaves (its job, if any, is
// requeued), and the service replaces it once it is gone.
func (c *Cluster) preemptNode(i int, t time.Time) {
	if c.Nodes[i].JobID != "" {
		c.evictJobOn(i, t, false)
	}
	c.leave(i, t)
	c.Nodes[i].Preempted = true
}

// allocatable is how many nodes the cluster can hold: its target, or the region's capacity when that is
// lower (Config.RegionalCapacity).
func (c *Cluster) allocatable() int {
	if limit := c.Config.RegionalCapacity; limit > 0 && c.TargetNodes > limit {
		return limit
	}
	return c.TargetNodes
}

// reconcile steers the nodes toward TargetNodes at t: it adds preparing nodes for any shortfall
// (preempted nodes still leaving count as present until they are gone, so their replacements
// come after them), marks surplus nodes leaving (a job on a removed node is requeued, or failed
// with nodeDeallocationOption "terminate"; with "waitforjobcompletion" busy nodes stay until
// their job ends), and settles allocationState.
func (c *Cluster) reconcile(t time.Time) {
	active, pending := c.counts()
	switch {
	case active+pending < c.allocatable():
		for range c.allocatable() - active - pending {
			c.addNode(t)
		}
	case active > c.TargetNodes:
		order := removalOrder
		if c.deallocationOption() == api.DeallocationWaitForJobCompletion {
			order = removalOrder[:len(removalOrder)-1] // everything but running nodes
		}
		for _, i := range c.pickNodes(active-c.TargetNodes, order) {
			if c.Nodes[i].JobID != "" {
				c.evictJobOn(i, t, true)
			}
			c.leave(i, t)
		}
	}
	c.settle(t)
}

// settle derives allocationState: "resizing" while any node is preparing or leaving or the
// count is off target (below what the region can allocate, or above the target), "steady"
// otherwise; the transition time is when it changed.
func (c *Cluster) settle(t time.Time) {
	busy := len(c.Nodes) < c.allocatable() || len(c.Nodes) > c.TargetNodes || slices.ContainsFunc(c.Nodes, inFlight)
	want := api.AllocationStateSteady
	if busy {
		want = api.AllocationStateResizing
	}
	if c.AllocationState != want {
		c.AllocationState, c.AllocationStateTransitionTime = want, t
	}
}

// counts returns the nodes that are not leaving, and the preempted nodes still leaving.
func (c *Cluster) counts() (active, pendingReplacement int) {
	for _, n := range c.Nodes {
		switch {
		case n.State != NodeLeaving:
			active++
		case n.Preempted:
			pendingReplacement++
		}
	}
	return active, pendingReplacement
}

// pickNodes returns the indexes of up to n nodes that are not leaving, by the state order given
// and newest first within a state.
func (c *Cluster) pickNodes(n int, order []string) []int {
	if n <= 0 {
		return nil
	}
	var idx []int
	for i, node := range c.Nodes {
		if slices.Contains(order, node.State) {
			idx = append(idx, i)
		}
	}
	slices.SortFunc(idx, func(a, b int) int {
		ra, rb := slices.Index(order, c.Nodes[a].State), slices.Index(order, c.Nodes[b].State)
		if ra != rb {
			return ra - rb
		}
		return c.Nodes[b].Seq - c.Nodes[a].Seq
	})
	return idx[:min(n, len(idx))]
}

// leave starts removing node i at t. A node still being allocated never became visible, so its
// allocation is canceled: it is gone at t rather than after the delay.
func (c *Cluster) leave(i int, t time.Time) {
	n := &c.Nodes[i]
	gone := t.Add(c.Config.ProvisioningDelay)
	if n.State == NodeAllocating {
		gone = t
	}
	n.State, n.Since, n.ReadyAt, n.Preempted, n.PreemptAt, n.JobID = NodeLeaving, t, gone, false, time.Time{}, ""
}

func (c *Cluster) addNode(t time.Time) {
	seq := c.NextNodeSeq
	c.NextNodeSeq++
	state, ready := NodePreparing, t.Add(c.Config.ProvisioningDelay)
	if c.Config.AllocationDelay > 0 {
		state, ready = NodeAllocating, t.Add(c.Config.AllocationDelay)
	}
	c.Nodes = append(c.Nodes, Node{
		ID:      nodeID(c.NodeIDPrefix, seq, c.CreationTime),
		Seq:     seq,
		Port:    c.allocPort(),
		State:   state,
		Since:   t,
		ReadyAt: ready,
	})
}

// allocPort hands out SSH ports round-robin through the NAT range, skipping ports held by
// existing nodes (leaving ones included), so a removed node's port is not reused until the
// range wraps around.
func (c *Cluster) allocPort() int32 {
	used := make(map[int32]bool, len(c.Nodes))
	for _, n := range c.Nodes {
		used[n.Port] = true
	}
	for range portCount {
		p := c.NextPort
		if p < firstPort || p >= firstPort+portCount {
			p = firstPort
		}
		c.NextPort = p + 1
		if !used[p] {
			return p
		}
	}
	// More than portCount nodes: beyond any real cluster; hand out ports above the range.
	p := firstPort + portCount
	for used[p] && p < math.MaxInt32 {
		p++
	}
	return p
}

func inFlight(n Node) bool {
	return n.State == NodeAllocating || n.State == NodePreparing || n.State == NodeLeaving
}
