package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

// The create lifecycle every resource shares. A create sends a PUT (create-or-update) and waits for its
// long-running operation. From the moment the PUT has been sent the resource may exist in Azure, whatever the
// client heard back, so every failure after that point goes through one recovery (settleCreate):
//
//   - It reads the resource at the provider's poll interval. A read that fails otherwise than with a 404 (a 5xx
//     left after the retries, the service unreachable) decides nothing and is repeated.
//   - Found and usable (provisioning_state "succeeded", or no provisioning state at all): the create goes on as
//     if no answer had been lost. Found and still being created: reads go on until it ends, as the operation's
//     wait would have. Found otherwise (failed, being deleted, or still being created when the apply ran out of
//     time or was interrupted): recorded in state with the error, so that Terraform marks it tainted.
//   - Proven absent: dropped, with the error. Proven means that reads answered 404 at least absentReads times in
//     a row, over at least timing.notFoundGrace (ARM's replicas may answer 404 for a moment after a write), and
//     that a 404 can mean absence: either the PUT was never accepted (its answer was lost) or its operation had
//     reported its end. While an operation the service accepted still runs, ARM may answer 404 until it ends (its
//     RPC spec allows it), so a 404 then proves nothing: the ID alone is recorded, tainted, and the next refresh
//     settles it (Read drops a resource that is gone).
//   - When its time runs out without an answer, the ID alone is recorded, tainted, likewise.
//
// Time: the recovery runs within what is left of the create timeout. When that has run out, or the apply was
// interrupted, it gets at most timing.overrunGrace more (20 seconds by default, named on every resource page),
// never a whole new timeout.
//
// A PUT the service refused outright (client.NotProcessed: every try answered with a 4xx other than 408, or never
// sent) changed nothing, and is reported as the error it is.

// absentReads is how many 404s in a row, at least, prove that a resource does not exist (with timing.notFoundGrace).
const absentReads = 3

// putMayHaveLanded reports whether a create's PUT that failed with err may have reached the service, so that
// the resource may exist: anything but a refusal the client has proof of (client.NotProcessed), and always when
// the apply ended (timeout or interrupt) while the request was in flight.
func putMayHaveLanded(ctx context.Context, err error) bool {
	return ctx.Err() != nil || !client.NotProcessed(err)
}

// createRecovery says how a resource is found again after a failed create, for settleCreate and
// recoverFailedCreate.
type createRecovery struct {
	kind string // For example kindCluster.
	id   string // The ARM ID the PUT went to.
	// model points to the planned model: read and recordIDOnly update it, and it is saved to state.
	model any
	// read refreshes model from the API and returns the read's error.
	read func(ctx context.Context) (diag.Diagnostics, error)
	// recordIDOnly prepares model for a state recorded without a read: its ID, and nulls for every value
	// only the API knows (state may hold no unknown value).
	recordIDOnly func(ctx context.Context) diag.Diagnostics
	// explain, when set, adds what the resource read says about the failure to the wait's error.
	explain func(waitErr error) error
	// provisioningState, when set, is the provisioning state of the last successful read: it says whether
	// the resource found is usable. Without it a resource found counts as usable.
	provisioningState func() *string
	// adopt, when set, is offered the result of an operation that succeeded, when it came from the poller's
	// final read of the resource (not from the PUT's own answer): when that shows the resource usable it fills model from it and returns true, and no read is
	// sent after the wait. It returns false for a result that proves nothing (empty, or not yet succeeded).
	adopt func(ctx context.Context, result any) (diag.Diagnostics, bool)
}

// createOutcome is how settleCreate ended.
type createOutcome int

const (
	// createUsable: the resource exists and is usable; model holds what was read, nothing is recorded yet.
	createUsable createOutcome = iota
	// createTainted: the resource is recorded in state (in full, or its ID only) with an error: tainted.
	createTainted
	// createAbsent: the resource is proven absent; the error is reported and nothing is recorded.
	createAbsent
)

