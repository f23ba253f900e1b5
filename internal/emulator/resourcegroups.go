package emulator

import (
	"fmt"
	"net/http"
	"regexp"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// A minimal Microsoft.Resources: enough resource group behavior for clients and tests to create a
// group, find it, and delete it with everything in it.

// groupRecord is a stored resource group.
type groupRecord struct {
	ID       string            `json:"id"`
	Name     string            `json:"name"`
	Location string            `json:"location"`
	Tags     map[string]string `json:"tags,omitempty"`
	// Deleting groups answer provisioningState "Deleting" until DeleteAt and until their clusters' nodes
	// have left; then the group and everything in it disappear.
	Deleting bool      `json:"deleting,omitempty"`
	DeleteAt time.Time `json:"deleteAt,omitzero"`
	DeleteOp string    `json:"deleteOp,omitempty"`
}

// groupNamePattern is ARM's rule for resource group names: 1-90 letters, digits, '-', '_', '.', '(' and
// ')', not ending with a period.
var groupNamePattern = regexp.MustCompile(`^[-\w._()]{0,89}[-\w_()]$`)

func (e *Emulator) groupID(name string) string {
	return "/subscriptions/" + e.identity.SubscriptionID + "/resourceGroups/" + name
}

func (g *groupRecord) view() api.ResourceGroup {
	state := "Succeeded"
	if g.Deleting {
		state = "Deleting"
	}
	return api.ResourceGroup{
		ID: api.Ptr(g.ID), Name: api.Ptr(g.Name), Type: api.Ptr("Microsoft.Resources/resourceGroups"),
		Location: api.Ptr(g.Location), Tags: g.Tags,
		Properties: &api.ResourceGroupProperties{ProvisioningState: api.Ptr(state)},
	}
}

// group loads a resource group, settling a finished deletion (which removes the group and its contents).
// A missing group is ARM's 404 ResourceGroupNotFound, which every route under it answers.
func (t *txn) group(name string) (*groupRecord, error) {
	var g groupRecord
	found, err := t.get(bucketGroups, t.e.groupID(name), &g)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errResourceGroupNotFound(name)
	}
	if g.Deleting && !t.now.Before(g.DeleteAt) {
		gone, err := t.subtreeGone(g.ID)
		if err != nil {
			return nil, err
		}
		if gone {
			if err := t.purge(g.ID); err != nil {
				return nil, err
			}
			if err := t.del(bucketGroups, g.ID); err != nil {
				return nil, err
			}
			return nil, errResourceGroupNotFound(name)
		}
	}
	return &g, nil
}

// liveGroup is group for requests that create or change something in it: a deleting group refuses them.
func (t *txn) liveGroup(name string) (*groupRecord, error) {
	g, err := t.group(name)
	if err == nil && g.Deleting {
		return nil, errResourceGroupBeingDeleted(g.Name)
	}
	return g, err
}

func (e *Emulator) getResourceGroup(w http.ResponseWriter, r *http.Request) {
	var rep *reply
	err := e.read(func(t *txn) error {
		g, err := t.group(r.PathValue("resourceGroupName"))
		if err != nil {
			return err
		}
		rep = newReply(http.StatusOK, g.view())
		return nil
	})
	e.respond(w, r, rep, err)
}

// headResourceGroup is ARM's existence check: 204 or 404, no body.
func (e *Emulator) headResourceGroup(w http.ResponseWriter, r *http.Request) {
	err := e.read(func(t *txn) error {
		_, err := t.group(r.PathValue("resourceGroupName"))
		return err
	})
	if isNotFound(err) {
		writeJSON(w, http.StatusNotFound, nil)
		return
	}
	e.respond(w, r, newReply(http.StatusNoContent, nil), err)
}

