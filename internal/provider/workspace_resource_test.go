package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
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
)

const testAccWorkspaceAddr = "batchai_workspace.test"

func TestAccWorkspaceResource_basic(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	id := api.WorkspaceID{SubscriptionID: info.SubscriptionID, ResourceGroup: info.ResourceGroup, Name: "ws-basic"}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckWorkspaceDestroyed(t, info),
		Steps: []resource.TestStep{
			{
				Config: testAccWorkspaceConfig(info, "ws-basic", "eastus", `{ env = "test" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccWorkspaceAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectUnknownValue(testAccWorkspaceAddr, tfjsonpath.New("id")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccWorkspaceAddr, tfjsonpath.New("id"), knownvalue.StringExact(id.String())),
					statecheck.ExpectKnownValue(testAccWorkspaceAddr, tfjsonpath.New("name"), knownvalue.StringExact("ws-basic")),
					statecheck.ExpectKnownValue(testAccWorkspaceAddr, tfjsonpath.New("resource_group_name"), knownvalue.StringExact(info.ResourceGroup)),
					statecheck.ExpectKnownValue(testAccWorkspaceAddr, tfjsonpath.New("location"), knownvalue.StringExact("eastus")),
					statecheck.ExpectKnownValue(testAccWorkspaceAddr, tfjsonpath.New("tags"), knownvalue.MapExact(map[string]knownvalue.Check{
						"env": knownvalue.StringExact("test"),
					})),
					statecheck.ExpectKnownValue(testAccWorkspaceAddr, tfjsonpath.New("provisioning_state"), knownvalue.StringExact(api.ProvisioningStateSucceeded)),
					statecheck.ExpectKnownValue(testAccWorkspaceAddr, tfjsonpath.New("creation_time"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT`))),
				},
				Check: testAccCheckWorkspaceInEmulator(t, info, id, map[string]string{"env": "test"}),
			},
			{
				// Re-planning the same configuration, with or without refresh, changes nothing.
				Config: testAccWorkspaceConfig(info, "ws-basic", "eastus", `{ env = "test" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				ResourceName:      testAccWorkspaceAddr,
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				// An import block with the same configuration plans a no-op import.
				Config:          testAccWorkspaceConfig(info, "ws-basic", "eastus", `{ env = "test" }`),
				ResourceName:    testAccWorkspaceAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
			{
				// ARM IDs are case-insensitive in their fixed segments; the imported ID is canonical.
				ResourceName:      testAccWorkspaceAddr,
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateId: strings.NewReplacer("resourceGroups", "resourcegroups", "Microsoft.BatchAI", "microsoft.batchai",
					"workspaces", "Workspaces").Replace(id.String()),
			},
		},
	})
}

func TestAccWorkspaceResource_updateTags(t *testing.T) {
	t.Parallel()
	inst := testAccEmulatorInstance(t)
	info := inst.Info
	id := api.WorkspaceID{SubscriptionID: info.SubscriptionID, ResourceGroup: info.ResourceGroup, Name: "ws-tags"}
	var writes int
	countWrites := func() int {
		return inst.Emulator.RequestCount(http.MethodPatch, "/workspaces/ws-tags") + inst.Emulator.RequestCount(http.MethodPut, "/workspaces/ws-tags")
	}
	sameID := statecheck.CompareValue(compare.ValuesSame())
	sameCreation := statecheck.CompareValue(compare.ValuesSame())
	step := func(tags string, want map[string]string, action plancheck.ResourceActionType) resource.TestStep {
		return resource.TestStep{
			Config: testAccWorkspaceConfigTimeouts(info, "ws-tags", "eastus", tags),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(testAccWorkspaceAddr, action),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				sameID.AddStateValue(testAccWorkspaceAddr, tfjsonpath.New("id")),
				sameCreation.AddStateValue(testAccWorkspaceAddr, tfjsonpath.New("creation_time")),
			},
			Check: testAccCheckWorkspaceInEmulator(t, info, id, want),
		}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckWorkspaceDestroyed(t, info),
		Steps: []resource.TestStep{
			step(`{ env = "test", team = "a" }`, map[string]string{"env": "test", "team": "a"}, plancheck.ResourceActionCreate),
			step(`{ env = "prod", owner = "b" }`, map[string]string{"env": "prod", "owner": "b"}, plancheck.ResourceActionUpdate),
			// Removing every tag, then an explicit empty map: both in place, neither drifts afterwards.
			step(`null`, map[string]string{}, plancheck.ResourceActionUpdate),
			step(`{}`, map[string]string{}, plancheck.ResourceActionUpdate),
			step(`{ back = "again" }`, map[string]string{"back": "again"}, plancheck.ResourceActionUpdate),
			func() resource.TestStep {
				// Tags changed outside Terraform are drift: an in-place update puts the configured ones back.
				s := step(`{ back = "again" }`, map[string]string{"back": "again"}, plancheck.ResourceActionUpdate)
				s.PreConfig = func() {
					_, err := testAccClient(t, info).UpdateWorkspace(context.Background(), id,
						api.WorkspaceUpdateParameters{Tags: map[string]string{"changed": "by-hand"}})
					if err != nil {
						t.Fatal(err)
					}
				}
				return s
			}(),
			{
				// Dropping the timeouts block changes Terraform's settings only: the plan shows no unknown
				// value and apply sends nothing to Azure.
				PreConfig: func() { writes = countWrites() },
				Config:    testAccWorkspaceConfig(info, "ws-tags", "eastus", `{ back = "again" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccWorkspaceAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(testAccWorkspaceAddr, tfjsonpath.New("provisioning_state"), knownvalue.StringExact(api.ProvisioningStateSucceeded)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue(testAccWorkspaceAddr, tfjsonpath.New("id"))},
				Check: func(*terraform.State) error {
					if n := countWrites(); n != writes {
						return fmt.Errorf("a timeouts-only change sent %d write(s) to the emulator", n-writes)
					}
					return nil
				},
			},
		},
	})
}

