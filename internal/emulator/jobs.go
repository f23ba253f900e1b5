package emulator

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/sim"
)

// jobRecord is a stored job: the simulation state plus what the HTTP layer adds around it. A job's
// execution is advanced by its cluster (clusterRecord.jobs), so reading an active job means loading its
// cluster.
type jobRecord struct {
	Sim      sim.Job   `json:"sim"`
	Location string    `json:"location"` // the workspace's: polling URLs are per location
	ETag     string    `json:"etag"`
	Modified time.Time `json:"modified"`
	// DeleteAt: a deleting job is gone once its operation is due.
	DeleteAt    time.Time `json:"deleteAt,omitzero"`
	DeleteOp    string    `json:"deleteOp,omitempty"`
	TerminateOp string    `json:"terminateOp,omitempty"`
	// Pending is a failure injected into the delete operation, applied at DeleteAt.
	Pending *failure `json:"pending,omitempty"`
}

// touch changes the etag and last-modified: only at creation and when a deletion starts, never for
// execution progress (recorded traffic: the etag stayed the same from queued to succeeded).
func (j *jobRecord) touch(now time.Time) { j.ETag, j.Modified = newETag(now, j.ETag), now }

func (j *jobRecord) reply(status int, now time.Time) *reply {
	return newReply(status, j.Sim.View(now)).withResource(j.ETag, j.Modified)
}

func errJobNotFound(name string) *apiError { return errNotFound("JobNotFound", "job", name) }

// job loads a job of experiment x and brings it to t.now: a finished deletion removes it (JobNotFound), and
// an active job is advanced with its cluster (a job whose cluster is gone fails).
func (t *txn) job(x *experimentRecord, name string) (*jobRecord, error) {
	var j jobRecord
	found, err := t.get(bucketJobs, x.ID+"/jobs/"+name, &j)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errJobNotFound(name)
	}
	if !j.Sim.DeletingSince.IsZero() && !t.now.Before(j.DeleteAt) {
		if j.Pending == nil {
			return nil, t.firstErr(t.del(bucketJobs, j.Sim.ID), errJobNotFound(name))
		}
		body := j.Pending.Body
		j.Sim.FailDelete(j.DeleteAt, &api.BatchAIError{Code: body.Code, Message: body.Message})
		j.Pending, j.DeleteAt, j.DeleteOp = nil, time.Time{}, ""
		return &j, t.put(bucketJobs, j.Sim.ID, &j)
	}
	if !j.Sim.Active() {
		return &j, nil
	}
	_, attached, err := t.jobOnCluster(&j)
	return attached, err
}

// jobOnCluster loads the cluster of an active job, which advances the job with it, and returns the cluster
// and the job instance attached to it (nil cluster when the cluster is gone: the job then fails).
func (t *txn) jobOnCluster(j *jobRecord) (*clusterRecord, *jobRecord, error) {
	c, err := t.clusterByID(j.Sim.ClusterID())
	if isNotFound(err) {
		j.Sim.FailOrphan(t.now)
		return nil, j, t.put(bucketJobs, j.Sim.ID, j)
	}
	if err != nil {
		return nil, nil, err
	}
	if a := c.attachedJob(j.Sim.ID); a != nil {
		return c, a, nil
	}
	// Not active any more: another job of the same request ended it; read what was saved.
	var fresh jobRecord
	if _, err := t.get(bucketJobs, j.Sim.ID, &fresh); err != nil {
		return nil, nil, err
	}
	return c, &fresh, nil
}

// jobPath loads a job by group, workspace, experiment and name, settling each on the way.
func (t *txn) jobPath(r *http.Request) (*jobRecord, error) {
	x, err := t.experimentPath(r.PathValue("resourceGroupName"), r.PathValue("workspaceName"), r.PathValue("experimentName"))
	if err != nil {
		return nil, err
	}
	return t.job(x, r.PathValue("jobName"))
}

