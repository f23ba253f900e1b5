package sim

import (
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// Config tunes the simulation. The HTTP layer chooses it (sim has no defaults of its own) and
// passes it to every call that moves time; the cluster remembers the last one.
type Config struct {
	// ProvisioningDelay is how long a node spends preparing before it is idle, and leaving
	// before it is gone. 0 means nodes are idle (or gone) at once; negative counts as 0.
	ProvisioningDelay time.Duration `json:"provisioningDelay"`
	// AllocationDelay is how long after a resize is accepted its new nodes appear (preparing).
	// Until then they are allocated but invisible: the real service answered right after a
	// create with allocationState "resizing" and currentNodeCount 0 (recorded traffic,
	// examples/PutCluster.json). 0 means nodes appear at once.
	AllocationDelay time.Duration `json:"allocationDelay"`
	// RegionalCapacity is how many nodes the region can allocate to any one cluster; 0 means no limit. A
	// cluster that asks for more gets that many, settles "steady" below its target and reports an
	// AllocationFailed error, as Azure reported allocations it could not meet. The limit is per cluster so
	// that a cluster's history never depends on the others' (every reading stays deterministic).
	RegionalCapacity int `json:"regionalCapacity,omitempty"`
	// PreemptionInterval is how long a low-priority node runs before Azure reclaims it: every node of a
	// low-priority cluster is preempted this long after it became idle (and replaced, as with Preempt); 0
	// means never.
	PreemptionInterval time.Duration `json:"preemptionInterval,omitempty"`
	// JobDuration is how long a job runs (after its nodes are assigned), plus what the sleeps of its
	// command lines add; BATCHAI_EMULATOR_DURATION overrides both. 0 means jobs end at once.
	JobDuration time.Duration `json:"jobDuration,omitempty"`
	// ScaleDownDelay is how long an auto-scale cluster keeps nodes its jobs no longer need before it
	// shrinks toward minimumNodeCount; 0 means at once.
	ScaleDownDelay time.Duration `json:"scaleDownDelay,omitempty"`
}

func (cfg Config) normalized() Config {
	return Config{
		ProvisioningDelay:  max(cfg.ProvisioningDelay, 0),
		AllocationDelay:    max(cfg.AllocationDelay, 0),
		RegionalCapacity:   max(cfg.RegionalCapacity, 0),
		PreemptionInterval: max(cfg.PreemptionInterval, 0),
		JobDuration:        max(cfg.JobDuration, 0),
		ScaleDownDelay:     max(cfg.ScaleDownDelay, 0),
	}
}

// Cluster is the persisted state of one cluster. All fields are exported so the HTTP layer can
// store it as JSON; change it only through the methods, which keep it consistent.
type Cluster struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Props are the create-time settings with server defaults, INCLUDING secrets (which View
	// never returns), and the current scale settings.
	Props api.ClusterBaseProperties `json:"props"`
	// InheritedSubnet marks Props.Subnet as filled by the service from a mounted file server
	// (see InheritSubnet), so a repeated PUT without a subnet is not a change.
	InheritedSubnet bool `json:"inheritedSubnet,omitempty"`

	CreationTime                    time.Time          `json:"creationTime"`
	ProvisioningState               string             `json:"provisioningState"`
	ProvisioningStateTransitionTime time.Time          `json:"provisioningStateTransitionTime"`
	AllocationState                 string             `json:"allocationState"`
	AllocationStateTransitionTime   time.Time          `json:"allocationStateTransitionTime"`
	Errors                          []api.BatchAIError `json:"errors,omitempty"`

	// TargetNodes is the node count the service is steering toward: manual.targetNodeCount, or
	// the count auto-scale settled on; 0 while deleting.
	TargetNodes int `json:"targetNodes"`
	// ScaleDownAt is when an auto-scale cluster whose jobs need fewer nodes than it holds shrinks.
	ScaleDownAt time.Time `json:"scaleDownAt,omitzero"`
	// Nodes are the cluster's nodes, in creation order.
	Nodes []Node `json:"nodes"`
	// NextNodeSeq numbers the next node (the "_7" of its id); numbers are never reused.
	NextNodeSeq int `json:"nextNodeSeq"`
	// NextPort is where the search for the next node's SSH port starts.
	NextPort int32 `json:"nextPort"`

	PublicIP            string `json:"publicIp"`
	NodeIDPrefix        string `json:"nodeIdPrefix"`
	StdOutErrPathSuffix string `json:"stdOutErrPathSuffix"`
	// Config is the last Config passed in, so View and BeginDelete, which take none, schedule
	// and project with the same delays.
	Config Config `json:"config"`

	// jobs are the jobs attached for the current request (AttachJobs); never persisted.
	jobs []*Job
}

// NewCluster creates the state of a cluster whose PUT was accepted. props must come from
// PrepareCreate. Like the real service (recorded traffic: create reached "succeeded" in about
// 20 s while allocation was still "resizing"), the cluster is "succeeded" at once and starts
// allocating its initial target (see InitialTarget): allocationState is "resizing" until the
// nodes are idle, or "steady" at once for a target of 0.
func NewCluster(id, name string, props api.ClusterBaseProperties, now time.Time, cfg Config) *Cluster {
	c := &Cluster{
		ID:                              id,
		Name:                            name,
		Props:                           clone(props),
		CreationTime:                    now,
		ProvisioningState:               api.ProvisioningStateSucceeded,
		ProvisioningStateTransitionTime: now,
		AllocationState:                 api.AllocationStateSteady,
		AllocationStateTransitionTime:   now,
		Nodes:                           []Node{},
		NextNodeSeq:                     1,
		NextPort:                        firstPort,
		PublicIP:                        publicIP(id),
		NodeIDPrefix:                    nodeIDPrefix(id),
		StdOutErrPathSuffix:             stdOutErrPathSuffix(id, name, now),
		Config:                          cfg.normalized(),
	}
	c.TargetNodes = InitialTarget(c.Props)
	c.update(now)
	c.advance(now)
	return c
}

// InitialTarget is the node count a new cluster with these (prepared) properties allocates:
// manual.targetNodeCount, or autoScale.initialNodeCount clamped into [minimum, maximum].
func InitialTarget(p api.ClusterBaseProperties) int {
	s := p.ScaleSettings
	switch {
	case s == nil:
		return 0
	case s.Manual != nil:
		return int(api.Deref(s.Manual.TargetNodeCount))
	case s.AutoScale != nil:
		a := s.AutoScale
		return clamp(int(api.Deref(a.InitialNodeCount)), int(api.Deref(a.MinimumNodeCount)), int(api.Deref(a.MaximumNodeCount)))
	}
	return 0
}

// TargetFor is the node count the cluster steers toward right after these (prepared) scale
// settings are applied: a manual target as given; for auto-scale, the nodes it has now
// (counting preempted nodes about to be replaced) clamped into [minimum, maximum]. From then
// on auto-scale follows the jobs' demand (see autoScale).
func (c *Cluster) TargetFor(s api.ScaleSettings) int {
	if s.Manual != nil {
		return int(api.Deref(s.Manual.TargetNodeCount))
	}
	if a := s.AutoScale; a != nil {
		active, pending := c.counts()
		return clamp(active+pending, int(api.Deref(a.MinimumNodeCount)), int(api.Deref(a.MaximumNodeCount)))
	}
	return c.TargetNodes
}

// Resize applies new scale settings (a PATCH): it validates and defaults them like
// PrepareScale, replaces Props.ScaleSettings, and steers toward the new target. If the target
// changes, allocationState becomes "resizing" (with a new transition time if it was steady),
// nodes are added (preparing) or surplus nodes start leaving. A resize during a resize simply
// retargets: surplus preparing nodes are dropped first, missing ones are added.
func (c *Cluster) Resize(scale api.ScaleSettings, now time.Time, cfg Config) *Error {
	c.Advance(now, cfg)
	if err := c.checkNotDeleting("resized"); err != nil {
		return err
	}
	s, err := PrepareScale(scale, c.Props.ScaleSettings)
	if err != nil {
		return err
	}
	c.Props.ScaleSettings = &s
	c.TargetNodes, c.ScaleDownAt = c.TargetFor(s), time.Time{}
	c.update(now)
	c.advance(now)
	return nil
}

// Preempt reclaims every node of a low-priority cluster, as Azure does when it needs the
// capacity back: the nodes leave, and once they are gone the service allocates replacements
// toward the unchanged target (they come back preparing). It returns how many nodes were
// preempted; dedicated and deleting clusters are never preempted (0).
func (c *Cluster) Preempt(now time.Time, cfg Config) int {
	return c.PreemptNodes(math.MaxInt, now, cfg)
}

// PreemptNodes is Preempt for at most n nodes, the newest first.
func (c *Cluster) PreemptNodes(n int, now time.Time, cfg Config) int {
	c.Advance(now, cfg)
	if api.Deref(c.Props.VMPriority) != api.VMPriorityLowPriority || c.deleting() {
		return 0
	}
	victims := c.pickNodes(n, preemptionOrder)
	for _, i := range victims {
		c.preemptNode(i, now)
	}
	c.update(now)
	c.advance(now)
	return len(victims)
}

// BeginDelete starts deleting the cluster: provisioningState "deleting", every node leaving, and
// every job still queued or running on it failed (ClusterDeleted). The HTTP layer answers the
// DELETE and removes the cluster once DeleteDone reports true.
func (c *Cluster) BeginDelete(now time.Time) {
	c.advance(now)
	if c.deleting() {
		return
	}
	c.failJobsOf(now)
	c.ProvisioningState = api.ProvisioningStateDeleting
	c.ProvisioningStateTransitionTime = now
	c.TargetNodes, c.ScaleDownAt = 0, time.Time{}
	c.update(now)
	c.advance(now)
}

// DeleteDone advances the cluster to now and reports whether a deletion has finished: the
// cluster is deleting and its last node has left.
func (c *Cluster) DeleteDone(now time.Time, cfg Config) bool {
	c.Advance(now, cfg)
	return c.deleting() && len(c.Nodes) == 0
}

// InheritSubnet records the subnet the service takes from a mounted file server when the
// request named none (spec: "if a File Server mount configured in node setup, the File
// Server's subnet will be used automatically"). It does nothing if the cluster has a subnet.
func (c *Cluster) InheritSubnet(subnetID string) {
	if c.Props.Subnet != nil {
		return
	}
	c.Props.Subnet = &api.ResourceID{ID: api.Ptr(subnetID)}
	c.InheritedSubnet = true
}

// Busy reports an allocation in progress (allocationState "resizing") as of the last Advance.
func (c *Cluster) Busy() bool { return c.AllocationState == api.AllocationStateResizing }

// VCPUs is what the cluster counts against quota: the vCPUs of the nodes it holds or is
// allocating, max(target, current nodes including leaving ones) × the size's vCPUs, under its
// priority.
func (c *Cluster) VCPUs() (dedicated, lowPriority int) {
	size, err := LookupVMSize(api.Deref(c.Props.VMSize))
	if err != nil {
		return 0, 0
	}
	n := max(c.TargetNodes, len(c.Nodes)) * size.VCPUs
	if api.Deref(c.Props.VMPriority) == api.VMPriorityLowPriority {
		return 0, n
	}
	return n, 0
}

func (c *Cluster) deleting() bool { return c.ProvisioningState == api.ProvisioningStateDeleting }

func (c *Cluster) checkNotDeleting(what string) *Error {
	if !c.deleting() {
		return nil
	}
	return &Error{
		Status:  http.StatusConflict,
		Code:    CodeOperationNotAllowed,
		Message: fmt.Sprintf("The cluster %s is being deleted and cannot be %s.", c.Name, what),
	}
}

func clamp(v, lo, hi int) int { return min(max(v, lo), hi) }
