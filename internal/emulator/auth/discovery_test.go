package auth

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func (e *testEnv) getJSON(t *testing.T, path string, v any) int {
	t.Helper()
	resp, err := e.client.Get(e.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return resp.StatusCode
}

func TestOpenIDConfiguration(t *testing.T) {
	e := newTestEnv(t, nil)
	tenant := e.id.TenantID
	var doc openIDConfiguration
	if st := e.getJSON(t, "/"+tenant+"/v2.0/.well-known/openid-configuration", &doc); st != 200 {
		t.Fatalf("status %d", st)
	}
	base := e.base + "/" + tenant
	if doc.TokenEndpoint != base+"/oauth2/v2.0/token" || doc.AuthorizationEndpoint != base+"/oauth2/v2.0/authorize" ||
		doc.Issuer != base+"/v2.0" || doc.JWKSURI != base+"/discovery/v2.0/keys" {
		t.Errorf("%+v", doc)
	}
	var common openIDConfiguration
	if st := e.getJSON(t, "/common/v2.0/.well-known/openid-configuration", &common); st != 200 || !strings.Contains(common.Issuer, "{tenantid}") {
		t.Errorf("common: %d %q", st, common.Issuer)
	}
	var oe oauthError
	if st := e.getJSON(t, "/33333333-3333-3333-3333-333333333333/v2.0/.well-known/openid-configuration", &oe); st != 400 || oe.Error != "invalid_tenant" {
		t.Errorf("unknown tenant: %d %+v", st, oe)
	}
}

func TestInstanceDiscovery(t *testing.T) {
	e := newTestEnv(t, nil)
	host := strings.TrimPrefix(e.base, "https://")
	tests := []struct {
		name, authz string
		status      int
		wantTenant  string
	}{
		{"our host", e.base + "/" + e.id.TenantID + "/oauth2/v2.0/authorize", 200, e.id.TenantID},
		{"no authorization_endpoint", "", 200, "common"},
		{"foreign host", "https://login.example.com/" + e.id.TenantID + "/oauth2/v2.0/authorize", 400, ""},
		{"http", "http://" + host + "/t/oauth2/v2.0/authorize", 400, ""},
		{"no tenant", e.base + "/", 400, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := url.Values{"api-version": {"1.1"}}
			if tc.authz != "" {
				q.Set("authorization_endpoint", tc.authz)
			}
			var raw map[string]any
			st := e.getJSON(t, "/common/discovery/instance?"+q.Encode(), &raw)
			if st != tc.status {
				t.Fatalf("status %d: %v", st, raw)
			}
			if tc.status != 200 {
				if raw["error"] != "invalid_instance" {
					t.Errorf("%v", raw)
				}
				return
			}
			b, _ := json.Marshal(raw)
			var d instanceDiscovery
			_ = json.Unmarshal(b, &d)
			want := e.base + "/" + tc.wantTenant + "/v2.0/.well-known/openid-configuration"
			if d.TenantDiscoveryEndpoint != want || d.APIVersion != "1.1" || len(d.Metadata) != 1 ||
				d.Metadata[0].PreferredNetwork != host || d.Metadata[0].PreferredCache != host ||
				len(d.Metadata[0].Aliases) != 1 || d.Metadata[0].Aliases[0] != host {
				t.Errorf("%s", b)
			}
		})
	}
}

func TestJWKS(t *testing.T) {
	e := newTestEnv(t, nil)
	var set jwks
	if st := e.getJSON(t, "/"+e.id.TenantID+"/discovery/v2.0/keys", &set); st != 200 || len(set.Keys) != 1 || set.Keys[0] != e.id.JWK() {
		t.Fatalf("%d %+v", st, set)
	}
	resp, err := e.client.Post(e.base+"/"+e.id.TenantID+"/discovery/v2.0/keys", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	// POST is not an issuer route, so it falls through to the ARM catch-all and needs a token.
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("POST keys: %d", resp.StatusCode)
	}
}
