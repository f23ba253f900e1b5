package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// Sentinels of a job's secrets.
const (
	sentinelJobSecret     = "sentinel-job-secret-3c7d"
	sentinelRegistryPW    = "sentinel-registry-password-9a01"
	sentinelJobAFSKey     = "sentinel-job-afs-key-52be"
	sentinelJobSecretWO   = "sentinel-job-secret-wo-1f6e"
	sentinelRegistryPWWO  = "sentinel-registry-password-wo-77d2"
	sentinelJobAFSKeyWO   = "sentinel-job-afs-key-wo-e04a"
	testAccJobVaultSecret = "https://kv.vault.azure.net/secrets/db-password"
)

// testAccJobSecretsBody is the secret-holding part of a job: secret variables, registry credentials and an
// Azure Files mount, with classic or write-only (wo) secrets.
func testAccJobSecretsBody(wo bool, version int) string {
	secrets := fmt.Sprintf(`secrets = { API_TOKEN = %q }`, sentinelJobSecret)
	password := fmt.Sprintf(`password = %q`, sentinelRegistryPW)
	key := fmt.Sprintf(`account_key = %q`, sentinelJobAFSKey)
	if wo {
		// Write-only values come from ephemeral variables (testAccJobSecretVariables), as they would in real use:
		// a literal would be kept in the plan's copy of the configuration.
		secrets = fmt.Sprintf("secrets_wo = { API_TOKEN = var.job_secret }\n  secrets_wo_version = %d", version)
		password = fmt.Sprintf("password_wo = var.registry_password\n      password_wo_version = %d", version)
		key = fmt.Sprintf("account_key_wo = var.storage_key\n      account_key_wo_version = %d", version)
	}
	return fmt.Sprintf(`
  %[1]s
  container {
    image      = "myregistry.azurecr.io/train:1"
    server_url = "myregistry.azurecr.io"
    credentials {
      username = "puller"
      %[2]s
    }
  }
  mount_volumes {
    azure_file_share {
      account_name        = "acct"
      azure_file_url      = "https://acct.file.core.windows.net/share"
      relative_mount_path = "afs"
      %[3]s
    }
  }
`, secrets, password, key)
}

// testAccJobSecretVariables declares the ephemeral variables of testAccJobSecretsBody's write-only secrets, and
// their values (for a step's ConfigVariables, which reach Terraform as a variables file, not the configuration).
func testAccJobSecretVariables() (string, config.Variables) {
	decls := ""
	vars := config.Variables{}
	for name, value := range map[string]string{
		"job_secret": sentinelJobSecretWO, "registry_password": sentinelRegistryPWWO, "storage_key": sentinelJobAFSKeyWO,
	} {
		decls += fmt.Sprintf("variable %q {\n  type      = string\n  sensitive = true\n  ephemeral = true\n}\n", name)
		vars[name] = config.StringVariable(value)
	}
	return decls, vars
}

