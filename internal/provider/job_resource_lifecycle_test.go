package provider

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// TestAccJobResource_noDiffAfterCompletion submits a job without waiting: apply returns while it is queued or
// running, the job finishes between two plans, and no plan after that has a change, whatever its execution
// state, times and the service's spelling of its constraint (P7D for the configured 7.00:00:00). A change of
// wait_for_completion alone updates the job in place without calling the API.
func TestAccJobResource_noDiffAfterCompletion(t *testing.T) {
	t.Parallel()
	inst := testAccEmulatorInstance(t)
	info := inst.Info
	id := testAccJobID(info, "later")
	job := func(wait bool) string {
		return testAccJobWorld(info, testAccOneNode, testAccJob("later", "echo done",
			fmt.Sprintf(`  wait_for_completion   = %t
  max_wall_clock_time   = "7.00:00:00"
  scheduling_priority   = "high"
  node_count            = 1
  environment_variables = { BATCHAI_EMULATOR_DURATION = "2s" }`, wait)))
	}
	// rerunOn adds a trigger: the job runs again whenever the dataset version changes.
	rerunOn := func(version string) string {
		return testAccJobWorld(info, testAccOneNode, fmt.Sprintf(`
resource "terraform_data" "dataset" {
  input = %q
}
`, version)+testAccJob("later", "echo done", `  max_wall_clock_time = "7.00:00:00"
  scheduling_priority = "high"
  environment_variables = { BATCHAI_EMULATOR_DURATION = "2s" }
  lifecycle {
    replace_triggered_by = [terraform_data.dataset]
  }`))
	}
	newRun := statecheck.CompareValue(compare.ValuesDiffer())
	var jobWrites int
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckJobDestroyed(t, info),
		Steps: []resource.TestStep{
			{
				Config: job(false),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccJobAddr, tfjsonpath.New("execution_state"), knownvalue.StringRegexp(
						regexpOf(api.ExecutionStateQueued, api.ExecutionStateRunning))),
					statecheck.ExpectKnownValue(testAccJobAddr, tfjsonpath.New("exit_code"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAccJobAddr, tfjsonpath.New("end_time"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAccJobAddr, tfjsonpath.New("max_wall_clock_time"), knownvalue.StringExact("7.00:00:00")),
					newRun.AddStateValue(testAccJobAddr, tfjsonpath.New("creation_time")),
				},
			},
			{
				// While the job runs, nothing plans either.
				Config:           job(false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				PreConfig: func() {
					if err := testAccAwaitJob(t, info, id, api.ExecutionStateSucceeded); err != nil {
						t.Fatal(err)
					}
					jobWrites = inst.Emulator.RequestCount("PUT", "/jobs/") + inst.Emulator.RequestCount("DELETE", "/jobs/")
				},
				Config:           job(false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccJobAddr, tfjsonpath.New("execution_state"), knownvalue.StringExact(api.ExecutionStateSucceeded)),
					statecheck.ExpectKnownValue(testAccJobAddr, tfjsonpath.New("exit_code"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(testAccJobAddr, tfjsonpath.New("end_time"), knownvalue.NotNull()),
				},
			},
			{
				Config:           job(false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Provider-side only: an update that keeps every observed value and sends nothing.
				Config: job(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccJobAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(testAccJobAddr, tfjsonpath.New("execution_state"), knownvalue.StringExact(api.ExecutionStateSucceeded)),
					plancheck.ExpectKnownValue(testAccJobAddr, tfjsonpath.New("end_time"), knownvalue.NotNull()),
				}},
				Check: func(*terraform.State) error {
					if n := inst.Emulator.RequestCount("PUT", "/jobs/") + inst.Emulator.RequestCount("DELETE", "/jobs/") - jobWrites; n != 0 {
						return fmt.Errorf("changing wait_for_completion sent %d job write(s)", n)
					}
					return nil
				},
			},
			{
				// Re-running an unchanged job is a replacement on demand: `terraform apply -replace=...` (a taint,
				// here), and it waits for the new run.
				Taint:  []string{testAccJobAddr},
				Config: job(true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccJobAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccJobAddr, tfjsonpath.New("execution_state"), knownvalue.StringExact(api.ExecutionStateSucceeded)),
					newRun.AddStateValue(testAccJobAddr, tfjsonpath.New("creation_time")),
				},
			},
			{
				// Or with replace_triggered_by, when something the job depends on changes. (Whether the trigger's
				// own creation counts differs: Terraform says no, OpenTofu replaces the job.)
				Config: rerunOn("v1"),
			},
			{
				Config:           rerunOn("v1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config: rerunOn("v2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccJobAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{newRun.AddStateValue(testAccJobAddr, tfjsonpath.New("creation_time"))},
			},
		},
	})
}

