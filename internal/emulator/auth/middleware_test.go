package auth

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// signWith signs claims with an arbitrary key/method/kid, to forge tokens the emulator must reject.
func signWith(t *testing.T, c *Claims, method jwt.SigningMethod, key any, kid string) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, c)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAuthenticate(t *testing.T) {
	clock := newFakeClock()
	id := testIdentity(t)
	base := "https://127.0.0.1:8443"
	cfg := Config{BaseURL: base, Identity: id, Now: clock.Now}
	h := Authenticate(armOK, cfg)
	claims := func(mut func(*Claims)) *Claims {
		c := newClaims(id, ARMAudience, clock.Now(), time.Hour)
		if mut != nil {
			mut(c)
		}
		return c
	}
	valid := func(mut func(*Claims)) string { tok, _ := id.sign(claims(mut)); return "Bearer " + tok }
	good := valid(nil)
	otherKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	tampered := func() string {
		parts := strings.Split(strings.TrimPrefix(good, "Bearer "), ".")
		forged := claims(func(c *Claims) { c.ObjectID = "attacker" })
		b, _ := json.Marshal(forged)
		parts[1] = base64.RawURLEncoding.EncodeToString(b) // new payload, original signature
		return "Bearer " + strings.Join(parts, ".")
	}()
	sub := "/subscriptions/" + id.SubscriptionID + "/resourceGroups/rg/providers/Microsoft.BatchAI/workspaces/ws"

	tests := []struct {
		name    string
		auth    string
		path    string
		advance time.Duration
		status  int
		code    string
	}{
		{"valid", good, sub, 0, 200, ""},
		{"valid, upper-case subscription path", good, strings.ToUpper(sub), 0, 200, ""},
		{"valid, no subscription in path", good, "/providers/Microsoft.BatchAI/operations", 0, 200, ""},
		{"valid, subscription list", good, "/subscriptions", 0, 200, ""},
		{"lower-case bearer scheme", "bearer " + strings.TrimPrefix(good, "Bearer "), sub, 0, 200, ""},
		{"aud without trailing slash", valid(func(c *Claims) { c.Audience = "https://management.core.windows.net" }), sub, 0, 200, ""},
		{"aud management.azure.com", valid(func(c *Claims) { c.Audience = "https://management.azure.com/" }), sub, 0, 200, ""},
		{"aud emulator url", valid(func(c *Claims) { c.Audience = base }), sub, 0, 200, ""},
		{"within clock skew after exp", good, sub, time.Hour + 4*time.Minute, 200, ""},
		{"missing header", "", sub, 0, 401, "AuthenticationFailed"},
		{"basic scheme", "Basic dXNlcjpwYXNz", sub, 0, 401, "AuthenticationFailed"},
		{"bearer without token", "Bearer ", sub, 0, 401, "AuthenticationFailed"},
		{"garbage token", "Bearer not-a-jwt", sub, 0, 401, "InvalidAuthenticationToken"},
		{"tampered payload", tampered, sub, 0, 401, "InvalidAuthenticationToken"},
		{"signed by another key", "Bearer " + signWith(t, claims(nil), jwt.SigningMethodRS256, otherKey, id.KeyID), sub, 0, 401, "InvalidAuthenticationToken"},
		{"unknown kid", "Bearer " + signWith(t, claims(nil), jwt.SigningMethodRS256, otherKey, "other"), sub, 0, 401, "InvalidAuthenticationToken"},
		{"alg none", "Bearer " + signWith(t, claims(nil), jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, id.KeyID), sub, 0, 401, "InvalidAuthenticationToken"},
		{"HS256 with public key bytes", "Bearer " + signWith(t, claims(nil), jwt.SigningMethodHS256, id.PublicKey().N.Bytes(), id.KeyID), sub, 0, 401, "InvalidAuthenticationToken"},
		{"expired", good, sub, time.Hour + 6*time.Minute, 401, "ExpiredAuthenticationToken"},
		{"no exp", valid(func(c *Claims) { c.ExpiresAt = nil }), sub, 0, 401, "InvalidAuthenticationToken"},
		{"not yet valid", valid(func(c *Claims) { c.NotBefore = jwt.NewNumericDate(clock.Now().Add(time.Hour)) }), sub, 0, 401, "InvalidAuthenticationToken"},
		{"wrong audience", valid(func(c *Claims) { c.Audience = "https://vault.azure.net" }), sub, 0, 401, "InvalidAuthenticationTokenAudience"},
		{"wrong tenant", valid(func(c *Claims) { c.TenantID = "44444444-4444-4444-4444-444444444444" }), sub, 0, 401, "InvalidAuthenticationTokenTenant"},
		{"wrong issuer", valid(func(c *Claims) { c.Issuer = "https://sts.windows.net/44444444-4444-4444-4444-444444444444/" }), sub, 0, 401, "InvalidAuthenticationTokenTenant"},
		{"AD FS-style issuer", valid(func(c *Claims) { c.Issuer = ADFSIssuer(base) }), sub, 0, 200, ""},
		{"AD FS-style issuer, other tenant", valid(func(c *Claims) {
			c.Issuer, c.TenantID = ADFSIssuer(base), "44444444-4444-4444-4444-444444444444"
		}), sub, 0, 401, "InvalidAuthenticationTokenTenant"},
		{"AD FS-style issuer of another host", valid(func(c *Claims) { c.Issuer = "https://adfs.example.com/adfs" }), sub, 0, 401, "InvalidAuthenticationTokenTenant"},
		{"the other subscription passes authentication (authorization refuses it)", good,
			"/subscriptions/" + id.OtherSubscriptionID + "/resourceGroups/rg", 0, 200, ""},
		{"wrong subscription", good, "/subscriptions/55555555-5555-5555-5555-555555555555/resourceGroups/rg", 0, 404, "SubscriptionNotFound"},
		{"malformed subscription", good, "/subscriptions/not-a-guid/resourceGroups/rg", 0, 400, "InvalidSubscriptionId"},
		{"auth is checked before subscription", "", "/subscriptions/55555555-5555-5555-5555-555555555555", 0, 401, "AuthenticationFailed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clock.Advance(tc.advance)
			defer clock.Advance(-tc.advance)
			req := httptest.NewRequest(http.MethodGet, "https://127.0.0.1:8443"+tc.path+"?api-version=2018-05-01", nil)
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tc.status, rec.Body)
			}
			if tc.status == 200 {
				if rec.Header().Get("X-Test-Principal") != id.ObjectID {
					t.Error("principal not passed to the handler")
				}
				return
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("content-type %q", ct)
			}
			var body armErrorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			t.Logf("%d %s", rec.Code, rec.Body) // -v shows every message, to review them against ARM's
			if body.Error.Code != tc.code || body.Error.Message == "" {
				t.Errorf("error = %+v, want code %s", body.Error, tc.code)
			}
			www := rec.Header().Get("WWW-Authenticate")
			if tc.status == 401 {
				prefix := `Bearer authorization_uri="` + base + "/" + id.TenantID + `", error="invalid_token", error_description="`
				if !strings.HasPrefix(www, prefix) || !strings.HasSuffix(www, `"`) || strings.Count(www, `"`) != 6 {
					t.Errorf("WWW-Authenticate = %q", www)
				}
			} else if www != "" {
				t.Errorf("unexpected challenge on %d", tc.status)
			}
			if tok := strings.TrimSpace(strings.TrimPrefix(tc.auth, "Bearer")); len(tok) > 8 &&
				(strings.Contains(rec.Body.String(), tok) || strings.Contains(www, tok)) {
				t.Error("response echoes the token")
			}
		})
	}
}

func TestExpiredMessageUsesARMFormat(t *testing.T) {
	clock := newFakeClock()
	id := testIdentity(t)
	tok, _ := id.sign(newClaims(id, ARMAudience, clock.Now(), time.Hour))
	clock.Advance(2 * time.Hour)
	req := httptest.NewRequest(http.MethodGet, "/providers/Microsoft.BatchAI/operations", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	rec := httptest.NewRecorder()
	Authenticate(armOK, Config{BaseURL: "https://h", Identity: id, Now: clock.Now}).ServeHTTP(rec, req)
	want := "The access token expiry UTC time '5/1/2024 11:00:00 AM' is earlier than current UTC time '5/1/2024 12:00:00 PM'."
	if !strings.Contains(rec.Body.String(), want) {
		t.Fatalf("body %s", rec.Body)
	}
}

func TestAuthenticatePanicsOnBadConfig(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	Authenticate(armOK, Config{BaseURL: "https://h"})
}
