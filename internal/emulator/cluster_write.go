package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/sim"
)

// putCluster creates a cluster: 202 with an empty body, Azure-AsyncOperation (operationresults) and
// Location (operationstatuses), as real traffic shows. The cluster exists from that moment
// (provisioningState "succeeded", allocationState "resizing", like the recording); the operation stays
// InProgress for OperationDelay.
//
// Quota is checked here, but as the service documented ("if you ask for more than your quota,
// provisioning fails") the PUT is accepted: the cluster waits in "creating" and the operation ends Failed
// with the quota error, leaving the cluster "failed".
//
// A PUT of an existing cluster with the same create-time properties is idempotent: 200 with the cluster,
// after applying a scale change the way PATCH does. Any other difference is 409 PropertyChangeNotAllowed.
// A PUT of a failed cluster provisions it again (another 202), so a create can be retried after a quota
// increase.
func (e *Emulator) putCluster(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("clusterName")
	var body api.ClusterCreateParameters
	if ae := decodeBody(r, &body); ae != nil {
		e.respond(w, r, nil, ae)
		return
	}
	var rep *reply
	err := e.mutate(func(t *txn) error {
		if api.ValidateName(name) != nil {
			return errInvalidName("cluster", name)
		}
		if body.Properties == nil {
			return newError(http.StatusBadRequest, sim.CodeMissingRequiredProperty,
				"The required property 'properties' is missing from the request.").withTarget("properties")
		}
		_, ws, err := t.liveWorkspace(r.PathValue("resourceGroupName"), r.PathValue("workspaceName"))
		if err != nil {
			return err
		}
		existing, err := t.cluster(ws, name)
		switch {
		case err == nil && existing.Sim.ProvisioningState != api.ProvisioningStateFailed:
			rep, err = e.reputCluster(t, existing, *body.Properties)
			return err
		case err != nil && !isNotFound(err):
			return err
		}
		props, serr := sim.PrepareCreate(*body.Properties)
		if serr != nil {
			return fromSim(serr)
		}
		id := ws.ID + "/clusters/" + name
		if existing != nil {
			id = existing.Sim.ID // keep the casing the cluster was created with
		}
		subnet, ae := t.fileServerSubnet(props)
		if ae != nil {
			return ae
		}
		q, err := t.quota(ws.Location)
		if err != nil {
			return err
		}
		others, err := t.usage(ws.Location)
		if err != nil {
			return err
		}
		if existing != nil {
			others.Sub(existing.Sim.Tally()) // a failed cluster provisioned again
		}
		var quotaFailure *failure
		if serr := sim.CheckCreateOf(q, others, props); serr != nil {
			quotaFailure = &failure{Status: serr.Status, Body: *serr.CloudError().Error}
		}
		op, err := t.startOperation(opCreateCluster, ws.Location, id, quotaFailure)
		if err != nil {
			return err
		}
		build := props
		if op.Failure != nil {
			// A cluster that will fail never gets nodes: build it with no target (a huge target beyond
			// quota must not allocate anything), then give it back its real settings.
			build.ScaleSettings = &api.ScaleSettings{Manual: &api.ManualScaleSettings{TargetNodeCount: api.Ptr(int32(0))}}
		}
		c := &clusterRecord{Sim: *sim.NewCluster(id, name, build, t.now, e.simConfig()), Location: ws.Location}
		c.Sim.Props.ScaleSettings = props.ScaleSettings
		if existing != nil {
			c.ETag = existing.ETag
		}
		if subnet != "" {
			c.Sim.InheritSubnet(subnet)
		}
		if op.Failure != nil {
			c.failLater(op.Failure, op.DoneAt, t.now)
		}
		c.touch(t.now)
		t.startLag(id)
		rep = e.accepted(op)
		return t.saveCluster(c)
	})
	e.respond(w, r, rep, err)
}

// reputCluster is a PUT of an existing cluster.
func (e *Emulator) reputCluster(t *txn, c *clusterRecord, p api.ClusterBaseProperties) (*reply, error) {
	if serr := sim.CompareCreate(&c.Sim, p); serr != nil {
		return nil, fromSim(serr)
	}
	if p.ScaleSettings != nil && !sameScale(*p.ScaleSettings, c.Sim.Props.ScaleSettings) {
		if err := e.resize(t, c, *p.ScaleSettings); err != nil {
			return nil, err
		}
	}
	t.startLag(c.Sim.ID)
	return c.reply(http.StatusOK, t.now), nil
}

// sameScale reports whether requested scale settings, once defaulted, are the current ones: a retried
// PUT (azcore retries PUTs on 5xx and transport errors) must then be a no-op whatever the cluster's state.
func sameScale(req api.ScaleSettings, cur *api.ScaleSettings) bool {
	prepared, err := sim.PrepareScale(req, cur)
	if err != nil || cur == nil {
		return false
	}
	a, _ := json.Marshal(prepared)
	b, _ := json.Marshal(cur)
	return string(a) == string(b)
}