// putResourceGroup creates (201) or updates (200) a group. Its location cannot change.
func (e *Emulator) putResourceGroup(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("resourceGroupName")
	var body api.ResourceGroup
	if ae := decodeBody(r, &body); ae != nil {
		e.respond(w, r, nil, ae)
		return
	}
	var rep *reply
	err := e.mutate(func(t *txn) error {
		if !groupNamePattern.MatchString(name) {
			return newError(http.StatusBadRequest, "InvalidResourceGroup", "The provided resource group name '%s' "+
				"has these invalid characters: it must be 1-90 letters, digits, '-', '_', '.', '(' or ')' and "+
				"must not end with a period.", sanitize(name))
		}
		loc := normalizeLocation(api.Deref(body.Location))
		if loc == "" {
			return newError(http.StatusBadRequest, "LocationRequired",
				"The location property is required for this definition.")
		}
		if !knownLocation(azureLocations, loc) {
			return newError(http.StatusBadRequest, "LocationNotAvailableForResourceGroup",
				"The provided location '%s' is not available for resource group. List of available regions is '%s'.",
				sanitize(api.Deref(body.Location)), joinList(azureLocations))
		}
		if ae := checkTags(body.Tags); ae != nil {
			return ae
		}
		g, err := t.group(name)
		status := http.StatusOK
		switch {
		case err == nil && g.Deleting:
			return errResourceGroupBeingDeleted(g.Name)
		case err == nil && g.Location != loc:
			return newError(http.StatusConflict, "InvalidResourceGroupLocation", "Invalid resource group location "+
				"'%s'. The Resource group already exists in location '%s'.", loc, g.Location)
		case err == nil:
			g.Tags = body.Tags
		case isNotFound(err):
			status = http.StatusCreated
			g = &groupRecord{ID: e.groupID(name), Name: name, Location: loc, Tags: body.Tags}
		default:
			return err
		}
		if err := t.put(bucketGroups, g.ID, g); err != nil {
			return err
		}
		rep = newReply(status, g.view())
		return nil
	})
	e.respond(w, r, rep, err)
}

// patchResourceGroup updates tags only.
func (e *Emulator) patchResourceGroup(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Tags map[string]string `json:"tags"`
	}
	if ae := decodeBody(r, &body); ae != nil {
		e.respond(w, r, nil, ae)
		return
	}
	var rep *reply
	err := e.mutate(func(t *txn) error {
		if ae := checkTags(body.Tags); ae != nil {
			return ae
		}
		g, err := t.liveGroup(r.PathValue("resourceGroupName"))
		if err != nil {
			return err
		}
		if body.Tags != nil {
			g.Tags = body.Tags
		}
		rep = newReply(http.StatusOK, g.view())
		return t.put(bucketGroups, g.ID, g)
	})
	e.respond(w, r, rep, err)
}

// deleteResourceGroup starts deleting the group and everything in it (202 + Location). Its clusters start
// deleting at once; the group disappears when the operation is due and their nodes have left. A missing
// group is 404, as ARM answers.
func (e *Emulator) deleteResourceGroup(w http.ResponseWriter, r *http.Request) {
	var rep *reply
	err := e.mutate(func(t *txn) error {
		g, err := t.group(r.PathValue("resourceGroupName"))
		if err != nil {
			return err
		}
		if rep = e.deletionInProgress(t, g.Deleting, g.DeleteOp); rep != nil {
			return nil
		}
		op, err := t.startOperation(opDeleteGroup, g.Location, g.ID, nil)
		if err != nil {
			return err
		}
		op.APIVersion = r.URL.Query().Get("api-version")
		if err := t.put(bucketOperations, op.ID, op); err != nil {
			return err
		}
		if err := t.beginDeleteSubtree(g.ID, op.DoneAt); err != nil {
			return err
		}
		g.Deleting, g.DeleteAt, g.DeleteOp = true, op.DoneAt, op.ID
		if op.Failure != nil {
			// An injected failure: the group survives (its contents are already being deleted, as a
			// partially failed cascade would leave them).
			g.Deleting = false
		}
		rep = e.accepted(op)
		return t.put(bucketGroups, g.ID, g)
	})
	e.respond(w, r, rep, err)
}

func (e *Emulator) listResourceGroups(w http.ResponseWriter, r *http.Request) {
	e.servePage(w, r, lister{
		bucket: bucketGroups,
		prefix: "/subscriptions/" + e.identity.SubscriptionID + "/resourcegroups/",
		item: func(t *txn, raw []byte) (any, error) {
			var g groupRecord
			if err := decodeRecord(raw, &g); err != nil {
				return nil, err
			}
			live, err := t.group(g.Name) // settles a finished deletion
			if isNotFound(err) {
				return nil, nil
			}
			if err != nil {
				return nil, err
			}
			return live.view(), nil
		},
	})
}

// bootstrap creates the default resource group and the two built-in role assignments on first start (and again if
// they were deleted), so that a new emulator can be used at once.
func (e *Emulator) bootstrap() error {
	return e.mutate(func(t *txn) error {
		if err := t.bootstrapRoles(); err != nil {
			return err
		}
		name := e.cfg.DefaultResourceGroup
		if !knownLocation(azureLocations, e.cfg.DefaultLocation) {
			return fmt.Errorf("default location %q is not an Azure region", e.cfg.DefaultLocation)
		}
		if _, err := t.group(name); !isNotFound(err) {
			return err
		}
		return t.put(bucketGroups, e.groupID(name), &groupRecord{
			ID: e.groupID(name), Name: name, Location: e.cfg.DefaultLocation,
		})
	})
}
