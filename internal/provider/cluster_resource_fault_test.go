package provider

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// The cluster's fault tests: each applies a workspace and a cluster through the Terraform CLI while the
// emulator injects faults, then checks that the cluster is in the state untainted and that ARM equals the
// state.

// testAccCheckFaults fails unless the emulator injected exactly want faults of kind: a test that injected
// nothing proves nothing.
func testAccCheckFaults(emu *emulator.Emulator, kind emulator.FaultKind, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := emu.FaultCounts()[kind]; got != want {
			return fmt.Errorf("%d faults of kind %s were injected, want %d: the test did not do what it meant to", got, kind, want)
		}
		return nil
	}
}

// testAccClusterFaultWorkspace is the workspace of testAccClusterConfig alone, which a fault test creates first
// so that the faults it arms next (on poll URLs, which name no resource) meet the cluster's requests.
func testAccClusterFaultWorkspace(info emulator.Info) string {
	return testAccProviderConfig(info) + fmt.Sprintf(`
resource "batchai_workspace" "test" {
  name                = "ws"
  resource_group_name = %[1]q
  location            = "eastus"
}
`, info.ResourceGroup)
}

// testAccClusterFaultCase is the test case of a cluster fault test: once the workspace exists, inject arms the
// faults before the cluster's create, and the apply must succeed with exactly want faults of kind injected. A
// next step resizes the cluster to 2 nodes (after injectResize, when set) and the destroy leaves ARM empty.
func testAccClusterFaultCase(t *testing.T, emu *emulator.Emulator, info emulator.Info, kind emulator.FaultKind,
	inject func(), want int, injectResize func(), wantAfterResize int) resource.TestCase {
	t.Helper()
	check := func(n int) resource.TestCheckFunc {
		return resource.ComposeAggregateTestCheckFunc(testAccCheckFaults(emu, kind, n),
			testAccCheckNotTainted(testAccClusterAddr), testAccCheckARMMatchesState(t, info))
	}
	return resource.TestCase{
		ProtoV6ProviderFactories: testAccFaultProviderFactories(),
		CheckDestroy:             testAccCheckARMEmpty(t, info),
		Steps: []resource.TestStep{
			{Config: testAccClusterFaultWorkspace(info), Check: testAccCheckARMMatchesState(t, info)},
			{
				PreConfig:         inject,
				Config:            testAccClusterConfig(info, testAccClusterManual("Standard_NC6", 1)),
				ConfigStateChecks: testAccClusterSteady(1),
				Check:             check(want),
			},
			{
				PreConfig:         injectResize,
				Config:            testAccClusterConfig(info, testAccClusterManual("Standard_NC6", 2)),
				ConfigStateChecks: testAccClusterSteady(2),
				Check:             check(wantAfterResize),
			},
		},
	}
}

// TestAccClusterResource_lostAnswers loses the answer of the cluster's PUT, then of its resize's PATCH, after
// the service processed them, with every retry refused. Before the one recovery of every create, the create's
// failure left the cluster in ARM and not in the state (an orphan, and the next apply failed on the name).
func TestAccClusterResource_lostAnswers(t *testing.T) {
	t.Parallel()
	inst := testAccEmulatorInstance(t)
	lose := func(method string) func() {
		return func() { testAccLoseAnswer(inst.Emulator, method, "/clusters/c1") }
	}
	tc := testAccClusterFaultCase(t, inst.Emulator, inst.Info, emulator.FaultDrop, lose("PUT"), 1, lose("PATCH"), 2)
	tc.Steps = append(tc.Steps, resource.TestStep{
		PreConfig: lose("DELETE"),
		Config:    testAccClusterConfig(inst.Info, testAccClusterManual("Standard_NC6", 2)),
		Destroy:   true,
		Check:     testAccCheckFaults(inst.Emulator, emulator.FaultDrop, 3),
	})
	resource.UnitTest(t, tc)
}

// TestAccClusterResource_readAfterWriteLag: every write makes the next 1, 2 or 3 reads of the cluster answer
// 404 (ARM's replicas lagging). Before, the read after the create took the 404 for a failed create and
// tainted the cluster (lag 1: no cluster could ever be created), or the refresh dropped it from the state
// while ARM kept it (lag 2 and more).
func TestAccClusterResource_readAfterWriteLag(t *testing.T) {
	t.Parallel()
	for lag := 1; lag <= 3; lag++ {
		t.Run(fmt.Sprintf("lag %d", lag), func(t *testing.T) {
			t.Parallel()
			inst := testAccEmulatorInstance(t, func(c *emulator.Config) { c.ConsistencyLag = lag })
			resource.UnitTest(t, testAccClusterFaultCase(t, inst.Emulator, inst.Info, emulator.FaultDrop, nil, 0, nil, 0))
		})
	}
}

// TestAccClusterResource_throttled: the cluster's PUT and the polls of its operation are throttled (429 with
// Retry-After), then the resize's PATCH: the client waits as asked and every apply succeeds.
func TestAccClusterResource_throttled(t *testing.T) {
	t.Parallel()
	inst := testAccEmulatorInstance(t)
	throttle := func(f emulator.Fault) {
		f.Status, f.RetryAfter, f.Times = http.StatusTooManyRequests, 50*time.Millisecond, 2
		inst.Emulator.InjectFault(f)
	}
	resource.UnitTest(t, testAccClusterFaultCase(t, inst.Emulator, inst.Info, emulator.FaultThrottle,
		func() {
			throttle(emulator.Fault{Method: "PUT", PathContains: "/clusters/c1"})
			throttle(emulator.Fault{PollsOnly: true})
		}, 4,
		func() { throttle(emulator.Fault{Method: "PATCH", PathContains: "/clusters/c1"}) }, 6))
}

