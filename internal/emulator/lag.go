package emulator

import "strings"

// Eventual consistency (Config.ConsistencyLag): ARM's replicas sometimes answer a GET right after a write
// from before it, so a resource just created reads as missing. The emulator reproduces the rule
// deterministically:
//
//   - every successful PUT or PATCH of a workspace, cluster, file server, experiment or job (a create, an
//     update, an idempotent repeat) arms the lag: the next ConsistencyLag GETs (or HEADs) of that
//     resource's own URL answer 404 with its NotFound code (WorkspaceNotFound, ClusterNotFound,
//     FileServerNotFound, ExperimentNotFound, JobNotFound), as if it did not exist yet;
//   - a later write re-arms it from the start; a failed write arms nothing;
//   - nothing else is affected: lists, poll URLs, POST actions, child resources and writes see the
//     resource at once (a PUT of a cluster in a lagging workspace succeeds), and a 404 served by the lag
//     is a read like any other (it counts in RequestCount).

// startLag arms Config.ConsistencyLag for the resource with ARM ID id once the transaction commits.
// Every handler that creates or changes a resource calls it from inside its transaction.
func (t *txn) startLag(id string) {
	if t.e.consistencyLag() <= 0 {
		return
	}
	t.afterCommit = append(t.afterCommit, func() { t.e.armLag(id) })
}

func (e *Emulator) armLag(id string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.lagReads > 0 {
		e.lag[strings.ToLower(id)] = e.lagReads
	}
}

func (e *Emulator) consistencyLag() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.lagReads
}

// SetConsistencyLag changes Config.ConsistencyLag from now on: writes from now arm a lag of n reads (0
// turns it off); lags already armed keep their count.
func (e *Emulator) SetConsistencyLag(n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.lagReads = max(n, 0)
}

// lagging consumes one 404 of a resource's consistency lag and reports whether one was left.
func (e *Emulator) lagging(id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	k := strings.ToLower(id)
	n, ok := e.lag[k]
	if !ok {
		return false
	}
	if n <= 1 {
		delete(e.lag, k)
	} else {
		e.lag[k] = n - 1
	}
	return true
}
