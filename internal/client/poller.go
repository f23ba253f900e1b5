package client

import (
	"context"
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
}

// Wait polls until the operation ends or ctx is done. The service's retry-after-ms, x-ms-retry-after-ms or
// Retry-After decides the interval when present; otherwise the client's poll frequency does, whatever it is.
//
// It is azcore's PollUntilDone without its floor of one second: azcore refuses a shorter frequency outside
// test binaries (it skips the check when the testing flags exist), so a poll_interval of "500ms" passed every
// in-process test and failed a real apply right after the service had accepted the create.
func (p *Poller[T]) Wait(ctx context.Context) (T, error) {
	var zero T
	if d := retryAfter(p.first); d > 0 {
		if err := delay(ctx, d); err != nil {
			return zero, err
		}
	}
	for !p.p.Done() {
		resp, err := p.p.Poll(ctx)
		if err != nil {
			return zero, asError(err)
		}
		if p.p.Done() {
			break
		}
		d := p.frequency
		if ra := retryAfter(resp); ra > 0 {
			d = ra
		}
		if err := delay(ctx, d); err != nil {
			return zero, err
		}
	}
	res, err := p.p.Result(ctx)
	if err != nil {
		return zero, asError(err)
	}
	return res, nil
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
