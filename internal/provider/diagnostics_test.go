package provider

import (
	"crypto/x509"
	"errors"
	"fmt"
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

// Errors caused by how the emulator (or a private cloud) is set up name their fix: the CA bundle for an
// untrusted certificate, the emulator's --resource-group flag (and Azure's tools) for a missing group.
func TestErrorHintSetupMistakes(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		err  error
		want []string
	}{
		"unknown authority": {
			err:  fmt.Errorf("GET https://127.0.0.1:8443/subscriptions: %w", x509.UnknownAuthorityError{}),
			want: []string{"ca_certificate_file", "ARM_CA_CERTIFICATE_FILE", "tls/ca.pem"},
		},
		"unknown authority as text": {
			err:  errors.New(`Get "https://127.0.0.1:8443/metadata": tls: failed to verify certificate: x509: certificate signed by unknown authority`),
			want: []string{"ca_certificate_file", "ARM_CA_CERTIFICATE_FILE"},
		},
		"missing resource group": {
			err: &client.Error{StatusCode: 404, Code: "ResourceGroupNotFound", Message: "Resource group 'myresourcegroup' could not be found."},
			want: []string{"az group create --name myresourcegroup", "azurerm_resource_group",
				"`--resource-group myresourcegroup`", "BATCHAI_EMULATOR_RESOURCE_GROUP"},
		},
		"missing resource group, other wording": {
			err:  &client.Error{StatusCode: 404, Code: "ResourceGroupNotFound", Message: "not here"},
			want: []string{"--resource-group <name>"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			hint := errorHint(tc.err)
			for _, w := range tc.want {
				if !strings.Contains(hint, w) {
					t.Errorf("hint %q lacks %q", hint, w)
				}
			}
		})
	}
	if hint := errorHint(errors.New("x509: certificate has expired")); strings.Contains(hint, "ca_certificate_file") {
		t.Errorf("an expired certificate is no CA problem: %q", hint)
	}
}
