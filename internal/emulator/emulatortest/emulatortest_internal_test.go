package emulatortest

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// recorder is a testing.TB that keeps the failures it is given instead of failing the real test.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

// TestAwaitServeGivesUpWithStacks: a Serve that never returns fails the test after the timeout, naming the
// wait and listing the goroutines (this one included), instead of blocking the cleanup forever.
func TestAwaitServeGivesUpWithStacks(t *testing.T) {
	r := &recorder{TB: t}
	awaitServe(r, make(chan error), 20*time.Millisecond)
	if len(r.errors) != 1 || !strings.Contains(r.errors[0], "still serving 20ms after Close") ||
		!strings.Contains(r.errors[0], "TestAwaitServeGivesUpWithStacks") {
		t.Fatalf("failures %q, want one naming the wait with this goroutine's stack", r.errors)
	}
}

func TestAwaitServeReportsServeErrors(t *testing.T) {
	for _, tc := range []struct {
		result error
		want   int
	}{{nil, 0}, {errors.New("accept: boom"), 1}} {
		r := &recorder{TB: t}
		done := make(chan error, 1)
		done <- tc.result
		awaitServe(r, done, ShutdownTimeout)
		if len(r.errors) != tc.want || (tc.want == 1 && !strings.Contains(r.errors[0], "accept: boom")) {
			t.Errorf("Serve returned %v: failures %q", tc.result, r.errors)
		}
	}
}

// TestStartStopsWithinTheBound: a started emulator's cleanup returns well within ShutdownTimeout, also when the
// test closed the emulator itself first (as Restart does).
func TestStartStopsWithinTheBound(t *testing.T) {
	for _, closeFirst := range []bool{false, true} {
		t.Run(fmt.Sprintf("closeFirst=%v", closeFirst), func(t *testing.T) {
			inst := Start(t)
			if closeFirst {
				if err := inst.Emulator.Close(); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
