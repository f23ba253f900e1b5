package sim

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// Jobs run on their cluster's nodes, so a cluster and its jobs move together: the HTTP layer attaches the
// cluster's active jobs (AttachJobs) before it advances or changes the cluster, and every event, of a node
// or of a job, is then processed in time order by the same loop (see advance):
//   - a job becomes eligible when its create operation is due;
//   - eligible queued jobs start, gang-scheduled on nodeCount idle nodes, strictly in priority order
//     (high, normal, low) then submission order: a job that does not fit waits, and so do the jobs after
//     it;
//   - a running job ends when its command lines are done (or its wall clock limit stops it), and its
//     nodes are idle again;
//   - a terminated job is "terminating" until its terminate operation is due, then failed;
//   - a node that is preempted or removed by a resize requeues the job running on it (or fails it, with
//     nodeDeallocationOption "terminate"; "waitforjobcompletion" removes only nodes without a job);
//   - an auto-scale cluster grows at once toward the nodes its running and queued jobs need (up to
//     maximumNodeCount) and, once the jobs need fewer nodes, shrinks toward that (down to
//     minimumNodeCount) after Config.ScaleDownDelay, as the service re-evaluated auto-scale every few
//     minutes.
// Every transition happens at its own timestamp, so one jump far ahead gives exactly what many small steps
// give.

// AttachJobs gives the cluster its jobs for the next calls (Advance, Resize, BeginDelete, ...): the jobs of
// the cluster that are Active. The cluster changes them in place. Jobs are never persisted with the
// cluster; attach them again after loading it.
func (c *Cluster) AttachJobs(jobs []*Job) {
	c.jobs = slices.Clone(jobs)
	slices.SortStableFunc(c.jobs, func(a, b *Job) int {
		if a.priorityRank() != b.priorityRank() {
			return a.priorityRank() - b.priorityRank()
		}
		if !a.Created.Equal(b.Created) {
			return a.Created.Compare(b.Created)
		}
		return strings.Compare(strings.ToLower(a.ID), strings.ToLower(b.ID))
	})
}

// SubmitJob adds a new job (from NewJob) to the cluster at now. It runs once it is eligible and nodes are
// free.
func (c *Cluster) SubmitJob(j *Job, now time.Time, cfg Config) {
	c.Advance(now, cfg)
	c.AttachJobs(append(c.jobs, j))
	c.update(now)
	c.advance(now)
}

// TerminateJob stops an active job: it is "terminating" until at (its terminate operation is due), then
// failed with a JobTerminated error; its nodes stay busy until then.
func (c *Cluster) TerminateJob(j *Job, now, at time.Time, cfg Config) {
	c.Advance(now, cfg)
	if !j.Active() || j.State == api.ExecutionStateTerminating {
		return
	}
	j.setState(api.ExecutionStateTerminating, now)
	j.TerminateAt = at
	c.update(now)
	c.advance(now)
}

// RemoveJob stops a job that is being deleted, at once: its nodes are free for the next jobs, and the job
// itself shows "terminating" (when it was active) until it is gone.
func (c *Cluster) RemoveJob(j *Job, now time.Time, cfg Config) {
	c.Advance(now, cfg)
	if j.Active() {
		c.freeNodes(j, now)
		j.setState(api.ExecutionStateTerminating, now)
	}
	if j.DeletingSince.IsZero() {
		j.DeletingSince = now
	}
	c.update(now)
	c.advance(now)
}

// StopJob is RemoveJob for a job whose cluster is gone (or never was): nothing to free.
func (j *Job) StopJob(now time.Time) {
	if j.Active() {
		j.setState(api.ExecutionStateTerminating, now)
	}
	if j.DeletingSince.IsZero() {
		j.DeletingSince = now
	}
}

// FailOrphan ends an active job whose cluster no longer exists.
func (j *Job) FailOrphan(now time.Time) {
	if j.Active() {
		j.end(now, nil, clusterDeletedError(j))
	}
}

