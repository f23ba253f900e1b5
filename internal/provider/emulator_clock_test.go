package provider

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/emulatortest"
)

// testAccClockWaitLimit bounds how long testAccResumeClockWhen waits for its condition (wall time).
const testAccClockWaitLimit = 2 * time.Minute

// testAccResumeClockWhen resumes the paused clock as soon as cond holds, polled in the background: a test can
// hold a short-lived state (a resize running, nodes leaving) still until the provider has acted on it, and let
// time run afterwards so that the provider's own waits end. When cond never holds, or fails, the test fails and
// the clock resumes anyway, so that nothing waits forever on time that stands still. The poller stops at the
// end of the test at the latest.
func testAccResumeClockWhen(t *testing.T, clock *emulatortest.Clock, what string, cond func(context.Context) (bool, error)) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testAccClockWaitLimit)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer clock.Resume()
		ticker := time.NewTicker(20 * time.Millisecond)
		defer ticker.Stop()
		for {
			ok, err := cond(ctx)
			switch {
			case ok:
				return
			case err != nil && ctx.Err() == nil:
				t.Errorf("waiting for %s to resume the clock: %v", what, err)
				return
			}
			select {
			case <-ctx.Done():
				if ctx.Err() == context.DeadlineExceeded {
					t.Errorf("%s did not happen in %s; the clock resumed anyway", what, testAccClockWaitLimit)
				}
				return
			case <-ticker.C:
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
}
