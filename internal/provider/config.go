package provider

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

// providerModel is the provider block as Terraform sends it.
type providerModel struct {
	SubscriptionID            types.String `tfsdk:"subscription_id"`
	TenantID                  types.String `tfsdk:"tenant_id"`
	ClientID                  types.String `tfsdk:"client_id"`
	ClientSecret              types.String `tfsdk:"client_secret"`
	ClientCertificatePath     types.String `tfsdk:"client_certificate_path"`
	ClientCertificatePassword types.String `tfsdk:"client_certificate_password"`
	UseCLI                    types.Bool   `tfsdk:"use_cli"`
	UseMSI                    types.Bool   `tfsdk:"use_msi"`
	UseOIDC                   types.Bool   `tfsdk:"use_oidc"`
	OIDCToken                 types.String `tfsdk:"oidc_token"`
	OIDCTokenFilePath         types.String `tfsdk:"oidc_token_file_path"`
	OIDCRequestToken          types.String `tfsdk:"oidc_request_token"`
	OIDCRequestURL            types.String `tfsdk:"oidc_request_url"`
	Environment               types.String `tfsdk:"environment"`
	MetadataHost              types.String `tfsdk:"metadata_host"`
	CACertificateFile         types.String `tfsdk:"ca_certificate_file"`
	PollInterval              types.String `tfsdk:"poll_interval"`
}

// settings is the provider configuration after environment variables and defaults were applied: plain Go
// values, so that credential and endpoint selection can be unit-tested without Terraform.
type settings struct {
	SubscriptionID            string
	TenantID                  string
	ClientID                  string
	ClientSecret              string
	ClientCertificatePath     string
	ClientCertificatePassword string
	UseCLI                    bool
	UseMSI                    bool
	UseOIDC                   bool
	OIDCToken                 string
	OIDCTokenFilePath         string
	OIDCRequestToken          string
	OIDCRequestURL            string
	Environment               string
	MetadataHost              string
	CACertificateFile         string
	PollInterval              time.Duration
}