// TestAccClusterResource_serverErrorBursts: a burst of 500, 502, 503 and 504 answers the cluster's PUT (within
// the client's retries), then the polls of its operation answer 503 more times than the client retries, so
// that the wait fails while the service goes on creating the cluster: the recovery reads it, waits for its
// create to end, and the apply succeeds. The resize's PATCH gets a burst too.
func TestAccClusterResource_serverErrorBursts(t *testing.T) {
	t.Parallel()
	inst := testAccEmulatorInstance(t)
	burst := []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout}
	pollFailures := client.DefaultMaxRetries + 1
	resource.UnitTest(t, testAccClusterFaultCase(t, inst.Emulator, inst.Info, emulator.FaultServerError,
		func() {
			inst.Emulator.InjectFault(emulator.Fault{Method: "PUT", PathContains: "/clusters/c1", Statuses: burst, RetryAfter: time.Millisecond})
			inst.Emulator.InjectFault(emulator.Fault{PollsOnly: true, Status: http.StatusServiceUnavailable,
				RetryAfter: time.Millisecond, Times: pollFailures})
		}, len(burst)+pollFailures,
		func() {
			inst.Emulator.InjectFault(emulator.Fault{Method: "PATCH", PathContains: "/clusters/c1", Statuses: burst, RetryAfter: time.Millisecond})
		}, 2*len(burst)+pollFailures))
}

// TestAccClusterResource_resetMidPoll resets the connection of a poll of the cluster's create twice, then
// answers every poll 503 until the next step: the wait fails with the operation still running, and the
// recovery reads the cluster (a GET, which the faults spare), finds it created and goes on. The 503s last until
// they are cleared because net/http itself sends a GET again after a reset on a reused connection, so how many
// tries a reset takes is not the test's to count. (Two resets only: with no Retry-After the client backs off
// exponentially from 0.8 s, so that seven would take a minute and a half.)
func TestAccClusterResource_resetMidPoll(t *testing.T) {
	t.Parallel()
	inst := testAccEmulatorInstance(t)
	const resets = 2
	tc := testAccClusterFaultCase(t, inst.Emulator, inst.Info, emulator.FaultReset,
		func() {
			inst.Emulator.InjectFault(emulator.Fault{PollsOnly: true, Kind: emulator.FaultReset, Times: resets})
			inst.Emulator.InjectFault(emulator.Fault{PollsOnly: true, Status: http.StatusServiceUnavailable,
				RetryAfter: time.Millisecond, Times: -1})
		}, resets,
		inst.Emulator.ClearFaults, resets)
	// The wait's last tries were all refused: it failed, and only the recovery can have saved the create.
	tc.Steps[1].Check = resource.ComposeAggregateTestCheckFunc(tc.Steps[1].Check, func(*terraform.State) error {
		if n := inst.Emulator.FaultCounts()[emulator.FaultServerError]; n < client.DefaultMaxRetries-resets+1 {
			return fmt.Errorf("%d polls answered 503: the wait cannot have spent its retries", n)
		}
		return nil
	})
	resource.UnitTest(t, tc)
}

// TestAccClusterResource_deletePollFails: the destroy's DELETEs are accepted, then every poll of their
// operations fails (the gateway's 400 of a retired region, or 503s beyond the client's retries) while the service
// goes on deleting the cluster and the workspace. The destroy settles through reads of each resource, as a create
// does: "deleting" is waited for, 404 is the deletion done. Before, the first failed poll failed the destroy and
// left in the state what ARM was deleting. (Resets of every poll end the wait the same way, as a pending error,
// but after the client's exponential backoff: over three minutes for the two deletions, too slow for the suite.)
func TestAccClusterResource_deletePollFails(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		kind  emulator.FaultKind
		fault emulator.Fault
	}{
		{"gateway", emulator.FaultGateway, emulator.Fault{PollsOnly: true, Kind: emulator.FaultGateway, Times: -1}},
		{"server errors", emulator.FaultServerError, emulator.Fault{PollsOnly: true, Status: http.StatusServiceUnavailable,
			RetryAfter: time.Millisecond, Times: -1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			inst := testAccEmulatorInstance(t)
			cfg := testAccClusterConfig(inst.Info, testAccClusterManual("Standard_NC6", 1))
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccFaultProviderFactories(),
				CheckDestroy:             testAccCheckARMEmpty(t, inst.Info),
				Steps: []resource.TestStep{
					{Config: cfg, ConfigStateChecks: testAccClusterSteady(1), Check: testAccCheckARMMatchesState(t, inst.Info)},
					{
						PreConfig: func() { inst.Emulator.InjectFault(tc.fault) },
						Config:    cfg,
						Destroy:   true,
						Check: func(*terraform.State) error {
							// Both deletions' waits must have met the fault: one poll each, at least.
							if n := inst.Emulator.FaultCounts()[tc.kind]; n < 2 {
								return fmt.Errorf("%d polls failed, want at least 2 (the cluster's and the workspace's)", n)
							}
							return nil
						},
					},
				},
			})
		})
	}
}
