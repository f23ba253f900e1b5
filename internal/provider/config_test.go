package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// envMap is a getenv over a fixed map, so that tests never touch the process environment.
func envMap(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// nullModel is a provider block with every attribute unset.
func nullModel() providerModel {
	return providerModel{
		SubscriptionID: types.StringNull(), TenantID: types.StringNull(), ClientID: types.StringNull(),
		ClientSecret: types.StringNull(), ClientCertificatePath: types.StringNull(),
		ClientCertificatePassword: types.StringNull(), UseCLI: types.BoolNull(), UseMSI: types.BoolNull(),
		UseOIDC: types.BoolNull(), OIDCToken: types.StringNull(), OIDCTokenFilePath: types.StringNull(),
		OIDCRequestToken: types.StringNull(), OIDCRequestURL: types.StringNull(), Environment: types.StringNull(),
		MetadataHost: types.StringNull(), CACertificateFile: types.StringNull(), PollInterval: types.StringNull(),
	}
}

func TestResolveSettings_envFallbacks(t *testing.T) {
	t.Parallel()
	s, diags := resolveSettings(nullModel(), envMap(map[string]string{
		envSubscriptionID:            "sub-env",
		envTenantID:                  "tenant-env",
		envClientID:                  "client-env",
		envClientSecret:              "secret-env",
		envClientCertificatePath:     "/cert.pfx",
		envClientCertificatePassword: "pfx-pass",
		envUseCLI:                    "false",
		envUseMSI:                    "true",
		envUseOIDC:                   "1",
		envOIDCToken:                 "oidc-env",
		envFederatedTokenFile:        "/var/run/token",
		envActionsRequestToken:       "gh-token",
		envActionsRequestURL:         "https://gh.example/token",
		envEnvironment:               "USGovernment",
		envMetadataHostLegacy:        "legacy.example",
		envCACertificateFile:         "/ca.pem",
		envPollInterval:              "250ms",
	}))
	if diags.HasError() {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	want := settings{
		SubscriptionID: "sub-env", TenantID: "tenant-env", ClientID: "client-env", ClientSecret: "secret-env",
		ClientCertificatePath: "/cert.pfx", ClientCertificatePassword: "pfx-pass", UseCLI: false, UseMSI: true,
		UseOIDC: true, OIDCToken: "oidc-env", OIDCTokenFilePath: "/var/run/token", OIDCRequestToken: "gh-token",
		OIDCRequestURL: "https://gh.example/token", Environment: "usgovernment", MetadataHost: "legacy.example",
		CACertificateFile: "/ca.pem", PollInterval: 250 * time.Millisecond,
	}
	if s != want {
		t.Errorf("settings:\n got  %+v\n want %+v", s, want)
	}
}

func TestResolveSettings_configWinsOverEnv(t *testing.T) {
	t.Parallel()
	m := nullModel()
	m.SubscriptionID = types.StringValue("sub-config")
	m.UseCLI = types.BoolValue(true)
	m.MetadataHost = types.StringValue("config.example")
	m.OIDCTokenFilePath = types.StringValue("/config/token")
	s, diags := resolveSettings(m, envMap(map[string]string{
		envSubscriptionID:     "sub-env",
		envUseCLI:             "false",
		envMetadataHost:       "env.example",
		envOIDCTokenFilePath:  "/env/token",
		envFederatedTokenFile: "/aks/token",
	}))
	if diags.HasError() {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	if s.SubscriptionID != "sub-config" || !s.UseCLI || s.MetadataHost != "config.example" || s.OIDCTokenFilePath != "/config/token" {
		t.Errorf("configuration did not win: %+v", s)
	}
}

func TestResolveSettings_defaults(t *testing.T) {
	t.Parallel()
	s, diags := resolveSettings(nullModel(), envMap(map[string]string{envSubscriptionID: "sub"}))
	if diags.HasError() {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	if !s.UseCLI || s.UseMSI || s.UseOIDC {
		t.Errorf("auth defaults: use_cli=%v use_msi=%v use_oidc=%v, want true/false/false", s.UseCLI, s.UseMSI, s.UseOIDC)
	}
	if s.Environment != "public" || s.PollInterval != defaultPollInterval {
		t.Errorf("environment=%q poll_interval=%s, want public/%s", s.Environment, s.PollInterval, defaultPollInterval)
	}
	// The ARM_METADATA_HOSTNAME name wins over the legacy one.
	s, _ = resolveSettings(nullModel(), envMap(map[string]string{envSubscriptionID: "sub",
		envMetadataHost: "new.example", envMetadataHostLegacy: "old.example"}))
	if s.MetadataHost != "new.example" {
		t.Errorf("metadata host = %q, want new.example", s.MetadataHost)
	}
}

func TestResolveSettings_errors(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		env  map[string]string
		want []string // substrings of the error summary + detail
	}{
		"missing subscription": {
			// Only the Azure CLI (the default) supplies a subscription itself (TestResolveSettings_subscriptionFromCLI).
			env:  map[string]string{envUseCLI: "false"},
			want: []string{"Missing Subscription ID", "subscription_id", envSubscriptionID},
		},
		"bad boolean": {
			env:  map[string]string{envSubscriptionID: "s", envUseMSI: "maybe"},
			want: []string{envUseMSI, "use_msi", "true or false"},
		},
		"unknown environment": {
			env:  map[string]string{envSubscriptionID: "s", envEnvironment: "german"},
			want: []string{"environment", envEnvironment, "public", "metadata_host"},
		},
		"bad poll interval": {
			env:  map[string]string{envSubscriptionID: "s", envPollInterval: "10"},
			want: []string{"poll_interval", envPollInterval},
		},
		"negative poll interval": {
			env:  map[string]string{envSubscriptionID: "s", envPollInterval: "-1s"},
			want: []string{"poll_interval", "positive"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, diags := resolveSettings(nullModel(), envMap(tc.env))
			if !diags.HasError() {
				t.Fatal("expected an error")
			}
			text := diags[0].Summary() + " " + diags[0].Detail()
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("error %q does not mention %q", text, w)
				}
			}
		})
	}
}

func TestResolveSettings_customEnvironmentNeedsMetadataHost(t *testing.T) {
	t.Parallel()
	// With a metadata host, any environment name is allowed: it selects an entry of the document.
	_, diags := resolveSettings(nullModel(), envMap(map[string]string{envSubscriptionID: "s",
		envEnvironment: "BatchAIEmulator", envMetadataHost: "127.0.0.1:8443"}))
	if diags.HasError() {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
}

func TestSettingsSecrets(t *testing.T) {
	t.Parallel()
	s := settings{ClientSecret: "a", ClientCertificatePassword: "b", OIDCToken: "c", OIDCRequestToken: "d", ClientID: "not-secret"}
	got := strings.Join(s.secrets(), ",")
	if got != "a,b,c,d" {
		t.Errorf("secrets = %q, want a,b,c,d", got)
	}
}
