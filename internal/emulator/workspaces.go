package emulator

import (
	"net/http"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// workspaceRecord is a stored workspace.
type workspaceRecord struct {
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	Location   string            `json:"location"`
	Tags       map[string]string `json:"tags,omitempty"`
	Created    time.Time         `json:"created"`
	State      string            `json:"state"`
	StateSince time.Time         `json:"stateSince"`
	ETag       string            `json:"etag"`
	Modified   time.Time         `json:"modified"`
	// DeleteAt is when a deleting workspace (and what is left of its children) disappears.
	DeleteAt time.Time `json:"deleteAt,omitzero"`
	DeleteOp string    `json:"deleteOp,omitempty"`
	// Pending is a failure injected into the delete operation, applied at DeleteAt.
	Pending *failure `json:"pending,omitempty"`
}

func (ws *workspaceRecord) view() api.Workspace {
	return api.Workspace{
		ID: api.Ptr(ws.ID), Name: api.Ptr(ws.Name), Type: api.Ptr(api.TypeWorkspace),
		Location: api.Ptr(ws.Location), Tags: ws.Tags,
		Properties: &api.WorkspaceProperties{
			CreationTime:                    armTime(ws.Created),
			ProvisioningState:               api.Ptr(ws.State),
			ProvisioningStateTransitionTime: armTime(ws.StateSince),
		},
	}
}

func (ws *workspaceRecord) reply(status int) *reply {
	return newReply(status, ws.view()).withResource(ws.ETag, ws.Modified)
}

func (ws *workspaceRecord) touch(now time.Time) {
	ws.ETag, ws.Modified = newETag(now, ws.ETag), now
}

func (ws *workspaceRecord) setState(state string, now time.Time) {
	if ws.State != state {
		ws.State, ws.StateSince = state, now
	}
	ws.touch(now)
}

func (ws *workspaceRecord) beginDelete(now, doneAt time.Time) {
	if ws.State != api.ProvisioningStateDeleting {
		ws.setState(api.ProvisioningStateDeleting, now)
	}
	if ws.DeleteAt.IsZero() || doneAt.Before(ws.DeleteAt) {
		ws.DeleteAt = doneAt
	}
}

// workspace loads a workspace of g, settling a finished deletion (the workspace and its children
// disappear: WorkspaceNotFound) or an injected delete failure (it stays, provisioningState "failed").
func (t *txn) workspace(g *groupRecord, name string) (*workspaceRecord, error) {
	var ws workspaceRecord
	id := g.ID + "/providers/" + api.ProviderNamespace + "/workspaces/" + name
	found, err := t.get(bucketWorkspaces, id, &ws)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errNotFound("WorkspaceNotFound", "workspace", name)
	}
	if ws.State != api.ProvisioningStateDeleting || t.now.Before(ws.DeleteAt) {
		return &ws, nil
	}
	if ws.Pending != nil {
		ws.Pending, ws.DeleteAt, ws.DeleteOp = nil, time.Time{}, ""
		ws.setState(api.ProvisioningStateFailed, t.now)
		return &ws, t.put(bucketWorkspaces, ws.ID, &ws)
	}
	gone, err := t.subtreeGone(ws.ID)
	if err != nil || !gone {
		return &ws, err
	}
	if err := t.purge(ws.ID); err != nil {
		return nil, err
	}
	if err := t.del(bucketWorkspaces, ws.ID); err != nil {
		return nil, err
	}
	return nil, errNotFound("WorkspaceNotFound", "workspace", name)
}

// workspacePath loads a group and one of its workspaces, settling both.
func (t *txn) workspacePath(group, name string) (*workspaceRecord, error) {
	g, err := t.group(group)
	if err != nil {
		return nil, err
	}
	return t.workspace(g, name)
}

// liveWorkspace is workspacePath for requests that create something in the workspace.
func (t *txn) liveWorkspace(group, name string) (*groupRecord, *workspaceRecord, error) {
	g, err := t.liveGroup(group)
	if err != nil {
		return nil, nil, err
	}
	ws, err := t.workspace(g, name)
	if err == nil && ws.State == api.ProvisioningStateDeleting {
		return nil, nil, errBeingDeleted("workspace", ws.Name)
	}
	return g, ws, err
}

func (e *Emulator) getWorkspace(w http.ResponseWriter, r *http.Request) {
	group, name := r.PathValue("resourceGroupName"), r.PathValue("workspaceName")
	if e.lagging(e.groupID(group) + "/providers/" + api.ProviderNamespace + "/workspaces/" + name) {
		e.respond(w, r, nil, errNotFound("WorkspaceNotFound", "workspace", name))
		return
	}
	var rep *reply
	err := e.read(func(t *txn) error {
		ws, err := t.workspacePath(group, name)
		if err != nil {
			return err
		}
		rep = ws.reply(http.StatusOK)
		return nil
	})
	e.respond(w, r, rep, err)
}