// TestAccJobResource_terminatedByDestroy: destroying a job that still runs terminates it first (the service's
// terminate action), then deletes it, and frees the cluster's node.
func TestAccJobResource_terminatedByDestroy(t *testing.T) {
	t.Parallel()
	inst := testAccEmulatorInstance(t)
	info := inst.Info
	id := testAccJobID(info, "forever")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if err := testAccCheckJobDestroyed(t, info)(s); err != nil {
				return err
			}
			if n := inst.Emulator.RequestCount("POST", "/jobs/forever/terminate"); n != 1 {
				return fmt.Errorf("destroy sent %d terminate request(s), want 1", n)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: testAccJobWorld(info, testAccOneNode, testAccJob("forever", "sleep 3600", "  wait_for_completion = false")),
				Check: func(*terraform.State) error {
					err := testAccAwaitJob(t, info, id, api.ExecutionStateRunning)
					return err
				},
			},
			{
				// Only the job goes: the running job is terminated, then deleted; the node is idle again.
				Config: testAccJobWorld(info, testAccOneNode, ""),
				Check: func(*terraform.State) error {
					if n := inst.Emulator.RequestCount("POST", "/jobs/forever/terminate"); n != 1 {
						return fmt.Errorf("destroying the running job sent %d terminate request(s), want 1", n)
					}
					cl, err := testAccClient(t, info).GetCluster(testAccContext(t), testAccClusterID(info, "c1"))
					if err != nil {
						return err
					}
					if running := api.Deref(api.Deref(cl.Properties.NodeStateCounts).RunningNodeCount); running != 0 {
						return fmt.Errorf("%d node(s) still run the deleted job", running)
					}
					return nil
				},
			},
		},
	})
}

// TestAccJobResource_autoScaleGrowsAndShrinks: a queued job on an auto-scale cluster of 0 nodes makes it grow to
// the job's node count, the job runs and succeeds, and the idle cluster then shrinks back to its minimum (the
// emulator's scale-down delay, shortened). No plan changes anything meanwhile.
func TestAccJobResource_autoScaleGrowsAndShrinks(t *testing.T) {
	t.Parallel()
	info := testAccEmulatorInstance(t, func(c *emulator.Config) { c.ScaleDownDelay = 500 * time.Millisecond }).Info
	id := testAccJobID(info, "wide")
	config := testAccJobWorld(info, `auto_scale {
      minimum_node_count = 0
      maximum_node_count = 2
    }`, testAccJob("wide", "echo on two nodes", `  node_count          = 2
  wait_for_completion = false
  environment_variables = { BATCHAI_EMULATOR_DURATION = "2s" }`))
	nodes := func(want int32) error {
		c := testAccClient(t, info)
		var n int32
		return testAccPoll(t, func() (bool, error) {
			cl, err := c.GetCluster(testAccContext(t), testAccClusterID(info, "c1"))
			n = api.Deref(api.Deref(cl.Properties).CurrentNodeCount)
			return err == nil && n == want, err
		}, func() error { return fmt.Errorf("the cluster has %d node(s), never %d", n, want) })
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckJobDestroyed(t, info),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					// The cluster was steady at 0 nodes before the job was submitted.
					statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("current_node_count"), knownvalue.Int64Exact(0)),
				},
				Check: func(*terraform.State) error {
					if err := nodes(2); err != nil {
						return fmt.Errorf("the queued job did not make the cluster grow: %w", err)
					}
					if err := testAccAwaitJob(t, info, id, api.ExecutionStateSucceeded); err != nil {
						return err
					}
					if err := nodes(0); err != nil {
						return fmt.Errorf("the idle cluster did not shrink: %w", err)
					}
					return nil
				},
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccJobAddr, tfjsonpath.New("execution_state"), knownvalue.StringExact(api.ExecutionStateSucceeded)),
					statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("current_node_count"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("allocation_state"), knownvalue.StringExact(api.AllocationStateSteady)),
				},
			},
		},
	})
}

// TestAccJobResource_blocksAddedOrRemovedReplace: adding or removing an optional block (a container, mounts)
// is a change of the job, and a job has no update: each plans a replacement, and so does a mount added to a list.
func TestAccJobResource_blocksAddedOrRemovedReplace(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	const container = `  container {
    image = "busybox"
  }`
	const mounts = `  mount_volumes {
    unmanaged_file_system {
      mount_command       = "mount -t glusterfs 10.0.0.4:/gfs"
      relative_mount_path = "gfs"
    }
  }`
	const twoMounts = `  mount_volumes {
    unmanaged_file_system {
      mount_command       = "mount -t glusterfs 10.0.0.4:/gfs"
      relative_mount_path = "gfs"
    }
    unmanaged_file_system {
      mount_command       = "mount -t glusterfs 10.0.0.5:/gfs"
      relative_mount_path = "gfs2"
    }
  }`
	step := func(extra string, action plancheck.ResourceActionType) resource.TestStep {
		return resource.TestStep{
			Config: testAccJobWorld(info, testAccOneNode, testAccJob("blocks", "echo hi", extra)),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(testAccJobAddr, action),
			}},
		}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckJobDestroyed(t, info),
		Steps: []resource.TestStep{
			step("", plancheck.ResourceActionCreate),
			step(container, plancheck.ResourceActionDestroyBeforeCreate),
			step(container, plancheck.ResourceActionNoop),
			step("", plancheck.ResourceActionDestroyBeforeCreate),
			step(mounts, plancheck.ResourceActionDestroyBeforeCreate),
			step(twoMounts, plancheck.ResourceActionDestroyBeforeCreate),
			step(mounts, plancheck.ResourceActionDestroyBeforeCreate),
			step("", plancheck.ResourceActionDestroyBeforeCreate),
		},
	})
}