// TestAccJobResource_complete runs a job with every argument the API has besides the toolkit (container with
// registry credentials, job preparation, input and output directories, environment variables, secrets and a
// Key Vault secret, every kind of job-level mount including a batchai_file_server, priority, wall clock,
// node count): it runs, writes to its output directory, plans nothing afterwards, and imports with every
// argument but the secrets, which the service never returns.
func TestAccJobResource_complete(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	vault := fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.KeyVault/vaults/kv", info.SubscriptionID, info.ResourceGroup)
	config := testAccJobWorld(info, testAccOneNode, testAccFileServer(testAccFileServerBody("Standard_D2_v2", 1, ""))+fmt.Sprintf(`
resource "batchai_job" "test" {
  name                    = "complete"
  experiment_id           = batchai_experiment.test.id
  cluster_id              = batchai_cluster.test.id
  node_count              = 1
  std_out_err_path_prefix = "$AZ_BATCHAI_JOB_MOUNT_ROOT/nfs"
  scheduling_priority     = "low"
  max_wall_clock_time     = "PT12H"
  environment_variables   = { EPOCHS = "2" }
  secrets                 = { API_TOKEN = %[1]q }
  secret_reference {
    name            = "DB_PASSWORD"
    source_vault_id = %[4]q
    secret_url      = %[5]q
  }
  custom_toolkit {
    command_line = "echo training for $EPOCHS epochs; echo $EPOCHS | tee $AZ_BATCHAI_OUTPUT_MODELS/epochs.txt"
  }
  container {
    image      = "myregistry.azurecr.io/train:1"
    server_url = "myregistry.azurecr.io"
    shm_size   = "8g"
    credentials {
      username = "puller"
      password = %[2]q
    }
  }
  job_preparation {
    command_line = "echo preparing"
  }
  input_directory {
    id   = "SCRIPTS"
    path = "$AZ_BATCHAI_JOB_MOUNT_ROOT/nfs/scripts"
  }
  output_directory {
    id          = "MODELS"
    path_prefix = "$AZ_BATCHAI_JOB_MOUNT_ROOT/nfs"
    path_suffix = "models"
  }
  mount_volumes {
    file_server {
      file_server_id      = batchai_file_server.test.id
      relative_mount_path = "nfs"
      mount_options       = "rw"
    }
    azure_file_share {
      account_name        = "acct"
      azure_file_url      = "https://acct.file.core.windows.net/share"
      relative_mount_path = "afs"
      account_key         = %[3]q
    }
    azure_blob_file_system {
      account_name        = "acct"
      container_name      = "data"
      relative_mount_path = "bfs"
      account_key_secret_reference {
        source_vault_id = %[4]q
        secret_url      = "https://kv.vault.azure.net/secrets/storage-key"
      }
    }
    unmanaged_file_system {
      mount_command       = "mount -t glusterfs 10.0.0.4:/gfs"
      relative_mount_path = "gfs"
    }
  }
}

data "batchai_job_output_files" "models" {
  job_id              = batchai_job.test.id
  output_directory_id = "MODELS"
}

data "batchai_job_output_files" "stdouterr" {
  job_id = batchai_job.test.id
}
`, sentinelJobSecret, sentinelRegistryPW, sentinelJobAFSKey, vault, testAccJobVaultSecret))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckJobDestroyed(t, info),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccJobAddr, tfjsonpath.New("execution_state"), knownvalue.StringExact(api.ExecutionStateSucceeded)),
					statecheck.ExpectKnownValue(testAccJobAddr, tfjsonpath.New("scheduling_priority"), knownvalue.StringExact("low")),
					statecheck.ExpectKnownValue(testAccJobAddr, tfjsonpath.New("max_wall_clock_time"), knownvalue.StringExact("PT12H")),
					statecheck.ExpectKnownValue(testAccJobAddr, tfjsonpath.New("mount_volumes").AtMapKey("azure_file_share").AtSliceIndex(0).AtMapKey("file_mode"), knownvalue.StringExact("0777")),
					statecheck.ExpectKnownValue(testAccJobAddr, tfjsonpath.New("secret_reference").AtSliceIndex(0).AtMapKey("secret_url"), knownvalue.StringExact(testAccJobVaultSecret)),
					statecheck.ExpectKnownValue("data.batchai_job_output_files.models", tfjsonpath.New("files"), knownvalue.ListExact([]knownvalue.Check{
						testAccOutputFile("epochs.txt", api.Ptr(int64(2))),
					})),
					statecheck.ExpectKnownValue("data.batchai_job_output_files.stdouterr", tfjsonpath.New("files").AtSliceIndex(3), testAccOutputFile("stdout-job_prep.txt", api.Ptr(int64(len("preparing\n"))))),
					statecheck.ExpectKnownValue("data.batchai_job_output_files.stdouterr", tfjsonpath.New("files").AtSliceIndex(4), testAccOutputFile("stdout.txt", api.Ptr(int64(len("training for 2 epochs\n2\n"))))),
				},
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName:      testAccJobAddr,
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"secrets.%", "secrets.API_TOKEN", "container.credentials.password",
					"mount_volumes.azure_file_share.0.account_key"},
			},
		},
	})
}

