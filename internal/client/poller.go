package client

import (
	"context"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// Poller waits for a long-running operation. The operation was accepted by the service when the
// Poller exists, which lets callers record the resource before waiting (so an interrupted wait
// never orphans it).
type Poller[T any] struct {
	p         *runtime.Poller[T]
	frequency time.Duration
}

// Wait polls until the operation ends or ctx is done. The service's Retry-After (or
// retry-after-ms) decides the interval when present; otherwise the client's poll frequency does.
func (p *Poller[T]) Wait(ctx context.Context) (T, error) {
	res, err := p.p.PollUntilDone(ctx, &runtime.PollUntilDoneOptions{Frequency: p.frequency})
	if err != nil {
		var zero T
		return zero, asError(err)
	}
	return res, nil
}
