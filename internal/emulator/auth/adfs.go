package auth

import "net/http"

// The AD FS-style authority, beside the AAD-style one. Azure Stack Hub signs clients in through AD FS, and clients
// treat an authority whose path is /adfs specially: MSAL (Python 1.21, in azure-cli 2.45) skips its instance
// discovery, which for any other unknown authority calls login.microsoftonline.com (unreachable here, and unaware of
// a private authority) and cannot be turned off in that release. azure-cli uses such an authority as it is, without
// a tenant, and MSAL reads <authority>/.well-known/openid-configuration (no /v2.0 for AD FS), then posts to the
// token endpoint it names. The tokens are the emulator's usual app-only tokens with the authority as issuer, so the
// ARM endpoint accepts them; errors keep AAD's OAuth shape.

// ADFSPath is the path of the AD FS-style authority on the emulator's origin.
const ADFSPath = "/adfs"

// adfsConfiguration is the subset of AD FS's OpenID Provider metadata that clients read.
type adfsConfiguration struct {
	Issuer                            string   `json:"issuer"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint"`
	TokenEndpoint                     string   `json:"token_endpoint"`
	JWKSURI                           string   `json:"jwks_uri"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
	ResponseTypesSupported            []string `json:"response_types_supported"`
	ResponseModesSupported            []string `json:"response_modes_supported"`
	GrantTypesSupported               []string `json:"grant_types_supported"`
	SubjectTypesSupported             []string `json:"subject_types_supported"`
	ScopesSupported                   []string `json:"scopes_supported"`
	IDTokenSigningAlgValuesSupported  []string `json:"id_token_signing_alg_values_supported"`
	AccessTokenIssuer                 string   `json:"access_token_issuer"`
	DeviceAuthorizationEndpoint       string   `json:"device_authorization_endpoint"`
	EndSessionEndpoint                string   `json:"end_session_endpoint"`
}

func (i *Issuer) serveADFSConfiguration(w http.ResponseWriter, _ *http.Request) {
	base := i.ADFSAuthority()
	writeAADJSON(w, http.StatusOK, adfsConfiguration{
		Issuer:                            ADFSIssuer(i.cfg.BaseURL),
		AuthorizationEndpoint:             base + "/oauth2/authorize",
		TokenEndpoint:                     base + "/oauth2/token",
		JWKSURI:                           base + "/discovery/keys",
		TokenEndpointAuthMethodsSupported: []string{"client_secret_post", "client_secret_basic"},
		ResponseTypesSupported:            []string{"code", "id_token", "code id_token", "id_token token"},
		ResponseModesSupported:            []string{"query", "fragment", "form_post"},
		GrantTypesSupported:               []string{"client_credentials"},
		SubjectTypesSupported:             []string{"pairwise"},
		ScopesSupported:                   []string{"openid", "profile", "email", "user_impersonation"},
		IDTokenSigningAlgValuesSupported:  []string{"RS256"},
		AccessTokenIssuer:                 ADFSIssuer(i.cfg.BaseURL),
		DeviceAuthorizationEndpoint:       base + "/oauth2/devicecode",
		EndSessionEndpoint:                base + "/oauth2/logout",
	})
}

func (i *Issuer) serveADFSToken(w http.ResponseWriter, r *http.Request) { i.issueFromForm(w, r, true) }

func (i *Issuer) serveADFSKeys(w http.ResponseWriter, _ *http.Request) {
	writeAADJSON(w, http.StatusOK, jwks{Keys: []JWK{i.cfg.Identity.JWK()}})
}
