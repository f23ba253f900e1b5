package provider

import (
	"context"
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
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/emulatortest"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/sim"
)

// testAccCheckClusterExists fails unless the emulator has the cluster: a failed create must not orphan it.
func testAccCheckClusterExists(t *testing.T, info emulator.Info, name string) {
	t.Helper()
	if _, err := testAccClient(t, info).GetCluster(testAccContext(t), testAccClusterID(info, name)); err != nil {
		t.Fatalf("the cluster is not in the emulator: %v", err)
	}
}

// TestAccClusterResource_createTimeout runs out of create timeout while the nodes are still being
// allocated, after Azure reported the create succeeded (issue 13.8): the apply warns, the cluster is in state
// untainted, and the next plan is an in-place update that resumes the wait (never a replacement), whose
// apply waits until the cluster is steady. ARM and the state agree at every step.
func TestAccClusterResource_createTimeout(t *testing.T) {
	t.Parallel()
	// The node takes an hour of the emulator's time to prepare, until the second step moves its clock on.
	clock := emulatortest.NewClock()
	inst := testAccEmulatorInstance(t, emulatortest.WithClock(clock), func(c *emulator.Config) { c.ProvisioningDelay = time.Hour })
	info := inst.Info
	body := testAccClusterManual("Standard_NC6", 1)
	sameCluster := statecheck.CompareValue(compare.ValuesSame())
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckARMEmpty(t, info),
		Steps: []resource.TestStep{
			{
				Config: testAccClusterConfig(info, body+"  timeouts {\n    create = \"2s\"\n  }\n"),
				// The plan after the apply resumes the wait.
				ExpectNonEmptyPlan: true,
				ConfigStateChecks: []statecheck.StateCheck{
					sameCluster.AddStateValue(testAccClusterAddr, tfjsonpath.New("creation_time")),
					statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("provisioning_state"), knownvalue.StringExact(api.ProvisioningStateSucceeded)),
					statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("allocation_state"), knownvalue.StringExact(api.AllocationStateResizing)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(testAccCheckNotTainted(testAccClusterAddr), testAccCheckARMMatchesState(t, info)),
			},
			{
				// The node is still preparing when this step plans; the hour passes once the plan is made (and
				// the node leaves quickly at the end).
				PreConfig: func() { inst.Emulator.SetProvisioningDelay(50 * time.Millisecond) },
				Config:    testAccClusterConfig(info, body),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccClusterAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(testAccClusterAddr, tfjsonpath.New("allocation_state")),
					testAccBeforeApply(func() { clock.Advance(2 * time.Hour) }),
				}},
				ConfigStateChecks: append(testAccClusterSteady(1),
					sameCluster.AddStateValue(testAccClusterAddr, tfjsonpath.New("creation_time"))),
				Check: testAccCheckARMMatchesState(t, info),
			},
		},
	})
}

// testAccBeforeApply runs f between a step's plan and its apply, as the last of its PreApply plan checks.
func testAccBeforeApply(f func()) plancheck.PlanCheck { return beforeApply(f) }

type beforeApply func()

func (f beforeApply) CheckPlan(context.Context, plancheck.CheckPlanRequest, *plancheck.CheckPlanResponse) {
	f()
}

// testAccCheckNotTainted fails when the resource at addr is tainted in state.
func testAccCheckNotTainted(addr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok || rs.Primary == nil {
			return fmt.Errorf("%s is not in the state", addr)
		}
		if rs.Primary.Tainted {
			return fmt.Errorf("%s is tainted: the next apply would replace it", addr)
		}
		return nil
	}
}

// TestAccClusterResource_createFails makes the service fail the create operation after accepting it (as it
// does when quota runs out during provisioning): the error carries the service's message, and the failed
// cluster is in state, tainted, to be replaced by the next apply.
func TestAccClusterResource_createFails(t *testing.T) {
	t.Parallel()
	inst := testAccEmulatorInstance(t)
	info := inst.Info
	const message = "Operation results in exceeding quota limits of Total Cluster Dedicated Regional vCPUs. requested: 6 vCPUs, limit: 0 vCPUs"
	inst.Emulator.FailNextOperation(emulator.OperationFailure{PathContains: "/clusters/c1", Status: 409, Code: "QuotaExceeded", Message: message})
	config := testAccClusterConfig(info, testAccClusterManual("Standard_NC6", 1))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckClusterDestroyed(t, info),
		Steps: []resource.TestStep{
			{
				Config:      config,
				ExpectError: expectError("Error Waiting for Batch AI Cluster Creation", "QuotaExceeded", "requested: 6 vCPUs, limit: 0 vCPUs", "marked as tainted"),
			},
			{
				PreConfig: func() { testAccCheckClusterExists(t, info, "c1") },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccClusterAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: testAccClusterSteady(1),
			},
		},
	})
}

