package emulator

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/sim"
)

// fileServerMountPoint is where the service mounted a file server's disks (examples/GetFileServer.json).
const fileServerMountPoint = "/mnt/data"

// fileServerRecord is a stored file server. Props keep the secrets (never returned).
type fileServerRecord struct {
	ID         string                       `json:"id"`
	Name       string                       `json:"name"`
	Location   string                       `json:"location"`
	Props      api.FileServerBaseProperties `json:"props"`
	GenSubnet  bool                         `json:"genSubnet,omitempty"` // Props.Subnet was created by the service
	Created    time.Time                    `json:"created"`
	State      string                       `json:"state"`
	StateSince time.Time                    `json:"stateSince"`
	ReadyAt    time.Time                    `json:"readyAt"` // "creating" until then
	ETag       string                       `json:"etag"`
	Modified   time.Time                    `json:"modified"`
	DeleteAt   time.Time                    `json:"deleteAt,omitzero"`
	DeleteOp   string                       `json:"deleteOp,omitempty"`
	Pending    *failure                     `json:"pending,omitempty"` // applied at ReadyAt or DeleteAt
	PublicIP   string                       `json:"publicIp"`
}

func (fs *fileServerRecord) setState(state string, now time.Time) {
	if fs.State != state {
		fs.State, fs.StateSince = state, now
	}
	fs.ETag, fs.Modified = newETag(now, fs.ETag), now
}

func (fs *fileServerRecord) beginDelete(now, doneAt time.Time) {
	fs.setState(api.ProvisioningStateDeleting, now)
	if fs.DeleteAt.IsZero() || doneAt.Before(fs.DeleteAt) {
		fs.DeleteAt = doneAt
	}
}

// view is the GET body: secrets stripped (only adminUserName), mount settings filled in.
func (fs *fileServerRecord) view() api.FileServer {
	p := fs.Props
	var ssh *api.SSHConfiguration
	if p.SSHConfiguration != nil {
		ssh = &api.SSHConfiguration{PublicIPsToAllow: p.SSHConfiguration.PublicIPsToAllow}
		if u := p.SSHConfiguration.UserAccountSettings; u != nil {
			ssh.UserAccountSettings = &api.UserAccountSettings{AdminUserName: u.AdminUserName}
		}
	}
	disks := *p.DataDisks
	return api.FileServer{
		ID: api.Ptr(fs.ID), Name: api.Ptr(fs.Name), Type: api.Ptr(api.TypeFileServer),
		Properties: &api.FileServerProperties{
			VMSize: p.VMSize, SSHConfiguration: ssh, DataDisks: &disks, Subnet: p.Subnet,
			MountSettings: &api.MountSettings{
				MountPoint: api.Ptr(fileServerMountPoint), FileServerPublicIP: api.Ptr(fs.PublicIP),
				FileServerInternalIP: api.Ptr("10.0.0.4"),
			},
			ProvisioningStateTransitionTime: armTime(fs.StateSince),
			CreationTime:                    armTime(fs.Created),
			ProvisioningState:               api.Ptr(fs.State),
		},
	}
}

func (fs *fileServerRecord) reply(status int) *reply {
	return newReply(status, fs.view()).withResource(fs.ETag, fs.Modified)
}

// fileServer loads a file server of ws and brings it to t.now: "creating" becomes "succeeded" (or
// "failed") when its operation is due, and a finished deletion removes it (FileServerNotFound).
func (t *txn) fileServer(ws *workspaceRecord, name string) (*fileServerRecord, error) {
	var fs fileServerRecord
	found, err := t.get(bucketFileServers, ws.ID+"/fileServers/"+name, &fs)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errNotFound("FileServerNotFound", "file server", name)
	}
	changed := false
	switch {
	case fs.State == api.ProvisioningStateCreating && !t.now.Before(fs.ReadyAt):
		state := api.ProvisioningStateSucceeded
		if fs.Pending != nil {
			state, fs.Pending = api.ProvisioningStateFailed, nil
		}
		fs.setState(state, fs.ReadyAt)
		changed = true
	case fs.State == api.ProvisioningStateDeleting && !t.now.Before(fs.DeleteAt):
		if fs.Pending == nil {
			return nil, t.firstErr(t.del(bucketFileServers, fs.ID), errNotFound("FileServerNotFound", "file server", name))
		}
		at := fs.DeleteAt
		fs.Pending, fs.DeleteAt, fs.DeleteOp = nil, time.Time{}, ""
		fs.setState(api.ProvisioningStateFailed, at)
		changed = true
	}
	if changed {
		if err := t.put(bucketFileServers, fs.ID, &fs); err != nil {
			return nil, err
		}
	}
	return &fs, nil
}