func (e *Emulator) getJob(w http.ResponseWriter, r *http.Request) {
	if e.lagging(e.experimentID(r) + "/jobs/" + r.PathValue("jobName")) {
		e.respond(w, r, nil, errJobNotFound(r.PathValue("jobName")))
		return
	}
	var rep *reply
	err := e.read(func(t *txn) error {
		j, err := t.jobPath(r)
		if err != nil {
			return err
		}
		rep = j.reply(http.StatusOK, t.now)
		return nil
	})
	e.respond(w, r, rep, err)
}

// putJob creates a job: 202 with an empty body and both polling URLs, as recorded; the job exists from
// then on ("queued", provisioningState "creating" until its operation is due, a few seconds later as
// recorded), and runs once its cluster has nodeCount idle nodes. Jobs have no update: a PUT of an existing
// job with the same properties answers 200 with the job, any difference is 409 PropertyChangeNotAllowed.
func (e *Emulator) putJob(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("jobName")
	var body api.JobCreateParameters
	if ae := decodeBody(r, &body); ae != nil {
		e.respond(w, r, nil, ae)
		return
	}
	var rep *reply
	err := e.mutate(func(t *txn) error {
		if body.Properties == nil {
			return fromSim(sim.MissingProperty("properties"))
		}
		_, ws, err := t.liveWorkspace(r.PathValue("resourceGroupName"), r.PathValue("workspaceName"))
		if err != nil {
			return err
		}
		x, err := t.experiment(ws, r.PathValue("experimentName"))
		if err != nil {
			return err
		}
		if x.State == api.ProvisioningStateDeleting {
			return errBeingDeleted("experiment", x.Name)
		}
		existing, err := t.job(x, name)
		switch {
		case err == nil && !existing.Sim.DeletingSince.IsZero():
			return errBeingDeleted("job", existing.Sim.Name)
		case err == nil:
			if serr := sim.CompareJob(&existing.Sim, *body.Properties); serr != nil {
				return fromSim(serr)
			}
			rep = existing.reply(http.StatusOK, t.now)
			t.startLag(existing.Sim.ID)
			return nil
		case !isNotFound(err):
			return err
		}
		props, serr := sim.PrepareJob(*body.Properties)
		if serr != nil {
			return fromSim(serr)
		}
		c, ae := t.jobCluster(ws, props)
		if ae != nil {
			return ae
		}
		if _, ae := t.checkFileServerMounts(props.MountVolumes, "properties.mountVolumes"); ae != nil {
			return ae
		}
		id := x.ID + "/jobs/" + name
		op, err := t.startOperation(opCreateJob, ws.Location, id, nil)
		if err != nil {
			return err
		}
		j := &jobRecord{Sim: *sim.NewJob(id, name, x.Name, props, t.now, op.DoneAt), Location: ws.Location}
		if f := op.Failure; f != nil {
			j.Sim.CreateFailure = &api.BatchAIError{Code: f.Body.Code, Message: f.Body.Message}
		}
		j.touch(t.now)
		// Attach the new job to its cluster (which may start it at once when the operation has no delay).
		c.Sim.SubmitJob(&j.Sim, t.now, t.e.simConfig())
		c.jobs, c.jobsSaved = append(c.jobs, j), append(c.jobsSaved, nil)
		t.startLag(id)
		rep = e.accepted(op)
		return t.saveCluster(c)
	})
	e.respond(w, r, rep, err)
}

// invalidJobProp is the 400 of a job property the HTTP layer checks.
func invalidJobProp(path, format string, args ...any) *apiError {
	return fromSim(sim.InvalidProperty(path, format, args...))
}

