package auth

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func (e *testEnv) postToken(t *testing.T, tenant string, form url.Values, basic []string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.base+"/"+tenant+"/oauth2/v2.0/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("client-request-id", "0b5d1cde-6a02-4f34-8e2a-2f0a7d2a9c11")
	if basic != nil {
		req.SetBasicAuth(basic[0], basic[1])
	}
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = resp.Body.Close() })
	return resp
}

func TestTokenEndpointErrors(t *testing.T) {
	e := newTestEnv(t, newFakeClock())
	id := e.id
	good := func() url.Values {
		return url.Values{"grant_type": {"client_credentials"}, "client_id": {id.ClientID},
			"client_secret": {id.ClientSecret}, "scope": {ARMAudience + "/.default openid offline_access profile"}}
	}
	with := func(k, v string) url.Values { f := good(); f.Set(k, v); return f }
	without := func(k string) url.Values { f := good(); f.Del(k); return f }
	tests := []struct {
		name   string
		tenant string
		form   url.Values
		status int
		err    string
		code   int
	}{
		{"unknown tenant", "11111111-1111-1111-1111-111111111111", good(), 400, "invalid_request", 90002},
		{"missing grant_type", id.TenantID, without("grant_type"), 400, "invalid_request", 900144},
		{"password grant", id.TenantID, with("grant_type", "password"), 400, "unsupported_grant_type", 70003},
		{"missing client_id", id.TenantID, without("client_id"), 400, "invalid_request", 900144},
		{"unknown client_id", id.TenantID, with("client_id", "22222222-2222-2222-2222-222222222222"), 400, "unauthorized_client", 700016},
		{"bad secret", id.TenantID, with("client_secret", "not-the-secret"), 401, "invalid_client", 7000215},
		{"no credential", id.TenantID, without("client_secret"), 401, "invalid_client", 7000218},
		{"client assertion", id.TenantID, func() url.Values {
			f := without("client_secret")
			f.Set("client_assertion_type", clientAssertionType)
			f.Set("client_assertion", "eyJhbGciOi.x.y")
			return f
		}(), 401, "invalid_client", 700027},
		{"missing scope", id.TenantID, without("scope"), 400, "invalid_request", 900144},
		{"scope without .default", id.TenantID, with("scope", "https://management.azure.com/user_impersonation"), 400, "invalid_scope", 1002012},
		{"only oidc scopes", id.TenantID, with("scope", "openid profile"), 400, "invalid_scope", 1002012},
		{"two resources", id.TenantID, with("scope", ARMAudience+"/.default https://graph.microsoft.com/.default"), 400, "invalid_scope", 28000},
		{"unknown resource", id.TenantID, with("scope", "https://vault.azure.net/.default"), 400, "invalid_resource", 500011},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := e.postToken(t, tc.tenant, tc.form, nil)
			if resp.StatusCode != tc.status {
				t.Errorf("status = %d, want %d", resp.StatusCode, tc.status)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("content-type %q", ct)
			}
			var body oauthError
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			wantPrefix := "AADSTS" + itoa(tc.code) + ": "
			if body.Error != tc.err || len(body.ErrorCodes) != 1 || body.ErrorCodes[0] != tc.code ||
				!strings.HasPrefix(body.ErrorDescription, wantPrefix) {
				t.Errorf("body = %+v", body)
			}
			if body.CorrelationID != "0b5d1cde-6a02-4f34-8e2a-2f0a7d2a9c11" || body.TraceID == "" || body.Timestamp != "2024-05-01 10:00:00Z" {
				t.Errorf("trailer fields = %q %q %q", body.CorrelationID, body.TraceID, body.Timestamp)
			}
			if strings.Contains(body.ErrorDescription, id.ClientSecret) {
				t.Error("error echoes the client secret")
			}
		})
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestTokenEndpointIssuesARMToken(t *testing.T) {
	clock := newFakeClock()
	e := newTestEnv(t, clock)
	id := e.id
	tests := []struct {
		name, scope, wantAud string
		basic                bool
	}{
		{"msal style scope", ARMAudience + "/.default openid offline_access profile", ARMAudience, false},
		{"management.azure.com", "https://management.azure.com/.default", "https://management.azure.com", false},
		{"emulator url", e.base + "//.default", e.base + "/", false},
		{"client_secret_basic", ARMAudience + "/.default", ARMAudience, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			form := url.Values{"grant_type": {"client_credentials"}, "scope": {tc.scope}}
			var basic []string
			if tc.basic {
				basic = []string{id.ClientID, id.ClientSecret}
			} else {
				form.Set("client_id", strings.ToUpper(id.ClientID)) // GUIDs compare case-insensitively
				form.Set("client_secret", id.ClientSecret)
			}
			resp := e.postToken(t, strings.ToUpper(id.TenantID), form, basic)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if resp.Header.Get("Cache-Control") == "" {
				t.Error("token response is cacheable")
			}
			var tr tokenResponse
			if err := json.NewDecoder(resp.Body).Decode(&tr); err != nil {
				t.Fatal(err)
			}
			if tr.TokenType != "Bearer" || tr.ExpiresIn != 3599 || tr.ExtExpiresIn != 3599 {
				t.Errorf("response %+v", tr)
			}
			c, err := id.parse(tr.AccessToken, clock.Now, 0)
			if err != nil {
				t.Fatal(err)
			}
			want := Claims{Audience: tc.wantAud, Issuer: "https://sts.windows.net/" + id.TenantID + "/", TenantID: id.TenantID,
				AppID: id.ClientID, AuthorizedParty: id.ClientID, ObjectID: id.ObjectID, Subject: id.ObjectID, Version: "1.0"}
			got := Claims{Audience: c.Audience, Issuer: c.Issuer, TenantID: c.TenantID, AppID: c.AppID,
				AuthorizedParty: c.AuthorizedParty, ObjectID: c.ObjectID, Subject: c.Subject, Version: c.Version}
			if got != want {
				t.Errorf("claims\n got %+v\nwant %+v", got, want)
			}
			if !c.IssuedAt.Equal(clock.Now()) || !c.NotBefore.Equal(clock.Now()) || !c.ExpiresAt.Equal(clock.Now().Add(time.Hour)) {
				t.Errorf("times iat=%v nbf=%v exp=%v", c.IssuedAt, c.NotBefore, c.ExpiresAt)
			}
			hdr, _, _ := jwt.NewParser().ParseUnverified(tr.AccessToken, &Claims{})
			if hdr.Header["kid"] != id.KeyID || hdr.Header["alg"] != "RS256" {
				t.Errorf("header %v", hdr.Header)
			}
		})
	}
}