// secrets are the configured values that must never reach a log line.
func (s settings) secrets() []string {
	var out []string
	for _, v := range []string{s.ClientSecret, s.ClientCertificatePassword, s.OIDCToken, s.OIDCRequestToken} {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// Environment variables, named as azurerm names them so that existing pipelines keep working.
const (
	envSubscriptionID            = "ARM_SUBSCRIPTION_ID"
	envTenantID                  = "ARM_TENANT_ID"
	envClientID                  = "ARM_CLIENT_ID"
	envClientSecret              = "ARM_CLIENT_SECRET"
	envClientCertificatePath     = "ARM_CLIENT_CERTIFICATE_PATH"
	envClientCertificatePassword = "ARM_CLIENT_CERTIFICATE_PASSWORD"
	envUseCLI                    = "ARM_USE_CLI"
	envUseMSI                    = "ARM_USE_MSI"
	envUseOIDC                   = "ARM_USE_OIDC"
	envOIDCToken                 = "ARM_OIDC_TOKEN"
	envOIDCTokenFilePath         = "ARM_OIDC_TOKEN_FILE_PATH"
	envFederatedTokenFile        = "AZURE_FEDERATED_TOKEN_FILE" // set by AKS workload identity
	envOIDCRequestToken          = "ARM_OIDC_REQUEST_TOKEN"
	envActionsRequestToken       = "ACTIONS_ID_TOKEN_REQUEST_TOKEN" // set by GitHub Actions
	envOIDCRequestURL            = "ARM_OIDC_REQUEST_URL"
	envActionsRequestURL         = "ACTIONS_ID_TOKEN_REQUEST_URL" // set by GitHub Actions
	envEnvironment               = "ARM_ENVIRONMENT"
	envMetadataHost              = "ARM_METADATA_HOSTNAME"
	envMetadataHostLegacy        = "ARM_METADATA_HOST"
	envCACertificateFile         = "ARM_CA_CERTIFICATE_FILE"
	envPollInterval              = "BATCHAI_POLL_INTERVAL"
)

// defaultPollInterval applies when the service sends no Retry-After. Real Batch AI sent none on cluster
// operations, so this decides how late completion is seen: at 5 s it is seen at most 5 s late
// (figure 11 in bench/README.md), where azapi's and go-azure-sdk's 10 s would add 5 s on average. It is the
// client's default, so that the two cannot disagree.
const defaultPollInterval = client.DefaultPollFrequency

// resolveSettings merges the provider block with the environment (getenv): a value set in configuration
// wins, then the first non-empty environment variable, then the default. Every error names the attribute
// and the environment variable it came from.
func resolveSettings(m providerModel, getenv func(string) string) (settings, diag.Diagnostics) {
	var diags diag.Diagnostics
	str := func(v types.String, envs ...string) string {
		if !v.IsNull() && !v.IsUnknown() {
			return v.ValueString()
		}
		for _, e := range envs {
			if ev := strings.TrimSpace(getenv(e)); ev != "" {
				return ev
			}
		}
		return ""
	}
	boolean := func(v types.Bool, attr, env string, def bool) bool {
		if !v.IsNull() && !v.IsUnknown() {
			return v.ValueBool()
		}
		ev := strings.TrimSpace(getenv(env))
		if ev == "" {
			return def
		}
		b, err := strconv.ParseBool(ev)
		if err != nil {
			diags.AddAttributeError(path.Root(attr), "Invalid Environment Variable",
				fmt.Sprintf("%s (the fallback for %s) must be true or false, got %q.", env, attr, ev))
		}
		return b
	}

	s := settings{
		SubscriptionID:            str(m.SubscriptionID, envSubscriptionID),
		TenantID:                  str(m.TenantID, envTenantID),
		ClientID:                  str(m.ClientID, envClientID),
		ClientSecret:              str(m.ClientSecret, envClientSecret),
		ClientCertificatePath:     str(m.ClientCertificatePath, envClientCertificatePath),
		ClientCertificatePassword: str(m.ClientCertificatePassword, envClientCertificatePassword),
		UseCLI:                    boolean(m.UseCLI, "use_cli", envUseCLI, true),
		UseMSI:                    boolean(m.UseMSI, "use_msi", envUseMSI, false),
		UseOIDC:                   boolean(m.UseOIDC, "use_oidc", envUseOIDC, false),
		OIDCToken:                 str(m.OIDCToken, envOIDCToken),
		OIDCTokenFilePath:         str(m.OIDCTokenFilePath, envOIDCTokenFilePath, envFederatedTokenFile),
		OIDCRequestToken:          str(m.OIDCRequestToken, envOIDCRequestToken, envActionsRequestToken),
		OIDCRequestURL:            str(m.OIDCRequestURL, envOIDCRequestURL, envActionsRequestURL),
		Environment:               strings.ToLower(str(m.Environment, envEnvironment)),
		MetadataHost:              str(m.MetadataHost, envMetadataHost, envMetadataHostLegacy),
		CACertificateFile:         str(m.CACertificateFile, envCACertificateFile),
		PollInterval:              defaultPollInterval,
	}
	if s.Environment == "" {
		s.Environment = "public"
	}
	// With the Azure CLI as the credential, a missing subscription is the CLI's default one (Configure asks
	// `az account show`); with any other credential it must be configured.
	if m, err := selectAuthMethod(s); s.SubscriptionID == "" && (err != nil || m != authCLI) {
		diags.AddAttributeError(path.Root("subscription_id"), "Missing Subscription ID",
			fmt.Sprintf("The provider needs the Azure subscription that holds the Batch AI resources. Set "+
				"subscription_id in the provider block or the %s environment variable (for example from "+
				"`az account show --query id -o tsv`), or authenticate with the Azure CLI (use_cli), whose "+
				"default subscription is then used.", envSubscriptionID))
	}
	if s.MetadataHost == "" {
		if _, ok := builtinClouds[s.Environment]; !ok {
			diags.AddAttributeError(path.Root("environment"), "Unknown Azure Environment",
				fmt.Sprintf("environment (or %s) must be one of %s, got %q. Other clouds (Azure Stack, the "+
					"Batch AI emulator) are reached through metadata_host.", envEnvironment, builtinCloudNames(), s.Environment))
		}
	}
	if raw := str(m.PollInterval, envPollInterval); raw != "" {
		d, err := time.ParseDuration(raw)
		switch {
		case err != nil:
			diags.AddAttributeError(path.Root("poll_interval"), "Invalid Poll Interval",
				fmt.Sprintf("poll_interval (or %s) must be a Go duration such as \"10s\" or \"500ms\": %s", envPollInterval, err))
		case d <= 0:
			diags.AddAttributeError(path.Root("poll_interval"), "Invalid Poll Interval",
				fmt.Sprintf("poll_interval (or %s) must be positive, got %q.", envPollInterval, raw))
		default:
			s.PollInterval = d
		}
	}
	return s, diags
}
