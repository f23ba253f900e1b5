package provider

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

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

// testAccMilestone is a point of a test case that a step reaches (its plan was made, its Check ran), for
// testAccResumeClockAt: the clock stands still until the step has seen what it must, and resumes right after.
type testAccMilestone struct{ reached atomic.Bool }

// planCheck is a plan check (PreApply, PostRefresh...) that marks the milestone reached: the plan was made, with
// every read of its refresh, before the apply or the next command starts.
func (m *testAccMilestone) planCheck() plancheck.PlanCheck { return milestonePlanCheck{m} }

// check is a step Check that marks the milestone reached. A Check runs before the step's ConfigStateChecks,
// which look at the state already read, so the clock may run again under them.
func (m *testAccMilestone) check(*terraform.State) error {
	m.reached.Store(true)
	return nil
}

type milestonePlanCheck struct{ m *testAccMilestone }

func (c milestonePlanCheck) CheckPlan(context.Context, plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse) {
	c.m.reached.Store(true)
}

// testAccResumeClockAt pauses clock, runs then (what must happen on the stopped clock, such as a deletion or a
// preemption started), and resumes the clock as soon as the step reaches m; when it never does (the step failed
// before), testAccResumeClockWhen's limit resumes it anyway, so that the destroy after a failed step never waits
// on time that stands still.
func testAccResumeClockAt(t *testing.T, clock *emulatortest.Clock, m *testAccMilestone, what string, then func()) {
	t.Helper()
	clock.Pause()
	then()
	testAccResumeClockWhen(t, clock, what, func(context.Context) (bool, error) { return m.reached.Load(), nil })
}

// planCheckFunc is a plan check written as a function; its error fails the check.
type planCheckFunc func(context.Context) error

func (f planCheckFunc) CheckPlan(ctx context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = f(ctx)
}
