package client

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// Poller waits for a long-running operation. The operation was accepted by the service when the
// Poller exists, which lets callers record the resource before waiting (so an interrupted wait
// never orphans it).
type Poller[T any] struct {
	p         *runtime.Poller[T]
	first     *http.Response // the answer that started the operation
	frequency time.Duration
	polled    bool // Wait polled the operation at least once.
}

// ResultRead reports whether Wait's result came from the service after the operation was polled (azcore's
// final read of the resource), rather than from the answer to the request that started it: only the former
// shows what a read of the resource sees (ARM's replicas may still answer 404 right after a write).
func (p *Poller[T]) ResultRead() bool { return p.polled }

// Wait polls until the operation ends or ctx is done. The service's retry-after-ms, x-ms-retry-after-ms or
// Retry-After decides the interval when present; otherwise the client's poll frequency does, whatever it is.
//
// It is azcore's PollUntilDone without its floor of one second: azcore refuses a shorter frequency outside
// test binaries (it skips the check when the testing flags exist), so a poll_interval of "500ms" passed every
// in-process test and failed a real apply right after the service had accepted the create.
//
// An error that ends the wait before the operation reported its end (ctx done, polls that failed) is
// marked so (OperationPending).
func (p *Poller[T]) Wait(ctx context.Context) (T, error) {
	var zero T
	if d := retryAfter(p.first); d > 0 {
		if err := delay(ctx, d); err != nil {
			return zero, &pendingError{err: err}
		}
	}
	for !p.p.Done() {
		resp, err := p.p.Poll(ctx)
		p.polled = true
		if err != nil {
			return zero, p.pending(asError(err))
		}
		if p.p.Done() {
			break
		}
		d := p.frequency
		if ra := retryAfter(resp); ra > 0 {
			d = ra
		}
		if err := delay(ctx, d); err != nil {
			return zero, &pendingError{err: err}
		}
	}
	res, err := p.p.Result(ctx)
	if err != nil {
		return zero, p.pending(asError(err))
	}
	return res, nil
}

// pending marks err as the end of a wait before the operation's end unless the operation has ended.
func (p *Poller[T]) pending(err error) error {
	if p.p.Done() {
		return err
	}
	return &pendingError{err: err}
}

// retryAfter is when the service asks to be polled again, in azcore's order of preference: retry-after-ms,
// x-ms-retry-after-ms, then Retry-After in seconds or as an HTTP date. It is 0 when the answer says nothing.
func retryAfter(resp *http.Response) time.Duration {
	if resp == nil {
		return 0
	}
	for _, h := range []string{"retry-after-ms", "x-ms-retry-after-ms"} {
		if ms, err := strconv.Atoi(strings.TrimSpace(resp.Header.Get(h))); err == nil && ms > 0 {
			return time.Duration(ms) * time.Millisecond
		}
	}
	v := strings.TrimSpace(resp.Header.Get("Retry-After"))
	if s, err := strconv.Atoi(v); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}

// delay waits for d, or returns the context's error when it ends first.
func delay(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// pendingError marks the error of a wait that ended before its operation did.
type pendingError struct{ err error }

func (e *pendingError) Error() string { return e.err.Error() }
func (e *pendingError) Unwrap() error { return e.err }

// OperationPending reports whether err ended the wait for a long-running operation that the service had
// accepted and not yet reported finished (succeeded, failed or canceled): the wait was interrupted, ran out
// of time, or its polls failed. The resource may then still be on its way, and a 404 for it proves nothing
// yet (ARM answers 404 for a resource until its create ends, as its RPC spec allows).
func OperationPending(err error) bool {
	var e *pendingError
	return errors.As(err, &e)
}