// jobCluster checks the cluster of a job: it must be a cluster of the job's own workspace that exists and
// is not being deleted, and nodeCount must fit it (at most its manual target, or its auto-scale maximum).
func (t *txn) jobCluster(ws *workspaceRecord, p api.JobBaseProperties) (*clusterRecord, *apiError) {
	const path = "properties.cluster.id"
	cid, err := api.ParseClusterID(api.Deref(p.Cluster.ID))
	if err != nil {
		return nil, invalidJobProp(path, "%v", err)
	}
	wid, _ := api.ParseWorkspaceID(ws.ID)
	if !strings.EqualFold(cid.SubscriptionID, wid.SubscriptionID) || !strings.EqualFold(cid.ResourceGroup, wid.ResourceGroup) ||
		!strings.EqualFold(cid.Workspace, wid.Name) {
		return nil, invalidJobProp(path, "'%s' is not a cluster of the job's workspace %s; a job runs on a cluster of its "+
			"own workspace.", sanitize(cid.String()), ws.Name)
	}
	c, err := t.cluster(ws, cid.Name)
	if isNotFound(err) {
		return nil, invalidJobProp(path, "the cluster %s does not exist in the workspace %s.", sanitize(cid.Name), ws.Name)
	}
	if err != nil {
		ae, _ := asAPIError(err)
		return nil, ae
	}
	if c.deleting() {
		return nil, newError(http.StatusConflict, sim.CodeOperationNotAllowed, "The cluster %s is being deleted "+
			"and cannot run jobs.", c.Sim.Name).withTarget(path)
	}
	limit, what := 0, ""
	if s := c.Sim.Props.ScaleSettings; s != nil && s.Manual != nil {
		limit, what = int(api.Deref(s.Manual.TargetNodeCount)), "manual.targetNodeCount"
	} else if s != nil && s.AutoScale != nil {
		limit, what = int(api.Deref(s.AutoScale.MaximumNodeCount)), "autoScale.maximumNodeCount"
	}
	if n := int(api.Deref(p.NodeCount)); n > limit {
		return nil, invalidJobProp("properties.nodeCount", "the job asks for %d nodes, but the cluster %s has at most %d "+
			"(its scaleSettings.%s). Resize the cluster or lower nodeCount.", n, c.Sim.Name, limit, what)
	}
	return c, nil
}

// deleteJob starts deleting a job (202 + polling headers): a running job stops and frees its nodes at
// once; the job shows provisioningState "deleting" until the operation is due, then it is gone. 204 when it
// (or its experiment or workspace) does not exist; a DELETE while deleting answers the same operation.
func (e *Emulator) deleteJob(w http.ResponseWriter, r *http.Request) {
	var rep *reply
	err := e.mutate(func(t *txn) error {
		j, err := t.jobPath(r)
		switch errCode(err) {
		case "JobNotFound", "ExperimentNotFound", "WorkspaceNotFound":
			rep = newReply(http.StatusNoContent, nil)
			return nil
		}
		if err != nil {
			return err
		}
		if rep = e.deletionInProgress(t, !j.Sim.DeletingSince.IsZero(), j.DeleteOp); rep != nil {
			return nil
		}
		op, err := t.startOperation(opDeleteJob, j.Location, j.Sim.ID, nil)
		if err != nil {
			return err
		}
		j, err = t.stopJob(j, op.DoneAt)
		if err != nil {
			return err
		}
		j.DeleteOp, j.Pending = op.ID, op.Failure
		rep = e.accepted(op)
		return t.put(bucketJobs, j.Sim.ID, j)
	})
	e.respond(w, r, rep, err)
}

// stopJob starts deleting a job, to be gone no earlier than doneAt: an active job stops on its cluster (its
// nodes are free at once). It returns the up-to-date record, which the caller saves.
func (t *txn) stopJob(j *jobRecord, doneAt time.Time) (*jobRecord, error) {
	if j.Sim.Active() {
		c, attached, err := t.jobOnCluster(j)
		if err != nil {
			return nil, err
		}
		if c != nil && attached.Sim.Active() {
			c.Sim.RemoveJob(&attached.Sim, t.now, t.e.simConfig())
			if err := t.saveCluster(c); err != nil {
				return nil, err
			}
		}
		j = attached
	}
	j.Sim.StopJob(t.now)
	if j.DeleteAt.IsZero() || doneAt.Before(j.DeleteAt) {
		j.DeleteAt = doneAt
	}
	j.touch(t.now)
	return j, t.put(bucketJobs, j.Sim.ID, j)
}