// fileServerPath loads a file server by its group, workspace and name, settling each on the way.
func (t *txn) fileServerPath(group, workspace, name string) (*fileServerRecord, error) {
	ws, err := t.workspacePath(group, workspace)
	if err != nil {
		return nil, err
	}
	return t.fileServer(ws, name)
}

func (e *Emulator) getFileServer(w http.ResponseWriter, r *http.Request) {
	group, workspace, name := r.PathValue("resourceGroupName"), r.PathValue("workspaceName"), r.PathValue("fileServerName")
	if e.lagging(e.groupID(group) + "/providers/" + api.ProviderNamespace + "/workspaces/" + workspace + "/fileServers/" + name) {
		e.respond(w, r, nil, errNotFound("FileServerNotFound", "file server", name))
		return
	}
	var rep *reply
	err := e.read(func(t *txn) error {
		fs, err := t.fileServerPath(group, workspace, name)
		if err != nil {
			return err
		}
		rep = fs.reply(http.StatusOK)
		return nil
	})
	e.respond(w, r, rep, err)
}

// putFileServer creates a file server (202 and polling headers; "creating" for Config.FileServerDelay,
// minutes as recorded, then "succeeded", or "failed" with the recorded FileServerProvisioningFailed error
// when Config.FailFileServers is set). File servers have no update: a PUT of an existing one with the same
// properties answers 200, any difference 409 PropertyChangeNotAllowed.
func (e *Emulator) putFileServer(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("fileServerName")
	var body api.FileServerCreateParameters
	if ae := decodeBody(r, &body); ae != nil {
		e.respond(w, r, nil, ae)
		return
	}
	var rep *reply
	err := e.mutate(func(t *txn) error {
		if api.ValidateName(name) != nil {
			return errInvalidName("file server", name)
		}
		props, serr := sim.PrepareFileServer(body.Properties)
		if serr != nil {
			return serr
		}
		g, ws, err := t.liveWorkspace(r.PathValue("resourceGroupName"), r.PathValue("workspaceName"))
		if err != nil {
			return err
		}
		existing, err := t.fileServer(ws, name)
		switch {
		case err == nil && existing.State == api.ProvisioningStateDeleting:
			return errBeingDeleted("file server", existing.Name)
		case err == nil:
			if serr := sim.CompareFileServer(existing.Name, existing.Props, existing.GenSubnet, props); serr != nil {
				return serr
			}
			rep = existing.reply(http.StatusOK)
			t.startLag(existing.ID)
			return nil
		case !isNotFound(err):
			return err
		}
		id := ws.ID + "/fileservers/" + name // the service's spelling (examples/*FileServer*.json)
		var fail *failure
		if t.e.cfg.FailFileServers {
			fail = &failure{Status: http.StatusInternalServerError, Body: api.CloudErrorBody{
				Code: api.Ptr("FileServerProvisioningFailed"), Message: api.Ptr("File Server provisioning has failed"),
			}}
		}
		op, err := t.startOperationFor(opCreateFileServer, ws.Location, id, fail, t.e.cfg.FileServerDelay)
		if err != nil {
			return err
		}
		fs := &fileServerRecord{ID: id, Name: name, Location: ws.Location, Props: props, Created: t.now,
			ReadyAt: op.DoneAt, Pending: op.Failure, PublicIP: fakePublicIP(id)}
		if fs.Props.Subnet == nil {
			// "If not provided, a new virtual network and subnet will be created" (spec).
			sum := sha256.Sum256([]byte(id))
			fs.Props.Subnet = &api.ResourceID{ID: api.Ptr(fmt.Sprintf("%s/providers/Microsoft.Network/virtualNetworks/"+
				"%x-%x-%x-%x-%xvnet/subnets/Subnet-1", g.ID, sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16]))}
			fs.GenSubnet = true
		}
		fs.setState(api.ProvisioningStateCreating, t.now)
		t.startLag(id)
		rep = e.accepted(op)
		return t.put(bucketFileServers, fs.ID, fs)
	})
	e.respond(w, r, rep, err)
}

