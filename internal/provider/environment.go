package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

// cloudEndpoints are the three URLs the provider needs from an Azure cloud.
type cloudEndpoints struct {
	// Name is the environment's name: a built-in key ("public") or the metadata entry's name.
	Name string
	// ResourceManager is the ARM base URL.
	ResourceManager string
	// Audience is the token audience of ResourceManager.
	Audience string
	// AuthorityHost is the Azure AD login endpoint, with a trailing slash as azidentity expects.
	AuthorityHost string
	// FromMetadata is set when the endpoints came from a metadata_host document. Such clouds are unknown
	// to MSAL, so instance discovery (a call to login.microsoftonline.com) must be disabled.
	FromMetadata bool
}

// cloudConfiguration is the azcore view of the endpoints, for azidentity's ClientOptions.
func (c cloudEndpoints) cloudConfiguration() cloud.Configuration {
	return cloud.Configuration{
		ActiveDirectoryAuthorityHost: c.AuthorityHost,
		Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
			cloud.ResourceManager: {Endpoint: c.ResourceManager, Audience: c.Audience},
		},
	}
}

// builtinClouds are the environments azurerm accepts without a metadata host. azcore's own
// configurations are the source of truth for their URLs.
var builtinClouds = map[string]cloudEndpoints{
	"public":       fromAzcore("public", cloud.AzurePublic),
	"usgovernment": fromAzcore("usgovernment", cloud.AzureGovernment),
	"china":        fromAzcore("china", cloud.AzureChina),
}

// metadataNames maps the built-in keys to the names clouds carry in metadata documents.
var metadataNames = map[string]string{
	"public":       "AzureCloud",
	"usgovernment": "AzureUSGovernment",
	"china":        "AzureChinaCloud",
}

func fromAzcore(name string, c cloud.Configuration) cloudEndpoints {
	rm := c.Services[cloud.ResourceManager]
	return cloudEndpoints{Name: name, ResourceManager: rm.Endpoint, Audience: rm.Audience,
		AuthorityHost: c.ActiveDirectoryAuthorityHost}
}

func builtinCloudNames() string {
	names := make([]string, 0, len(builtinClouds))
	for k := range builtinClouds {
		names = append(names, k)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// metadataAPIVersion is the version of /metadata/endpoints azurerm reads.
const metadataAPIVersion = "2022-09-01"

// metadataTimeout bounds the metadata request: it runs during every plan, so a dead host must fail fast.
const metadataTimeout = 30 * time.Second

// metadataEnvironment is one entry of the /metadata/endpoints document (only the fields used here).
type metadataEnvironment struct {
	Name            string `json:"name"`
	ResourceManager string `json:"resourceManager"`
	Authentication  struct {
		LoginEndpoint string   `json:"loginEndpoint"`
		Audiences     []string `json:"audiences"`
	} `json:"authentication"`
}

// resolveEndpoints returns the built-in cloud for s.Environment, or the matching entry of the metadata
// document served by s.MetadataHost.
func resolveEndpoints(ctx context.Context, s settings, hc *http.Client) (cloudEndpoints, error) {
	if s.MetadataHost == "" {
		c, ok := builtinClouds[s.Environment]
		if !ok {
			return cloudEndpoints{}, fmt.Errorf("unknown environment %q; expected one of %s", s.Environment, builtinCloudNames())
		}
		return c, nil
	}
	envs, err := fetchMetadata(ctx, hc, s.MetadataHost)
	if err != nil {
		return cloudEndpoints{}, err
	}
	return pickEnvironment(envs, s.Environment)
}

// metadataURL builds the document URL from a host name, as azurerm's metadata_host is a host (with an
// optional port), never a URL. An https:// prefix is tolerated; anything else is refused rather than
// fetched in plain text.
func metadataURL(host string) (string, error) {
	h := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(host), "https://"), "/")
	if h == "" || strings.Contains(h, "://") || strings.ContainsAny(h, "/?#") {
		return "", fmt.Errorf("metadata_host must be a host name with an optional port, such as "+
			"\"management.azure.com\" or \"127.0.0.1:8443\", got %q", host)
	}
	return "https://" + h + "/metadata/endpoints?api-version=" + metadataAPIVersion, nil
}

