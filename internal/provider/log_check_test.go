package provider

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// valuesIn is the one search of every "this must not be there" check on logs, plans and states, and of their
// negative controls: the distinct values of values that text holds, sorted. It searches text whole (every line,
// multi-line fields included) so that whatever a check declares absent, its control could have found.
func valuesIn(text string, values []string) []string {
	var found []string
	for _, v := range values {
		if v != "" && strings.Contains(text, v) {
			found = append(found, v)
		}
	}
	slices.Sort(found)
	return slices.Compact(found)
}

// namedValuesIn is valuesIn for named values: the names of those that text holds, sorted.
func namedValuesIn(text string, values map[string]string) []string {
	var found []string
	for name, v := range values {
		if len(valuesIn(text, []string{v})) == 1 {
			found = append(found, name)
		}
	}
	slices.Sort(found)
	return found
}

// readTestLog reads the log that TF_ACC_LOG_PATH wrote; BATCHAI_KEEP_LOG names a file to keep a copy in.
func readTestLog(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if keep := os.Getenv("BATCHAI_KEEP_LOG"); keep != "" {
		_ = os.WriteFile(keep, raw, 0o600)
	}
	return string(raw)
}

// logExcerpt is the text around the first occurrence of value, to show where a secret leaked.
func logExcerpt(log, value string) string {
	i := strings.Index(log, value)
	if i < 0 {
		return ""
	}
	return fmt.Sprintf("...%s...", log[max(0, i-300):min(len(log), i+len(value)+100)])
}

// testAccProviderConfigSecretFromEnv is testAccProviderConfig without client_secret, and the provider
// environment that supplies it (for testAccProviderFactoriesWithEnv): secrets come from the environment, as
// they should in real use, so that the configuration terraform-plugin-testing logs at TRACE holds none.
func testAccProviderConfigSecretFromEnv(t *testing.T, info emulator.Info) (string, map[string]string) {
	t.Helper()
	config := strings.Replace(testAccProviderConfig(info), fmt.Sprintf("client_secret       = %q", info.ClientSecret), "", 1)
	if strings.Contains(config, info.ClientSecret) {
		t.Fatal("the provider block still holds the client secret")
	}
	return config, map[string]string{envClientSecret: info.ClientSecret}
}
