package provider

import (
	"context"
	"fmt"
	"regexp"
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
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/emulatortest"
)

const testAccClusterAddr = "batchai_cluster.test"

// testAccClusterSSHKey is a well-formed public key (never a secret).
const testAccClusterSSHKey = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDClusterTestKey user@example"

// testAccClusterConfig is the provider, a workspace named ws and a cluster named c1 in it with body.
func testAccClusterConfig(info emulator.Info, body string) string {
	return testAccProviderConfig(info) + fmt.Sprintf(`
resource "batchai_workspace" "test" {
  name                = "ws"
  resource_group_name = %[1]q
  location            = "eastus"
}

resource "batchai_cluster" "test" {
  name         = "c1"
  workspace_id = batchai_workspace.test.id
%[2]s
}
`, info.ResourceGroup, body)
}

// testAccClusterManual is a cluster body with a manual target and an SSH key.
func testAccClusterManual(vmSize string, target int) string {
	return fmt.Sprintf(`
  vm_size = %[1]q
  scale_settings {
    manual {
      target_node_count = %[2]d
    }
  }
  user_account {
    admin_user_name           = "azureuser"
    admin_user_ssh_public_key = %[3]q
  }
`, vmSize, target, testAccClusterSSHKey)
}

func testAccClusterID(info emulator.Info, name string) api.ClusterID {
	return testAccInWorkspace(info).Cluster(name)
}

// testAccCheckClusterDestroyed asks the emulator for every cluster in the final state: all must be gone.
func testAccCheckClusterDestroyed(t *testing.T, info emulator.Info) resource.TestCheckFunc {
	return testAccCheckDestroyed(t, info, "batchai_cluster", "cluster", api.ParseClusterID, (*client.Client).GetCluster)
}

// testAccClusterSteady checks what a steady cluster with n idle nodes looks like in state.
func testAccClusterSteady(n int64) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("allocation_state"), knownvalue.StringExact(api.AllocationStateSteady)),
		statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("provisioning_state"), knownvalue.StringExact(api.ProvisioningStateSucceeded)),
		statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("current_node_count"), knownvalue.Int64Exact(n)),
		statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("node_state_counts").AtMapKey("idle"), knownvalue.Int64Exact(n)),
		statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("errors"), knownvalue.ListSizeExact(0)),
	}
}

// testAccClusterImportStep imports the cluster by its ARM ID and compares every attribute except the
// secrets the API never returns.
func testAccClusterImportStep(ignore ...string) resource.TestStep {
	return resource.TestStep{
		ResourceName:            testAccClusterAddr,
		ImportState:             true,
		ImportStateVerify:       true,
		ImportStateVerifyIgnore: ignore,
	}
}

func TestAccClusterResource_basic(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	id := testAccClusterID(info, "c1")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckClusterDestroyed(t, info),
		Steps: []resource.TestStep{
			{
				Config: testAccClusterConfig(info, testAccClusterManual("STANDARD_NC6", 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccClusterAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectUnknownValue(testAccClusterAddr, tfjsonpath.New("image_reference")),
					plancheck.ExpectSensitiveValue(testAccClusterAddr, tfjsonpath.New("user_account").AtMapKey("admin_user_ssh_public_key")),
				}},
				ConfigStateChecks: append(testAccClusterSteady(1),
					statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("id"), knownvalue.StringExact(id.String())),
					statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("vm_size"), knownvalue.StringExact("STANDARD_NC6")),
					statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("vm_priority"), knownvalue.StringExact("dedicated")),
					statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("image_reference"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"publisher": knownvalue.StringExact("Canonical"), "offer": knownvalue.StringExact("UbuntuServer"),
						"sku": knownvalue.StringExact("16.04-LTS"), "version": knownvalue.StringExact("latest"),
						"virtual_machine_image_id": knownvalue.Null(),
					})),
					statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("scale_settings").AtMapKey("manual").AtMapKey("node_deallocation_option"), knownvalue.StringExact("requeue")),
					statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("subnet_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("creation_time"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT`))),
				),
			},
			{
				// A VM size in another letter case is the same size: no diff, no replacement.
				Config: testAccClusterConfig(info, testAccClusterManual("Standard_NC6", 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			testAccClusterImportStep("user_account.admin_user_ssh_public_key"),
		},
	})
}

