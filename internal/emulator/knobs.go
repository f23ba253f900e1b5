package emulator

import (
	"fmt"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/sim"
)

// Test knobs: Go methods that change the emulated world the way Azure could change underneath a client.

// SetProvisioningDelay changes how long nodes take to be allocated and to leave, from now on.
func (e *Emulator) SetProvisioningDelay(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.provisioningDelay = d
}

// SetQuota sets the subscription's Batch AI quota in a location ("East US" and "eastus" are the same). It
// is persisted, and applies to the next create or resize; clusters already over it keep their nodes.
func (e *Emulator) SetQuota(location string, q sim.Quota) error {
	loc := normalizeLocation(location)
	if !knownLocation(e.cfg.Locations, loc) {
		return fmt.Errorf("emulator: Batch AI is not offered in location %q", location)
	}
	q.Location = loc
	return e.mutate(func(t *txn) error { return t.put(bucketQuotas, loc, q) })
}

// Quota returns the subscription's quota in a location.
func (e *Emulator) Quota(location string) (sim.Quota, error) {
	var q sim.Quota
	err := e.read(func(t *txn) (err error) {
		q, err = t.quota(normalizeLocation(location))
		return err
	})
	return q, err
}

// PreemptLowPriority reclaims every node of a low-priority cluster, as Azure does when it needs the
// capacity back, and returns how many nodes were preempted (0 for a dedicated cluster). The cluster then
// allocates replacements toward its unchanged target.
func (e *Emulator) PreemptLowPriority(clusterID string) (int, error) {
	id, err := api.ParseClusterID(clusterID)
	if err != nil {
		return 0, err
	}
	n := 0
	err = e.mutate(func(t *txn) error {
		c, err := t.clusterPath(id.ResourceGroup, id.Workspace, id.Name)
		if err != nil {
			return err
		}
		if n = c.Sim.Preempt(t.now, e.simConfig()); n > 0 {
			c.touch(t.now)
			return t.saveCluster(c)
		}
		return nil
	})
	return n, err
}
