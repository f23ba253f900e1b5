package provider

import (
	"errors"
	"strings"
	"testing"
)

// Without any credential configured the provider falls back to the Azure CLI; when the CLI is missing, the
// error must say what to configure instead, not only "executable not found".
func TestErrorHintAzureCLIMissing(t *testing.T) {
	err := errors.New("AzureCLICredential: executable not found on path")
	hint := errorHint(err)
	for _, want := range []string{"az login", "client_secret", "ARM_CLIENT_ID"} {
		if !strings.Contains(hint, want) {
			t.Errorf("hint %q lacks %q", hint, want)
		}
	}
	if d := apiErrorDetail(actionRead, kindWorkspace, "/id", err); !strings.Contains(d, "executable not found") || !strings.Contains(d, "az login") {
		t.Errorf("detail %q", d)
	}
}