// TestAccClusterResource_update resizes in place through every kind of scale change, proving each is an
// update of the same cluster (same id and creation time) and that re-planning afterwards is empty.
func TestAccClusterResource_update(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	sameID := statecheck.CompareValue(compare.ValuesSame())
	sameCreation := statecheck.CompareValue(compare.ValuesSame())
	step := func(scale string, action plancheck.ResourceActionType, nodes int64, extra ...plancheck.PlanCheck) resource.TestStep {
		return resource.TestStep{
			Config: testAccClusterConfig(info, fmt.Sprintf(`
  vm_size = "Standard_D1_v2"
  scale_settings {
    %s
  }
  user_account {
    admin_user_name     = "azureuser"
    admin_user_password = "not-a-real-password-1"
  }
`, scale)),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: append([]plancheck.PlanCheck{
				plancheck.ExpectResourceAction(testAccClusterAddr, action),
			}, extra...)},
			ConfigStateChecks: append(testAccClusterSteady(nodes),
				sameID.AddStateValue(testAccClusterAddr, tfjsonpath.New("id")),
				sameCreation.AddStateValue(testAccClusterAddr, tfjsonpath.New("creation_time")),
			),
		}
	}
	// A resize plans only what it can change as unknown: the node counts and the errors. It never changes
	// provisioning_state, and it only succeeds once allocation is steady again (wait_for_steady_state).
	resizing := []plancheck.PlanCheck{
		plancheck.ExpectUnknownValue(testAccClusterAddr, tfjsonpath.New("current_node_count")),
		plancheck.ExpectUnknownValue(testAccClusterAddr, tfjsonpath.New("node_state_counts")),
		plancheck.ExpectUnknownValue(testAccClusterAddr, tfjsonpath.New("errors")),
		plancheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("allocation_state"), knownvalue.StringExact(api.AllocationStateSteady)),
		plancheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("provisioning_state"), knownvalue.StringExact(api.ProvisioningStateSucceeded)),
		plancheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("id"), knownvalue.NotNull()),
		plancheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("image_reference").AtMapKey("sku"), knownvalue.StringExact("16.04-LTS")),
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckClusterDestroyed(t, info),
		Steps: []resource.TestStep{
			step(`manual { target_node_count = 1 }`, plancheck.ResourceActionCreate, 1),
			step(`manual { target_node_count = 3 }`, plancheck.ResourceActionUpdate, 3, resizing...),
			step(`manual {
      target_node_count        = 2
      node_deallocation_option = "waitforjobcompletion"
    }`, plancheck.ResourceActionUpdate, 2, resizing...),
			// manual -> auto-scale: the service keeps the current 2 nodes, inside [1, 4].
			step(`auto_scale {
      minimum_node_count = 1
      maximum_node_count = 4
    }`, plancheck.ResourceActionUpdate, 2, resizing...),
			// initial_node_count only matters at creation: changing it plans nothing.
			step(`auto_scale {
      minimum_node_count = 1
      maximum_node_count = 4
      initial_node_count = 3
    }`, plancheck.ResourceActionNoop, 2),
			// Lowering the maximum below the current count shrinks the cluster.
			step(`auto_scale {
      minimum_node_count = 0
      maximum_node_count = 1
    }`, plancheck.ResourceActionUpdate, 1, resizing...),
			// Back to manual, down to zero nodes ("resize a cluster to zero size to stop paying for it").
			step(`manual { target_node_count = 0 }`, plancheck.ResourceActionUpdate, 0, resizing...),
			testAccClusterImportStep("user_account.admin_user_password"),
		},
	})
}

// TestAccClusterResource_providerSideChanges changes only arguments the API never sees: the plan is an
// update that keeps every observed value known (no "known after apply" noise) and calls no API.
func TestAccClusterResource_providerSideChanges(t *testing.T) {
	t.Parallel()
	inst := testAccEmulatorInstance(t)
	info := inst.Info
	body := testAccClusterManual("Standard_NC6", 1)
	var patches int
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckClusterDestroyed(t, info),
		Steps: []resource.TestStep{
			{Config: testAccClusterConfig(info, body)},
			{
				PreConfig: func() { patches = inst.Emulator.RequestCount("PATCH", "/clusters/") },
				Config: testAccClusterConfig(info, body+`
  wait_for_steady_state = false
  timeouts {
    update = "10m"
  }
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccClusterAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("allocation_state"), knownvalue.StringExact("steady")),
					plancheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("current_node_count"), knownvalue.Int64Exact(1)),
					plancheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("node_state_counts").AtMapKey("idle"), knownvalue.Int64Exact(1)),
				}},
				Check: func(*terraform.State) error {
					if n := inst.Emulator.RequestCount("PATCH", "/clusters/"); n != patches {
						return fmt.Errorf("a provider-side change sent %d PATCH request(s)", n-patches)
					}
					return nil
				},
			},
		},
	})
}

// TestAccClusterResource_resizeWhileResizing applies a new target while the previous resize is still
// allocating nodes (wait_for_steady_state = false let the first apply return early): the service
// retargets the running resize, and the apply waits for the new target.
//
// The emulator's clock stands still (operations finish at once) from the create until the new target has
// reached the service, so the first resize is still running however slow the machine is; then it runs again
// for the apply's wait.
func TestAccClusterResource_resizeWhileResizing(t *testing.T) {
	t.Parallel()
	clock := emulatortest.NewPausedClock(time.Now())
	info := testAccEmulatorInstance(t, emulatortest.WithClock(clock), func(c *emulator.Config) { c.OperationDelay = -1 }).Info
	retargeted := func() {
		c, id := testAccClient(t, info), testAccClusterID(info, "c1")
		testAccResumeClockWhen(t, clock, "the new target of c1", func(ctx context.Context) (bool, error) {
			cl, err := c.GetCluster(ctx, id)
			if err != nil {
				return false, err
			}
			return api.Deref(cl.Properties.ScaleSettings.Manual.TargetNodeCount) == 2, nil
		})
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckClusterDestroyed(t, info),
		Steps: []resource.TestStep{
			{
				Config: testAccClusterConfig(info, testAccClusterManual("Standard_NC6", 3)+"  wait_for_steady_state = false\n"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("allocation_state"), knownvalue.StringExact(api.AllocationStateResizing)),
				},
			},
			{
				// Without waiting, the allocation state after the resize cannot be known; the provisioning
				// state is what it was.
				Config: testAccClusterConfig(info, testAccClusterManual("Standard_NC6", 4)+"  wait_for_steady_state = false\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccClusterAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(testAccClusterAddr, tfjsonpath.New("allocation_state")),
					plancheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("provisioning_state"), knownvalue.StringExact(api.ProvisioningStateSucceeded)),
				}},
			},
			{
				PreConfig: retargeted,
				Config:    testAccClusterConfig(info, testAccClusterManual("Standard_NC6", 2)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccClusterAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("allocation_state"), knownvalue.StringExact(api.AllocationStateSteady)),
				}},
				ConfigStateChecks: testAccClusterSteady(2),
			},
		},
	})
}
