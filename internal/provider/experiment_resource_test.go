package provider

import (
	"fmt"
	"regexp"
	"testing"

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

const testAccExperimentAddr = "batchai_experiment.test"

// testAccExperiment is an experiment named name in the workspace of testAccWorkspaceWith.
func testAccExperiment(name string) string {
	return fmt.Sprintf(`
resource "batchai_experiment" "test" {
  name         = %q
  workspace_id = batchai_workspace.test.id
}
`, name)
}

func testAccExperimentID(info emulator.Info, name string) api.ExperimentID {
	return testAccInWorkspace(info).Experiment(name)
}

// testAccCheckExperimentDestroyed asks the emulator for every experiment in the final state: all must be gone.
func testAccCheckExperimentDestroyed(t *testing.T, info emulator.Info) resource.TestCheckFunc {
	return testAccCheckDestroyed(t, info, "batchai_experiment", "experiment", api.ParseExperimentID, (*client.Client).GetExperiment)
}

// TestAccExperimentResource_basic creates, re-plans, imports, updates the timeouts of (in place), renames (a
// replacement) and, after an out-of-band deletion, recreates an experiment.
func TestAccExperimentResource_basic(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	id := testAccExperimentID(info, "exp")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckExperimentDestroyed(t, info),
		Steps: []resource.TestStep{
			{
				Config: testAccWorkspaceWith(info, testAccExperiment("exp")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccExperimentAddr, tfjsonpath.New("id"), knownvalue.StringExact(id.String())),
					statecheck.ExpectKnownValue(testAccExperimentAddr, tfjsonpath.New("provisioning_state"), knownvalue.StringExact(api.ProvisioningStateSucceeded)),
					statecheck.ExpectKnownValue(testAccExperimentAddr, tfjsonpath.New("creation_time"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT`))),
				},
			},
			{
				Config:           testAccWorkspaceWith(info, testAccExperiment("exp")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{ResourceName: testAccExperimentAddr, ImportState: true, ImportStateVerify: true},
			{
				// Only a timeout changes: an update in place, which calls no API and records the plan.
				Config: testAccWorkspaceWith(info, `
resource "batchai_experiment" "test" {
  name         = "exp"
  workspace_id = batchai_workspace.test.id
  timeouts {
    delete = "7m"
  }
}
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccExperimentAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccExperimentAddr, tfjsonpath.New("id"), knownvalue.StringExact(id.String())),
					statecheck.ExpectKnownValue(testAccExperimentAddr, tfjsonpath.New("timeouts").AtMapKey("delete"), knownvalue.StringExact("7m")),
				},
			},
			{
				Config: testAccWorkspaceWith(info, testAccExperiment("exp2")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccExperimentAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
			},
			{
				// Deleted outside Terraform: the plan creates it again.
				PreConfig: func() {
					c := testAccClient(t, info)
					p, err := c.BeginDeleteExperiment(testAccContext(t), testAccExperimentID(info, "exp2"))
					if err == nil {
						_, err = p.Wait(testAccContext(t))
					}
					if err != nil {
						t.Fatal(err)
					}
				},
				Config: testAccWorkspaceWith(info, testAccExperiment("exp2")),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccExperimentAddr, plancheck.ResourceActionCreate),
				}},
			},
			{
				// An experiment of that name already exists, outside Terraform: creating is refused, not adopted.
				PreConfig: func() {
					c := testAccClient(t, info)
					p, err := c.BeginCreateExperiment(testAccContext(t), testAccExperimentID(info, "taken"))
					if err == nil {
						_, err = p.Wait(testAccContext(t))
					}
					if err != nil {
						t.Fatal(err)
					}
				},
				Config: testAccWorkspaceWith(info, testAccExperiment("exp2")+`
resource "batchai_experiment" "taken" {
  name         = "taken"
  workspace_id = batchai_workspace.test.id
}
`),
				ExpectError: expectError("Batch AI Experiment Already Exists", "to be managed via Terraform this resource needs to be imported"),
			},
		},
	})
}

// TestAccExperimentResource_deletesItsJobs: destroying an experiment deletes every job in it, including jobs
// Terraform does not manage, as its documentation says.
func TestAccExperimentResource_deletesItsJobs(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	job := testAccFinishedJob(t, info) // in the experiment "exp", created outside Terraform
	config := testAccProviderConfig(info) + fmt.Sprintf(`
resource "batchai_experiment" "test" {
  name         = "exp"
  workspace_id = %q
}
`, job.ExperimentID().WorkspaceID())
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if err := testAccCheckExperimentDestroyed(t, info)(s); err != nil {
				return err
			}
			if _, err := testAccClient(t, info).GetJob(testAccContext(t), job); !client.IsNotFound(err) {
				return fmt.Errorf("the experiment's job survived its deletion (err %v)", err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{Config: config, ResourceName: testAccExperimentAddr, ImportState: true, ImportStateId: job.ExperimentID().String(), ImportStatePersist: true},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(*terraform.State) error {
					_, err := testAccClient(t, info).GetJob(testAccContext(t), job)
					return err // the control: the job exists until the experiment goes
				},
			},
		},
	})
}
