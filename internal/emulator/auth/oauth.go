package auth

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/uuid"
)

// maxFormBytes bounds a token request body; real ones are well under 1 KiB (or a few KiB with an assertion).
const maxFormBytes = 64 << 10

const clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// oidcScopes are the scopes MSAL appends to every request ("openid offline_access profile"); AAD ignores them for
// the client credentials grant, and so do we.
var oidcScopes = map[string]bool{"openid": true, "offline_access": true, "profile": true, "email": true}

// tokenResponse is AAD's v2.0 token endpoint success body.
type tokenResponse struct {
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	ExtExpiresIn int64  `json:"ext_expires_in"`
	AccessToken  string `json:"access_token"`
}

// oauthError is AAD's OAuth error body. MSAL surfaces error and error_description to the user.
type oauthError struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	ErrorCodes       []int  `json:"error_codes"`
	Timestamp        string `json:"timestamp"`
	TraceID          string `json:"trace_id"`
	CorrelationID    string `json:"correlation_id"`
	ErrorURI         string `json:"error_uri"`
}

// aadError is one AAD failure: HTTP status, OAuth error, AADSTS code and description.
type aadError struct {
	status int
	err    string
	code   int
	desc   string
}

func missingParam(name string) *aadError {
	return &aadError{http.StatusBadRequest, "invalid_request", 900144,
		fmt.Sprintf("The request body must contain the following parameter: '%s'.", name)}
}

// serveToken is the v2.0 token endpoint of the AAD-style authority: POST /{tenant}/oauth2/v2.0/token.
func (i *Issuer) serveToken(w http.ResponseWriter, r *http.Request) {
	i.issueFromForm(w, r, false)
}

// issueFromForm answers a client credentials request of either authority. The AD FS-style one has no tenant in its
// path and also takes the v1 "resource" parameter instead of a scope, as AD FS does.
func (i *Issuer) issueFromForm(w http.ResponseWriter, r *http.Request, adfs bool) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		i.writeOAuthError(w, r, &aadError{http.StatusBadRequest, "invalid_request", 900144,
			"The request body could not be parsed as application/x-www-form-urlencoded."})
		return
	}
	if !adfs {
		if tenant := r.PathValue("tenant"); !strings.EqualFold(tenant, i.cfg.Identity.TenantID) {
			i.writeOAuthError(w, r, &aadError{http.StatusBadRequest, "invalid_request", 90002, fmt.Sprintf("Tenant '%s' "+
				"not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.", tenant)})
			return
		}
	}
	sp, aerr := i.checkTokenRequest(r)
	if aerr != nil {
		i.writeOAuthError(w, r, aerr)
		return
	}
	var aud string
	if res := r.PostForm.Get("resource"); adfs && res != "" && r.PostForm.Get("scope") == "" {
		aud, aerr = i.audienceFromResource(res)
	} else {
		aud, aerr = i.audienceFromScope(r.PostForm.Get("scope"))
	}
	if aerr != nil {
		i.writeOAuthError(w, r, aerr)
		return
	}
	issuer := IssuerFor(i.cfg.Identity.TenantID)
	if adfs {
		issuer = ADFSIssuer(i.cfg.BaseURL)
	}
	token, exp, err := i.issue(sp, issuer, aud)
	if err != nil {
		i.writeOAuthError(w, r, &aadError{http.StatusInternalServerError, "server_error", 50000, "Token signing failed."})
		return
	}
	// AAD reports one second less than the token's real lifetime (3599 for an hour).
	in := int64(exp.Sub(i.cfg.Now()).Seconds()) - 1
	if in < 1 {
		in = 1
	}
	writeAADJSON(w, http.StatusOK, tokenResponse{TokenType: "Bearer", ExpiresIn: in, ExtExpiresIn: in, AccessToken: token})
}

// checkTokenRequest validates a client credentials request in AAD's order and returns the principal it
// authenticates. Only body parameters count (PostForm): AAD ignores credentials in the query string.
func (i *Issuer) checkTokenRequest(r *http.Request) (ServicePrincipal, *aadError) {
	id, form := i.cfg.Identity, r.PostForm
	grant := form.Get("grant_type")
	switch {
	case grant == "":
		return ServicePrincipal{}, missingParam("grant_type")
	case grant != "client_credentials":
		return ServicePrincipal{}, &aadError{http.StatusBadRequest, "unsupported_grant_type", 70003,
			fmt.Sprintf("The app requested an unsupported grant type '%s'.", sanitize(grant))}
	}
	clientID, secret := form.Get("client_id"), form.Get("client_secret")
	if u, p, ok := r.BasicAuth(); ok { // client_secret_basic, advertised in the OpenID configuration
		clientID, secret = u, p
	}
	if clientID == "" {
		return ServicePrincipal{}, missingParam("client_id")
	}
	sp, ok := id.PrincipalByClientID(clientID)
	if !ok {
		return ServicePrincipal{}, &aadError{http.StatusBadRequest, "unauthorized_client", 700016, fmt.Sprintf("Application with "+
			"identifier '%s' was not found in the directory '%s'. This can happen if the application has not been "+
			"installed by the administrator of the tenant or consented to by any user in the tenant. You may have "+
			"sent your authentication request to the wrong tenant.", sanitize(clientID), id.TenantID)}
	}
	if err := checkClientCredential(sp, secret, form.Get("client_assertion_type"), form.Get("client_assertion")); err != nil {
		return ServicePrincipal{}, err
	}
	return sp, nil
}