// deleteFileServer: 202 and polling headers; 204 when it (or its workspace) does not exist.
func (e *Emulator) deleteFileServer(w http.ResponseWriter, r *http.Request) {
	var rep *reply
	err := e.mutate(func(t *txn) error {
		fs, err := t.fileServerPath(r.PathValue("resourceGroupName"), r.PathValue("workspaceName"), r.PathValue("fileServerName"))
		if code := errCode(err); code == "FileServerNotFound" || code == "WorkspaceNotFound" {
			rep = newReply(http.StatusNoContent, nil)
			return nil
		}
		if err != nil {
			return err
		}
		if rep = e.deletionInProgress(t, fs.State == api.ProvisioningStateDeleting, fs.DeleteOp); rep != nil {
			return nil
		}
		op, err := t.startOperation(opDeleteFileServer, fs.Location, fs.ID, nil)
		if err != nil {
			return err
		}
		fs.beginDelete(t.now, op.DoneAt)
		fs.DeleteOp, fs.Pending = op.ID, op.Failure
		rep = e.accepted(op)
		return t.put(bucketFileServers, fs.ID, fs)
	})
	e.respond(w, r, rep, err)
}

func (e *Emulator) listFileServers(w http.ResponseWriter, r *http.Request) {
	group, workspace := r.PathValue("resourceGroupName"), r.PathValue("workspaceName")
	var ws *workspaceRecord
	e.servePage(w, r, lister{
		bucket: bucketFileServers,
		prefix: e.groupID(group) + "/providers/" + api.ProviderNamespace + "/workspaces/" + workspace + "/fileservers/",
		pre: func(t *txn) (err error) {
			ws, err = t.workspacePath(group, workspace)
			return err
		},
		item: func(t *txn, raw []byte) (any, error) {
			var rec fileServerRecord
			if err := decodeRecord(raw, &rec); err != nil {
				return nil, err
			}
			fs, err := t.fileServer(ws, rec.Name)
			if isNotFound(err) {
				return nil, nil
			}
			if err != nil {
				return nil, err
			}
			return fs.view(), nil
		},
	})
}

// fileServerSubnet is the subnet a cluster inherits from the first file server it mounts (spec: "if a
// File Server mount configured in node setup, the File Server's subnet will be used automatically"). A
// mount of a file server that does not exist is a 400.
func (t *txn) fileServerSubnet(p api.ClusterBaseProperties) (string, *apiError) {
	if p.NodeSetup == nil {
		return "", nil
	}
	return t.checkFileServerMounts(p.NodeSetup.MountVolumes, "properties.nodeSetup.mountVolumes")
}

// checkFileServerMounts checks that every file server mounted at path (a cluster's node setup, or a job)
// exists in the subscription and can be mounted, and returns the subnet of the first one.
func (t *txn) checkFileServerMounts(mv *api.MountVolumes, mountPath string) (string, *apiError) {
	if mv == nil {
		return "", nil
	}
	subnet := ""
	for i, m := range mv.FileServers {
		path := fmt.Sprintf("%s.fileServers[%d].fileServer.id", mountPath, i)
		id, err := api.ParseFileServerID(api.Deref(m.FileServer.ID))
		if err != nil {
			return "", newError(http.StatusBadRequest, sim.CodeInvalidPropertyValue, "%v", err).withTarget(path)
		}
		fs, err := t.fileServerPath(id.ResourceGroup, id.Workspace, id.Name)
		if err == nil && !strings.EqualFold(id.SubscriptionID, t.e.identity.SubscriptionID) {
			err = errNotFound("FileServerNotFound", "file server", id.Name) // another subscription's
		}
		if err != nil {
			return "", newError(http.StatusBadRequest, sim.CodeInvalidPropertyValue, "The value of property '%s' "+
				"is invalid: the file server %s does not exist.", path, sanitize(id.Name)).withTarget(path)
		}
		switch fs.State {
		case api.ProvisioningStateFailed, api.ProvisioningStateDeleting:
			return "", newError(http.StatusBadRequest, sim.CodeInvalidPropertyValue, "The value of property '%s' "+
				"is invalid: the file server %s is %s and cannot be mounted.", path, fs.Name, fs.State).withTarget(path)
		}
		if i == 0 && fs.Props.Subnet != nil {
			subnet = api.Deref(fs.Props.Subnet.ID)
		}
	}
	return subnet, nil
}

// fakePublicIP is a stable, never-contacted address in one of Azure's public ranges.
func fakePublicIP(id string) string {
	d := sha256.Sum256([]byte("ip\x00" + id))
	return fmt.Sprintf("%d.%d.%d.%d", []int{13, 20, 40, 52}[int(d[0])%4], d[1], d[2], 1+int(d[3])%254)
}
