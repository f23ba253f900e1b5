package provider

import (
	"errors"
	"strings"
	"testing"

	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
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

// A 403 names the principal, the action and the scope, and how to grant the role; a user's login (not an object
// ID) is named too.
func TestAuthorizationHint(t *testing.T) {
	t.Parallel()
	const scope = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.BatchAI/workspaces/ws/clusters/c"
	for name, tc := range map[string]struct {
		message string
		want    []string
	}{
		"service principal": {
			message: "The client 'oid-1' with object id 'oid-1' does not have authorization to perform action " +
				"'Microsoft.BatchAI/workspaces/clusters/write' over scope '" + scope + "' or the scope is invalid.",
			want: []string{"(object id oid-1)", "Microsoft.BatchAI/workspaces/clusters/write over " + scope,
				"--assignee-object-id oid-1", "--scope /subscriptions/s/resourceGroups/rg\n", "Nothing was removed"},
		},
		"user": {
			message: "The client 'me@example.com' with object id 'oid-2' does not have authorization to perform " +
				"action 'Microsoft.Resources/subscriptions/resourcegroups/read' over scope '/subscriptions/s'.",
			want: []string{"(me@example.com, object id oid-2)", "--scope /subscriptions/s\n"},
		},
		"other wording": {
			message: "Forbidden",
			want:    []string{"lacks permission", "Contributor"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			hint := errorHint(&client.Error{StatusCode: 403, Code: "AuthorizationFailed", Message: tc.message})
			for _, w := range tc.want {
				if !strings.Contains(hint, w) {
					t.Errorf("hint %q lacks %q", hint, w)
				}
			}
		})
	}
}