func TestAccWorkspaceResource_requiresReplace(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	differentID := statecheck.CompareValue(compare.ValuesDiffer())
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckWorkspaceDestroyed(t, info),
		Steps: []resource.TestStep{
			{
				Config:            testAccWorkspaceConfig(info, "ws-replace", "eastus", "null"),
				ConfigStateChecks: []statecheck.StateCheck{differentID.AddStateValue(testAccWorkspaceAddr, tfjsonpath.New("id"))},
			},
			{
				// Same name, so the old workspace must go first.
				Config: testAccWorkspaceConfig(info, "ws-replace", "westeurope", "null"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccWorkspaceAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccWorkspaceAddr, tfjsonpath.New("location"), knownvalue.StringExact("westeurope")),
				},
				Check: func(*terraform.State) error {
					ws, err := testAccClient(t, info).GetWorkspace(context.Background(), api.WorkspaceID{
						SubscriptionID: info.SubscriptionID, ResourceGroup: info.ResourceGroup, Name: "ws-replace"})
					if err != nil {
						return err
					}
					if got := api.Deref(ws.Location); got != "westeurope" {
						return fmt.Errorf("emulator location = %q, want westeurope", got)
					}
					return nil
				},
			},
			{
				Config: testAccWorkspaceConfig(info, "ws-renamed", "westeurope", "null"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccWorkspaceAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{differentID.AddStateValue(testAccWorkspaceAddr, tfjsonpath.New("id"))},
			},
		},
	})
}

