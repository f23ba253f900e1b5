package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/sim"
)

// clusterRecord is a stored cluster: the simulation state plus what the HTTP layer adds around it.
type clusterRecord struct {
	Sim      sim.Cluster `json:"sim"`
	Location string      `json:"location"` // the workspace's: polling URLs and quota are per location
	ETag     string      `json:"etag"`
	Modified time.Time   `json:"modified"`
	// DeleteAt: a deleting cluster is not gone before its operation is due (and its nodes have left).
	DeleteAt time.Time `json:"deleteAt,omitzero"`
	DeleteOp string    `json:"deleteOp,omitempty"`
	// Pending is the failure the cluster's current operation ends with at PendingAt: quota exceeded at
	// create, or a failure injected with FailNextOperation.
	Pending   *failure  `json:"pending,omitempty"`
	PendingAt time.Time `json:"pendingAt,omitzero"`

	// jobs are the cluster's active jobs, attached to Sim for this request (attachJobs), and jobsSaved what
	// each was when last written; saveCluster writes the ones that changed.
	jobs      []*jobRecord
	jobsSaved [][]byte
}

func (c *clusterRecord) touch(now time.Time) { c.ETag, c.Modified = newETag(now, c.ETag), now }

func (c *clusterRecord) reply(status int, now time.Time) *reply {
	return newReply(status, c.Sim.View(now)).withResource(c.ETag, c.Modified)
}

func (c *clusterRecord) deleting() bool {
	return c.Sim.ProvisioningState == api.ProvisioningStateDeleting
}

// gone reports a deletion that has finished: the operation is due and every node has left.
func (c *clusterRecord) gone(now time.Time, cfg sim.Config) bool {
	if !c.deleting() || now.Before(c.DeleteAt) {
		return false
	}
	cp := c.Sim // DeleteDone advances; keep the record itself as it is
	cp.Nodes = append([]sim.Node(nil), c.Sim.Nodes...)
	cp.AttachJobs(nil)
	return cp.DeleteDone(now, cfg)
}

func (c *clusterRecord) beginDelete(now, doneAt time.Time) {
	c.Sim.BeginDelete(now)
	if c.DeleteAt.IsZero() || doneAt.Before(c.DeleteAt) {
		c.DeleteAt = doneAt
	}
	c.touch(now)
}

// fail ends the cluster's current operation with f: provisioningState "failed" and the error in the
// cluster's errors, as the service reported node and allocation failures. sim has no failure state of
// its own, so the fields are set here; a failed cluster holds no nodes (quota was never granted) and
// accepts no resize.
func (c *clusterRecord) fail(f *failure, now time.Time) {
	s := &c.Sim
	s.ProvisioningState, s.ProvisioningStateTransitionTime = api.ProvisioningStateFailed, now
	if s.AllocationState != api.AllocationStateSteady {
		s.AllocationState, s.AllocationStateTransitionTime = api.AllocationStateSteady, now
	}
	s.TargetNodes, s.Nodes = 0, []sim.Node{}
	s.Errors = append(s.Errors, api.BatchAIError{Code: f.Body.Code, Message: f.Body.Message})
	c.DeleteAt, c.DeleteOp, c.Pending, c.PendingAt = time.Time{}, "", nil, time.Time{}
	c.touch(now)
}

// failLater makes a new cluster wait for its failure: "creating", no nodes, until the operation is due.
func (c *clusterRecord) failLater(f *failure, at, now time.Time) {
	s := &c.Sim
	s.ProvisioningState, s.ProvisioningStateTransitionTime = api.ProvisioningStateCreating, now
	s.AllocationState, s.AllocationStateTransitionTime = api.AllocationStateSteady, now
	s.TargetNodes, s.Nodes = 0, []sim.Node{}
	c.Pending, c.PendingAt = f, at
}

// saveCluster writes the cluster and those of its attached jobs that changed.
func (t *txn) saveCluster(c *clusterRecord) error {
	if err := t.put(bucketClusters, c.Sim.ID, c); err != nil {
		return err
	}
	return t.saveJobsOf(c)
}

