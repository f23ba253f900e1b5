package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// fakeAz writes an executable `az` into a new directory: it records its arguments (one line per call) in the
// returned log file and answers `account show` and `account get-access-token` with the given outputs, or fails
// like the real CLI when an output is empty.
func fakeAz(t *testing.T, accountShow, accessToken string) (dir, log string) {
	t.Helper()
	dir = t.TempDir()
	log = filepath.Join(dir, "calls.log")
	for name, body := range map[string]string{"account-show.json": accountShow, "token.json": accessToken} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	script := fmt.Sprintf(`#!/bin/sh
echo "$*" >> %[1]q
answer() {
  if [ -s "$1" ]; then cat "$1"; exit 0; fi
  echo "ERROR: Please run 'az login' to setup account." >&2
  exit 1
}
case "$1 $2" in
"account show") answer %[2]q ;;
"account get-access-token") answer %[3]q ;;
esac
echo "ERROR: fake az: unexpected command: $*" >&2
exit 2
`, log, filepath.Join(dir, "account-show.json"), filepath.Join(dir, "token.json"))
	if err := os.WriteFile(filepath.Join(dir, "az"), []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	return dir, log
}

func TestReadCLIAccount(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		show    string
		wantID  string
		wantErr []string
	}{
		"logged in": {show: `{"id":"sub-1","tenantId":"t-1","name":"Batch AI Emulator","user":{"name":"x","type":"servicePrincipal"}}`,
			wantID: "sub-1"},
		"not logged in": {wantErr: []string{"subscription_id is not set", "`az account show` failed",
			"Please run 'az login'", "Run `az login`", "ARM_SUBSCRIPTION_ID"}},
		"not JSON":           {show: "Name  Id\n", wantErr: []string{"not the JSON account", "Run `az login`"}},
		"no subscription id": {show: `{"tenantId":"t-1"}`, wantErr: []string{"names no subscription", "--allow-no-subscriptions"}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir, log := fakeAz(t, tc.show, "")
			acct, err := readCLIAccount(context.Background(), filepath.Join(dir, "az"))
			if len(tc.wantErr) > 0 {
				if err == nil {
					t.Fatalf("got %+v, want an error", acct)
				}
				for _, w := range tc.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not contain %q", err, w)
					}
				}
				return
			}
			if err != nil || acct.ID != tc.wantID {
				t.Fatalf("got %+v, %v; want id %q", acct, err, tc.wantID)
			}
			calls, _ := os.ReadFile(log)
			if strings.TrimSpace(string(calls)) != "account show --output json" {
				t.Errorf("az was called with %q", calls)
			}
		})
	}
}

// TestSubscriptionFromCLI_noCLI: without `az` on PATH the error says what is missing and both ways out.
func TestSubscriptionFromCLI_noCLI(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	s := settings{UseCLI: true}
	err := s.subscriptionFromCLI(context.Background())
	for _, w := range []string{"subscription_id is not set (nor ARM_SUBSCRIPTION_ID)", "the Azure CLI", "not on PATH",
		"Set subscription_id, or install the Azure CLI and run `az login`"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v does not contain %q", err, w)
		}
	}
	configured := settings{UseCLI: true, SubscriptionID: "sub"}
	if err := configured.subscriptionFromCLI(context.Background()); err != nil || configured.SubscriptionID != "sub" {
		t.Errorf("a configured subscription must be kept without asking the CLI: %v, %q", err, configured.SubscriptionID)
	}
}

// TestResolveSettings_subscriptionFromCLI: only the Azure CLI may leave subscription_id unset.
func TestResolveSettings_subscriptionFromCLI(t *testing.T) {
	t.Parallel()
	m := nullModel()
	if _, diags := resolveSettings(m, func(string) string { return "" }); diags.HasError() {
		t.Errorf("use_cli (the default) without subscription_id: %v", diags)
	}
	withSecret := func(k string) string {
		return map[string]string{envTenantID: "t", envClientID: "c", envClientSecret: "s"}[k]
	}
	_, diags := resolveSettings(m, withSecret)
	if !diags.HasError() || !strings.Contains(fmt.Sprint(diags), "Missing Subscription ID") {
		t.Errorf("a client secret without subscription_id must be an error: %v", diags)
	}
}

// TestAccProvider_useCLI: with use_cli and no subscription_id the provider takes the CLI's default subscription
// from `az account show` and its token from `az account get-access-token --resource <audience>` (here a fake az on
// PATH that hands out a token the emulator signed; scripts/azure-cli-test.sh does the same with the real CLI).
func TestAccProvider_useCLI(t *testing.T) {
	inst := testAccEmulatorInstance(t)
	info := inst.Info
	tok, exp, err := inst.Emulator.Issuer().IssueToken(info.Audience)
	if err != nil {
		t.Fatal(err)
	}
	dir, log := fakeAz(t,
		fmt.Sprintf(`{"id":%q,"tenantId":%q,"name":"Batch AI Emulator","isDefault":true}`, info.SubscriptionID, info.TenantID),
		fmt.Sprintf(`{"accessToken":%q,"expiresOn":%q,"expires_on":%d,"subscription":%q,"tenant":%q,"tokenType":"Bearer"}`,
			tok, exp.Local().Format("2006-01-02 15:04:05.000000"), exp.Unix(), info.SubscriptionID, info.TenantID))
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	config := fmt.Sprintf(`
provider "batchai" {
  metadata_host       = %q
  ca_certificate_file = %q
  use_cli             = true
  poll_interval       = %q
}
`, info.MetadataHost, info.CACertificate, testAccPollInterval) + testAccWorkspaceResourceOnly(info, "ws-cli")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckWorkspaceDestroyed(t, info),
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(testAccWorkspaceAddr, tfjsonpath.New("id"), knownvalue.StringExact(
					"/subscriptions/"+info.SubscriptionID+"/resourceGroups/"+info.ResourceGroup+
						"/providers/Microsoft.BatchAI/workspaces/ws-cli")),
			},
		}},
	})
	calls, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	text := string(calls)
	if !strings.Contains(text, "account show --output json") ||
		!strings.Contains(text, "account get-access-token -o json --resource "+info.Audience) {
		t.Errorf("the provider did not ask az for the account and a token for %s; calls:\n%s", info.Audience, text)
	}
	if time.Until(exp) <= 0 {
		t.Errorf("the fake token expired during the test")
	}
}