// TestAccWorkspaceResource_locationSpelling: "East US" and "eastus" are one location, in every direction.
func TestAccWorkspaceResource_locationSpelling(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	empty := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckWorkspaceDestroyed(t, info),
		Steps: []resource.TestStep{
			{
				Config: testAccWorkspaceConfig(info, "ws-spelling", "East US", "null"),
				ConfigStateChecks: []statecheck.StateCheck{
					// The configured spelling stays in state although the API answers "eastus".
					statecheck.ExpectKnownValue(testAccWorkspaceAddr, tfjsonpath.New("location"), knownvalue.StringExact("East US")),
				},
			},
			{Config: testAccWorkspaceConfig(info, "ws-spelling", "eastus", "null"), ConfigPlanChecks: empty},
			{Config: testAccWorkspaceConfig(info, "ws-spelling", "EASTUS", "null"), ConfigPlanChecks: empty},
			{
				// An in-place tag update keeps whatever spelling is in state, without error.
				Config: testAccWorkspaceConfig(info, "ws-spelling", "eastus", `{ a = "b" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccWorkspaceAddr, plancheck.ResourceActionUpdate),
				}},
			},
			{
				// An import block reads the API's "eastus"; with a configuration saying "East US" the import
				// still plans no change (the harness fails on any other action).
				Config:          testAccWorkspaceConfig(info, "ws-spelling", "East US", `{ a = "b" }`),
				ResourceName:    testAccWorkspaceAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
			},
		},
	})
}

func TestAccWorkspaceResource_disappears(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	id := api.WorkspaceID{SubscriptionID: info.SubscriptionID, ResourceGroup: info.ResourceGroup, Name: "ws-gone"}
	config := testAccWorkspaceConfig(info, "ws-gone", "eastus", "null")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckWorkspaceDestroyed(t, info),
		Steps: []resource.TestStep{
			{Config: config},
			{
				// Deleted outside Terraform: refresh drops it without error and apply creates it again.
				PreConfig: func() { testAccDeleteWorkspace(t, info, id) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccWorkspaceAddr, plancheck.ResourceActionCreate),
				}},
				Check: testAccCheckWorkspaceInEmulator(t, info, id, map[string]string{}),
			},
		},
	})
}

func TestAccWorkspaceResource_alreadyExists(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	id := api.WorkspaceID{SubscriptionID: info.SubscriptionID, ResourceGroup: info.ResourceGroup, Name: "ws-exists"}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					c := testAccClient(t, info)
					p, err := c.BeginCreateWorkspace(context.Background(), id, api.WorkspaceCreateParameters{Location: api.Ptr("eastus")})
					if err == nil {
						_, err = p.Wait(context.Background())
					}
					if err != nil {
						t.Fatal(err)
					}
				},
				Config:      testAccWorkspaceConfig(info, "ws-exists", "eastus", "null"),
				ExpectError: expectError("Batch AI Workspace Already Exists", "already exists - to be managed via Terraform", "needs to be imported"),
			},
		},
	})
	// The workspace Terraform refused to adopt is still there, untouched.
	if _, err := testAccClient(t, info).GetWorkspace(context.Background(), id); err != nil {
		t.Errorf("the pre-existing workspace was affected: %v", err)
	}
}

// TestAccWorkspaceResource_invalidInput: plan-time validation names the attribute, before any API call.
func TestAccWorkspaceResource_invalidInput(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	bad := func(name, rg, location string, want ...string) resource.TestStep {
		return resource.TestStep{
			Config: testAccProviderConfig(info) + fmt.Sprintf(`
resource "batchai_workspace" "test" {
  name                = %q
  resource_group_name = %q
  location            = %q
}
`, name, rg, location),
			PlanOnly:    true,
			ExpectError: expectError(want...),
		}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			bad("bad name!", info.ResourceGroup, "eastus", "Attribute name may contain only letters, digits, '-' and '_'", "got: bad name!"),
			bad(strings.Repeat("a", 65), info.ResourceGroup, "eastus", "Attribute name string length must be between 1 and 64, got: 65"),
			bad("", info.ResourceGroup, "eastus", "Attribute name string length must be between 1 and 64, got: 0"),
			bad("ok", "rg/with/slashes", "eastus", "Attribute resource_group_name may contain only letters"),
			bad("ok", strings.Repeat("r", 91), "eastus", "Attribute resource_group_name string length must be between 1 and 90"),
			bad("ok", info.ResourceGroup, "", "Attribute location string length must be at least 1"),
		},
	})
}

func TestAccWorkspaceResource_importInvalidID(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:        testAccWorkspaceConfig(info, "ws-import", "eastus", "null"),
				ResourceName:  testAccWorkspaceAddr,
				ImportState:   true,
				ImportStateId: "/subscriptions/" + info.SubscriptionID + "/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm",
				ExpectError: expectError("Invalid Import ID", "Microsoft.Compute", "expected",
					"/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.BatchAI/workspaces/{name}"),
			},
		},
	})
}

// TestAccWorkspaceResource_apiErrors: errors the API answers are reported in the provider's wording, with
// the ARM code and, where the user can act on it, a hint; nothing is left in state.
func TestAccWorkspaceResource_apiErrors(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckWorkspaceDestroyed(t, info),
		Steps: []resource.TestStep{
			{
				Config: testAccWorkspaceConfig(info, "ws-err", "brazilsouth", "null"),
				ExpectError: expectError("Error Creating Batch AI Workspace",
					"creating Batch AI Workspace (/subscriptions/"+info.SubscriptionID+"/resourceGroups/"+info.ResourceGroup+
						"/providers/Microsoft.BatchAI/workspaces/ws-err):", "LocationNotAvailableForResourceType"),
			},
			{
				Config: strings.Replace(testAccWorkspaceConfig(info, "ws-err", "eastus", "null"),
					fmt.Sprintf("%q", info.ResourceGroup), `"no-such-rg"`, 1),
				ExpectError: expectError("Error Creating Batch AI Workspace", "ResourceGroupNotFound",
					"Create the resource group first", "az group create --name no-such-rg",
					"--resource-group no-such-rg"),
			},
		},
	})
}

func testAccWorkspaceConfig(info emulator.Info, name, location, tags string) string {
	return testAccProviderConfig(info) + fmt.Sprintf(`
resource "batchai_workspace" "test" {
  name                = %[1]q
  resource_group_name = %[2]q
  location            = %[3]q
  tags                = %[4]s
}
`, name, info.ResourceGroup, location, tags)
}

// testAccWorkspaceConfigTimeouts adds a timeouts block.
func testAccWorkspaceConfigTimeouts(info emulator.Info, name, location, tags string) string {
	return strings.TrimSuffix(strings.TrimSpace(testAccWorkspaceConfig(info, name, location, tags)), "}") + `
  timeouts {
    create = "5m"
    read   = "1m"
    update = "5m"
    delete = "5m"
  }
}
`
}

// testAccCheckWorkspaceInEmulator asks the emulator itself, not Terraform's state.
func testAccCheckWorkspaceInEmulator(t *testing.T, info emulator.Info, id api.WorkspaceID, wantTags map[string]string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ws, err := testAccClient(t, info).GetWorkspace(context.Background(), id)
		if err != nil {
			return fmt.Errorf("reading %s from the emulator: %w", id, err)
		}
		if len(ws.Tags) != len(wantTags) {
			return fmt.Errorf("emulator tags = %v, want %v", ws.Tags, wantTags)
		}
		for k, v := range wantTags {
			if ws.Tags[k] != v {
				return fmt.Errorf("emulator tags = %v, want %v", ws.Tags, wantTags)
			}
		}
		return nil
	}
}

// testAccCheckWorkspaceDestroyed asks the emulator for every workspace in the final state: all must be gone.
func testAccCheckWorkspaceDestroyed(t *testing.T, info emulator.Info) resource.TestCheckFunc {
	return testAccCheckDestroyed(t, info, "batchai_workspace", "workspace", api.ParseWorkspaceID, (*client.Client).GetWorkspace)
}

func testAccDeleteWorkspace(t *testing.T, info emulator.Info, id api.WorkspaceID) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	p, err := testAccClient(t, info).BeginDeleteWorkspace(ctx, id)
	if err == nil {
		_, err = p.Wait(ctx)
	}
	if err != nil {
		t.Fatalf("deleting %s out of band: %v", id, err)
	}
}
