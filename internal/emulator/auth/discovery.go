package auth

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Discovery documents MSAL fetches before it asks for a token. With instance discovery enabled (azidentity's
// default) MSAL first calls https://login.microsoftonline.com/common/discovery/instance — always that host, since
// it does not trust ours — passing our authorize URL as authorization_endpoint; with DisableInstanceDiscovery it
// goes straight to {authority}/v2.0/.well-known/openid-configuration. Either way the issuer in the OpenID document
// must be on the authority's host, or MSAL rejects it.

// openIDConfiguration is the subset of AAD's v2.0 OpenID Provider metadata that clients read.
type openIDConfiguration struct {
	TokenEndpoint                     string   `json:"token_endpoint"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
	JWKSURI                           string   `json:"jwks_uri"`
	ResponseModesSupported            []string `json:"response_modes_supported"`
	SubjectTypesSupported             []string `json:"subject_types_supported"`
	IDTokenSigningAlgValuesSupported  []string `json:"id_token_signing_alg_values_supported"`
	ResponseTypesSupported            []string `json:"response_types_supported"`
	ScopesSupported                   []string `json:"scopes_supported"`
	Issuer                            string   `json:"issuer"`
	RequestURIParameterSupported      bool     `json:"request_uri_parameter_supported"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint"`
	DeviceAuthorizationEndpoint       string   `json:"device_authorization_endpoint"`
	EndSessionEndpoint                string   `json:"end_session_endpoint"`
	TenantRegionScope                 *string  `json:"tenant_region_scope"`
	CloudInstanceName                 string   `json:"cloud_instance_name"`
	CloudGraphHostName                string   `json:"cloud_graph_host_name"`
	MSGraphHost                       string   `json:"msgraph_host"`
}

type instanceMetadata struct {
	PreferredNetwork string   `json:"preferred_network"`
	PreferredCache   string   `json:"preferred_cache"`
	Aliases          []string `json:"aliases"`
}

type instanceDiscovery struct {
	TenantDiscoveryEndpoint string             `json:"tenant_discovery_endpoint"`
	APIVersion              string             `json:"api-version"`
	Metadata                []instanceMetadata `json:"metadata"`
}

// knownTenant reports whether discovery documents exist for tenant: ours, or AAD's multi-tenant aliases.
func (i *Issuer) knownTenant(tenant string) bool {
	switch strings.ToLower(tenant) {
	case "common", "organizations":
		return true
	}
	return strings.EqualFold(tenant, i.cfg.Identity.TenantID)
}

func (i *Issuer) tenantNotFound(w http.ResponseWriter, r *http.Request, tenant string) {
	i.writeOAuthError(w, r, &aadError{http.StatusBadRequest, "invalid_tenant", 90002, fmt.Sprintf("Tenant '%s' "+
		"not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.", tenant)})
}

func (i *Issuer) serveOpenIDConfiguration(w http.ResponseWriter, r *http.Request) {
	tenant := r.PathValue("tenant")
	if !i.knownTenant(tenant) {
		i.tenantNotFound(w, r, tenant)
		return
	}
	issuerTenant := i.cfg.Identity.TenantID
	if !strings.EqualFold(tenant, issuerTenant) {
		issuerTenant = "{tenantid}" // AAD's literal placeholder for the multi-tenant documents
	}
	base := i.cfg.BaseURL + "/" + tenant
	writeAADJSON(w, http.StatusOK, openIDConfiguration{
		TokenEndpoint:                     base + "/oauth2/v2.0/token",
		TokenEndpointAuthMethodsSupported: []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		JWKSURI:                           base + "/discovery/v2.0/keys",
		ResponseModesSupported:            []string{"query", "fragment", "form_post"},
		SubjectTypesSupported:             []string{"pairwise"},
		IDTokenSigningAlgValuesSupported:  []string{"RS256"},
		ResponseTypesSupported:            []string{"code", "id_token", "code id_token", "id_token token"},
		ScopesSupported:                   []string{"openid", "profile", "email", "offline_access"},
		Issuer:                            i.cfg.BaseURL + "/" + issuerTenant + "/v2.0",
		AuthorizationEndpoint:             base + "/oauth2/v2.0/authorize",
		DeviceAuthorizationEndpoint:       base + "/oauth2/v2.0/devicecode",
		EndSessionEndpoint:                base + "/oauth2/v2.0/logout",
		CloudInstanceName:                 i.cfg.host(),
		CloudGraphHostName:                i.cfg.host(),
		MSGraphHost:                       i.cfg.host(),
	})
}

// serveInstanceDiscovery answers for our own host only: like AAD, an authorization_endpoint on any other host is
// an unknown instance (400 invalid_instance), which MSAL reports instead of silently trusting it.
func (i *Issuer) serveInstanceDiscovery(w http.ResponseWriter, r *http.Request) {
	tenant := "common"
	if ae := r.URL.Query().Get("authorization_endpoint"); ae != "" {
		u, err := url.Parse(ae)
		parts := []string{}
		if err == nil {
			parts = strings.Split(strings.Trim(u.Path, "/"), "/")
		}
		if err != nil || u.Scheme != "https" || !strings.EqualFold(u.Host, i.cfg.host()) || parts[0] == "" {
			i.writeOAuthError(w, r, &aadError{http.StatusBadRequest, "invalid_instance", 50049,
				"Unknown or invalid instance. Only " + i.cfg.BaseURL + " is served by this emulator."})
			return
		}
		tenant = parts[0]
	}
	host := i.cfg.host()
	writeAADJSON(w, http.StatusOK, instanceDiscovery{
		TenantDiscoveryEndpoint: i.cfg.BaseURL + "/" + tenant + "/v2.0/.well-known/openid-configuration",
		APIVersion:              "1.1",
		Metadata:                []instanceMetadata{{PreferredNetwork: host, PreferredCache: host, Aliases: []string{host}}},
	})
}

type jwks struct {
	Keys []JWK `json:"keys"`
}

func (i *Issuer) serveKeys(w http.ResponseWriter, r *http.Request) {
	if tenant := r.PathValue("tenant"); !i.knownTenant(tenant) {
		i.tenantNotFound(w, r, tenant)
		return
	}
	writeAADJSON(w, http.StatusOK, jwks{Keys: []JWK{i.cfg.Identity.JWK()}})
}