// createAndWait sends a create's PUT (begin) and waits for its operation, then reads the resource back until a
// read sees it (so that the refresh after the apply does too, whatever ARM's replicas lag), unless the
// poller's final read already saw it usable (rec.adopt): that read is as good a proof. Every failure after
// the PUT may have reached the service goes through settleCreate. It returns true when the resource exists and
// is usable, with rec.model filled from a read; the caller then goes on (waits for states of its own, sets
// state). It returns false after adding the diagnostics, and state, that say what happened.
func createAndWait[T any](ctx context.Context, resp *resource.CreateResponse, t timing, rec createRecovery,
	begin func(context.Context) (*client.Poller[T], error)) bool {
	poller, err := begin(ctx)
	if err != nil && !putMayHaveLanded(ctx, err) {
		addAPIError(&resp.Diagnostics, actionCreate, rec.kind, rec.id, err)
		return false
	}
	if err == nil {
		tflog.Debug(ctx, "create accepted; waiting for it to finish")
		var result T
		if result, err = poller.Wait(ctx); err == nil && rec.adopt != nil && poller.ResultRead() {
			if diags, ok := rec.adopt(ctx, result); ok {
				resp.Diagnostics.Append(diags...)
				return true
			}
		}
	}
	return settleCreate(ctx, resp, t, rec, err) == createUsable
}

// settleCreate finds out what a create left behind (see the rule above) after its PUT and its operation's wait
// ended with waitErr; a nil waitErr (the operation succeeded) only makes sure that a read sees the resource. It
// records what it found, and reports the outcome.
func settleCreate(ctx context.Context, resp *resource.CreateResponse, t timing, rec createRecovery, waitErr error) createOutcome {
	f := findCreated(ctx, t, rec, waitErr)
	defer f.release()
	if f.found {
		resp.Diagnostics.Append(f.diags...)
		if f.usable() {
			if waitErr != nil {
				tflog.Info(ctx, "the create succeeded although its answer or its wait failed; going on", map[string]any{"error": waitErr.Error()})
			}
			return createUsable
		}
		if waitErr == nil {
			waitErr = fmt.Errorf("its provisioning_state is %q", api.Deref(f.state))
		}
		if f.stillCreating() {
			waitErr = fmt.Errorf("%w (its provisioning_state was still %q)", waitErr, api.Deref(f.state))
		}
		if rec.explain != nil {
			waitErr = rec.explain(waitErr)
		}
		return recordTainted(f.ctx, resp, rec, waitErr)
	}
	if waitErr == nil {
		waitErr = errors.New("the service reported the create done, but reads of the resource kept answering 404")
	}
	if f.absent {
		// The create left nothing behind: there is nothing to track.
		addAPIError(&resp.Diagnostics, actionWaitCreate, rec.kind, rec.id, waitErr)
		return createAbsent
	}
	tflog.Warn(f.ctx, "could not read the resource after its create; recording its ID only", map[string]any{"error": f.lastErr.Error()})
	resp.Diagnostics.Append(rec.recordIDOnly(f.ctx)...)
	return recordTainted(f.ctx, resp, rec, waitErr)
}

// recoverFailedCreate records a resource whose create, or a wait beyond it (a job's run, a file server's
// provisioning), failed with err: if it exists it goes to state with the error, tainted, so that the next apply
// replaces it instead of orphaning it; if it is proven absent, only the error is reported; otherwise its ID is
// recorded, tainted. The reads follow settleCreate's rule and time bound.
func recoverFailedCreate(ctx context.Context, resp *resource.CreateResponse, t timing, rec createRecovery, err error) {
	f := findCreated(ctx, t, rec, err)
	defer f.release()
	switch {
	case f.found:
		resp.Diagnostics.Append(f.diags...)
		if rec.explain != nil {
			err = rec.explain(err)
		}
	case f.absent:
		addAPIError(&resp.Diagnostics, actionWaitCreate, rec.kind, rec.id, err)
		return
	default:
		tflog.Warn(f.ctx, "could not read the resource after a failed create; recording its ID only", map[string]any{"error": f.lastErr.Error()})
		resp.Diagnostics.Append(rec.recordIDOnly(f.ctx)...)
	}
	recordTainted(f.ctx, resp, rec, err)
}