func clusterDeletedError(j *Job) *api.BatchAIError {
	return &api.BatchAIError{
		Code:    api.Ptr(CodeClusterDeleted),
		Message: api.Ptr(fmt.Sprintf("The cluster %s the job ran on was deleted.", j.ClusterID())),
	}
}

// update applies the rules that follow from the state at t: auto-scale, then the node target, then
// scheduling.
func (c *Cluster) update(t time.Time) {
	c.autoScale(t)
	c.reconcile(t)
	c.schedule(t)
}

// demand is how many nodes the cluster's jobs need: those running (or terminating) and those eligible
// and queued.
func (c *Cluster) demand() int {
	n := 0
	for _, j := range c.jobs {
		if j.holdsNodes() || (j.State == api.ExecutionStateQueued && j.Eligible && j.Active()) {
			n += j.nodeCount()
		}
	}
	return n
}

// autoScale steers an auto-scale cluster toward its jobs' demand, clamped into [minimum, maximum]: up at
// once, down once the demand has been lower for Config.ScaleDownDelay.
func (c *Cluster) autoScale(t time.Time) {
	s := c.Props.ScaleSettings
	if s == nil || s.AutoScale == nil || c.ProvisioningState != api.ProvisioningStateSucceeded {
		c.ScaleDownAt = time.Time{}
		return
	}
	a := s.AutoScale
	want := clamp(c.demand(), int(api.Deref(a.MinimumNodeCount)), int(api.Deref(a.MaximumNodeCount)))
	switch {
	case want >= c.TargetNodes:
		c.TargetNodes, c.ScaleDownAt = want, time.Time{}
	case c.ScaleDownAt.IsZero():
		c.ScaleDownAt = t.Add(c.Config.ScaleDownDelay)
		fallthrough
	default:
		if !t.Before(c.ScaleDownAt) {
			c.TargetNodes, c.ScaleDownAt = want, time.Time{}
		}
	}
}

// schedule starts the eligible queued jobs that fit on idle nodes, in queue order; the first that does not
// fit stops the queue.
func (c *Cluster) schedule(t time.Time) {
	if c.deleting() || c.ProvisioningState != api.ProvisioningStateSucceeded {
		return
	}
	var idle []int
	for i, n := range c.Nodes {
		if n.State == NodeIdle {
			idle = append(idle, i)
		}
	}
	slices.SortFunc(idle, func(a, b int) int { return c.Nodes[a].Seq - c.Nodes[b].Seq })
	for _, j := range c.jobs {
		if j.State != api.ExecutionStateQueued || !j.Eligible || !j.Active() {
			continue
		}
		n := j.nodeCount()
		if n > len(idle) {
			return
		}
		c.start(j, idle[:n], t)
		idle = idle[n:]
	}
}

// start runs j on the nodes at t.
func (c *Cluster) start(j *Job, nodes []int, t time.Time) {
	held := make([]JobNode, 0, len(nodes))
	for _, i := range nodes {
		n := &c.Nodes[i]
		n.State, n.Since, n.JobID = NodeRunning, t, j.ID
		held = append(held, JobNode{ID: n.ID, IP: c.PublicIP, Port: n.Port})
	}
	cores := 0
	if size, err := LookupVMSize(api.Deref(c.Props.VMSize)); err == nil {
		cores = size.VCPUs
	}
	low := api.Deref(c.Props.VMPriority) == api.VMPriorityLowPriority
	j.Run = j.plan(t, held, api.Deref(c.Props.VMSize), cores, low, c.Config.JobDuration)
	j.Attempts++
	j.EndTime, j.ExitCode, j.Errors = time.Time{}, nil, nil
	j.setState(api.ExecutionStateRunning, t)
}

// freeNodes makes the nodes j runs on idle at t.
func (c *Cluster) freeNodes(j *Job, t time.Time) {
	for i := range c.Nodes {
		if n := &c.Nodes[i]; n.JobID == j.ID {
			n.JobID = ""
			if n.State == NodeRunning {
				n.State, n.Since = NodeIdle, t
			}
		}
	}
}

