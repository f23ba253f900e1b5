package sim

import (
	"maps"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// Tally is what a set of clusters holds against quota: how many clusters, and the vCPUs (see
// Cluster.VCPUs) each priority holds in each family. Tallies add and subtract, so the HTTP layer can
// keep one per location as a counter instead of recounting every cluster on every call.
type Tally struct {
	Clusters int `json:"clusters"`
	// Dedicated and LowPriority map a family label ("Standard NC Family") to its vCPUs. A size that is
	// not in the table counts under "" (in the regional totals only).
	Dedicated   map[string]int `json:"dedicated,omitempty"`
	LowPriority map[string]int `json:"lowPriority,omitempty"`
}

// Tally is this cluster's share of its location's usage: one cluster and its vCPUs.
func (c *Cluster) Tally() Tally {
	t := Tally{Clusters: 1}
	d, lp := c.VCPUs()
	family := ""
	if s, err := LookupVMSize(api.Deref(c.Props.VMSize)); err == nil {
		family = s.Family
	}
	if d > 0 {
		t.Dedicated = map[string]int{family: d}
	}
	if lp > 0 {
		t.LowPriority = map[string]int{family: lp}
	}
	return t
}

// TallyOf adds up the clusters' shares: the usage they hold together.
func TallyOf(clusters []*Cluster) Tally {
	var t Tally
	for _, c := range clusters {
		t.Add(c.Tally())
	}
	return t
}

// Add adds o to t.
func (t *Tally) Add(o Tally) { t.merge(o, 1) }

// Sub takes o out of t.
func (t *Tally) Sub(o Tally) { t.merge(o, -1) }

func (t *Tally) merge(o Tally, sign int) {
	t.Clusters += sign * o.Clusters
	t.Dedicated = mergeCounts(t.Dedicated, o.Dedicated, sign)
	t.LowPriority = mergeCounts(t.LowPriority, o.LowPriority, sign)
}

// mergeCounts adds sign*b into a copy of a, dropping families that fall to zero so that equal usages
// compare equal.
func mergeCounts(a, b map[string]int, sign int) map[string]int {
	if len(b) == 0 {
		return a
	}
	out := maps.Clone(a)
	if out == nil {
		out = map[string]int{}
	}
	for k, v := range b {
		if out[k] += sign * v; out[k] == 0 {
			delete(out, k)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// Equal reports whether two tallies count the same usage.
func (t Tally) Equal(o Tally) bool {
	return t.Clusters == o.Clusters && maps.Equal(t.Dedicated, o.Dedicated) && maps.Equal(t.LowPriority, o.LowPriority)
}

// used is the vCPUs held under a priority: in total, and in one family.
func (t Tally) used(priority, family string) (total, inFamily int) {
	m := t.Dedicated
	if priority == api.VMPriorityLowPriority {
		m = t.LowPriority
	}
	for f, n := range m {
		total += n
		if f == family && f != "" {
			inFamily += n
		}
	}
	return total, inFamily
}

// NextEvent is when the cluster's state next changes by itself (a node appears, becomes idle or is
// gone), as of its last Advance; false when nothing is pending. Until then its Tally cannot change
// without a request.
func (c *Cluster) NextEvent() (time.Time, bool) { return c.nextEvent() }
