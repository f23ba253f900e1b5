// Package provider is the Terraform provider for Azure Batch AI, built on terraform-plugin-framework.
package provider

import (
	"context"
	"fmt"
	"os"

	fwaction "github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

var (
	_ provider.Provider                       = &batchaiProvider{}
	_ provider.ProviderWithListResources      = &batchaiProvider{}
	_ provider.ProviderWithActions            = &batchaiProvider{}
	_ provider.ProviderWithFunctions          = &batchaiProvider{}
	_ provider.ProviderWithEphemeralResources = &batchaiProvider{}
)

// Address is the provider's registry address: the one main serves, and the source of its log variable's name
// (ProviderLogName).
const Address = "registry.terraform.io/batchai-tf/batchai"

// New returns the provider factory for providerserver.Serve and the tests.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &batchaiProvider{version: version, getenv: os.Getenv}
	}
}

// batchaiProvider is the provider. getenv is injectable so that configuration tests need no process-wide
// environment changes, and timing so that tests of waits and recoveries need not wait the real durations
// (zero durations are the defaults).
type batchaiProvider struct {
	version string
	getenv  func(string) string
	timing  timing
}

func (p *batchaiProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "batchai"
	resp.Version = p.version
}

func (p *batchaiProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = providerSchema()
}

// Configure resolves the settings, the cloud endpoints and the credential, and builds the one ARM client
// every resource and data source shares.
func (p *batchaiProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if unknownAttributes(&m, resp) {
		return
	}
	s, diags := resolveSettings(m, p.getenv)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	routeSDKLogs(ctx, s.secrets())
	ctx = withLogMasks(ctx, s.secrets())

	hc, err := newHTTPClient(s.CACertificateFile)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("ca_certificate_file"), "Invalid CA Certificate File", err.Error())
		return
	}
	endpoints, err := resolveEndpoints(ctx, s, hc)
	if err != nil {
		attr := "environment"
		if s.MetadataHost != "" {
			attr = "metadata_host"
		}
		detail := err.Error()
		if untrustedCertificate(err) {
			detail += "\n\n" + untrustedCertificateHint
		}
		resp.Diagnostics.AddAttributeError(path.Root(attr), "Error Resolving Azure Endpoints", detail)
		return
	}
	cred, method, err := newCredential(s, endpoints, hc)
	if err != nil {
		resp.Diagnostics.AddError("Error Configuring Azure Authentication", err.Error())
		return
	}
	if err := s.subscriptionFromCLI(ctx); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("subscription_id"), "Missing Subscription ID", err.Error())
		return
	}
	c, err := client.New(client.Options{
		Endpoint:       endpoints.ResourceManager,
		Audience:       endpoints.Audience,
		SubscriptionID: s.SubscriptionID,
		Credential:     cred,
		Transport:      hc,
		PollFrequency:  s.PollInterval,
		UserAgent:      "tf-batchai/" + p.version,
	})
	if err != nil {
		resp.Diagnostics.AddError("Error Configuring the Batch AI Client", err.Error())
		return
	}
	tflog.Debug(ctx, "configured the Batch AI provider", map[string]any{
		"environment":      endpoints.Name,
		"resource_manager": endpoints.ResourceManager,
		"authority_host":   endpoints.AuthorityHost,
		"auth_method":      string(method),
		"subscription_id":  s.SubscriptionID,
	})
	t := p.timing
	if t.pollInterval <= 0 {
		t.pollInterval = c.PollFrequency()
	}
	data := &providerData{client: c, secrets: s.secrets(), timing: t.withDefaults(), preflights: newCreatePreflights()}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ListResourceData = data
	resp.ActionData = data
	resp.EphemeralResourceData = data
}

// unknownAttributes reports every provider attribute whose value is not known yet (it depends on a resource
// that does not exist): the provider cannot authenticate without it.
func unknownAttributes(m *providerModel, resp *provider.ConfigureResponse) bool {
	values := map[string]attr.Value{
		"subscription_id": m.SubscriptionID, "tenant_id": m.TenantID, "client_id": m.ClientID,
		"client_secret": m.ClientSecret, "client_certificate_path": m.ClientCertificatePath,
		"client_certificate_password": m.ClientCertificatePassword, "use_cli": m.UseCLI, "use_msi": m.UseMSI,
		"use_oidc": m.UseOIDC, "oidc_token": m.OIDCToken, "oidc_token_file_path": m.OIDCTokenFilePath,
		"oidc_request_token": m.OIDCRequestToken, "oidc_request_url": m.OIDCRequestURL,
		"environment": m.Environment, "metadata_host": m.MetadataHost,
		"ca_certificate_file": m.CACertificateFile, "poll_interval": m.PollInterval,
	}
	found := false
	for name, v := range values {
		if v.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Unknown Provider Configuration Value",
				fmt.Sprintf("The provider cannot be configured because %s depends on a value that is only known "+
					"after apply. Use a known value, or apply the resources it depends on first (-target).", name))
			found = true
		}
	}
	return found
}

func (p *batchaiProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		newWorkspaceResource,
		newClusterResource,
		newFileServerResource,
		newExperimentResource,
		newJobResource,
	}
}

// ListResources are the list resources of `terraform query` (Terraform >= 1.14), one per managed resource:
// older CLIs never ask for them.
func (p *batchaiProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		newWorkspaceListResource,
		newClusterListResource,
		newFileServerListResource,
		newExperimentListResource,
		newJobListResource,
	}
}

// Actions are the actions of `terraform apply -invoke` and `action_trigger` (Terraform >= 1.14): older CLIs
// never ask for them.
func (p *batchaiProvider) Actions(context.Context) []func() fwaction.Action {
	return []func() fwaction.Action{
		newClusterResizeAction,
		newJobTerminateAction,
	}
}

// Functions are the provider functions (provider::batchai::<name>, Terraform >= 1.8, OpenTofu >= 1.7).
func (p *batchaiProvider) Functions(context.Context) []func() function.Function {
	return append([]func() function.Function{
		newParseResourceIDFunction,
		newVMSizeFunction,
		newClusterVCPUsFunction,
	}, resourceIDBuilders()...)
}

func (p *batchaiProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		newWorkspaceDataSource,
		newClusterDataSource,
		newClustersDataSource,
		newClusterNodesDataSource,
		newFileServerDataSource,
		newJobDataSource,
		newJobsDataSource,
		newJobOutputFilesDataSource,
	}
}

// EphemeralResources are the values Terraform never stores: job output files' download URLs.
func (p *batchaiProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{
		newJobOutputFileEphemeral,
	}
}
