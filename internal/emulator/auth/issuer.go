// Package auth provides the emulator's TLS material and an Azure-AD-style token issuer and checker.
//
// The issuer speaks enough of the Microsoft identity platform (OAuth 2.0 client credentials, OpenID discovery, MSAL
// instance discovery, JWKS) for azidentity/MSAL to obtain tokens from it unmodified; Authenticate then checks those
// tokens on ARM routes the way ARM does, with ARM's error codes.
package auth

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ARMAudience is the classic ARM token audience. azcore's public-cloud ResourceManager audience is exactly this
// string, so clients request the scope "https://management.core.windows.net//.default" (note the double slash).
const ARMAudience = "https://management.core.windows.net/"

// DefaultTokenLifetime matches the usual Azure AD access token lifetime.
const DefaultTokenLifetime = time.Hour

// DefaultClockSkew is the leeway on exp/nbf; 5 minutes is the Microsoft identity stack's default.
const DefaultClockSkew = 5 * time.Minute

// Config configures the issuer and Authenticate. Only BaseURL and Identity are required.
type Config struct {
	// BaseURL is the emulator's external origin, e.g. "https://127.0.0.1:8443" (no path; a trailing "/" is
	// ignored). Clients set cloud.Configuration.ActiveDirectoryAuthorityHost to BaseURL + "/".
	BaseURL  string
	Identity *Identity
	// Audiences are the resources tokens may be issued for and that Authenticate accepts, compared
	// case-insensitively and with or without a trailing slash. Default: DefaultAudiences(BaseURL).
	Audiences []string
	// TokenLifetime of issued tokens; default DefaultTokenLifetime.
	TokenLifetime time.Duration
	// ClockSkew tolerated when checking exp and nbf; default DefaultClockSkew. Negative means none.
	ClockSkew time.Duration
	// Now is the clock; default time.Now. Tests inject a fake one.
	Now func() time.Time
}

// DefaultAudiences are ARM's two public audiences plus the emulator's own URL, which is what SDKs use as the
// audience when a cloud is discovered from /metadata/endpoints.
func DefaultAudiences(baseURL string) []string {
	return []string{ARMAudience, "https://management.azure.com/", strings.TrimSuffix(baseURL, "/") + "/"}
}

func (c Config) withDefaults() (Config, error) {
	if c.Identity == nil || c.Identity.key == nil {
		return c, errors.New("auth: Config.Identity is required (use LoadOrCreateIdentity)")
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || u.Scheme != "https" || u.Host == "" || strings.Trim(u.Path, "/") != "" || u.RawQuery != "" {
		return c, errors.New(`auth: Config.BaseURL must be an https origin such as "https://127.0.0.1:8443"`)
	}
	c.BaseURL = "https://" + strings.ToLower(u.Host) // MSAL lower-cases the authority; compare like it does
	if len(c.Audiences) == 0 {
		c.Audiences = DefaultAudiences(c.BaseURL)
	}
	if c.TokenLifetime <= 0 {
		c.TokenLifetime = DefaultTokenLifetime
	}
	if c.ClockSkew == 0 {
		c.ClockSkew = DefaultClockSkew
	} else if c.ClockSkew < 0 {
		c.ClockSkew = 0
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}

// host is BaseURL's host[:port], the form MSAL uses in instance metadata.
func (c Config) host() string { return strings.TrimPrefix(c.BaseURL, "https://") }

// acceptedAudience reports whether aud is one of the configured audiences.
func (c Config) acceptedAudience(aud string) bool {
	for _, a := range c.Audiences {
		if strings.EqualFold(strings.TrimSuffix(a, "/"), strings.TrimSuffix(aud, "/")) {
			return true
		}
	}
	return false
}

// Issuer serves the Azure-AD-style endpoints.
type Issuer struct {
	cfg Config
}

// NewIssuer validates cfg and returns an issuer.
func NewIssuer(cfg Config) (*Issuer, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Issuer{cfg: cfg}, nil
}

// Register mounts the identity and metadata endpoints on mux:
//
//	POST /{tenant}/oauth2/v2.0/token                     client credentials grant
//	GET  /{tenant}/v2.0/.well-known/openid-configuration MSAL tenant discovery
//	GET  /common/discovery/instance                      MSAL instance discovery
//	GET  /{tenant}/discovery/v2.0/keys                   JWKS
//	GET  /adfs/.well-known/openid-configuration          the AD FS-style authority's discovery (see adfs.go)
//	POST /adfs/oauth2/token                              its client credentials grant
//	GET  /adfs/discovery/keys                            its JWKS
//	GET  /metadata/endpoints                             ARM cloud metadata (azurerm metadata_host, az cloud register)
//
// The {tenant} wildcards would conflict with a catch-all ARM pattern that has a literal first segment and a
// wildcard rest (e.g. "/subscriptions/{rest...}"); mount ARM routes under "/" and route them yourself, or
// register these on a separate prefix-free mux. None of these endpoints require a token.
func (i *Issuer) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/token", i.serveToken)
	mux.HandleFunc("GET /{tenant}/v2.0/.well-known/openid-configuration", i.serveOpenIDConfiguration)
	mux.HandleFunc("GET /common/discovery/instance", i.serveInstanceDiscovery)
	mux.HandleFunc("GET /{tenant}/discovery/v2.0/keys", i.serveKeys)
	mux.HandleFunc("GET "+ADFSPath+"/.well-known/openid-configuration", i.serveADFSConfiguration)
	mux.HandleFunc("POST "+ADFSPath+"/oauth2/token", i.serveADFSToken)
	mux.HandleFunc("GET "+ADFSPath+"/discovery/keys", i.serveADFSKeys)
	mux.Handle("GET /metadata/endpoints", MetadataHandler(i.cfg.BaseURL))
}

// IssueToken mints a token of the default principal for audience exactly as the token endpoint would, for tests and
// tools that do not want an HTTP round trip. audience must be one of Config.Audiences.
func (i *Issuer) IssueToken(audience string) (token string, expiresOn time.Time, err error) {
	return i.IssueTokenFor(i.cfg.Identity.Default(), audience)
}

// IssueTokenFor is IssueToken for any principal, including one the tenant does not know (to test how ARM refuses
// it): the token names sp's client and object IDs and is signed like every other.
func (i *Issuer) IssueTokenFor(sp ServicePrincipal, audience string) (token string, expiresOn time.Time, err error) {
	return i.issue(sp, IssuerFor(i.cfg.Identity.TenantID), audience)
}

func (i *Issuer) issue(sp ServicePrincipal, issuer, audience string) (token string, expiresOn time.Time, err error) {
	if !i.cfg.acceptedAudience(audience) {
		return "", time.Time{}, errors.New("auth: audience " + audience + " is not configured")
	}
	c := newClaimsFor(i.cfg.Identity, sp, issuer, audience, i.cfg.Now(), i.cfg.TokenLifetime)
	token, err = i.cfg.Identity.sign(c)
	return token, c.ExpiresAt.Time, err
}

// ADFSAuthority is the URL of the AD FS-style authority (no tenant: AD FS has one directory).
func (i *Issuer) ADFSAuthority() string { return i.cfg.BaseURL + ADFSPath }

// Config returns the effective configuration (with defaults applied).
func (i *Issuer) Config() Config { return i.cfg }