// TestAccJobResource_writeOnlySecrets runs a job whose every secret is write-only: the service gets them (it
// refuses registry credentials without a password, and a share without a key), neither the plan nor the state
// ever holds them, and a new _wo_version replaces the job to send new values.
func TestAccJobResource_writeOnlySecrets(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	wo := []string{sentinelJobSecretWO, sentinelRegistryPWWO, sentinelJobAFSKeyWO}
	decls, vars := testAccJobSecretVariables()
	config := func(version int) string {
		return decls + testAccJobWorld(info, testAccOneNode, testAccJob("wo", "echo $API_TOKEN", testAccJobSecretsBody(true, version)))
	}
	classic := []string{sentinelJobSecret, sentinelRegistryPW, sentinelJobAFSKey}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckJobDestroyed(t, info),
		Steps: []resource.TestStep{
			{
				// The controls of the checks: classic secrets are sensitive, but kept in the plan and the state.
				Config:            testAccJobWorld(info, testAccOneNode, testAccJob("wo", "echo $API_TOKEN", testAccJobSecretsBody(false, 0))),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{planHasAllSentinels(classic)}},
				ConfigStateChecks: []statecheck.StateCheck{stateHasAllSentinels(classic)},
				Check:             checkRawStateHasAll(classic...),
			},
			{
				Config:           config(1),
				ConfigVariables:  vars,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{planHasNoSentinels(wo)}},
				ConfigStateChecks: []statecheck.StateCheck{
					stateHasNoSentinels(wo),
					statecheck.ExpectKnownValue(testAccJobAddr, tfjsonpath.New("execution_state"), knownvalue.StringExact(api.ExecutionStateSucceeded)),
					statecheck.ExpectKnownValue(testAccJobAddr, tfjsonpath.New("secrets_wo_version"), knownvalue.Int64Exact(1)),
				},
				Check: checkRawStateHasNo(wo...),
			},
			{
				Config:           config(1),
				ConfigVariables:  vars,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config:          config(2),
				ConfigVariables: vars,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccJobAddr, plancheck.ResourceActionDestroyBeforeCreate),
					planHasNoSentinels(wo),
				}},
				ConfigStateChecks: []statecheck.StateCheck{stateHasNoSentinels(wo)},
			},
		},
	})
}

// TestAccJobResource_importAdoptsSecrets imports a job created outside Terraform: the secrets, which the
// service never returns, are adopted from the configuration in place. Replacing the job would run it again.
func TestAccJobResource_importAdoptsSecrets(t *testing.T) {
	t.Parallel()
	inst := testAccEmulatorInstance(t)
	info := inst.Info
	job := testAccFinishedJob(t, info)
	// A second job, with secrets, next to the first one's.
	id := testAccSeedSecretiveJob(t, info)
	config := testAccProviderConfig(info) + fmt.Sprintf(`
resource "batchai_job" "test" {
  name                    = "secretive"
  experiment_id           = %[1]q
  cluster_id              = %[2]q
  std_out_err_path_prefix = "$AZ_BATCHAI_MOUNT_ROOT/afs"
  custom_toolkit {
    command_line = "echo $API_TOKEN"
  }
%[3]s
}
`, job.ExperimentID().String(), testAccClusterID(info, "c1").String(), testAccJobSecretsBody(false, 0))
	writes := azureWrites(inst)
	var before int
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckJobDestroyed(t, info),
		Steps: []resource.TestStep{
			{
				Config:             config,
				ResourceName:       testAccJobAddr,
				ImportState:        true,
				ImportStateId:      id.String(),
				ImportStatePersist: true,
			},
			{
				PreConfig: func() { before = writes() },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccJobAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccJobAddr, tfjsonpath.New("secrets").AtMapKey("API_TOKEN"), knownvalue.StringExact(sentinelJobSecret)),
					statecheck.ExpectKnownValue(testAccJobAddr, tfjsonpath.New("container").AtMapKey("credentials").AtMapKey("password"), knownvalue.StringExact(sentinelRegistryPW)),
				},
				Check: func(*terraform.State) error {
					if n := writes() - before; n != 0 {
						return fmt.Errorf("adopting the imported secrets sent %d write(s)", n)
					}
					return nil
				},
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
