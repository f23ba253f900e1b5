package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// Principal is the caller Authenticate let through, available to handlers via PrincipalFromContext (for example to
// name the caller in an AuthorizationFailed message).
type Principal struct {
	TenantID  string
	ObjectID  string
	AppID     string
	Audience  string
	ExpiresAt time.Time
}

type principalKey struct{}

// PrincipalFromContext returns the authenticated caller of a request that went through Authenticate.
func PrincipalFromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// authFailure is one rejection: HTTP status, ARM error code and message. Messages never contain the token.
type authFailure struct {
	status        int
	code, message string
	description   string // WWW-Authenticate error_description; defaults to message
}

// Authenticate guards ARM routes the way ARM's front door does: it requires "Authorization: Bearer <jwt>" signed by
// cfg.Identity, unexpired (with cfg.ClockSkew), for one of cfg.Audiences and cfg.Identity's tenant (issued by its
// AAD-style or AD FS-style authority), and for /subscriptions/{id}/... paths it requires one of the identity's
// subscriptions. It does not decide what the caller may do: that is the emulator's authorization, which knows the
// routes and the role assignments, and answers 403 AuthorizationFailed. Rejections use ARM's codes:
// 401 AuthenticationFailed (header missing or malformed), InvalidAuthenticationToken (bad token or signature),
// ExpiredAuthenticationToken, InvalidAuthenticationTokenAudience, InvalidAuthenticationTokenTenant — all with a
// WWW-Authenticate challenge naming the authority — then 400 InvalidSubscriptionId or 404 SubscriptionNotFound.
//
// It panics if cfg is invalid (see NewIssuer), which is a programming error caught at start-up.
func Authenticate(next http.Handler, cfg Config) http.Handler {
	cfg, err := cfg.withDefaults()
	if err != nil {
		panic(err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, fail := cfg.authenticate(r)
		if fail == nil {
			fail = cfg.checkSubscription(r.URL.Path)
		}
		if fail != nil {
			cfg.reject(w, fail)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
	})
}

// Authenticate is the package-level Authenticate with the issuer's configuration.
func (i *Issuer) Authenticate(next http.Handler) http.Handler { return Authenticate(next, i.cfg) }

func (c Config) authenticate(r *http.Request) (Principal, *authFailure) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return Principal{}, &authFailure{http.StatusUnauthorized, "AuthenticationFailed",
			"Authentication failed. The 'Authorization' header is missing.",
			"The authentication failed because of missing 'Authorization' header."}
	}
	scheme, raw, ok := strings.Cut(h, " ")
	raw = strings.TrimSpace(raw)
	if !ok || !strings.EqualFold(scheme, "Bearer") || raw == "" {
		return Principal{}, &authFailure{http.StatusUnauthorized, "AuthenticationFailed",
			"Authentication failed. The 'Authorization' header is provided in an invalid format.", ""}
	}
	id := c.Identity
	claims, err := id.parse(raw, c.Now, c.ClockSkew)
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return Principal{}, &authFailure{http.StatusUnauthorized, "ExpiredAuthenticationToken", fmt.Sprintf(
			"The access token expiry UTC time '%s' is earlier than current UTC time '%s'.",
			armTime(claims.ExpiresAt), armTime(jwt.NewNumericDate(c.Now()))), ""}
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return Principal{}, &authFailure{http.StatusUnauthorized, "InvalidAuthenticationToken", fmt.Sprintf(
			"The access token is not valid before UTC time '%s'; current UTC time is '%s'.",
			armTime(claims.NotBefore), armTime(jwt.NewNumericDate(c.Now()))), ""}
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		return Principal{}, &authFailure{http.StatusUnauthorized, "InvalidAuthenticationToken",
			"The access token is invalid: its signature could not be verified with the emulator's signing key.", ""}
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return Principal{}, &authFailure{http.StatusUnauthorized, "InvalidAuthenticationToken",
			"The access token is invalid: it has no expiry ('exp') claim.", ""}
	case err != nil:
		return Principal{}, &authFailure{http.StatusUnauthorized, "InvalidAuthenticationToken",
			"The access token is invalid.", ""}
	}
	wantIss := IssuerFor(id.TenantID)
	// Tokens of the AD FS-style authority name it as their issuer; they belong to the same (only) directory.
	knownIss := strings.EqualFold(claims.Issuer, wantIss) || strings.EqualFold(claims.Issuer, ADFSIssuer(c.BaseURL))
	if !strings.EqualFold(claims.TenantID, id.TenantID) || !knownIss {
		if knownIss {
			claims.Issuer = IssuerFor(claims.TenantID) // name the tenant that is actually wrong
		}
		return Principal{}, &authFailure{http.StatusUnauthorized, "InvalidAuthenticationTokenTenant", fmt.Sprintf(
			"The access token is from the wrong issuer '%s'. It must match the tenant '%s' associated with this "+
				"subscription. Please use the authority (URL) '%s/%s' to get the token.",
			sanitize(claims.Issuer), wantIss, c.BaseURL, id.TenantID), ""}
	}
	if !c.acceptedAudience(claims.Audience) {
		quoted := make([]string, len(c.Audiences))
		for i, a := range c.Audiences {
			quoted[i] = "'" + a + "'"
		}
		return Principal{}, &authFailure{http.StatusUnauthorized, "InvalidAuthenticationTokenAudience", fmt.Sprintf(
			"The access token has been obtained for wrong audience or resource '%s'. It should exactly match with "+
				"one of the allowed audiences %s.", sanitize(claims.Audience), strings.Join(quoted, ",")), ""}
	}
	return Principal{TenantID: claims.TenantID, ObjectID: claims.ObjectID, AppID: claims.AppID,
		Audience: claims.Audience, ExpiresAt: claims.ExpiresAt.Time}, nil
}