func checkClientCredential(sp ServicePrincipal, secret, assertionType, assertion string) *aadError {
	switch {
	case secret != "":
		if subtle.ConstantTimeCompare([]byte(secret), []byte(sp.ClientSecret)) != 1 {
			return &aadError{http.StatusUnauthorized, "invalid_client", 7000215, "Invalid client secret provided. " +
				"Ensure the secret being sent in the request is the client secret value, not the client secret ID, " +
				"for a secret added to app '" + sp.ClientID + "'."}
		}
		return nil
	case assertion != "" && assertionType == clientAssertionType:
		// The emulator's applications have no certificate or federated credential registered, so, like AAD for
		// such an app, no assertion can be valid.
		return &aadError{http.StatusUnauthorized, "invalid_client", 700027, "Client assertion failed signature " +
			"validation. No certificate or federated credential is registered for app '" + sp.ClientID +
			"' in the emulator; use its client secret."}
	case assertion != "":
		return &aadError{http.StatusBadRequest, "invalid_request", 50027,
			"Invalid client_assertion_type; expected '" + clientAssertionType + "'."}
	}
	return &aadError{http.StatusUnauthorized, "invalid_client", 7000218,
		"The request body must contain the following parameter: 'client_assertion' or 'client_secret'."}
}

// audienceFromResource checks a v1 "resource" parameter (AD FS and ADAL clients send one instead of a scope).
func (i *Issuer) audienceFromResource(resource string) (string, *aadError) {
	if !i.cfg.acceptedAudience(resource) {
		return "", i.unknownResource(resource)
	}
	return resource, nil
}

func (i *Issuer) unknownResource(aud string) *aadError {
	return &aadError{http.StatusBadRequest, "invalid_resource", 500011, fmt.Sprintf("The resource "+
		"principal named %s was not found in the tenant named %s. This can happen if the application has not "+
		"been installed by the administrator of the tenant or consented to by any user in the tenant. You "+
		"might have sent your authentication request to the wrong tenant.", sanitize(aud), i.cfg.Identity.TenantID)}
}

// audienceFromScope extracts "<resource>" from "<resource>/.default" (ignoring OIDC scopes) and checks it is
// a resource this tenant knows.
func (i *Issuer) audienceFromScope(scope string) (string, *aadError) {
	var resources []string
	for _, s := range strings.Fields(scope) {
		if !oidcScopes[strings.ToLower(s)] {
			resources = append(resources, s)
		}
	}
	switch {
	case strings.TrimSpace(scope) == "":
		return "", missingParam("scope")
	case len(resources) == 0:
		return "", &aadError{http.StatusBadRequest, "invalid_scope", 1002012, "The provided value for scope " +
			scope + " is not valid. Client credential flows must have a scope value with /.default suffixed to " +
			"the resource identifier (application ID URI)."}
	case len(resources) > 1:
		return "", &aadError{http.StatusBadRequest, "invalid_scope", 28000, "Provided value for the input " +
			"parameter scope is not valid because it contains more than one resource. Scope " + scope + " is not valid."}
	}
	aud, ok := strings.CutSuffix(resources[0], "/.default")
	if !ok || aud == "" {
		return "", &aadError{http.StatusBadRequest, "invalid_scope", 1002012, "The provided value for scope " +
			resources[0] + " is not valid. Client credential flows must have a scope value with /.default " +
			"suffixed to the resource identifier (application ID URI)."}
	}
	if !i.cfg.acceptedAudience(aud) {
		return "", i.unknownResource(aud)
	}
	return aud, nil
}

// writeOAuthError writes e in AAD's shape, including the trace/correlation/timestamp trailer AAD appends to
// error_description. The correlation ID echoes MSAL's client-request-id header so logs can be matched up.
func (i *Issuer) writeOAuthError(w http.ResponseWriter, r *http.Request, e *aadError) {
	trace := uuid.NewString()
	corr := r.Header.Get("client-request-id")
	if _, err := uuid.Parse(corr); err != nil {
		corr = uuid.NewString()
	}
	ts := i.cfg.Now().UTC().Format("2006-01-02 15:04:05Z")
	writeAADJSON(w, e.status, oauthError{
		Error: e.err,
		ErrorDescription: fmt.Sprintf("AADSTS%d: %s Trace ID: %s Correlation ID: %s Timestamp: %s",
			e.code, e.desc, trace, corr, ts),
		ErrorCodes:    []int{e.code},
		Timestamp:     ts,
		TraceID:       trace,
		CorrelationID: corr,
		ErrorURI:      fmt.Sprintf("%s/error?code=%d", i.cfg.BaseURL, e.code),
	})
}

// writeAADJSON writes an identity-platform JSON response. Token responses must never be cached.
func writeAADJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store, no-cache")
	h.Set("Pragma", "no-cache")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
