package emulator

import (
	"net/http"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// experimentRecord is a stored experiment: a named folder of jobs with nothing to configure.
type experimentRecord struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Location   string    `json:"location"` // the workspace's: polling URLs are per location
	Created    time.Time `json:"created"`
	State      string    `json:"state"`
	StateSince time.Time `json:"stateSince"`
	ETag       string    `json:"etag"`
	Modified   time.Time `json:"modified"`
	// DeleteAt is when a deleting experiment (and its jobs) disappears.
	DeleteAt time.Time `json:"deleteAt,omitzero"`
	DeleteOp string    `json:"deleteOp,omitempty"`
	// Pending is a failure injected into the delete operation, applied at DeleteAt.
	Pending *failure `json:"pending,omitempty"`
}

func (x *experimentRecord) view() api.Experiment {
	return api.Experiment{
		ID: api.Ptr(x.ID), Name: api.Ptr(x.Name), Type: api.Ptr(api.TypeExperiment),
		Properties: &api.ExperimentProperties{
			CreationTime:                    armTime(x.Created),
			ProvisioningState:               api.Ptr(x.State),
			ProvisioningStateTransitionTime: armTime(x.StateSince),
		},
	}
}

func (x *experimentRecord) reply(status int) *reply {
	return newReply(status, x.view()).withResource(x.ETag, x.Modified)
}

func (x *experimentRecord) setState(state string, now time.Time) {
	if x.State != state {
		x.State, x.StateSince = state, now
	}
	x.ETag, x.Modified = newETag(now, x.ETag), now
}

func (x *experimentRecord) beginDelete(now, doneAt time.Time) {
	if x.State != api.ProvisioningStateDeleting {
		x.setState(api.ProvisioningStateDeleting, now)
	}
	if x.DeleteAt.IsZero() || doneAt.Before(x.DeleteAt) {
		x.DeleteAt = doneAt
	}
}

func errExperimentNotFound(name string) *apiError {
	return errNotFound("ExperimentNotFound", "experiment", name)
}

// experiment loads an experiment of ws, settling a finished deletion (the experiment and its jobs
// disappear: ExperimentNotFound) or an injected delete failure (it stays, provisioningState "failed").
func (t *txn) experiment(ws *workspaceRecord, name string) (*experimentRecord, error) {
	var x experimentRecord
	found, err := t.get(bucketExperiments, ws.ID+"/experiments/"+name, &x)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errExperimentNotFound(name)
	}
	if x.State != api.ProvisioningStateDeleting || t.now.Before(x.DeleteAt) {
		return &x, nil
	}
	if x.Pending != nil {
		x.Pending, x.DeleteAt, x.DeleteOp = nil, time.Time{}, ""
		x.setState(api.ProvisioningStateFailed, t.now)
		return &x, t.put(bucketExperiments, x.ID, &x)
	}
	if err := t.purge(x.ID); err != nil {
		return nil, err
	}
	if err := t.del(bucketExperiments, x.ID); err != nil {
		return nil, err
	}
	return nil, errExperimentNotFound(name)
}

// experimentPath loads a group, a workspace and one of its experiments, settling each.
func (t *txn) experimentPath(group, workspace, name string) (*experimentRecord, error) {
	ws, err := t.workspacePath(group, workspace)
	if err != nil {
		return nil, err
	}
	return t.experiment(ws, name)
}

func (e *Emulator) experimentID(r *http.Request) string {
	return e.groupID(r.PathValue("resourceGroupName")) + "/providers/" + api.ProviderNamespace + "/workspaces/" +
		r.PathValue("workspaceName") + "/experiments/" + r.PathValue("experimentName")
}

func (e *Emulator) getExperiment(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("experimentName")
	if e.lagging(e.experimentID(r)) {
		e.respond(w, r, nil, errExperimentNotFound(name))
		return
	}
	var rep *reply
	err := e.read(func(t *txn) error {
		x, err := t.experimentPath(r.PathValue("resourceGroupName"), r.PathValue("workspaceName"), name)
		if err != nil {
			return err
		}
		rep = x.reply(http.StatusOK)
		return nil
	})
	e.respond(w, r, rep, err)
}