// fetchMetadata downloads and decodes the metadata document. It retries like every ARM call (transient
// statuses, lost answers, Retry-After; client.RetryOptions), all within metadataTimeout: one 503 from the
// metadata host must not fail the whole plan.
func fetchMetadata(ctx context.Context, hc *http.Client, host string) ([]metadataEnvironment, error) {
	u, err := metadataURL(host)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, metadataTimeout)
	defer cancel()
	pl := runtime.NewPipeline("terraform-provider-batchai/metadata", "v1", runtime.PipelineOptions{},
		&policy.ClientOptions{Transport: hc, Retry: client.RetryOptions(0)})
	req, err := runtime.NewRequest(ctx, http.MethodGet, u)
	if err != nil {
		return nil, err
	}
	req.Raw().Header.Set("Accept", "application/json")
	resp, err := pl.Do(req)
	if err != nil {
		return nil, fmt.Errorf("retrieving the cloud metadata from %s: %w", u, err)
	}
	body, err := runtime.Payload(resp)
	if err != nil {
		return nil, fmt.Errorf("reading the cloud metadata from %s: %w", u, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("retrieving the cloud metadata from %s: expected 200 OK, got %s", u, resp.Status)
	}
	envs, err := parseMetadata(body)
	if err != nil {
		return nil, fmt.Errorf("decoding the cloud metadata from %s: %w", u, err)
	}
	return envs, nil
}

// parseMetadata decodes the 2022-09-01 document: an array of environments (what ARM serves), or a single
// environment object (what Azure Stack Hub and older go-azure-sdk releases read).
func parseMetadata(body []byte) ([]metadataEnvironment, error) {
	body = bytes.TrimPrefix(bytes.TrimSpace(body), []byte("\xef\xbb\xbf"))
	var envs []metadataEnvironment
	if len(body) > 0 && body[0] == '{' {
		var one metadataEnvironment
		if err := json.Unmarshal(body, &one); err != nil {
			return nil, err
		}
		envs = []metadataEnvironment{one}
	} else if err := json.Unmarshal(body, &envs); err != nil {
		return nil, err
	}
	if len(envs) == 0 {
		return nil, fmt.Errorf("the document lists no environments")
	}
	return envs, nil
}

// pickEnvironment chooses the entry named like environment (built-in keys match their metadata names, other
// names match case-insensitively), or the only entry when the document has one.
func pickEnvironment(envs []metadataEnvironment, environment string) (cloudEndpoints, error) {
	want := environment
	if n, ok := metadataNames[environment]; ok {
		want = n
	}
	var chosen *metadataEnvironment
	for i := range envs {
		if strings.EqualFold(envs[i].Name, want) || strings.EqualFold(envs[i].Name, environment) {
			chosen = &envs[i]
			break
		}
	}
	if chosen == nil && len(envs) == 1 {
		chosen = &envs[0]
	}
	if chosen == nil {
		names := make([]string, len(envs))
		for i, e := range envs {
			names[i] = e.Name
		}
		return cloudEndpoints{}, fmt.Errorf("the cloud metadata lists %s but no environment named %q; set "+
			"environment to one of them", strings.Join(names, ", "), environment)
	}
	return chosen.endpoints()
}

// endpoints validates one metadata entry. The first audience is the ARM audience, as azurerm reads it.
func (m metadataEnvironment) endpoints() (cloudEndpoints, error) {
	check := func(field, v string) (string, error) {
		u, err := url.Parse(v)
		if v == "" || err != nil || u.Scheme != "https" || u.Host == "" {
			return "", fmt.Errorf("environment %q of the cloud metadata has no https %s (got %q)", m.Name, field, v)
		}
		return v, nil
	}
	rm, err := check("resourceManager", m.ResourceManager)
	if err != nil {
		return cloudEndpoints{}, err
	}
	login, err := check("authentication.loginEndpoint", m.Authentication.LoginEndpoint)
	if err != nil {
		return cloudEndpoints{}, err
	}
	if len(m.Authentication.Audiences) == 0 || m.Authentication.Audiences[0] == "" {
		return cloudEndpoints{}, fmt.Errorf("environment %q of the cloud metadata has no authentication.audiences", m.Name)
	}
	return cloudEndpoints{
		Name:            m.Name,
		ResourceManager: strings.TrimSuffix(rm, "/"),
		Audience:        m.Authentication.Audiences[0],
		AuthorityHost:   strings.TrimSuffix(login, "/") + "/",
		FromMetadata:    true,
	}, nil
}
