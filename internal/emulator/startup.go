package emulator

import (
	"fmt"
	"strings"

	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/sim"
)

// ResourceGroup names a resource group to create at start (Config.ResourceGroups).
type ResourceGroup struct {
	Name     string
	Location string // "" means Config.DefaultLocation
}

// ParseResourceGroup reads "NAME" or "NAME@LOCATION", as the --resource-group flag takes it.
func ParseResourceGroup(s string) (ResourceGroup, error) {
	name, loc, _ := strings.Cut(strings.TrimSpace(s), "@")
	g := ResourceGroup{Name: name, Location: normalizeLocation(loc)}
	return g, g.check()
}

func (g ResourceGroup) check() error {
	if !groupNamePattern.MatchString(g.Name) {
		return fmt.Errorf("resource group name %q must be 1-90 letters, digits, '-', '_', '.', '(' or ')' and must "+
			"not end with a period", g.Name)
	}
	if g.Location != "" && !knownLocation(azureLocations, normalizeLocation(g.Location)) {
		return fmt.Errorf("resource group %s: %q is not an Azure region; expected one of %s", g.Name, g.Location,
			strings.Join(azureLocations, ", "))
	}
	return nil
}

// prepareState readies the store after bootstrap: it rebuilds the usage counters from the cluster records
// (they are derived data) and creates the configured resource groups that are missing.
func (e *Emulator) prepareState() error {
	for _, g := range e.cfg.ResourceGroups {
		if err := g.check(); err != nil {
			return err
		}
	}
	return e.mutate(func(t *txn) error {
		if err := t.rebuildUsage(); err != nil {
			return err
		}
		for _, g := range e.cfg.ResourceGroups {
			loc := cmpOr(normalizeLocation(g.Location), e.cfg.DefaultLocation)
			existing, err := t.group(g.Name)
			switch {
			case err == nil && existing.Location != loc:
				return fmt.Errorf("resource group %s already exists in location %s, not %s", existing.Name, existing.Location, loc)
			case err == nil:
				continue
			case !isNotFound(err):
				return err
			}
			if err := t.put(bucketGroups, e.groupID(g.Name), &groupRecord{ID: e.groupID(g.Name), Name: g.Name, Location: loc}); err != nil {
				return err
			}
		}
		return nil
	})
}

// defaultQuota is every location's quota unless SetQuota changed it: sim's default with the configured
// cluster and regional vCPU limits.
func (e *Emulator) defaultQuota() sim.Quota {
	q := sim.DefaultQuota()
	set := func(dst *int, v int) {
		switch {
		case v > 0:
			*dst = v
		case v < 0:
			*dst = 0
		}
	}
	set(&q.Clusters, e.cfg.ClusterQuota)
	set(&q.DedicatedVCPUs, e.cfg.DedicatedCoreQuota)
	set(&q.LowPriorityVCPUs, e.cfg.LowPriorityCoreQuota)
	return q
}