// recordTainted saves rec.model to state with err, which makes Terraform mark the resource tainted.
func recordTainted(ctx context.Context, resp *resource.CreateResponse, rec createRecovery, err error) createOutcome {
	resp.Diagnostics.Append(resp.State.Set(ctx, rec.model)...)
	addTaintedCreateError(&resp.Diagnostics, rec.kind, rec.id, err)
	return createTainted
}

// found is what findCreated learned.
type found struct {
	// ctx is the recovery's context, still usable for recording (see recoveryContext); release ends it.
	ctx     context.Context
	release context.CancelFunc
	found   bool
	absent  bool
	state   *string // provisioning state of the resource found, when it has one
	diags   diag.Diagnostics
	lastErr error // the last read's error, when nothing was found
}

func (f found) usable() bool {
	return f.state == nil || strings.EqualFold(*f.state, api.ProvisioningStateSucceeded)
}

// stillCreating reports a provisioning state that is not terminal: the create is still under way.
func (f found) stillCreating() bool {
	return f.state != nil && !isTerminalProvisioningState(*f.state) && !isDeleting(f.state)
}

func isTerminalProvisioningState(s string) bool {
	return strings.EqualFold(s, api.ProvisioningStateSucceeded) || strings.EqualFold(s, api.ProvisioningStateFailed) ||
		strings.EqualFold(s, "canceled") || strings.EqualFold(s, "cancelled") //nolint:misspell // Some services spell ARM's "Canceled" so.
}

// findCreated reads the resource until it is found (and, while the apply's time lasts, its create has ended),
// proven absent, or the recovery's time runs out; see the rule above.
func findCreated(ctx context.Context, t timing, rec createRecovery, waitErr error) found {
	rctx, cancel := recoveryContext(ctx, t.overrunGrace)
	pending := client.OperationPending(waitErr)
	var first404 time.Time
	n404 := 0
	f := found{ctx: rctx, release: cancel}
	err := pollUntil(rctx, t.pollInterval, func(rctx context.Context) (bool, error) {
		diags, err := rec.read(rctx)
		switch {
		case err == nil:
			f.found, f.diags, f.lastErr, n404 = true, diags, nil, 0
			if rec.provisioningState != nil {
				f.state = rec.provisioningState()
			}
			// A create still under way is waited for while the apply lasts, as the operation's wait would have.
			return !f.stillCreating() || ctx.Err() != nil, nil
		case client.IsNotFound(err):
			f.found, f.lastErr = false, err
			if pending || ctx.Err() != nil {
				// A 404 proves nothing while the operation runs, and there is no time left to prove anything.
				return true, nil //nolint:nilerr // The 404 is an outcome, kept in f.lastErr, not the poll's error.
			}
			if n404 == 0 {
				first404 = time.Now()
			}
			n404++
			f.absent = n404 >= absentReads && time.Since(first404) >= t.notFoundGrace
			return f.absent, nil
		default:
			f.lastErr, n404 = err, 0
			tflog.Debug(rctx, "reading the resource after its create failed; reading again", map[string]any{"error": err.Error()})
			return false, nil
		}
	}, func(ctxErr error) error { return ctxErr })
	if err != nil && f.lastErr == nil && !f.found {
		f.lastErr = err
	}
	return f
}

// errOverrunGraceOver says that the recovery's extra time after the end of the apply ran out.
var errOverrunGraceOver = errors.New("the time to record what was created ran out")

// recoveryContext is the context of a recovery: detached from ctx's cancellation, so that it runs although the
// apply's timeout ran out or the apply was interrupted, and ended grace after ctx ends (at once plus grace when
// ctx has already ended). It keeps ctx's values (log fields and masks). The returned cancel releases it early.
func recoveryContext(ctx context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	rctx, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	go func() {
		select {
		case <-rctx.Done():
			return
		case <-ctx.Done():
		}
		timer := time.NewTimer(grace)
		defer timer.Stop()
		select {
		case <-rctx.Done():
		case <-timer.C:
			cancel(errOverrunGraceOver)
		}
	}()
	return rctx, func() { cancel(context.Canceled) }
}
