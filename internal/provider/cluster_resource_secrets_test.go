package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// Sentinel secrets: distinctive values that must never be found where they do not belong.
const (
	sentinelPasswordWO = "sentinel-admin-password-wo-5b1e"
	sentinelSecretWO   = "sentinel-setup-secret-wo-91c2"
	sentinelAFSKeyWO   = "sentinel-afs-key-wo-7d40"
	sentinelBFSKeyWO   = "sentinel-bfs-key-wo-2a6f"
	sentinelIKeyWO     = "sentinel-instrumentation-key-wo-c3d8"
	sentinelPassword   = "sentinel-admin-password-0e7a"
	sentinelAFSKey     = "sentinel-afs-key-41f9"
	sentinelSecret     = "sentinel-setup-secret-88b3"
	sentinelIKey       = "sentinel-instrumentation-key-6c55"
)

// testAccClusterSecretsConfig uses every secret, in its write-only form (wo) or its classic form.
func testAccClusterSecretsConfig(info emulator.Info, wo bool, version int) string {
	pw, secrets, afsKey, bfsKey, ikey := "admin_user_password = %[1]q", "secrets = { TOKEN = %[2]q }",
		"account_key = %[3]q", "account_key = %[4]q", "instrumentation_key = %[5]q"
	values := []any{sentinelPassword, sentinelSecret, sentinelAFSKey, sentinelAFSKey, sentinelIKey}
	if wo {
		pw = "admin_user_password_wo = %[1]q\n    admin_user_password_wo_version = %[6]d"
		secrets = "secrets_wo = { TOKEN = %[2]q }\n    secrets_wo_version = %[6]d"
		afsKey = "account_key_wo = %[3]q\n      account_key_wo_version = %[6]d"
		bfsKey = "account_key_wo = %[4]q\n      account_key_wo_version = %[6]d"
		ikey = "instrumentation_key_wo = %[5]q\n    instrumentation_key_wo_version = %[6]d"
		values = []any{sentinelPasswordWO, sentinelSecretWO, sentinelAFSKeyWO, sentinelBFSKeyWO, sentinelIKeyWO}
	}
	body := fmt.Sprintf(`
  vm_size = "Standard_NC6"
  scale_settings {
    manual {
      target_node_count = 1
    }
  }
  user_account {
    admin_user_name = "azureuser"
    `+pw+`
  }
  setup_task {
    command_line            = "echo $TOKEN"
    std_out_err_path_prefix = "$AZ_BATCHAI_MOUNT_ROOT/afs"
    `+secrets+`
  }
  mount_volumes {
    azure_file_share {
      account_name        = "acct"
      azure_file_url      = "https://acct.file.core.windows.net/share"
      relative_mount_path = "afs"
      `+afsKey+`
    }
    azure_blob_file_system {
      account_name        = "acct"
      container_name      = "data"
      relative_mount_path = "bfs"
      `+bfsKey+`
    }
  }
  performance_counters {
    app_insights_component_id = "/subscriptions/%[7]s/resourceGroups/rg/providers/Microsoft.Insights/components/ai"
    `+ikey+`
  }
`, append(values, version, info.SubscriptionID)...)
	return testAccClusterConfig(info, body)
}

// noSentinels fails when any sentinel appears in v marshaled as JSON (a plan or a state).
func noSentinels(what string, v any, sentinels []string) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	for _, s := range sentinels {
		if strings.Contains(string(raw), s) {
			return fmt.Errorf("the %s holds the secret %q", what, s)
		}
	}
	return nil
}

type stateHasNoSentinels []string

func (s stateHasNoSentinels) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = noSentinels("state (terraform show -json)", req.State, s)
}

type planHasNoSentinels []string

func (s planHasNoSentinels) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = noSentinels("plan (terraform show -json)", req.Plan, s)
}