// checkSubscription lets /subscriptions/{id}/... through only for the tenant's subscriptions (case-insensitive, as
// ARM paths are). Any other well-formed GUID is a subscription that does not exist, which ARM reports as 404. Whether
// the caller may use a subscription that exists is the resource side's authorization, not authentication.
func (c Config) checkSubscription(path string) *authFailure {
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if len(segs) < 2 || !strings.EqualFold(segs[0], "subscriptions") || segs[1] == "" {
		return nil
	}
	sub := segs[1]
	if _, err := uuid.Parse(sub); err != nil || len(sub) != 36 {
		return &authFailure{http.StatusBadRequest, "InvalidSubscriptionId", fmt.Sprintf(
			"The provided subscription identifier '%s' is malformed or invalid.", sanitize(sub)), ""}
	}
	for _, known := range c.Identity.Subscriptions() {
		if strings.EqualFold(sub, known) {
			return nil
		}
	}
	return &authFailure{http.StatusNotFound, "SubscriptionNotFound",
		fmt.Sprintf("The subscription '%s' could not be found.", sub), ""}
}

func (c Config) reject(w http.ResponseWriter, f *authFailure) {
	if f.status == http.StatusUnauthorized {
		desc := f.description
		if desc == "" {
			desc = f.message
		}
		// azcore parses challenge parameters as quoted strings, so a '"' inside would truncate the description.
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer authorization_uri="%s/%s", error="invalid_token", error_description="%s"`,
			c.BaseURL, c.Identity.TenantID, strings.ReplaceAll(desc, `"`, "'")))
	}
	writeARMError(w, f.status, f.code, f.message)
}

// armTime formats like ARM's .NET-generated messages, e.g. '5/1/2023 10:00:00 AM'.
func armTime(d *jwt.NumericDate) string {
	if d == nil {
		return "(none)"
	}
	return d.UTC().Format("1/2/2006 3:04:05 PM")
}

// sanitize bounds and cleans attacker-controlled values before they are echoed in messages and headers.
func sanitize(s string) string {
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return '?'
		}
		return r
	}, s)
}
