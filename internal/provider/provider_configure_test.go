package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// TestAccProvider_environmentVariables configures everything through ARM_* variables, as CI pipelines do:
// the provider block is empty.
func TestAccProvider_environmentVariables(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	env := map[string]string{
		envMetadataHost: info.MetadataHost, envCACertificateFile: info.CACertificate,
		envSubscriptionID: info.SubscriptionID, envTenantID: info.TenantID, envClientID: info.ClientID,
		envClientSecret: info.ClientSecret, envUseCLI: "false", envPollInterval: testAccPollInterval,
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactoriesWithEnv(env),
		CheckDestroy:             testAccCheckWorkspaceDestroyed(t, info),
		Steps: []resource.TestStep{{
			Config: `provider "batchai" {}` + testAccWorkspaceResourceOnly(info, "ws-env"),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(testAccWorkspaceAddr, tfjsonpath.New("provisioning_state"), knownvalue.StringExact("succeeded")),
			},
		}},
	})
}

// TestAccProvider_configurationErrors: each mistake fails the plan with an error that names what to fix.
func TestAccProvider_configurationErrors(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	withProvider := func(provider string) string { return provider + testAccWorkspaceResourceOnly(info, "ws-cfg") }
	replaceLine := func(attr, with string) string {
		var out []string
		for _, l := range strings.Split(testAccProviderConfig(info), "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), attr+" ") {
				l = with
			}
			out = append(out, l)
		}
		return withProvider(strings.Join(out, "\n"))
	}
	step := func(config string, want ...string) resource.TestStep {
		return resource.TestStep{Config: config, PlanOnly: true, ExpectError: expectError(want...)}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			step(replaceLine("subscription_id", ""), "Missing Subscription ID", "subscription_id", envSubscriptionID),
			// Without the CA bundle the emulator's certificate is not trusted: there is no implicit trust.
			step(replaceLine("ca_certificate_file", ""), "Error Resolving Azure Endpoints",
				"x509: certificate signed by unknown authority", "set ca_certificate_file", "ARM_CA_CERTIFICATE_FILE",
				"tls/ca.pem in its data folder"),
			step(replaceLine("ca_certificate_file", `ca_certificate_file = "/nonexistent/ca.pem"`),
				"Invalid CA Certificate File", "reading ca_certificate_file"),
			step(replaceLine("metadata_host", `metadata_host = "http://`+info.MetadataHost+`"`),
				"Error Resolving Azure Endpoints", "metadata_host must be a host name"),
			step(replaceLine("metadata_host", `environment = "german"`), "Unknown Azure Environment", "public"),
			step(replaceLine("client_id", ""), "Error Configuring Azure Authentication", "client_id (ARM_CLIENT_ID)"),
			step(replaceLine("poll_interval", `poll_interval = "soon"`), "Invalid Poll Interval", "poll_interval"),
		},
	})
}

// TestAccProvider_wrongSecret: a rejected credential surfaces on the first call, without echoing the secret,
// in a few readable lines (the identity service's answer and what to check) rather than azidentity's dump.
func TestAccProvider_wrongSecret(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	const wrong = "wrong-secret-0123456789abcdef"
	bad := info
	bad.ClientSecret = wrong
	want := expectError("Error Checking for Existing Batch AI Workspace", "ClientSecretCredential")
	hint := expectError("401", "invalid_client", "Invalid client secret provided", "check tenant_id, client_id")
	sawError := false
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		// ErrorCheck (rather than ExpectError) sees the whole error, to check what it must not say.
		ErrorCheck: func(err error) error {
			sawError = true
			switch {
			case strings.Contains(err.Error(), wrong):
				return fmt.Errorf("the error echoes the client secret: %w", err)
			case strings.Contains(err.Error(), "-----") || strings.Contains(err.Error(), "RESPONSE 401"):
				return fmt.Errorf("the error dumps the whole token response: %w", err)
			case !hint.MatchString(err.Error()):
				return fmt.Errorf("the error does not say what was rejected and what to check: %w", err)
			case !want.MatchString(err.Error()):
				return fmt.Errorf("unexpected error: %w", err)
			}
			return nil
		},
		Steps: []resource.TestStep{{Config: testAccProviderConfig(bad) + testAccWorkspaceResourceOnly(info, "ws-secret")}},
	})
	if !sawError {
		t.Error("a wrong client secret was accepted")
	}
}

func testAccWorkspaceResourceOnly(info emulator.Info, name string) string {
	return fmt.Sprintf(`
resource "batchai_workspace" "test" {
  name                = %q
  resource_group_name = %q
  location            = "eastus"
}
`, name, info.ResourceGroup)
}