// saveJobsOf writes the attached jobs of c that changed since they were loaded or last written. Execution
// progress never touches a job's etag or last-modified (recorded traffic).
func (t *txn) saveJobsOf(c *clusterRecord) error {
	for i, j := range c.jobs {
		now, _ := json.Marshal(j)
		if bytes.Equal(now, c.jobsSaved[i]) {
			continue
		}
		if err := t.put(bucketJobs, j.Sim.ID, j); err != nil {
			return err
		}
		c.jobsSaved[i] = now
	}
	return nil
}

// attachJobs loads the active jobs of c (they live in c's workspace) and attaches them to its simulation.
func (t *txn) attachJobs(c *clusterRecord) error {
	cid, err := api.ParseClusterID(c.Sim.ID)
	if err != nil {
		return err
	}
	all, err := listUnder[jobRecord](t, bucketJobs, cid.WorkspaceID().String())
	if err != nil {
		return err
	}
	c.jobs, c.jobsSaved = nil, nil
	var sims []*sim.Job
	for _, j := range all {
		if j.Sim.Active() && strings.EqualFold(j.Sim.ClusterID(), c.Sim.ID) {
			raw, _ := json.Marshal(j)
			c.jobs, c.jobsSaved = append(c.jobs, j), append(c.jobsSaved, raw)
			sims = append(sims, &j.Sim)
		}
	}
	c.Sim.AttachJobs(sims)
	return nil
}

// attachedJob is the attached instance of the job with this ID, or nil.
func (c *clusterRecord) attachedJob(id string) *jobRecord {
	for _, j := range c.jobs {
		if strings.EqualFold(j.Sim.ID, id) {
			return j
		}
	}
	return nil
}

// cluster loads a cluster of ws with its active jobs and brings both to t.now: an operation failure that
// is due is applied, a finished deletion removes it (ClusterNotFound), and node and job progress is
// advanced and persisted.
func (t *txn) cluster(ws *workspaceRecord, name string) (*clusterRecord, error) {
	return t.clusterByKey(ws.ID + "/clusters/" + name)
}

// clusterByKey is cluster for a record's store key (its ARM ID).
func (t *txn) clusterByKey(key string) (*clusterRecord, error) {
	var c clusterRecord
	found, err := t.get(bucketClusters, key, &c)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errNotFound("ClusterNotFound", "cluster", key[strings.LastIndex(key, "/")+1:])
	}
	gone, changed, err := t.settleCluster(&c)
	if err != nil {
		return nil, err
	}
	if gone {
		return nil, t.firstErr(t.del(bucketClusters, c.Sim.ID), errNotFound("ClusterNotFound", "cluster", c.Sim.Name))
	}
	if changed {
		c.touch(t.now)
		if err := t.put(bucketClusters, c.Sim.ID, &c); err != nil {
			return nil, err
		}
	}
	return &c, t.saveJobsOf(&c)
}

// clusterByID loads a cluster by its ARM ID (of the emulator's subscription).
func (t *txn) clusterByID(id string) (*clusterRecord, error) {
	cid, err := api.ParseClusterID(id)
	if err != nil {
		return nil, err
	}
	if !strings.EqualFold(cid.SubscriptionID, t.e.identity.SubscriptionID) {
		return nil, errNotFound("ClusterNotFound", "cluster", cid.Name)
	}
	return t.clusterPath(cid.ResourceGroup, cid.Workspace, cid.Name)
}

// settleCluster brings a loaded cluster to t.now in memory, the one rule every reader follows: a finished
// deletion means the cluster is gone; otherwise its active jobs are attached (auto-scale follows them), a
// failure that is due is applied, and node and job progress advanced. It reports whether the cluster is
// gone and whether its record changed (and must be saved, with saveJobsOf for the jobs).
func (t *txn) settleCluster(c *clusterRecord) (gone, changed bool, err error) {
	cfg := t.e.simConfig()
	if c.gone(t.now, cfg) && c.Pending == nil {
		return true, false, nil
	}
	if err := t.attachJobs(c); err != nil {
		return false, false, err
	}
	before, _ := json.Marshal(c.Sim)
	if c.Pending != nil && !t.now.Before(c.PendingAt) {
		c.fail(c.Pending, t.now)
	}
	c.Sim.Advance(t.now, cfg)
	after, _ := json.Marshal(c.Sim)
	return false, !bytes.Equal(before, after), nil
}

