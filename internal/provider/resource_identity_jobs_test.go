package provider

import (
	"fmt"
	"testing"

	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// Resource identity of the file server, the experiment and the job, as resource_identity_test.go checks the
// workspace's and the cluster's.

// jobIdentityCheck expects the identity of the job id in state at addr.
func jobIdentityCheck(addr string, id api.JobID) statecheck.StateCheck {
	return statecheck.ExpectIdentity(addr, jobIdentityValues(id))
}

// testAccSeedJobWorld makes, outside Terraform, a workspace ws with a file server nfs (an SSH key, which the API
// never returns), a cluster c1, an experiment exp and a finished job hello in it.
func testAccSeedJobWorld(t *testing.T, info emulator.Info) (api.FileServerID, api.JobID) {
	t.Helper()
	_, fs := testAccClusterSeedWorkspace(t, info, testAccSubnetID(info, "nfs"))
	return fs, testAccFinishedJob(t, info)
}

// testAccSeededJobWorldConfig is the configuration of what testAccSeedJobWorld makes, as `terraform query
// -generate-config-out` writes it: literal IDs, and no secrets.
func testAccSeededJobWorldConfig(info emulator.Info, fs api.FileServerID, job api.JobID) string {
	return testAccProviderConfig(info) + fmt.Sprintf(`
resource "batchai_file_server" "test" {
  name         = %[1]q
  workspace_id = %[2]q
  subnet_id    = %[3]q
  vm_size      = "Standard_D2_v2"
  user_account {
    admin_user_name = "nfsadmin"
  }
  data_disks {
    disk_size_in_gb      = 10
    disk_count           = 2
    storage_account_type = "Standard_LRS"
  }
}

resource "batchai_experiment" "test" {
  name         = %[4]q
  workspace_id = %[2]q
}

resource "batchai_job" "test" {
  name                    = %[5]q
  experiment_id           = %[6]q
  cluster_id              = %[7]q
  std_out_err_path_prefix = "$AZ_BATCHAI_MOUNT_ROOT/afs"
  custom_toolkit {
    command_line = "echo hello"
  }
}
`, fs.Name, fs.WorkspaceID().String(), testAccSubnetID(info, "nfs"), job.Experiment, job.Name,
		job.ExperimentID().String(), testAccClusterID(info, "c1").String())
}

// TestAccJobResources_identity imports a file server, an experiment and a job made outside Terraform by
// identity (the experiment's without subscription_id: the provider's is used), with the configuration `terraform
// query -generate-config-out` writes: every import plans nothing and writes nothing. Import by identity and by ID
// of each then plans nothing either.
func TestAccJobResources_identity(t *testing.T) {
	testAccSkipUnlessCLISupports(t, cliFeatureIdentity)
	t.Parallel()
	inst := testAccEmulatorInstance(t)
	info := inst.Info
	fs, job := testAccSeedJobWorld(t, info)
	x := job.ExperimentID()
	config := testAccSeededJobWorldConfig(info, fs, job)
	importBlocks := fmt.Sprintf(`
import {
  to = batchai_file_server.test
  identity = {
    subscription_id     = %[1]q
    resource_group_name = %[2]q
    workspace_name      = %[3]q
    name                = %[4]q
  }
}

import {
  to = batchai_experiment.test
  identity = {
    resource_group_name = %[2]q
    workspace_name      = %[3]q
    name                = %[5]q
  }
}

import {
  to = batchai_job.test
  identity = {
    subscription_id     = %[1]q
    resource_group_name = %[2]q
    workspace_name      = %[3]q
    experiment_name     = %[5]q
    name                = %[6]q
  }
}
`, info.SubscriptionID, info.ResourceGroup, fs.Workspace, fs.Name, x.Name, job.Name)
	badJob := fmt.Sprintf(`
import {
  to = batchai_job.test
  identity = {
    resource_group_name = %q
    workspace_name      = %q
    name                = %q
  }
}
`, info.ResourceGroup, fs.Workspace, job.Name)
	writes := func() int {
		return inst.Emulator.RequestCount("PUT", "/providers/Microsoft.BatchAI/") +
			inst.Emulator.RequestCount("POST", "/providers/Microsoft.BatchAI/") +
			inst.Emulator.RequestCount("DELETE", "/providers/Microsoft.BatchAI/")
	}
	before := writes()
	tfresource.UnitTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: tfresource.ComposeTestCheckFunc(testAccCheckJobDestroyed(t, info), testAccCheckExperimentDestroyed(t, info),
			testAccCheckFileServerDestroyed(t, info)),
		Steps: []tfresource.TestStep{
			{
				// The framework refuses an identity without experiment_name before the provider sees it.
				Config:      config + badJob,
				PlanOnly:    true,
				ExpectError: expectError("experiment_name"),
			},
			{
				Config: config + importBlocks,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccFileServerAddr, plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction(testAccExperimentAddr, plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction(testAccJobAddr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					workspaceChildIdentityCheck(testAccFileServerAddr, fs),
					workspaceChildIdentityCheck(testAccExperimentAddr, x),
					jobIdentityCheck(testAccJobAddr, job),
				},
				Check: func(*terraform.State) error {
					if n := writes() - before; n != 0 {
						return fmt.Errorf("importing by identity sent %d write request(s) to Azure, want none", n)
					}
					return nil
				},
			},
			{Config: config, ResourceName: testAccFileServerAddr, ImportState: true, ImportStateKind: tfresource.ImportBlockWithResourceIdentity},
			{Config: config, ResourceName: testAccFileServerAddr, ImportState: true, ImportStateKind: tfresource.ImportBlockWithID},
			{Config: config, ResourceName: testAccExperimentAddr, ImportState: true, ImportStateKind: tfresource.ImportBlockWithResourceIdentity},
			{Config: config, ResourceName: testAccExperimentAddr, ImportState: true, ImportStateKind: tfresource.ImportBlockWithID},
			{Config: config, ResourceName: testAccJobAddr, ImportState: true, ImportStateKind: tfresource.ImportBlockWithResourceIdentity},
			{Config: config, ResourceName: testAccJobAddr, ImportState: true, ImportStateKind: tfresource.ImportBlockWithID},
		},
	})
}