// requeue puts j back in the queue at t (its node was preempted or removed): it starts again from the
// beginning when nodes are free.
func (c *Cluster) requeue(j *Job, t time.Time) {
	c.freeNodes(j, t)
	j.Run = nil
	j.setState(api.ExecutionStateQueued, t)
}

// evictJobOn handles the job running on node i, which is leaving at t: requeued, or failed when the
// cluster's nodeDeallocationOption is "terminate" and the node leaves because of a resize.
func (c *Cluster) evictJobOn(i int, t time.Time, byResize bool) {
	j := c.jobByID(c.Nodes[i].JobID)
	if j == nil {
		c.Nodes[i].JobID = ""
		return
	}
	if byResize && c.deallocationOption() == api.DeallocationTerminate {
		c.freeNodes(j, t)
		j.end(t, nil, &api.BatchAIError{
			Code: api.Ptr(CodeJobTerminated),
			Message: api.Ptr(fmt.Sprintf("The job was terminated because the cluster %s was resized "+
				"(nodeDeallocationOption terminate).", c.Name)),
		})
		return
	}
	c.requeue(j, t)
}

// deallocationOption is what happens to the jobs of nodes a manual resize removes ("requeue" for
// auto-scale clusters).
func (c *Cluster) deallocationOption() string {
	if s := c.Props.ScaleSettings; s != nil && s.Manual != nil {
		return api.Deref(s.Manual.NodeDeallocationOption)
	}
	return api.DeallocationRequeue
}

func (c *Cluster) jobByID(id string) *Job {
	for _, j := range c.jobs {
		if strings.EqualFold(j.ID, id) {
			return j
		}
	}
	return nil
}

// nextJobEvent is the earliest pending job event (eligibility, end of a run, end of a termination) or
// auto-scale evaluation.
func (c *Cluster) nextJobEvent() (time.Time, bool) {
	var next time.Time
	found := false
	consider := func(t time.Time) {
		if !t.IsZero() && (!found || t.Before(next)) {
			next, found = t, true
		}
	}
	for _, j := range c.jobs {
		switch {
		case j.State == api.ExecutionStateQueued && !j.Eligible && j.DeletingSince.IsZero():
			consider(j.EligibleAt)
		case j.State == api.ExecutionStateRunning && j.Run != nil && j.DeletingSince.IsZero():
			consider(j.Run.EndAt)
		case j.State == api.ExecutionStateTerminating && j.DeletingSince.IsZero():
			consider(j.TerminateAt)
		}
	}
	consider(c.ScaleDownAt)
	return next, found
}

// stepJobs applies the job events due at t.
func (c *Cluster) stepJobs(t time.Time) {
	for _, j := range c.jobs {
		if !j.DeletingSince.IsZero() {
			continue
		}
		switch {
		case j.State == api.ExecutionStateQueued && !j.Eligible && !j.EligibleAt.After(t):
			j.Eligible = true
			if j.CreateFailure != nil {
				j.ProvisioningFailed = true
				j.end(j.EligibleAt, nil, j.CreateFailure)
			}
		case j.State == api.ExecutionStateRunning && j.Run != nil && !j.Run.EndAt.After(t):
			c.freeNodes(j, j.Run.EndAt)
			j.end(j.Run.EndAt, j.Run.ExitCode, j.Run.Failure)
		case j.State == api.ExecutionStateTerminating && !j.TerminateAt.IsZero() && !j.TerminateAt.After(t):
			c.freeNodes(j, j.TerminateAt)
			j.end(j.TerminateAt, nil, &api.BatchAIError{
				Code: api.Ptr(CodeJobTerminated), Message: api.Ptr("The job was terminated by a user request."),
			})
		}
	}
}

// failJobsOf fails every active job at t because the cluster is being deleted.
func (c *Cluster) failJobsOf(t time.Time) {
	for _, j := range c.jobs {
		if j.Active() {
			c.freeNodes(j, t)
			j.end(t, nil, clusterDeletedError(j))
		}
	}
}