// firstErr returns the first non-nil error.
func (t *txn) firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// clusterPath loads a cluster by its group, workspace and name, settling each on the way.
func (t *txn) clusterPath(group, workspace, name string) (*clusterRecord, error) {
	ws, err := t.workspacePath(group, workspace)
	if err != nil {
		return nil, err
	}
	return t.cluster(ws, name)
}

// quota is the subscription's quota in a location: as set with SetQuota, or the configured default.
func (t *txn) quota(location string) (sim.Quota, error) {
	q := t.e.defaultQuota()
	if _, err := t.get(bucketQuotas, location, &q); err != nil {
		return q, err
	}
	q.Location = location
	return q, nil
}

func (e *Emulator) getCluster(w http.ResponseWriter, r *http.Request) {
	group, workspace, name := r.PathValue("resourceGroupName"), r.PathValue("workspaceName"), r.PathValue("clusterName")
	if e.lagging(e.groupID(group) + "/providers/" + api.ProviderNamespace + "/workspaces/" + workspace + "/clusters/" + name) {
		e.respond(w, r, nil, errNotFound("ClusterNotFound", "cluster", name))
		return
	}
	var rep *reply
	err := e.read(func(t *txn) error {
		c, err := t.clusterPath(group, workspace, name)
		if err != nil {
			return err
		}
		rep = c.reply(http.StatusOK, t.now)
		return nil
	})
	e.respond(w, r, rep, err)
}

// deleteCluster starts a deletion: 202 with polling headers; the cluster shows provisioningState
// "deleting" until the operation is due and its nodes have left, then it is gone. 204 when it does not
// exist (nor its workspace); a DELETE while deleting answers the same operation again.
func (e *Emulator) deleteCluster(w http.ResponseWriter, r *http.Request) {
	var rep *reply
	err := e.mutate(func(t *txn) error {
		c, err := t.clusterPath(r.PathValue("resourceGroupName"), r.PathValue("workspaceName"), r.PathValue("clusterName"))
		if code := errCode(err); code == "ClusterNotFound" || code == "WorkspaceNotFound" {
			rep = newReply(http.StatusNoContent, nil)
			return nil
		}
		if err != nil {
			return err
		}
		if rep = e.deletionInProgress(t, c.deleting(), c.DeleteOp); rep != nil {
			return nil
		}
		op, err := t.startOperation(opDeleteCluster, c.Location, c.Sim.ID, nil)
		if err != nil {
			return err
		}
		c.Pending, c.PendingAt = nil, time.Time{} // a delete supersedes a create still waiting to fail
		c.beginDelete(t.now, op.DoneAt)
		c.DeleteOp = op.ID
		if op.Failure != nil {
			c.Pending, c.PendingAt = op.Failure, op.DoneAt
		}
		rep = e.accepted(op)
		return t.saveCluster(c)
	})
	e.respond(w, r, rep, err)
}

func (e *Emulator) listClusters(w http.ResponseWriter, r *http.Request) {
	group, workspace := r.PathValue("resourceGroupName"), r.PathValue("workspaceName")
	var ws *workspaceRecord
	e.servePage(w, r, lister{
		bucket: bucketClusters,
		prefix: e.groupID(group) + "/providers/" + api.ProviderNamespace + "/workspaces/" + workspace + "/clusters/",
		pre: func(t *txn) (err error) {
			ws, err = t.workspacePath(group, workspace)
			return err
		},
		item: func(t *txn, raw []byte) (any, error) {
			var rec clusterRecord
			if err := decodeRecord(raw, &rec); err != nil {
				return nil, err
			}
			c, err := t.cluster(ws, rec.Sim.Name)
			if isNotFound(err) {
				return nil, nil
			}
			if err != nil {
				return nil, err
			}
			return c.Sim.View(t.now), nil
		},
	})
}
