package provider

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/emulatortest"
)

// TestAccClusterResource_disappears deletes the cluster behind Terraform's back: the refresh forgets it
// without an error, and the plan creates it again.
func TestAccClusterResource_disappears(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	config := testAccClusterConfig(info, testAccClusterManual("Standard_NC6", 1))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckClusterDestroyed(t, info),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					c := testAccClient(t, info)
					ctx := testAccContext(t)
					p, err := c.BeginDeleteCluster(ctx, testAccClusterID(info, "c1"))
					if err != nil {
						t.Fatal(err)
					}
					if _, err := p.Wait(ctx); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccClusterAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("batchai_workspace.test", plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: testAccClusterSteady(1),
			},
		},
	})
}

// TestAccClusterResource_outOfBandResize resizes a manual cluster outside Terraform (like `az batchai
// cluster resize`): the plan is an in-place update back to the configured target, not a replacement.
func TestAccClusterResource_outOfBandResize(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	config := testAccClusterConfig(info, testAccClusterManual("Standard_NC6", 1))
	manual := tfjsonpath.New("scale_settings").AtMapKey("manual").AtMapKey("target_node_count")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckClusterDestroyed(t, info),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					_, err := testAccClient(t, info).UpdateCluster(testAccContext(t), testAccClusterID(info, "c1"),
						api.ClusterUpdateParameters{Properties: &api.ClusterUpdateProperties{ScaleSettings: &api.ScaleSettings{
							Manual: &api.ManualScaleSettings{TargetNodeCount: api.Ptr(int32(3))}}}})
					if err != nil {
						t.Fatal(err)
					}
				},
				RefreshState: true,
				RefreshPlanChecks: resource.RefreshPlanChecks{PostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccClusterAddr, plancheck.ResourceActionUpdate),
				}},
				ExpectNonEmptyPlan: true,
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccClusterAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(testAccClusterAddr, manual, knownvalue.Int64Exact(1)),
				}},
				ConfigStateChecks: testAccClusterSteady(1),
			},
		},
	})
}

// TestAccClusterResource_autoScaleNodesMove preempts the nodes of a low-priority auto-scale cluster (Azure
// reclaims them, then allocates replacements): node counts and states move inside [min, max], which
// is never a diff.
//
// Only the test moves what the clock drives. The emulator's clock stands still from the preemption until the
// apply's refresh has seen the nodes leaving (with a wall-clock delay instead, a loaded machine could finish the
// replacements before the refresh, and the check for "resizing" failed). The auto-scale scale-down, the one
// other change the clock drives (an idle auto-scale cluster shrinks to its minimum after the scale-down delay,
// 5 minutes of emulated time by default, counted from the create, while the test advances a minute and a loaded
// machine adds its own minutes), is a day away, so that it can never happen during the test.
func TestAccClusterResource_autoScaleNodesMove(t *testing.T) {
	t.Parallel()
	clock := emulatortest.NewClock()
	inst := testAccEmulatorInstance(t, emulatortest.WithClock(clock), func(c *emulator.Config) { c.ScaleDownDelay = 24 * time.Hour })
	info := inst.Info
	config := testAccClusterConfig(info, fmt.Sprintf(`
  vm_size     = "Standard_NC6"
  vm_priority = "lowpriority"
  scale_settings {
    auto_scale {
      minimum_node_count = 0
      maximum_node_count = 4
      initial_node_count = 2
    }
  }
  user_account {
    admin_user_name           = "azureuser"
    admin_user_ssh_public_key = %q
  }
`, testAccClusterSSHKey))
	var refreshed testAccMilestone
	preempt := func() {
		testAccResumeClockAt(t, clock, &refreshed, "the refresh of the preempted nodes", func() {
			n, err := inst.Emulator.PreemptLowPriority(testAccClusterID(info, "c1").String())
			if err != nil || n != 2 {
				t.Fatalf("preempted %d nodes: %v", n, err)
			}
		})
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckClusterDestroyed(t, info),
		Steps: []resource.TestStep{
			{Config: config, ConfigStateChecks: testAccClusterSteady(2)},
			{
				PreConfig: preempt,
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: refreshed.check,
				// The refresh did see the nodes move.
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("allocation_state"), knownvalue.StringExact(api.AllocationStateResizing)),
				},
			},
			{
				// A minute of emulated time is far more than the test emulator's delays: the replacements are idle.
				PreConfig:    func() { clock.Advance(time.Minute) },
				RefreshState: true,
				RefreshPlanChecks: resource.RefreshPlanChecks{PostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				// The refresh saw the replacements, which the import step then compares with what it reads.
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(testAccClusterAddr, "allocation_state", api.AllocationStateSteady),
					resource.TestCheckResourceAttr(testAccClusterAddr, "node_state_counts.idle", "2"),
				),
			},
			testAccClusterImportStep("user_account.admin_user_ssh_public_key"),
		},
	})
}
