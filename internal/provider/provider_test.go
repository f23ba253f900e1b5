package provider

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"

	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/emulatortest"
)

// testAccProtoV6ProviderFactories serve the provider in-process. Its environment is empty, so ARM_*
// variables of the developer's shell can never change what a test authenticates as or talks to.
var testAccProtoV6ProviderFactories = testAccProviderFactoriesWithEnv(nil)

// testAccProviderFactoriesWithEnv serves a provider that sees env as its whole environment.
func testAccProviderFactoriesWithEnv(env map[string]string) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"batchai": providerserver.NewProtocol6WithError(&batchaiProvider{version: "test", getenv: func(k string) string { return env[k] }}),
	}
}

// testAccPollInterval keeps polling fast when the emulator sends no Retry-After.
const testAccPollInterval = "100ms"

// testAccPreCheck fails early, with the fix, when the Terraform CLI is not pinned: terraform-plugin-testing
// would otherwise try to download one.
func testAccPreCheck(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		t.Fatal("TF_ACC_TERRAFORM_PATH is not set: run the tests with `make test`, or " +
			"`eval \"$(scripts/terraform-cli.sh --print-env)\"` first")
	}
}

// testAccEmulator starts a fresh emulator for one test (stopped by t.Cleanup) and returns how to reach it.
func testAccEmulator(t *testing.T) emulator.Info {
	t.Helper()
	return testAccEmulatorInstance(t).Info
}

// testAccEmulatorInstance is testAccEmulator for tests that also drive the emulator itself (faults, clock).
func testAccEmulatorInstance(t *testing.T, opts ...func(*emulator.Config)) *emulatortest.Instance {
	t.Helper()
	testAccPreCheck(t)
	return emulatortest.Start(t, opts...)
}

// testAccProviderConfig is the provider block for an emulator, configured the way users configure a
// private cloud: metadata host, CA bundle and a service principal.
func testAccProviderConfig(info emulator.Info) string {
	return fmt.Sprintf(`
provider "batchai" {
  metadata_host       = %[1]q
  ca_certificate_file = %[2]q
  subscription_id     = %[3]q
  tenant_id           = %[4]q
  client_id           = %[5]q
  client_secret       = %[6]q
  use_cli             = false
  poll_interval       = %[7]q
}
`, info.MetadataHost, info.CACertificate, info.SubscriptionID, info.TenantID, info.ClientID, info.ClientSecret, testAccPollInterval)
}

// Tests build ARM clients of their own (testAccClient) while providers are being configured in parallel tests: the
// Azure SDK's global log listener must be in place before the first of them makes a request.
func init() { installSDKLogListener() }

// TestSDKLogListenerInstalledBeforeTests guards the init above: without it, the first provider Configure of a run
// sets azcore's listener while other tests' clients read it (a data race that -race reported in 2 of 5 runs of TestAccWorkspace* here).
func TestSDKLogListenerInstalledBeforeTests(t *testing.T) {
	if !sdkLogInstalled.Load() {
		t.Fatal("the Azure SDK log listener is not installed before the tests start: see installSDKLogListener")
	}
}

// testAccClient is an ARM client for checks and out-of-band changes, built by the provider's own code
// path (metadata document, CA bundle, client secret credential).
func testAccClient(t *testing.T, info emulator.Info) *client.Client {
	t.Helper()
	s := settings{
		SubscriptionID: info.SubscriptionID, TenantID: info.TenantID, ClientID: info.ClientID,
		ClientSecret: info.ClientSecret, Environment: "public", MetadataHost: info.MetadataHost,
		CACertificateFile: info.CACertificate, PollInterval: 100 * time.Millisecond,
	}
	hc, err := newHTTPClient(s.CACertificateFile)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	endpoints, err := resolveEndpoints(ctx, s, hc)
	if err != nil {
		t.Fatal(err)
	}
	cred, _, err := newCredential(s, endpoints, hc)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(client.Options{Endpoint: endpoints.ResourceManager, Audience: endpoints.Audience,
		SubscriptionID: s.SubscriptionID, Credential: cred, Transport: hc, PollFrequency: s.PollInterval})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// expectError matches an error that contains the parts in order. Terraform wraps diagnostics at about 80
// columns, so each space in a part matches any run of white space.
func expectError(parts ...string) *regexp.Regexp {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		quoted[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, ".*"))
}

