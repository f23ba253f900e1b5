package emulator

import (
	"errors"
	"strings"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/store"
)

// Buckets of the store. Keys are lower-cased ARM IDs (ARM IDs are case-insensitive); values keep the
// casing the resource was created with.
const (
	bucketGroups      = "resourcegroups"
	bucketWorkspaces  = "workspaces"
	bucketClusters    = "clusters"
	bucketFileServers = "fileservers"
	bucketExperiments = "experiments"
	bucketJobs        = "jobs"
	bucketOperations  = "operations"
	bucketQuotas      = "quotas"
	// bucketRoleAssignments holds role assignments (roles.go), keyed by their ID, which starts with their scope.
	bucketRoleAssignments = "roleassignments"
)

// errNeedsWrite aborts a read-only attempt that found state to advance or settle (a node became idle, a
// deletion finished); the request then runs again in a write transaction.
var errNeedsWrite = errors.New("emulator: request needs a write transaction")

// txn is one request's view of the store: a transaction plus the instant the request is evaluated at, so
// every lazy state change in one request uses the same clock reading.
type txn struct {
	*store.Tx
	e        *Emulator
	writable bool
	now      time.Time
	// afterCommit runs once the write transaction has committed (and not at all if it fails): effects
	// outside the store, such as arming a consistency lag, must not outlive a rolled-back write.
	afterCommit []func()
}

// write is called before any change; in the read-only attempt it aborts it so the request is retried in
// a write transaction.
func (t *txn) write() error {
	if !t.writable {
		return errNeedsWrite
	}
	return nil
}

// put stores a record. A cluster record also updates the usage counters (usage_index.go).
func (t *txn) put(bucket, key string, v any) error {
	if err := t.write(); err != nil {
		return err
	}
	if err := t.Put(bucket, strings.ToLower(key), v); err != nil {
		return err
	}
	switch bucket {
	case bucketClusters:
		return t.indexCluster(key, v)
	case bucketJobs:
		if j, ok := v.(*jobRecord); ok {
			return t.usageDue(j.Sim.ClusterID())
		}
	}
	return nil
}

// del deletes a record. A cluster record also leaves the usage counters.
func (t *txn) del(bucket, key string) error {
	if err := t.write(); err != nil {
		return err
	}
	if err := t.Delete(bucket, strings.ToLower(key)); err != nil {
		return err
	}
	if bucket == bucketClusters {
		return t.unindexCluster(key)
	}
	return nil
}

func (t *txn) get(bucket, key string, v any) (bool, error) {
	return t.Get(bucket, strings.ToLower(key), v)
}

// read runs fn in a read-only transaction, and again in a write transaction if fn found lazy state to
// persist. Reads thus cost no fsync unless something changed. fn must be safe to run twice.
func (e *Emulator) read(fn func(t *txn) error) error {
	now := e.now()
	err := e.store.View(func(tx *store.Tx) error { return fn(&txn{Tx: tx, e: e, now: now}) })
	if errors.Is(err, errNeedsWrite) {
		return e.update(now, fn)
	}
	return err
}

// update runs fn in one write transaction: either everything it wrote is committed (and fsynced) or
// nothing is.
func (e *Emulator) update(now time.Time, fn func(t *txn) error) error {
	var t *txn
	err := e.store.Update(func(tx *store.Tx) error {
		t = &txn{Tx: tx, e: e, writable: true, now: now}
		return fn(t)
	})
	if err == nil && t != nil {
		for _, f := range t.afterCommit {
			f()
		}
	}
	return err
}

// mutate is update at the current time.
func (e *Emulator) mutate(fn func(t *txn) error) error { return e.update(e.now(), fn) }