// putExperiment creates an experiment. The spec declares no body and Microsoft's example sends
// {"properties":{}}: both are accepted (so is {}), anything else is a 400 naming the member. Real traffic of
// 2018 and 2021 answered 200 synchronously with the experiment, "succeeded" (the spec also allows a 202);
// so does the emulator. A PUT of an existing experiment answers it unchanged.
func (e *Emulator) putExperiment(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("experimentName")
	var body api.ExperimentCreateParameters
	if _, ae := decodeOptionalBody(r, &body); ae != nil {
		e.respond(w, r, nil, ae)
		return
	}
	var rep *reply
	err := e.mutate(func(t *txn) error {
		_, ws, err := t.liveWorkspace(r.PathValue("resourceGroupName"), r.PathValue("workspaceName"))
		if err != nil {
			return err
		}
		x, err := t.experiment(ws, name)
		switch {
		case err == nil && x.State == api.ProvisioningStateDeleting:
			return errBeingDeleted("experiment", x.Name)
		case err == nil:
			rep = x.reply(http.StatusOK)
			t.startLag(x.ID)
			return nil
		case !isNotFound(err):
			return err
		}
		x = &experimentRecord{ID: ws.ID + "/experiments/" + name, Name: name, Location: ws.Location, Created: t.now}
		x.setState(api.ProvisioningStateSucceeded, t.now)
		t.startLag(x.ID)
		rep = x.reply(http.StatusOK)
		return t.put(bucketExperiments, x.ID, x)
	})
	e.respond(w, r, rep, err)
}

// deleteExperiment starts deleting an experiment and every job in it (202 + polling headers): running jobs
// stop and free their nodes at once; the experiment and its jobs disappear when the operation is due. 204
// when it (or its workspace) does not exist; a second DELETE while deleting answers the same operation.
func (e *Emulator) deleteExperiment(w http.ResponseWriter, r *http.Request) {
	var rep *reply
	err := e.mutate(func(t *txn) error {
		x, err := t.experimentPath(r.PathValue("resourceGroupName"), r.PathValue("workspaceName"), r.PathValue("experimentName"))
		if code := errCode(err); code == "ExperimentNotFound" || code == "WorkspaceNotFound" {
			rep = newReply(http.StatusNoContent, nil)
			return nil
		}
		if err != nil {
			return err
		}
		if rep = e.deletionInProgress(t, x.State == api.ProvisioningStateDeleting, x.DeleteOp); rep != nil {
			return nil
		}
		op, err := t.startOperation(opDeleteExperiment, x.Location, x.ID, nil)
		if err != nil {
			return err
		}
		if err := t.beginDeleteSubtree(x.ID, op.DoneAt); err != nil {
			return err
		}
		x.beginDelete(t.now, op.DoneAt)
		x.DeleteOp, x.Pending = op.ID, op.Failure
		rep = e.accepted(op)
		return t.put(bucketExperiments, x.ID, x)
	})
	e.respond(w, r, rep, err)
}

func (e *Emulator) listExperiments(w http.ResponseWriter, r *http.Request) {
	group, workspace := r.PathValue("resourceGroupName"), r.PathValue("workspaceName")
	var ws *workspaceRecord
	e.servePage(w, r, lister{
		bucket: bucketExperiments,
		prefix: e.groupID(group) + "/providers/" + api.ProviderNamespace + "/workspaces/" + workspace + "/experiments/",
		pre: func(t *txn) (err error) {
			ws, err = t.workspacePath(group, workspace)
			return err
		},
		item: func(t *txn, raw []byte) (any, error) {
			var rec experimentRecord
			if err := decodeRecord(raw, &rec); err != nil {
				return nil, err
			}
			x, err := t.experiment(ws, rec.Name)
			if isNotFound(err) {
				return nil, nil
			}
			if err != nil {
				return nil, err
			}
			return x.view(), nil
		},
	})
}
