package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/emulatortest"
)

// The cluster's node fault tests: the service created the cluster, and then its nodes failed (a setup task that
// exits non-zero) or were taken back (low-priority preemption). Neither is a reason to replace the cluster
// (cluster_steady.go): it stays in the state, untainted, and each test ends with ARM equal to the state.

// TestAccClusterResource_setupTaskFails: the setup task exits 3 on every node, which leaves them unusable with
// SetupTaskFailed errors. The create records the cluster untainted (with a warning) and its wait for steady
// pending; the next apply resumes the wait and fails with an error naming the node error, keeping the cluster;
// a refresh then plans an in-place update (the pending wait), never a replacement.
func TestAccClusterResource_setupTaskFails(t *testing.T) {
	t.Parallel()
	info := testAccEmulatorInstance(t).Info
	config := testAccClusterConfig(info, testAccClusterManual("Standard_NC6", 2)+`
  setup_task {
    command_line            = "echo installing; echo 'E: Unable to locate package' >&2; exit 3"
    std_out_err_path_prefix = "$AZ_BATCHAI_MOUNT_ROOT/afs"
  }
`)
	failedNodes := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("allocation_state"), knownvalue.StringExact(api.AllocationStateSteady)),
		statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("provisioning_state"), knownvalue.StringExact(api.ProvisioningStateSucceeded)),
		statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("node_state_counts").AtMapKey("unusable"), knownvalue.Int64Exact(2)),
		statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("errors").AtSliceIndex(0).AtMapKey("code"), knownvalue.StringExact("SetupTaskFailed")),
	}
	kept := resource.ComposeAggregateTestCheckFunc(testAccCheckNotTainted(testAccClusterAddr), testAccCheckARMMatchesState(t, info))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFaultProviderFactories(),
		CheckDestroy:             testAccCheckARMEmpty(t, info),
		Steps: []resource.TestStep{
			{
				Config:            config,
				ConfigStateChecks: failedNodes,
				Check:             kept,
				// The wait for steady is pending: the plan after the apply resumes it (an in-place update).
				ExpectNonEmptyPlan: true,
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccClusterAddr, plancheck.ResourceActionUpdate),
				}},
				ExpectError: regexp.MustCompile(`(?s)SetupTaskFailed.*exit code 3`),
			},
			{
				RefreshState: true,
				RefreshPlanChecks: resource.RefreshPlanChecks{PostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccClusterAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(kept,
					resource.TestCheckResourceAttr(testAccClusterAddr, "node_state_counts.unusable", "2"),
					resource.TestCheckResourceAttr(testAccClusterAddr, "errors.0.code", "SetupTaskFailed")),
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// TestAccClusterResource_lowPriorityPreempted: Azure reclaims the nodes of a low-priority cluster and allocates
// replacements (the emulator's preemption, which --preemption-interval schedules; the test hook preempts at once,
// so that the test decides when). The node counts move, which is never a diff: the plan stays empty while the
// nodes leave and after the replacements are idle, and the cluster stays in the state, untainted.
//
// The emulator's clock stands still from the preemption until the apply's refresh has seen the nodes leaving
// (testAccResumeClockAt), so that the replacements cannot be ready before it on a loaded machine.
func TestAccClusterResource_lowPriorityPreempted(t *testing.T) {
	t.Parallel()
	clock := emulatortest.NewClock()
	inst := testAccEmulatorInstance(t, emulatortest.WithClock(clock))
	info := inst.Info
	config := testAccClusterConfig(info, fmt.Sprintf(`
  vm_size     = "Standard_NC6"
  vm_priority = "lowpriority"
  scale_settings {
    manual {
      target_node_count = 2
    }
  }
  user_account {
    admin_user_name           = "azureuser"
    admin_user_ssh_public_key = %q
  }
`, testAccClusterSSHKey))
	kept := resource.ComposeAggregateTestCheckFunc(testAccCheckNotTainted(testAccClusterAddr), testAccCheckARMMatchesState(t, info))
	var refreshed testAccMilestone
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFaultProviderFactories(),
		CheckDestroy:             testAccCheckARMEmpty(t, info),
		Steps: []resource.TestStep{
			{Config: config, ConfigStateChecks: testAccClusterSteady(2), Check: kept},
			{
				PreConfig: func() {
					testAccResumeClockAt(t, clock, &refreshed, "the refresh of the preempted nodes", func() {
						n, err := inst.Emulator.PreemptLowPriority(testAccClusterID(info, "c1").String())
						if err != nil || n != 2 {
							t.Fatalf("preempted %d nodes: %v", n, err)
						}
					})
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(refreshed.check, kept),
				// The refresh saw the nodes taken back.
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("allocation_state"), knownvalue.StringExact(api.AllocationStateResizing)),
					statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("node_state_counts").AtMapKey("leaving"), knownvalue.Int64Exact(2)),
				},
			},
			{
				// A minute of emulated time is far more than the test emulator's delays: the replacements are idle.
				PreConfig:    func() { clock.Advance(time.Minute) },
				RefreshState: true,
				RefreshPlanChecks: resource.RefreshPlanChecks{PostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(kept,
					resource.TestCheckResourceAttr(testAccClusterAddr, "allocation_state", api.AllocationStateSteady),
					resource.TestCheckResourceAttr(testAccClusterAddr, "node_state_counts.idle", "2"),
					resource.TestCheckResourceAttr(testAccClusterAddr, "node_state_counts.leaving", "0")),
			},
		},
	})
}