// terminateJob stops a job (202 + polling headers): it is "terminating" until the operation is due, then
// "failed" with a JobTerminated error. A job that has already ended answers 200 (nothing to do, as the
// spec's synchronous response allows); a job already terminating answers its operation again.
func (e *Emulator) terminateJob(w http.ResponseWriter, r *http.Request) {
	var rep *reply
	err := e.mutate(func(t *txn) error {
		j, err := t.jobPath(r)
		if err != nil {
			return err
		}
		switch {
		case !j.Sim.DeletingSince.IsZero():
			return errBeingDeleted("job", j.Sim.Name)
		case j.Sim.Ended():
			rep = newReply(http.StatusOK, nil)
			return nil
		case j.Sim.State == api.ExecutionStateTerminating:
			var op operation
			if found, err := t.get(bucketOperations, j.TerminateOp, &op); err == nil && found {
				rep = e.accepted(&op)
				return nil
			}
		}
		op, err := t.startOperation(opTerminateJob, j.Location, j.Sim.ID, nil)
		if err != nil {
			return err
		}
		rep = e.accepted(op)
		if op.Failure != nil {
			return nil // the operation fails and the job keeps running
		}
		c, attached, err := t.jobOnCluster(j)
		if err != nil || c == nil {
			return err
		}
		c.Sim.TerminateJob(&attached.Sim, t.now, op.DoneAt, t.e.simConfig())
		attached.TerminateOp = op.ID
		return t.saveCluster(c)
	})
	e.respond(w, r, rep, err)
}

func (e *Emulator) listJobs(w http.ResponseWriter, r *http.Request) {
	var x *experimentRecord
	e.servePage(w, r, lister{
		bucket: bucketJobs,
		prefix: e.experimentID(r) + "/jobs/",
		pre: func(t *txn) (err error) {
			x, err = t.experimentPath(r.PathValue("resourceGroupName"), r.PathValue("workspaceName"), r.PathValue("experimentName"))
			return err
		},
		item: func(t *txn, raw []byte) (any, error) {
			var rec jobRecord
			if err := decodeRecord(raw, &rec); err != nil {
				return nil, err
			}
			j, err := t.job(x, rec.Sim.Name)
			if isNotFound(err) {
				return nil, nil
			}
			if err != nil {
				return nil, err
			}
			return j.Sim.View(t.now), nil
		},
	})
}

// listJobRemoteLogins lists the nodes the job runs on (POST; next pages with GET, as for clusters).
func (e *Emulator) listJobRemoteLogins(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && r.URL.Query().Get("$skiptoken") == "" {
		ae := newError(http.StatusMethodNotAllowed, "MethodNotAllowed",
			"The requested method 'GET' is not allowed for the action 'listRemoteLoginInformation'; use POST.")
		ae.Header = http.Header{"Allow": {"POST"}}
		e.respond(w, r, nil, ae)
		return
	}
	p, ae := e.parsePage(r)
	if ae != nil {
		e.respond(w, r, nil, ae)
		return
	}
	var rep *reply
	err := e.read(func(t *txn) error {
		j, err := t.jobPath(r)
		if err != nil {
			return err
		}
		logins := j.Sim.RemoteLogins()
		keys := make([]string, len(logins))
		values := make([]any, len(logins))
		for i, l := range logins {
			keys[i], values[i] = fmt.Sprintf("%012d", i), l
		}
		rep = newReply(http.StatusOK, e.pageOf(r, p, keys, values))
		return nil
	})
	e.respond(w, r, rep, err)
}
