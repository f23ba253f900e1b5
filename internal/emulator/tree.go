package emulator

import (
	"net/http"
	"strings"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// Deleting a parent (a resource group, a workspace or an experiment) deletes its children, as ARM does for a
// group and as the service did for a workspace's clusters, file servers and experiments and an experiment's
// jobs: they all start deleting with the parent, and the parent disappears, with whatever is left of them,
// once its operation is due and every cluster under it has released its nodes. These helpers work on every record whose key starts with the parent's
// lower-cased ID and "/".

func subtreePrefix(parentID string) string { return strings.ToLower(parentID) + "/" }

// subtreeGone reports whether every cluster under parentID has finished deleting (file servers and
// workspaces have no nodes to wait for).
func (t *txn) subtreeGone(parentID string) (bool, error) {
	clusters, err := t.clustersUnder(parentID)
	if err != nil {
		return false, err
	}
	cfg := t.e.simConfig()
	for _, c := range clusters {
		if !c.gone(t.now, cfg) {
			return false, nil
		}
	}
	return true, nil
}

// beginDeleteSubtree starts deleting every job, cluster and file server under parentID, to finish no
// earlier than doneAt, and marks experiments and workspaces under it deleting. Jobs go first: a running
// job stops and frees its nodes before its cluster starts deleting.
func (t *txn) beginDeleteSubtree(parentID string, doneAt time.Time) error {
	jobs, err := listUnder[jobRecord](t, bucketJobs, parentID)
	if err != nil {
		return err
	}
	for _, j := range jobs {
		var fresh jobRecord // an earlier stop may have changed it (another job on the same cluster)
		if _, err := t.get(bucketJobs, j.Sim.ID, &fresh); err != nil {
			return err
		}
		if _, err := t.stopJob(&fresh, doneAt); err != nil {
			return err
		}
	}
	clusters, err := t.clustersUnder(parentID)
	if err != nil {
		return err
	}
	for _, raw := range clusters {
		c, err := t.clusterByID(raw.Sim.ID)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		c.beginDelete(t.now, doneAt)
		if err := t.saveCluster(c); err != nil {
			return err
		}
	}
	servers, err := t.fileServersUnder(parentID)
	if err != nil {
		return err
	}
	for _, fs := range servers {
		fs.beginDelete(t.now, doneAt)
		if err := t.put(bucketFileServers, fs.ID, fs); err != nil {
			return err
		}
	}
	experiments, err := listUnder[experimentRecord](t, bucketExperiments, parentID)
	if err != nil {
		return err
	}
	for _, x := range experiments {
		x.beginDelete(t.now, doneAt)
		if err := t.put(bucketExperiments, x.ID, x); err != nil {
			return err
		}
	}
	workspaces, err := t.workspacesUnder(parentID)
	if err != nil {
		return err
	}
	for _, ws := range workspaces {
		ws.beginDelete(t.now, doneAt)
		if err := t.put(bucketWorkspaces, ws.ID, ws); err != nil {
			return err
		}
	}
	return nil
}

// purge removes every record under parentID.
func (t *txn) purge(parentID string) error {
	if err := t.write(); err != nil {
		return err
	}
	for _, b := range []string{bucketClusters, bucketFileServers, bucketJobs, bucketExperiments, bucketWorkspaces, bucketRoleAssignments} {
		var keys []string
		if err := t.List(b, subtreePrefix(parentID), func(k string, _ []byte) error {
			keys = append(keys, k)
			return nil
		}); err != nil {
			return err
		}
		for _, k := range keys {
			if err := t.del(b, k); err != nil {
				return err
			}
		}
	}
	return nil
}

// listUnder decodes every record of a bucket under parentID.
func listUnder[T any](t *txn, bucket, parentID string) ([]*T, error) {
	var out []*T
	err := t.List(bucket, subtreePrefix(parentID), func(_ string, raw []byte) error {
		v := new(T)
		if err := decodeRecord(raw, v); err != nil {
			return err
		}
		out = append(out, v)
		return nil
	})
	return out, err
}

func (t *txn) clustersUnder(parentID string) ([]*clusterRecord, error) {
	return listUnder[clusterRecord](t, bucketClusters, parentID)
}

func (t *txn) fileServersUnder(parentID string) ([]*fileServerRecord, error) {
	return listUnder[fileServerRecord](t, bucketFileServers, parentID)
}

func (t *txn) workspacesUnder(parentID string) ([]*workspaceRecord, error) {
	return listUnder[workspaceRecord](t, bucketWorkspaces, parentID)
}

// resourceExists looks a resource up by ARM ID, settling it (and its parents) on the way.
func (t *txn) resourceExists(id string) (bool, error) {
	var err error
	if cid, perr := api.ParseClusterID(id); perr == nil {
		_, err = t.clusterPath(cid.ResourceGroup, cid.Workspace, cid.Name)
	} else if jid, perr := api.ParseJobID(id); perr == nil {
		var x *experimentRecord
		if x, err = t.experimentPath(jid.ResourceGroup, jid.Workspace, jid.Experiment); err == nil {
			_, err = t.job(x, jid.Name)
		}
	} else if xid, perr := api.ParseExperimentID(id); perr == nil {
		_, err = t.experimentPath(xid.ResourceGroup, xid.Workspace, xid.Name)
	} else if fid, perr := api.ParseFileServerID(id); perr == nil {
		_, err = t.fileServerPath(fid.ResourceGroup, fid.Workspace, fid.Name)
	} else if wid, perr := api.ParseWorkspaceID(id); perr == nil {
		_, err = t.workspacePath(wid.ResourceGroup, wid.Name)
	} else {
		parts := strings.Split(strings.Trim(id, "/"), "/")
		_, err = t.group(parts[len(parts)-1])
	}
	if isNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

// isNotFound reports an ARM 404 of any kind.
func isNotFound(err error) bool {
	ae, ok := asAPIError(err)
	return err != nil && ok && ae.Status == http.StatusNotFound
}

func joinList(items []string) string { return strings.Join(items, ",") }

// checkTags applies ARM's tag limits: at most 50 tags, names up to 512 characters without <, >, %, &, \,
// ? or /, values up to 256 characters.
func checkTags(tags map[string]string) *apiError {
	if len(tags) > 50 {
		return newError(http.StatusBadRequest, "InvalidTag",
			"The number of tags %d exceeds the maximum of 50 tags per resource.", len(tags)).withTarget("tags")
	}
	for k, v := range tags {
		switch {
		case k == "" || len(k) > 512:
			return newError(http.StatusBadRequest, "InvalidTag", "A tag name must be 1 to 512 characters long, "+
				"got %d characters.", len(k)).withTarget("tags")
		case strings.ContainsAny(k, `<>%&\?/`) || strings.ContainsFunc(k, func(r rune) bool { return r < 0x20 }):
			return newError(http.StatusBadRequest, "InvalidTagNameCharacters", "The tag name '%s' has reserved "+
				"characters '<,>,%%,&,\\,?,/' or control characters.", sanitize(k)).withTarget("tags")
		case len(v) > 256:
			return newError(http.StatusBadRequest, "InvalidTag", "The value of tag '%s' is %d characters long; "+
				"the maximum is 256.", sanitize(k), len(v)).withTarget("tags")
		}
	}
	return nil
}

// errCode is the ARM error code of err, or "".
func errCode(err error) string {
	if err == nil {
		return ""
	}
	ae, _ := asAPIError(err)
	return api.Deref(ae.Body.Code)
}