// resize applies new scale settings after the quota check (409 QuotaExceeded with the numbers; shrinking
// is always allowed). A failed cluster cannot be resized; a deleting one is refused by sim.
func (e *Emulator) resize(t *txn, c *clusterRecord, s api.ScaleSettings) error {
	switch c.Sim.ProvisioningState {
	case api.ProvisioningStateFailed:
		return newError(http.StatusConflict, sim.CodeOperationNotAllowed, "The cluster %s is in the failed "+
			"state and cannot be resized. Delete it and create it again.", c.Sim.Name)
	case api.ProvisioningStateCreating:
		return newError(http.StatusConflict, sim.CodeOperationNotAllowed, "The cluster %s is being created "+
			"and cannot be resized until its creation has finished.", c.Sim.Name)
	}
	q, err := t.quota(c.Location)
	if err != nil {
		return err
	}
	others, err := t.usage(c.Location)
	if err != nil {
		return err
	}
	others.Sub(c.Sim.Tally())
	if serr := c.Sim.CheckResizeOf(q, others, s); serr != nil {
		return fromSim(serr)
	}
	if serr := c.Sim.Resize(s, t.now, e.simConfig()); serr != nil {
		return fromSim(serr)
	}
	c.touch(t.now)
	return t.saveCluster(c)
}

// patchCluster changes scale settings only. The body must be {"properties":{"scaleSettings":{...}}}:
// anything else is a 400 naming the member. The answer is synchronous (200 with the whole cluster and a
// new etag, as recorded); the resize then shows as allocationState "resizing". A resize during a resize
// retargets it.
func (e *Emulator) patchCluster(w http.ResponseWriter, r *http.Request) {
	var body api.ClusterUpdateParameters
	if ae := decodeBody(r, &body); ae != nil {
		e.respond(w, r, nil, ae)
		return
	}
	var rep *reply
	err := e.mutate(func(t *txn) error {
		if body.Properties == nil {
			return newError(http.StatusBadRequest, sim.CodeMissingRequiredProperty,
				"The required property 'properties' is missing from the request.").withTarget("properties")
		}
		if body.Properties.ScaleSettings == nil {
			return newError(http.StatusBadRequest, sim.CodeMissingRequiredProperty, "The required property "+
				"'properties.scaleSettings' is missing from the request; it is the only property a cluster "+
				"update can change.").withTarget("properties.scaleSettings")
		}
		c, err := t.clusterPath(r.PathValue("resourceGroupName"), r.PathValue("workspaceName"), r.PathValue("clusterName"))
		if err != nil {
			return err
		}
		if err := e.resize(t, c, *body.Properties.ScaleSettings); err != nil {
			return err
		}
		t.startLag(c.Sim.ID)
		rep = c.reply(http.StatusOK, t.now)
		return nil
	})
	e.respond(w, r, rep, err)
}

// listRemoteLogins is POST listRemoteLoginInformation: how to reach each node over SSH (one public IP,
// one NAT port per node), paged like every list.
func (e *Emulator) listRemoteLogins(w http.ResponseWriter, r *http.Request) {
	p, ae := e.parsePage(r)
	if ae != nil {
		e.respond(w, r, nil, ae)
		return
	}
	var rep *reply
	err := e.read(func(t *txn) error {
		c, err := t.clusterPath(r.PathValue("resourceGroupName"), r.PathValue("workspaceName"), r.PathValue("clusterName"))
		if err != nil {
			return err
		}
		logins := c.Sim.RemoteLogins()
		keys := make([]string, len(logins))
		values := make([]any, len(logins))
		for i, l := range logins {
			keys[i], values[i] = nodeKey(c.Sim.NodeIDPrefix, api.Deref(l.NodeID), i), l
		}
		rep = newReply(http.StatusOK, e.pageOf(r, p, keys, values))
		return nil
	})
	e.respond(w, r, rep, err)
}

// listRemoteLoginsNextPage follows a nextLink of listRemoteLoginInformation with GET; without a
// $skiptoken the action only answers POST.
func (e *Emulator) listRemoteLoginsNextPage(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("$skiptoken") == "" {
		ae := newError(http.StatusMethodNotAllowed, "MethodNotAllowed",
			"The requested method 'GET' is not allowed for the action 'listRemoteLoginInformation'; use POST.")
		ae.Header = http.Header{"Allow": {"POST"}}
		e.respond(w, r, nil, ae)
		return
	}
	e.listRemoteLogins(w, r)
}

// nodeKey orders nodes by their sequence number (the "_7" in "tvm-123_7-20180607t211600z"), which is
// their creation order, so page boundaries survive nodes coming and going.
func nodeKey(prefix, nodeID string, index int) string {
	rest, ok := strings.CutPrefix(nodeID, prefix+"_")
	if ok {
		seq, _, _ := strings.Cut(rest, "-")
		if n, err := strconv.Atoi(seq); err == nil {
			return fmt.Sprintf("%012d", n)
		}
	}
	return fmt.Sprintf("%012d", index)
}