// TestAccClusterResource_quotaPreflight applies clusters beyond the location's vCPU quota: the apply stops
// with the numbers before sending the PUT (create) or the PATCH (resize up), while shrinking or staying
// within quota works. The plan only warns (TestClusterQuotaPlanWarns), so that a configuration beyond the
// quota can still be destroyed: the last step destroys while the configuration asks for too much.
func TestAccClusterResource_quotaPreflight(t *testing.T) {
	t.Parallel()
	inst := testAccEmulatorInstance(t)
	info := inst.Info
	q := sim.DefaultQuota()
	q.DedicatedVCPUs, q.LowPriorityVCPUs = 12, 6
	if err := inst.Emulator.SetQuota("eastus", q); err != nil {
		t.Fatal(err)
	}
	ws, _ := testAccClusterSeedWorkspace(t, info, "")
	config := func(priority string, nodes int) string {
		return testAccProviderConfig(info) + fmt.Sprintf(`
resource "batchai_cluster" "test" {
  name         = "c1"
  workspace_id = %q
  vm_size      = "Standard_NC6"
  vm_priority  = %q
  scale_settings {
    manual {
      target_node_count = %d
    }
  }
  user_account {
    admin_user_name           = "azureuser"
    admin_user_ssh_public_key = %q
  }
}
`, ws.String(), priority, nodes, testAccClusterSSHKey)
	}
	nothingSent := func(method string) func() {
		return func() {
			if n := inst.Emulator.RequestCount(method, "/clusters/"); n != 0 {
				t.Fatalf("%d cluster %s request(s) were sent for a request beyond the quota", n, method)
			}
		}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckClusterDestroyed(t, info),
		Steps: []resource.TestStep{
			{
				Config: config("dedicated", 3),
				ExpectError: expectError("Insufficient Batch AI Quota", "scale_settings.manual.target_node_count",
					"3 dedicated node(s) of Standard_NC6 need 18 vCPUs (6 each)", `"Total Cluster Dedicated Regional vCPUs" in eastus`,
					"use 0 of its limit of 12 vCPUs, leaving 12", "Nothing was created."),
			},
			{
				PreConfig: nothingSent("PUT"),
				Config:    config("lowpriority", 2),
				ExpectError: expectError("Insufficient Batch AI Quota", "12 vCPUs", `"Total Cluster LowPriority Regional vCPUs"`,
					"limit of 6 vCPUs"),
			},
			{PreConfig: nothingSent("PUT"), Config: config("dedicated", 2), ConfigStateChecks: testAccClusterSteady(2)},
			{
				// What the cluster holds counts as available to it: 2 -> 3 needs 6 more, and none are left.
				Config: config("dedicated", 3),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccClusterAddr, plancheck.ResourceActionUpdate),
				}},
				ExpectError: expectError("Insufficient Batch AI Quota", "18 vCPUs", "use 0 of its limit of 12",
					"The cluster was not resized."),
			},
			{
				PreConfig: nothingSent("PATCH"),
				Config:    config("dedicated", 2),
				PlanOnly:  true, // the refused resize left the state as it was: nothing to do
			},
			{
				Config: config("dedicated", 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccClusterAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: testAccClusterSteady(1),
			},
			// `terraform destroy` plans the configuration first; asking for more than the quota must not
			// stop it (it did when the preflight failed plans).
			{Config: config("dedicated", 3), Destroy: true},
		},
	})
}

// TestAccClusterResource_quotaCheckedBeforeCreate creates the workspace and an over-quota cluster in one
// apply: the plan cannot check the quota (the workspace's location is not known yet), so Create checks it
// before sending the PUT, and nothing is created.
func TestAccClusterResource_quotaCheckedBeforeCreate(t *testing.T) {
	t.Parallel()
	inst := testAccEmulatorInstance(t)
	info := inst.Info
	q := sim.DefaultQuota()
	q.DedicatedVCPUs = 6
	if err := inst.Emulator.SetQuota("eastus", q); err != nil {
		t.Fatal(err)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if n := inst.Emulator.RequestCount("PUT", "/clusters/"); n != 0 {
				return fmt.Errorf("%d cluster PUT(s) were sent", n)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config:      testAccClusterConfig(info, testAccClusterManual("Standard_NC6", 2)),
			ExpectError: expectError("Insufficient Batch AI Quota", "need 12 vCPUs", "limit of 6 vCPUs", "Nothing was created."),
		}},
	})
}