// testAccContext is the context of a test's own calls to the emulator: it ends with the test, or after two
// minutes.
func testAccContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// testAccInWorkspace is the ID of the workspace "ws" of the emulator's subscription and resource group, in which
// the tests create what a workspace holds.
func testAccInWorkspace(info emulator.Info) api.WorkspaceID {
	return api.WorkspaceID{SubscriptionID: info.SubscriptionID, ResourceGroup: info.ResourceGroup, Name: "ws"}
}

// testAccCheckDestroyed asks the emulator, with get, for every resource of tfType ("batchai_cluster") in the
// final state: all must be gone. what names them in the error ("cluster").
func testAccCheckDestroyed[ID fmt.Stringer, T any](t *testing.T, info emulator.Info, tfType, what string,
	parse func(string) (ID, error), get func(*client.Client, context.Context, ID) (T, error)) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		c := testAccClient(t, info)
		for _, rs := range s.RootModule().Resources {
			if rs.Type != tfType {
				continue
			}
			id, err := parse(rs.Primary.ID)
			if err != nil {
				return err
			}
			if _, err := get(c, testAccContext(t), id); !client.IsNotFound(err) {
				return fmt.Errorf("%s %s still exists (err %v)", what, id, err)
			}
		}
		return nil
	}
}

// workspaceChildIdentityCheck expects the identity of id, a resource a workspace holds, in state at addr.
func workspaceChildIdentityCheck[ID workspaceChildID](addr string, id ID) statecheck.StateCheck {
	return statecheck.ExpectIdentity(addr, workspaceChildIdentityValues(id))
}

// workspaceChildIdentityValues is the identity of id, a resource a workspace holds, for identity checks.
func workspaceChildIdentityValues[ID workspaceChildID](id ID) map[string]knownvalue.Check {
	c := workspaceChildCoordinates(id)
	return map[string]knownvalue.Check{
		"subscription_id":     knownvalue.StringExact(c.SubscriptionID),
		"resource_group_name": knownvalue.StringExact(c.ResourceGroup),
		"workspace_name":      knownvalue.StringExact(c.Workspace),
		"name":                knownvalue.StringExact(c.Name),
	}
}

// workspaceIdentityValues is the identity of the workspace id, for identity checks.
func workspaceIdentityValues(id api.WorkspaceID) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{
		"subscription_id":     knownvalue.StringExact(id.SubscriptionID),
		"resource_group_name": knownvalue.StringExact(id.ResourceGroup),
		"name":                knownvalue.StringExact(id.Name),
	}
}

// jobIdentityValues is the identity of the job id, for identity checks.
func jobIdentityValues(id api.JobID) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{
		"subscription_id":     knownvalue.StringExact(id.SubscriptionID),
		"resource_group_name": knownvalue.StringExact(id.ResourceGroup),
		"workspace_name":      knownvalue.StringExact(id.Workspace),
		"experiment_name":     knownvalue.StringExact(id.Experiment),
		"name":                knownvalue.StringExact(id.Name),
	}
}

// writesSinceSeeding counts the writes (azureWrites) from now on. The test has seeded the emulator through its
// API: those writes must have been counted, or a count of 0 later would prove nothing.
func writesSinceSeeding(t *testing.T, inst *emulatortest.Instance) func() int {
	t.Helper()
	writes := azureWrites(inst)
	before := writes()
	if before == 0 {
		t.Fatal("seeding the emulator wrote nothing azureWrites counts: a count of no writes would prove nothing")
	}
	return func() int { return writes() - before }
}

// azureWrites counts the requests to the emulator that could change what Azure holds (PUT, PATCH, DELETE and a
// job's termination) so far.
func azureWrites(inst *emulatortest.Instance) func() int {
	return func() int {
		return inst.Emulator.RequestCount("PUT", "/providers/Microsoft.BatchAI/") +
			inst.Emulator.RequestCount("PATCH", "/providers/Microsoft.BatchAI/") +
			inst.Emulator.RequestCount("POST", "/terminate") +
			inst.Emulator.RequestCount("DELETE", "/providers/Microsoft.BatchAI/")
	}
}