func TestTokenLifetimeConfigurable(t *testing.T) {
	clock := newFakeClock()
	iss, err := NewIssuer(Config{BaseURL: "https://127.0.0.1:1", Identity: testIdentity(t), Now: clock.Now, TokenLifetime: 10 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	_, exp, err := iss.IssueToken(ARMAudience)
	if err != nil || !exp.Equal(clock.Now().Add(10*time.Minute)) {
		t.Fatalf("exp %v err %v", exp, err)
	}
	if _, _, err := iss.IssueToken("https://vault.azure.net"); err == nil {
		t.Fatal("token issued for an unconfigured audience")
	}
}

func TestNewIssuerValidatesConfig(t *testing.T) {
	id := testIdentity(t)
	for _, base := range []string{"", "http://127.0.0.1:1", "https://", "https://h/path", "https://h?x=1"} {
		if _, err := NewIssuer(Config{BaseURL: base, Identity: id}); err == nil {
			t.Errorf("BaseURL %q accepted", base)
		}
	}
	if _, err := NewIssuer(Config{BaseURL: "https://h"}); err == nil {
		t.Error("missing identity accepted")
	}
	iss, err := NewIssuer(Config{BaseURL: "https://LocalHost:8443/", Identity: id})
	if err != nil || iss.Config().BaseURL != "https://localhost:8443" {
		t.Errorf("normalized base = %q, %v", iss.Config().BaseURL, err)
	}
}