// putWorkspace creates or updates a workspace. Real traffic answered 200 synchronously (the spec allows a
// 202), with provisioningState "succeeded"; so does the emulator, for a create as for an update.
func (e *Emulator) putWorkspace(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("workspaceName")
	var body api.WorkspaceCreateParameters
	if ae := decodeBody(r, &body); ae != nil {
		e.respond(w, r, nil, ae)
		return
	}
	var rep *reply
	err := e.mutate(func(t *txn) error {
		if api.ValidateName(name) != nil {
			return errInvalidName("workspace", name)
		}
		g, err := t.liveGroup(r.PathValue("resourceGroupName"))
		if err != nil {
			return err
		}
		loc, ae := e.workspaceLocation(body.Location)
		if ae != nil {
			return ae
		}
		if ae := checkTags(body.Tags); ae != nil {
			return ae
		}
		ws, err := t.workspace(g, name)
		switch {
		case err == nil && ws.State == api.ProvisioningStateDeleting:
			return errBeingDeleted("workspace", ws.Name)
		case err == nil && ws.Location != loc:
			return newError(http.StatusConflict, "InvalidResourceLocation", "The resource '%s' already exists in "+
				"location '%s' in resource group '%s'. A resource with the same name cannot be created in "+
				"location '%s'. Please select a new resource name.", ws.Name, ws.Location, g.Name, loc)
		case err == nil:
			ws.Tags = body.Tags
			ws.setState(api.ProvisioningStateSucceeded, t.now)
		case isNotFound(err):
			ws = &workspaceRecord{
				ID: g.ID + "/providers/" + api.ProviderNamespace + "/workspaces/" + name, Name: name,
				Location: loc, Tags: body.Tags, Created: t.now,
			}
			ws.setState(api.ProvisioningStateSucceeded, t.now)
		default:
			return err
		}
		rep = ws.reply(http.StatusOK)
		t.startLag(ws.ID)
		return t.put(bucketWorkspaces, ws.ID, ws)
	})
	e.respond(w, r, rep, err)
}

// workspaceLocation normalizes a workspace location like ARM ("East US" -> "eastus") and checks that
// Batch AI is offered there, with the message real traffic recorded.
func (e *Emulator) workspaceLocation(loc *string) (string, *apiError) {
	n := normalizeLocation(api.Deref(loc))
	if n == "" {
		return "", newError(http.StatusBadRequest, "LocationRequired",
			"The location property is required for this definition.").withTarget("location")
	}
	if !knownLocation(e.cfg.Locations, n) {
		return "", newError(http.StatusBadRequest, "LocationNotAvailableForResourceType", "The provided location "+
			"'%s' is not available for resource type '%s/workspaces'. List of available regions for the resource "+
			"type is '%s'.", sanitize(api.Deref(loc)), api.ProviderNamespace, joinList(e.cfg.Locations)).withTarget("location").fromGateway()
	}
	return n, nil
}

// patchWorkspace changes tags only; the body may hold nothing else (a 400 names any other member).
func (e *Emulator) patchWorkspace(w http.ResponseWriter, r *http.Request) {
	var body api.WorkspaceUpdateParameters
	if ae := decodeBody(r, &body); ae != nil {
		e.respond(w, r, nil, ae)
		return
	}
	var rep *reply
	err := e.mutate(func(t *txn) error {
		if ae := checkTags(body.Tags); ae != nil {
			return ae
		}
		ws, err := t.workspacePath(r.PathValue("resourceGroupName"), r.PathValue("workspaceName"))
		if err != nil {
			return err
		}
		if ws.State == api.ProvisioningStateDeleting {
			return errBeingDeleted("workspace", ws.Name)
		}
		if body.Tags != nil {
			ws.Tags = body.Tags
		}
		ws.touch(t.now)
		rep = ws.reply(http.StatusOK)
		t.startLag(ws.ID)
		return t.put(bucketWorkspaces, ws.ID, ws)
	})
	e.respond(w, r, rep, err)
}

// deleteWorkspace starts deleting a workspace and everything in it (202 + polling headers); its clusters
// and file servers start deleting too, as ARM deletes a resource's children. 204 when it does not exist;
// a second DELETE while deleting answers the same operation.
func (e *Emulator) deleteWorkspace(w http.ResponseWriter, r *http.Request) {
	var rep *reply
	err := e.mutate(func(t *txn) error {
		ws, err := t.workspacePath(r.PathValue("resourceGroupName"), r.PathValue("workspaceName"))
		if errCode(err) == "WorkspaceNotFound" {
			rep = newReply(http.StatusNoContent, nil)
			return nil
		}
		if err != nil {
			return err
		}
		if rep = e.deletionInProgress(t, ws.State == api.ProvisioningStateDeleting, ws.DeleteOp); rep != nil {
			return nil
		}
		op, err := t.startOperation(opDeleteWorkspace, ws.Location, ws.ID, nil)
		if err != nil {
			return err
		}
		if err := t.beginDeleteSubtree(ws.ID, op.DoneAt); err != nil {
			return err
		}
		ws.beginDelete(t.now, op.DoneAt)
		ws.DeleteOp, ws.Pending = op.ID, op.Failure
		rep = e.accepted(op)
		return t.put(bucketWorkspaces, ws.ID, ws)
	})
	e.respond(w, r, rep, err)
}

func (e *Emulator) workspaceItem(t *txn, raw []byte) (any, error) {
	var rec workspaceRecord
	if err := decodeRecord(raw, &rec); err != nil {
		return nil, err
	}
	id, err := api.ParseWorkspaceID(rec.ID)
	if err != nil {
		return nil, err
	}
	ws, err := t.workspacePath(id.ResourceGroup, id.Name)
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return ws.view(), nil
}

func (e *Emulator) listWorkspacesByGroup(w http.ResponseWriter, r *http.Request) {
	group := r.PathValue("resourceGroupName")
	e.servePage(w, r, lister{
		bucket: bucketWorkspaces,
		prefix: e.groupID(group) + "/providers/" + api.ProviderNamespace + "/workspaces/",
		pre:    func(t *txn) error { _, err := t.group(group); return err },
		item:   e.workspaceItem,
	})
}

func (e *Emulator) listWorkspacesBySubscription(w http.ResponseWriter, r *http.Request) {
	e.servePage(w, r, lister{
		bucket: bucketWorkspaces,
		prefix: "/subscriptions/" + e.identity.SubscriptionID + "/",
		item:   e.workspaceItem,
	})
}
