package provider

import (
	"slices"
	"strings"
	"testing"
)

func TestQuietLogSettings(t *testing.T) {
	all := quietLogVariables
	for _, tc := range []struct {
		name    string
		environ []string
		want    []string
	}{
		{"nothing set", []string{"HOME=/root", "PATH=/usr/bin"}, all},
		{"TF_LOG_PATH alone names a file, not a level", []string{"TF_LOG_PATH=/tmp/tf.log"}, all},
		{"TF_LOG_CORE asks for core logs only", []string{"TF_LOG_CORE=TRACE"}, all},
		{"TF_LOG off", []string{"TF_LOG=off"}, all},
		{"empty values do not ask", []string{"TF_LOG=", "TF_LOG_PROVIDER="}, all},
		{"protocol data dumps do not depend on levels", []string{"TF_LOG_SDK_PROTO_DATA_DIR=/tmp/proto"}, all},
		{"a level already OFF is kept", []string{"TF_LOG_SDK_FRAMEWORK=OFF"},
			[]string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_PROVIDER_BATCHAI"}},
		{"TF_LOG", []string{"TF_LOG=TRACE"}, nil},
		{"TF_LOG unknown level means TRACE to Terraform", []string{"TF_LOG=verbose"}, nil},
		{"TF_LOG JSON", []string{"TF_LOG=JSON"}, nil},
		{"TF_LOG_PROVIDER", []string{"TF_LOG_PROVIDER=debug"}, nil},
		{"TF_LOG_PROVIDER_BATCHAI", []string{"TF_LOG_PROVIDER_BATCHAI=INFO"}, nil},
		{"TF_LOG_SDK", []string{"TF_LOG_SDK=TRACE"}, nil},
		{"TF_LOG_SDK_PROTO", []string{"TF_LOG_SDK_PROTO=TRACE"}, nil},
		{"TF_LOG_SDK_FRAMEWORK", []string{"TF_LOG_SDK_FRAMEWORK=TRACE"}, nil},
		{"TF_ACC_LOG_PATH", []string{"TF_ACC_LOG_PATH=/tmp/acc.log"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := quietLogSettings(tc.environ)
			if !slices.Equal(got, tc.want) {
				t.Errorf("quietLogSettings(%q) = %q, want %q", tc.environ, got, tc.want)
			}
		})
	}
}

// TestProviderLogName keeps the name in step with the address terraform-plugin-go derives it from.
func TestProviderLogName(t *testing.T) {
	parts := strings.Split(Address, "/")
	if got := strings.ToUpper(strings.ReplaceAll(parts[len(parts)-1], "-", "_")); got != ProviderLogName {
		t.Errorf("ProviderLogName = %q, but terraform-plugin-go derives %q from %s", ProviderLogName, got, Address)
	}
}
