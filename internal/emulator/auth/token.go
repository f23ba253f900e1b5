package auth

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// Claims are the claims of an emulator access token, modeled on an Azure AD v1.0 app-only token for ARM.
// aud is a plain string as in AAD tokens (jwt.RegisteredClaims would encode it as an array).
type Claims struct {
	Audience         string           `json:"aud"`
	Issuer           string           `json:"iss"`
	IssuedAt         *jwt.NumericDate `json:"iat"`
	NotBefore        *jwt.NumericDate `json:"nbf"`
	ExpiresAt        *jwt.NumericDate `json:"exp"`
	AppID            string           `json:"appid"`    // v1.0 name of the client ID
	AuthorizedParty  string           `json:"azp"`      // v2.0 name of the client ID
	AppIDACR         string           `json:"appidacr"` // "1": the client authenticated with a secret
	IdentityType     string           `json:"idtyp"`    // "app": an app-only (client credentials) token
	IdentityProvider string           `json:"idp"`
	ObjectID         string           `json:"oid"`
	Subject          string           `json:"sub"`
	TenantID         string           `json:"tid"`
	TokenID          string           `json:"uti"`
	Version          string           `json:"ver"`
}

var _ jwt.Claims = (*Claims)(nil)

func (c *Claims) GetExpirationTime() (*jwt.NumericDate, error) { return c.ExpiresAt, nil }
func (c *Claims) GetIssuedAt() (*jwt.NumericDate, error)       { return c.IssuedAt, nil }
func (c *Claims) GetNotBefore() (*jwt.NumericDate, error)      { return c.NotBefore, nil }
func (c *Claims) GetIssuer() (string, error)                   { return c.Issuer, nil }
func (c *Claims) GetSubject() (string, error)                  { return c.Subject, nil }
func (c *Claims) GetAudience() (jwt.ClaimStrings, error)       { return jwt.ClaimStrings{c.Audience}, nil }

// IssuerFor is the iss claim of tokens for tenant: the v1.0 STS issuer, which is what ARM expects.
func IssuerFor(tenant string) string { return "https://sts.windows.net/" + tenant + "/" }

// ADFSIssuer is the iss claim of tokens from the AD FS-style authority at baseURL: the authority URL itself, as AD FS
// writes it in its OpenID configuration.
func ADFSIssuer(baseURL string) string { return strings.TrimSuffix(baseURL, "/") + ADFSPath }

// newClaims builds the claims of an app-only token for the default principal of id and audience, valid from now for
// lifetime.
func newClaims(id *Identity, audience string, now time.Time, lifetime time.Duration) *Claims {
	return newClaimsFor(id, id.Default(), IssuerFor(id.TenantID), audience, now, lifetime)
}

// newClaimsFor builds the claims of an app-only token for principal sp of id's tenant, issued by issuer.
func newClaimsFor(id *Identity, sp ServicePrincipal, issuer, audience string, now time.Time, lifetime time.Duration) *Claims {
	now = now.Truncate(time.Second)
	return &Claims{
		Audience:         audience,
		Issuer:           issuer,
		IssuedAt:         jwt.NewNumericDate(now),
		NotBefore:        jwt.NewNumericDate(now),
		ExpiresAt:        jwt.NewNumericDate(now.Add(lifetime)),
		AppID:            sp.ClientID,
		AuthorizedParty:  sp.ClientID,
		AppIDACR:         "1",
		IdentityType:     "app",
		IdentityProvider: issuer,
		ObjectID:         sp.ObjectID,
		Subject:          sp.ObjectID,
		TenantID:         id.TenantID,
		TokenID:          uuid.NewString(),
		Version:          "1.0",
	}
}

// sign serializes claims as an RS256 JWT whose kid header names the identity's key, as AAD does.
func (id *Identity) sign(c *Claims) (string, error) {
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
	tok.Header["kid"] = id.KeyID
	s, err := tok.SignedString(id.key)
	if err != nil {
		return "", fmt.Errorf("auth: signing token: %w", err)
	}
	return s, nil
}

// parse verifies the signature (RS256 with the identity's key only), exp (required) and nbf with the given leeway.
// Audience, issuer and tenant are checked by the caller so that each failure maps to its own ARM error code.
func (id *Identity) parse(raw string, now func() time.Time, leeway time.Duration) (*Claims, error) {
	c := &Claims{}
	p := jwt.NewParser(
		jwt.WithValidMethods([]string{jwt.SigningMethodRS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithLeeway(leeway),
		jwt.WithTimeFunc(now),
	)
	_, err := p.ParseWithClaims(raw, c, func(t *jwt.Token) (any, error) {
		if kid, _ := t.Header["kid"].(string); kid != id.KeyID {
			return nil, errors.New("unknown signing key")
		}
		return id.PublicKey(), nil
	})
	if err != nil {
		return c, err
	}
	return c, nil
}
