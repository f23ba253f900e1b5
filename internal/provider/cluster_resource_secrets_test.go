package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
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

// testAccClusterSentinels are the five secrets of testAccClusterSecretsConfig, in its order, in their write-only
// (wo) or classic form.
func testAccClusterSentinels(wo bool) []string {
	if wo {
		return []string{sentinelPasswordWO, sentinelSecretWO, sentinelAFSKeyWO, sentinelBFSKeyWO, sentinelIKeyWO}
	}
	return []string{sentinelPassword, sentinelSecret, sentinelAFSKey, sentinelAFSKey, sentinelIKey}
}

// testAccClusterSecretsConfig uses every secret, in its write-only form (wo) or its classic form, written in the
// configuration as literals.
func testAccClusterSecretsConfig(info emulator.Info, wo bool, version int) string {
	values := testAccClusterSentinels(wo)
	exprs := make([]string, len(values))
	for i, v := range values {
		exprs[i] = strconv.Quote(v)
	}
	return testAccClusterConfig(info, testAccClusterSecretsBody(info, wo, version, exprs))
}

// testAccClusterSecretsBody is the cluster body of testAccClusterSecretsConfig with the five secrets given as
// HCL expressions (literals, or variable references).
func testAccClusterSecretsBody(info emulator.Info, wo bool, version int, secrets []string) string {
	pw, setup, afsKey, bfsKey, ikey := "admin_user_password = %[1]s", "secrets = { TOKEN = %[2]s }",
		"account_key = %[3]s", "account_key = %[4]s", "instrumentation_key = %[5]s"
	if wo {
		pw = "admin_user_password_wo = %[1]s\n    admin_user_password_wo_version = %[6]d"
		setup = "secrets_wo = { TOKEN = %[2]s }\n    secrets_wo_version = %[6]d"
		afsKey = "account_key_wo = %[3]s\n      account_key_wo_version = %[6]d"
		bfsKey = "account_key_wo = %[4]s\n      account_key_wo_version = %[6]d"
		ikey = "instrumentation_key_wo = %[5]s\n    instrumentation_key_wo_version = %[6]d"
	}
	args := make([]any, 0, len(secrets)+2)
	for _, e := range secrets {
		args = append(args, e)
	}
	return fmt.Sprintf(`
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
    `+setup+`
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
`, append(args, version, info.SubscriptionID)...)
}

// testAccClusterSecretsConfigFromEnv is testAccClusterSecretsConfig with every secret, and the provider's client
// secret, passed through the environment: the secrets as TF_VAR_ variables of the Terraform CLI (set for the
// rest of the test), the client secret as the provider's ARM_CLIENT_SECRET (returned, for
// testAccProviderFactoriesWithEnv). The configuration itself, which terraform-plugin-testing echoes into the log
// at TRACE, then holds no secret, and a log check needs to skip nothing.
//
// The variables of write-only secrets are ephemeral, as they would be in real use: Terraform keeps the values of
// other root variables in the plan file. Those of classic secrets are not marked sensitive, so that a secret
// attribute the schema forgot to mark sensitive would show in the plan output, which terraform-plugin-testing
// logs too.
func testAccClusterSecretsConfigFromEnv(t *testing.T, info emulator.Info, wo bool, version int) (string, map[string]string) {
	t.Helper()
	values := testAccClusterSentinels(wo)
	exprs := make([]string, len(values))
	var decls strings.Builder
	for i, v := range values {
		name, ephemeral := fmt.Sprintf("cluster_secret_%d", i+1), ""
		if wo {
			name, ephemeral = name+"_wo", "\n  ephemeral = true"
		}
		t.Setenv("TF_VAR_"+name, v)
		exprs[i] = "var." + name
		fmt.Fprintf(&decls, "variable %q {\n  type = string%s\n}\n", name, ephemeral)
	}
	provider, env := testAccProviderConfigSecretFromEnv(t, info)
	config := decls.String() + provider + strings.TrimPrefix(
		testAccClusterConfig(info, testAccClusterSecretsBody(info, wo, version, exprs)), testAccProviderConfig(info))
	for _, secret := range append(values, info.ClientSecret) {
		if strings.Contains(config, secret) {
			t.Fatalf("the configuration still holds the secret %q", secret)
		}
	}
	return config, env
}

// noSentinels fails when any sentinel appears in v marshaled as JSON (a plan or a state).
func noSentinels(what string, v any, sentinels []string) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if found := valuesIn(string(raw), sentinels); len(found) > 0 {
		return fmt.Errorf("the %s holds the secret %q", what, found[0])
	}
	return nil
}

// allSentinels fails unless every sentinel appears in v marshaled as JSON: the negative control of noSentinels,
// for secrets that do belong there (classic, sensitive attributes are kept in state and plan).
func allSentinels(what string, v any, sentinels []string) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if found := valuesIn(string(raw), sentinels); len(found) != len(slices.Compact(slices.Sorted(slices.Values(sentinels)))) {
		return fmt.Errorf("the %s holds only %q of %q: the check cannot see them", what, found, sentinels)
	}
	return nil
}

