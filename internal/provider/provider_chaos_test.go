package provider

import (
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// chaosFaultRate is the chance that any ARM request of the chaos test gets a random fault (chaos.go).
const chaosFaultRate = 0.2

// chaosSeed fixes the faults' draws, so that a failing run can be replayed (with the same request order).
const chaosSeed = 20180501

// chaosLifecyclesEnv names the environment variable that sets how many lifecycles the chaos test runs
// (CONTRIBUTING.md); the default run keeps the provider package's tests short.
const chaosLifecyclesEnv = "BATCHAI_CHAOS_LIFECYCLES"

// chaosApplyTries bounds how many times one step of a lifecycle is applied before the test gives up.
const chaosApplyTries = 8

// TestAccProviderChaos runs lifecycles of a workspace and two clusters (create, resize, destroy) through the
// Terraform CLI while a fifth of the ARM requests get a random fault (resets, answers lost or cut short after
// the work was done, 429s, 5xx bursts, gateway errors on polls). A step that fails is applied again, as a user
// would. After every command, failed or not, it counts orphans (in ARM, in no state) and losses (in the state,
// not in ARM): both must stay 0. The counts are logged for the record.
func TestAccProviderChaos(t *testing.T) {
	t.Parallel()
	lifecycles := 1
	if v := os.Getenv(chaosLifecyclesEnv); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a positive number of lifecycles", chaosLifecyclesEnv, v)
		}
		lifecycles = n
	}
	inst := testAccEmulatorInstance(t, func(c *emulator.Config) { c.FaultRate, c.FaultSeed = chaosFaultRate, chaosSeed })
	info := inst.Info
	run := newTFRun(t, testAccProviderWithTiming(testAccFaultTiming))
	orphans, losses, applies, firstTry, steps := 0, 0, 0, 0, 0
	// check compares ARM with the state without faults of its own (the test's client is not under test). A
	// destroy that failed counts like any other command: its deletions settle through reads when their waits fail
	// (deleteAndWait), so the state never keeps what ARM is deleting or has deleted.
	check := func(when string) {
		t.Helper()
		if err := inst.Emulator.SetFaultRate(0); err != nil {
			t.Fatal(err)
		}
		defer func() {
			if err := inst.Emulator.SetFaultRate(chaosFaultRate); err != nil {
				t.Fatal(err)
			}
		}()
		o, l := armDiff(t, info, run.stateIDs())
		orphans, losses = orphans+len(o), losses+len(l)
		if len(o)+len(l) > 0 {
			t.Errorf("%s: %v", when, armStateError(o, l))
		}
	}
	// converge applies (or destroys) until the command succeeds, checking ARM against the state after each try.
	converge := func(what string, command func() (string, error)) {
		t.Helper()
		steps++
		for try := 1; ; try++ {
			applies++
			out, err := command()
			check(fmt.Sprintf("%s, try %d", what, try))
			if err == nil {
				if try == 1 {
					firstTry++
				}
				return
			}
			if try == chaosApplyTries {
				t.Fatalf("%s failed %d times; the last time:\n%s", what, try, out)
			}
			t.Logf("%s, try %d failed (applied again): %.300s", what, try, out)
		}
	}
	for i := 1; i <= lifecycles; i++ {
		for _, nodes := range []int{1, 2} {
			run.writeConfig(chaosConfig(info, nodes))
			converge(fmt.Sprintf("lifecycle %d: apply with %d node(s)", i, nodes), run.apply)
		}
		converge(fmt.Sprintf("lifecycle %d: destroy", i), run.destroy)
	}
	check("at the end")
	requests := inst.Emulator.RequestCount("", "/subscriptions/")
	t.Logf("chaos: %d lifecycles, %d steps, %d first-try successes, %d commands; %d ARM requests, faults injected %v; "+
		"orphans %d, losses %d",
		lifecycles, steps, firstTry, applies, requests, inst.Emulator.FaultCounts(), orphans, losses)
}

// chaosConfig is a workspace and two clusters of nodes nodes each.
func chaosConfig(info emulator.Info, nodes int) string {
	hcl := testAccClusterFaultWorkspace(info)
	for _, name := range []string{"c1", "c2"} {
		hcl += fmt.Sprintf(`
resource "batchai_cluster" %[1]q {
  name         = %[1]q
  workspace_id = batchai_workspace.test.id
%[2]s
}
`, name, testAccClusterManual("Standard_NC6", nodes))
	}
	return hcl
}
