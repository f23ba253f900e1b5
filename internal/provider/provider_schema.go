package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
)

// providerSchema is the provider block. Attribute names and environment variables follow azurerm, so a
// pipeline that authenticates azurerm authenticates this provider unchanged.
func providerSchema() schema.Schema {
	str := func(desc string, sensitive bool, envs ...string) schema.StringAttribute {
		return schema.StringAttribute{
			Optional:            true,
			Sensitive:           sensitive,
			MarkdownDescription: desc + envDoc(envs...),
		}
	}
	boolean := func(desc, env string) schema.BoolAttribute {
		return schema.BoolAttribute{Optional: true, MarkdownDescription: desc + envDoc(env)}
	}
	return schema.Schema{
		MarkdownDescription: "The Batch AI provider manages Azure Batch AI (`Microsoft.BatchAI`, API version " +
			"`2018-05-01`) workspaces and clusters. It authenticates like the `azurerm` provider: with a service " +
			"principal (client secret or certificate), OIDC workload identity federation, a managed identity or the " +
			"Azure CLI.",
		Attributes: map[string]schema.Attribute{
			"subscription_id": str("The ID of the Azure subscription that holds the Batch AI resources. Required, "+
				"either here or in the environment, unless the provider authenticates with the Azure CLI "+
				"(`use_cli`): then the CLI's default subscription (`az account show`) is used.", false, envSubscriptionID),
			"tenant_id": str("The Azure AD (Microsoft Entra ID) tenant to authenticate in. Required for service "+
				"principal and OIDC authentication.", false, envTenantID),
			"client_id": str("The client (application) ID of the service principal, or of the user-assigned "+
				"managed identity when `use_msi` is true.", false, envClientID),
			"client_secret": str("The client secret of the service principal. When set, it is used before any "+
				"other authentication method.", true, envClientSecret),
			"client_certificate_path": str("The path to a PEM or PKCS#12 (`.pfx`) file holding the service "+
				"principal's certificate and private key.", false, envClientCertificatePath),
			"client_certificate_password": str("The password of the PKCS#12 file in `client_certificate_path`, "+
				"if it has one.", true, envClientCertificatePassword),
			"use_cli": boolean("Authenticate with the Azure CLI's logged-in account (`az login`) when no other "+
				"method is configured: the token comes from `az account get-access-token`, and, when "+
				"`subscription_id` is not set, the subscription from `az account show`. Defaults to `true`.", envUseCLI),
			"use_msi": boolean("Authenticate with a managed identity (Azure VMs, App Service, Container Apps, "+
				"...). Set `client_id` to select a user-assigned identity. Defaults to `false`.", envUseMSI),
			"use_oidc": boolean("Authenticate with OIDC workload identity federation (GitHub Actions, Azure "+
				"DevOps, Kubernetes workload identity, ...) using `oidc_token`, `oidc_token_file_path` or the "+
				"GitHub Actions token request. Defaults to `false`.", envUseOIDC),
			"oidc_token": str("The federated ID token for OIDC authentication.", true, envOIDCToken),
			"oidc_token_file_path": str("A file holding the federated ID token for OIDC authentication; it is "+
				"re-read whenever a new access token is needed. AKS workload identity sets `"+envFederatedTokenFile+"`.",
				false, envOIDCTokenFilePath, envFederatedTokenFile),
			"oidc_request_token": str("The bearer token for the GitHub Actions ID token request. GitHub Actions "+
				"sets `"+envActionsRequestToken+"` in jobs with `permissions: id-token: write`.",
				true, envOIDCRequestToken, envActionsRequestToken),
			"oidc_request_url": str("The GitHub Actions ID token request URL.", false, envOIDCRequestURL, envActionsRequestURL),
			"environment": str("The Azure cloud: `public`, `usgovernment` or `china`. Defaults to `public`. With "+
				"`metadata_host`, it selects the entry of that name in the metadata document (the only entry is "+
				"used when there is just one).", false, envEnvironment),
			"metadata_host": str("A host name (with an optional port) serving ARM's cloud metadata document at "+
				"`https://<metadata_host>/metadata/endpoints?api-version=2022-09-01`. The Resource Manager endpoint, "+
				"its token audience and the login endpoint are read from it: use it for Azure Stack Hub or the "+
				"Batch AI emulator.", false, envMetadataHost, envMetadataHostLegacy),
			"ca_certificate_file": str("A PEM bundle of CA certificates to trust in addition to the system roots, "+
				"for private endpoints such as the Batch AI emulator. TLS verification cannot be turned off.",
				false, envCACertificateFile),
			"poll_interval": str("How often long-running operations are polled when Azure does not say when to "+
				"poll again (`Retry-After`), as a Go duration. Defaults to `5s`.", false, envPollInterval),
		},
	}
}

// envDoc names the environment variables an attribute falls back to, in the order they are read.
func envDoc(envs ...string) string {
	if len(envs) == 1 {
		return fmt.Sprintf(" Can also be set with the `%s` environment variable.", envs[0])
	}
	quoted := make([]string, len(envs))
	for i, e := range envs {
		quoted[i] = "`" + e + "`"
	}
	return fmt.Sprintf(" Can also be set with the %s environment variables (read in that order).", strings.Join(quoted, " or "))
}