type stateHasNoSentinels []string

func (s stateHasNoSentinels) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = noSentinels("state (terraform show -json)", req.State, s)
}

type stateHasAllSentinels []string

func (s stateHasAllSentinels) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = allSentinels("state (terraform show -json)", req.State, s)
}

type planHasNoSentinels []string

func (s planHasNoSentinels) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = noSentinels("plan (terraform show -json)", req.Plan, s)
}

type planHasAllSentinels []string

func (s planHasAllSentinels) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = allSentinels("plan (terraform show -json)", req.Plan, s)
}

// checkRawStateHasNo reads every attribute of every resource in the state, as stored.
func checkRawStateHasNo(sentinels ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for addr, rs := range s.RootModule().Resources {
			for k, v := range rs.Primary.Attributes {
				if found := valuesIn(v, sentinels); len(found) > 0 {
					return fmt.Errorf("%s.%s holds the secret %q", addr, k, found[0])
				}
			}
		}
		return nil
	}
}

// checkRawStateHasAll is the negative control of checkRawStateHasNo: every sentinel is in some attribute.
func checkRawStateHasAll(sentinels ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		var all strings.Builder
		for _, rs := range s.RootModule().Resources {
			for _, v := range rs.Primary.Attributes {
				all.WriteString(v + "\n")
			}
		}
		if found := valuesIn(all.String(), sentinels); len(found) != len(slices.Compact(slices.Sorted(slices.Values(sentinels)))) {
			return fmt.Errorf("the stored state holds only %q of %q: the check cannot see them", found, sentinels)
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

// TestAccClusterResource_secretsNotLogged applies clusters with classic and write-only secrets with TRACE
// logging of Terraform, the framework and the provider into one file: none of the secrets, nor the provider's
// client secret, may be in it. The whole file is searched: the secrets reach Terraform and the provider through
// the environment, so the configuration that terraform-plugin-testing echoes into the log holds none of them
// and nothing needs skipping. Multi-line fields (hclog prints their lines as "  | ...") are searched like every
// other line; negative controls prove it: two values planted in what the provider itself logs, one in a
// single-line field and one inside a multi-line field, must be found by the same check. The test changes the
// process environment, so it cannot run in parallel.
func TestAccClusterResource_secretsNotLogged(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "tf.log")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	t.Setenv("TF_ACC_LOG", "TRACE")
	t.Setenv("TF_LOG_SDK_FRAMEWORK", "TRACE")
	inst := testAccEmulatorInstance(t)
	info := inst.Info
	// The controls: the quota preflight of a create plan logs why it could not list usages (the service's
	// error message) at Debug, in an "error" field, and carries on. The first listing gets a one-line message,
	// the next a three-line one.
	controls := map[string]string{
		"the control in a single-line field": "planted-log-control-single-line-6e1d",
		"the control in a multi-line field":  "planted-log-control-multi-line-a94b",
	}
	for _, message := range []string{
		"control: " + controls["the control in a single-line field"],
		"control, line 1\n" + controls["the control in a multi-line field"] + "\ncontrol, line 3",
	} {
		inst.Emulator.InjectFault(emulator.Fault{Method: http.MethodGet, PathContains: "/usages", Status: http.StatusForbidden,
			Code: "AuthorizationFailed", Message: message})
	}
	classic, wo := testAccClusterSentinels(false), testAccClusterSentinels(true)
	classicConfig, env := testAccClusterSecretsConfigFromEnv(t, info, false, 1)
	woConfig, _ := testAccClusterSecretsConfigFromEnv(t, info, true, 1)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactoriesWithEnv(env),
		Steps: []resource.TestStep{
			{
				// Controls of the plan and state checks: classic secrets are sensitive, but kept in both.
				Config:            classicConfig,
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{planHasAllSentinels(classic)}},
				ConfigStateChecks: []statecheck.StateCheck{stateHasAllSentinels(classic)},
				Check:             checkRawStateHasAll(classic...),
			},
			{
				Config:            woConfig,
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{planHasNoSentinels(wo)}},
				ConfigStateChecks: []statecheck.StateCheck{stateHasNoSentinels(wo)},
				Check:             checkRawStateHasNo(wo...),
			},
		},
	})
	log := readTestLog(t, logFile)
	// The test proves nothing unless the cluster's requests were logged.
	if !strings.Contains(log, "/workspaces/ws/clusters/c1") {
		t.Fatal("the log has no cluster request: is logging routed to the file?")
	}
	if controls := namedValuesIn(log, controls); len(controls) != 2 {
		t.Fatalf("the log check found only %q of the two planted controls: it cannot see what it must", controls)
	}
	secrets := map[string]string{"the client secret": info.ClientSecret}
	for i, s := range append(classic, wo...) {
		secrets[fmt.Sprintf("sentinel #%d", i+1)] = s
	}
	for _, name := range namedValuesIn(log, secrets) {
		t.Errorf("the log holds %s: %s", name, logExcerpt(log, secrets[name]))
	}
}