// TestAccJobResources_identityUpgrade: state of a file server, an experiment and a job written by a provider
// without identity gains an identity on the next refresh, and the plan stays empty.
func TestAccJobResources_identityUpgrade(t *testing.T) {
	testAccSkipUnlessCLISupports(t, cliFeatureIdentity)
	t.Parallel()
	info := testAccEmulator(t)
	config := testAccJobWorld(info, testAccOneNode, testAccJob("hello", "echo hello", "")+
		testAccFileServer(testAccFileServerBody("Standard_D2_v2", 1, "")))
	job := testAccJobID(info, "hello")
	tfresource.UnitTest(t, tfresource.TestCase{
		CheckDestroy: tfresource.ComposeTestCheckFunc(testAccCheckJobDestroyed(t, info), testAccCheckFileServerDestroyed(t, info)),
		Steps: []tfresource.TestStep{
			{ProtoV6ProviderFactories: testAccProviderFactoriesWithoutIdentity, Config: config},
			{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Config:                   config,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					workspaceChildIdentityCheck(testAccFileServerAddr, testAccFileServerID(info, "nfs")),
					workspaceChildIdentityCheck(testAccExperimentAddr, job.ExperimentID()),
					jobIdentityCheck(testAccJobAddr, job),
				},
			},
		},
	})
}

// TestAccJobResources_identityUpgradeDisappeared: the first Read with identity finds the file server, the
// experiment and the job gone (their workspace was deleted). That Read removes them and must still return an
// identity (under every Terraform before 1.12 the framework fails it with "Missing Resource Identity After
// Read" otherwise); the plan recreates them. It runs under every CLI.
func TestAccJobResources_identityUpgradeDisappeared(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	config := testAccJobWorld(info, testAccOneNode, testAccJob("hello", "echo hello", "")+
		testAccFileServer(testAccFileServerBody("Standard_D2_v2", 1, "")))
	tfresource.UnitTest(t, tfresource.TestCase{
		CheckDestroy: tfresource.ComposeTestCheckFunc(testAccCheckJobDestroyed(t, info), testAccCheckFileServerDestroyed(t, info)),
		Steps: []tfresource.TestStep{
			{ProtoV6ProviderFactories: testAccProviderFactoriesWithoutIdentity, Config: config},
			{
				PreConfig:                func() { testAccDeleteWorkspace(t, info, testAccJobID(info, "hello").WorkspaceID()) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Config:                   config,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccFileServerAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(testAccExperimentAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(testAccJobAddr, plancheck.ResourceActionCreate),
				}},
			},
		},
	})
}