// checkRawStateHasNo reads every attribute of every resource in the state, as stored.
func checkRawStateHasNo(sentinels ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for addr, rs := range s.RootModule().Resources {
			for k, v := range rs.Primary.Attributes {
				for _, sentinel := range sentinels {
					if strings.Contains(v, sentinel) {
						return fmt.Errorf("%s.%s holds the secret %q", addr, k, sentinel)
					}
				}
			}
		}
		return nil
	}
}

// TestAccClusterResource_writeOnlySecrets creates a cluster whose every secret is write-only. The
// service gets them (it refuses a cluster without a credential or a storage key), and neither the plan
// nor the state ever holds them; bumping a _wo_version replaces the cluster to send new values.
func TestAccClusterResource_writeOnlySecrets(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	wo := []string{sentinelPasswordWO, sentinelSecretWO, sentinelAFSKeyWO, sentinelBFSKeyWO, sentinelIKeyWO}
	noSecrets := []statecheck.StateCheck{
		stateHasNoSentinels(wo),
		statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("user_account").AtMapKey("admin_user_password_wo"), knownvalue.Null()),
		statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("user_account").AtMapKey("admin_user_password_wo_version"), knownvalue.Int64Exact(1)),
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckClusterDestroyed(t, info),
		Steps: []resource.TestStep{
			{
				Config: testAccClusterSecretsConfig(info, true, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					planHasNoSentinels(wo),
				}},
				ConfigStateChecks: append(noSecrets, testAccClusterSteady(1)...),
				Check:             checkRawStateHasNo(wo...),
			},
			{
				Config: testAccClusterSecretsConfig(info, true, 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccClusterAddr, plancheck.ResourceActionDestroyBeforeCreate),
					planHasNoSentinels(wo),
				}},
				ConfigStateChecks: []statecheck.StateCheck{stateHasNoSentinels(wo)},
				Check:             checkRawStateHasNo(wo...),
			},
			// Only the versions, which exist nowhere but in Terraform, cannot be imported.
			testAccClusterImportStep("user_account.admin_user_password_wo_version", "setup_task.secrets_wo_version",
				"mount_volumes.azure_file_share.0.account_key_wo_version", "mount_volumes.azure_blob_file_system.0.account_key_wo_version",
				"performance_counters.instrumentation_key_wo_version"),
		},
	})
}

// TestAccClusterResource_secretsNotLogged applies clusters with classic and write-only secrets with
// TRACE logging of Terraform, the framework and the provider into one file: none of the secrets may be
// in it. It changes the process environment, so it cannot run in parallel.
func TestAccClusterResource_secretsNotLogged(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "tf.log")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	t.Setenv("TF_ACC_LOG", "TRACE")
	t.Setenv("TF_LOG_SDK_FRAMEWORK", "TRACE")
	info := testAccEmulator(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: testAccClusterSecretsConfig(info, false, 1)},
			{Config: testAccClusterSecretsConfig(info, true, 1)},
		},
	})
	raw, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	// terraform-plugin-testing echoes each step's configuration (the test's own input, secrets included)
	// as a multi-line "test_terraform_configuration" field whose lines start with "  |"; what Terraform,
	// the framework and the provider log is everything else.
	var kept []string
	for _, line := range strings.Split(string(raw), "\n") {
		if !strings.HasPrefix(line, "  |") {
			kept = append(kept, line)
		}
	}
	log := strings.Join(kept, "\n")
	// The test proves nothing unless the cluster's requests were logged.
	if !strings.Contains(log, "/workspaces/ws/clusters/c1") {
		t.Fatal("the log has no cluster request: is logging routed to the file?")
	}
	for _, s := range []string{sentinelPasswordWO, sentinelSecretWO, sentinelAFSKeyWO, sentinelBFSKeyWO, sentinelIKeyWO,
		sentinelPassword, sentinelAFSKey, sentinelSecret, sentinelIKey} {
		if strings.Contains(log, s) {
			t.Errorf("the log holds the secret %q", s)
		}
	}
}
