package emulator

import (
	"fmt"
	"strings"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/sim"
)

// Usage counters. Quota checks and Usages_List need what the subscription's clusters hold in a location;
// recounting every cluster on every call made Usages_List the costliest call at 500 clusters. Instead
// every write of a cluster record (t.put and t.del on bucketClusters: creates, resizes, deletes, settled
// node and job progress, subtree purges) updates a per-location index in the same transaction, so it can
// never disagree with the records after a commit or a rollback (a job write marks its cluster due):
//
//   - each cluster has an entry: its share of usage (sim.Tally) as of its last write, and ChangeAt, the
//     first instant its share could change without a request (its next node event, a queued failure, a
//     deletion becoming due), or zero when nothing is pending;
//   - the shares of entries with nothing pending ("settled") are summed per location in bucketUsageTotals;
//     the others are also listed per location in bucketUsagePending;
//   - usage in a location at t.now is that sum plus the pending entries' shares, after settling (and
//     persisting, as a GET would) each pending cluster whose ChangeAt has come.
//
// A call thus costs O(clusters with pending node events), not O(clusters). The index is derived data:
// bootstrap rebuilds it from the cluster records at every start, so it survives any change to this code.
const (
	bucketUsageEntries = "usageentries" // lower-case cluster ID -> usageEntry
	bucketUsageTotals  = "usagetotals"  // location -> sim.Tally of its settled clusters
	bucketUsagePending = "usagepending" // location + "|" + lower-case cluster ID -> usageEntry
)

type usageEntry struct {
	Location string    `json:"location"`
	Tally    sim.Tally `json:"tally"`
	ChangeAt time.Time `json:"changeAt,omitzero"`
}

func (u *usageEntry) settled() bool { return u.ChangeAt.IsZero() }

func pendingKey(location, clusterKey string) string {
	return location + "|" + strings.ToLower(clusterKey)
}

// changeAt is the first instant after its last write at which a stored cluster's share of usage could
// change by itself, or zero.
func (c *clusterRecord) changeAt() time.Time {
	var at time.Time
	earliest := func(t time.Time) {
		if !t.IsZero() && (at.IsZero() || t.Before(at)) {
			at = t
		}
	}
	if next, ok := c.Sim.NextEvent(); ok {
		earliest(next)
	}
	if c.Pending != nil {
		earliest(c.PendingAt)
	}
	if c.deleting() {
		earliest(c.DeleteAt)
	}
	return at
}

// indexCluster records the share of a cluster record just written under key.
func (t *txn) indexCluster(key string, v any) error {
	var c *clusterRecord
	switch r := v.(type) {
	case *clusterRecord:
		c = r
	case clusterRecord:
		c = &r
	default:
		return fmt.Errorf("emulator: a %T stored as a cluster", v)
	}
	if err := t.unindexCluster(key); err != nil {
		return err
	}
	entry := usageEntry{Location: c.Location, Tally: c.Sim.Tally(), ChangeAt: c.changeAt()}
	if err := t.Put(bucketUsageEntries, strings.ToLower(key), entry); err != nil {
		return err
	}
	if entry.settled() {
		return t.addTotal(entry.Location, entry.Tally, 1)
	}
	return t.Put(bucketUsagePending, pendingKey(entry.Location, key), entry)
}

// unindexCluster takes a cluster's entry out of the index (before it is rewritten or deleted).
func (t *txn) unindexCluster(key string) error {
	var old usageEntry
	found, err := t.Get(bucketUsageEntries, strings.ToLower(key), &old)
	if err != nil || !found {
		return err
	}
	if err := t.Delete(bucketUsageEntries, strings.ToLower(key)); err != nil {
		return err
	}
	if old.settled() {
		return t.addTotal(old.Location, old.Tally, -1)
	}
	return t.Delete(bucketUsagePending, pendingKey(old.Location, key))
}

func (t *txn) addTotal(location string, share sim.Tally, sign int) error {
	var total sim.Tally
	if _, err := t.Get(bucketUsageTotals, location, &total); err != nil {
		return err
	}
	if sign > 0 {
		total.Add(share)
	} else {
		total.Sub(share)
	}
	return t.Put(bucketUsageTotals, location, total)
}

// usageDue marks a cluster's entry as due at t.now, so that the next usage read settles the cluster
// again. Job writes call it: a job changes what its cluster's auto-scale holds, and although every path
// that changes a job also writes its cluster today, the counters must not depend on that.
func (t *txn) usageDue(clusterKey string) error {
	var entry usageEntry
	found, err := t.Get(bucketUsageEntries, strings.ToLower(clusterKey), &entry)
	if err != nil || !found || (!entry.settled() && !entry.ChangeAt.After(t.now)) {
		return err
	}
	if err := t.unindexCluster(clusterKey); err != nil {
		return err
	}
	entry.ChangeAt = t.now
	if err := t.Put(bucketUsageEntries, strings.ToLower(clusterKey), entry); err != nil {
		return err
	}
	return t.Put(bucketUsagePending, pendingKey(entry.Location, clusterKey), entry)
}

// usage is what the subscription's clusters hold in a location at t.now. Pending clusters whose change is
// due are settled and persisted on the way (the read then runs again as a write), exactly as reading them
// would.
func (t *txn) usage(location string) (sim.Tally, error) {
	var total sim.Tally
	if _, err := t.Get(bucketUsageTotals, location, &total); err != nil {
		return total, err
	}
	var due []string
	err := t.List(bucketUsagePending, location+"|", func(k string, raw []byte) error {
		var entry usageEntry
		if err := decodeRecord(raw, &entry); err != nil {
			return err
		}
		if entry.ChangeAt.After(t.now) {
			total.Add(entry.Tally)
			return nil
		}
		due = append(due, strings.TrimPrefix(k, location+"|"))
		return nil
	})
	if err != nil {
		return total, err
	}
	if len(due) > 0 {
		if err := t.write(); err != nil {
			return total, err
		}
	}
	for _, key := range due {
		c, err := t.clusterByKey(key)
		if isNotFound(err) {
			continue // its deletion has finished
		}
		if err != nil {
			return total, err
		}
		// Re-index even when the record did not change, so the entry's ChangeAt moves past t.now.
		if err := t.indexCluster(key, c); err != nil {
			return total, err
		}
		total.Add(c.Sim.Tally())
	}
	return total, nil
}

// rebuildUsage recomputes the whole index from the cluster records.
func (t *txn) rebuildUsage() error {
	for _, b := range []string{bucketUsageEntries, bucketUsageTotals, bucketUsagePending} {
		var keys []string
		if err := t.List(b, "", func(k string, _ []byte) error {
			keys = append(keys, k)
			return nil
		}); err != nil {
			return err
		}
		for _, k := range keys {
			if err := t.Delete(b, k); err != nil {
				return err
			}
		}
	}
	records, err := listUnder[clusterRecord](t, bucketClusters, "")
	if err != nil {
		return err
	}
	for _, c := range records {
		if err := t.indexCluster(c.Sim.ID, c); err != nil {
			return err
		}
	}
	return nil
}
