package provider

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tfsdklog"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestAccProvider_logsHoldNoSecrets applies and destroys a workspace with TRACE logging of Terraform, the
// framework and the provider into one file, then checks that Azure SDK lines made it there and that no
// secret did: the client secret, tokens, or the sentinels configured in unused secret arguments.
// It changes the process environment, so it cannot run in parallel.
func TestAccProvider_logsHoldNoSecrets(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "tf.log")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	t.Setenv("TF_ACC_LOG", "TRACE")
	t.Setenv("TF_LOG_SDK_FRAMEWORK", "TRACE")
	info := testAccEmulator(t)
	const sentinelPassword = "sentinel-certificate-password-3f9a"
	const sentinelOIDC = "sentinel-oidc-token-77c1"
	// The secrets come from the environment, as they should in real use: terraform-plugin-testing logs the
	// test's HCL verbatim at TRACE, which would defeat the test. The unused secret arguments carry sentinels.
	provider, env := testAccProviderConfigSecretFromEnv(t, info)
	env[envClientCertificatePassword] = sentinelPassword
	env[envOIDCToken] = sentinelOIDC
	config := provider + `
resource "batchai_workspace" "test" {
  name                = "ws-logs"
  resource_group_name = "` + info.ResourceGroup + `"
  location            = "eastus"
  tags                = { purpose = "log-test" }
}
`
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactoriesWithEnv(env),
		Steps:                    []resource.TestStep{{Config: config}},
	})

	log := readTestLog(t, logFile)
	// The test proves nothing unless the Azure SDK's request lines were routed into the log.
	for _, want := range []string{"azure_sdk_event", "/providers/Microsoft.BatchAI/workspaces/ws-logs", "Authorization: REDACTED"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log has no %q: Azure SDK logging is not routed to tflog", want)
		}
	}
	secrets := map[string]string{
		"client secret": info.ClientSecret, "certificate password": sentinelPassword, "OIDC token": sentinelOIDC,
	}
	for _, name := range namedValuesIn(log, secrets) {
		t.Errorf("the %s appears in the log: %s", name, logExcerpt(log, secrets[name]))
	}
	for name, re := range map[string]*regexp.Regexp{
		"a JWT":          regexp.MustCompile(`eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}`),
		"a bearer token": regexp.MustCompile(`(?i)bearer\s+[A-Za-z0-9._-]{20,}`),
	} {
		if m := re.FindString(log); m != "" {
			t.Errorf("the log holds %s: %.40s...", name, m)
		}
	}
}

// TestWithLogMasks checks the masks directly on a tflog logger writing to a file.
func TestWithLogMasks(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "mask.log")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	ctx := tfsdklog.ContextWithTestLogging(context.Background(), t.Name())
	ctx = tfsdklog.NewRootProviderLogger(ctx)
	ctx = withLogMasks(ctx, []string{"s3cr3t-value"})
	tflog.Debug(ctx, "token request client_secret=s3cr3t-value&grant_type=client_credentials", map[string]any{
		"header": "Authorization: Bearer abc.def.ghi",
		"jwt":    "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl",
		"body":   `{"access_token":"opaque-token-value","expires_in":3599}`,
		"url":    "https://x.file.core.windows.net/share/stdout.txt?sv=2018-03-28&sr=f&sp=rl&se=2030-01-01T00%3A00%3A00Z&sig=c2FzLXNpZw%3D%3D",
	})
	raw, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	log := string(raw)
	if !strings.Contains(log, "grant_type=client_credentials") {
		t.Fatalf("the message was not logged: %s", log)
	}
	if !strings.Contains(log, "sp=rl") {
		t.Fatalf("the SAS URL was not logged: %s", log)
	}
	for _, leak := range []string{"s3cr3t-value", "abc.def.ghi", "eyJhbGciOiJSUzI1NiJ9", "opaque-token-value", "c2FzLXNpZw"} {
		if strings.Contains(log, leak) {
			t.Errorf("%q leaked into: %s", leak, log)
		}
	}
}
