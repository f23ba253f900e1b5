package auth

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestADFSAuthority: the AD FS-style authority publishes its OpenID configuration at <authority>/.well-known/...
// (no tenant, no /v2.0, as MSAL reads it for an authority ending in /adfs), its token endpoint issues tokens for both
// principals with a scope or a v1 resource, and Authenticate accepts them.
func TestADFSAuthority(t *testing.T) {
	clock := newFakeClock()
	e := newTestEnv(t, clock)
	id := e.id
	var doc adfsConfiguration
	if st := e.getJSON(t, "/adfs/.well-known/openid-configuration", &doc); st != 200 {
		t.Fatalf("status %d", st)
	}
	authority := e.base + "/adfs"
	if doc.Issuer != authority || doc.TokenEndpoint != authority+"/oauth2/token" ||
		doc.AuthorizationEndpoint != authority+"/oauth2/authorize" || doc.JWKSURI != authority+"/discovery/keys" {
		t.Errorf("%+v", doc)
	}
	var keys jwks
	if st := e.getJSON(t, "/adfs/discovery/keys", &keys); st != 200 || len(keys.Keys) != 1 || keys.Keys[0].Kid != id.KeyID {
		t.Errorf("keys: %d %+v", st, keys)
	}
	post := func(form url.Values) *http.Response {
		t.Helper()
		resp, err := e.client.PostForm(doc.TokenEndpoint, form)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = resp.Body.Close() })
		return resp
	}
	for _, tc := range []struct {
		name string
		sp   ServicePrincipal
		form url.Values
	}{
		{"scope", id.Default(), url.Values{"scope": {ARMAudience + "/.default"}}},
		{"v1 resource", id.Default(), url.Values{"resource": {ARMAudience}}},
		{"reader", id.Reader, url.Values{"scope": {ARMAudience + "/.default"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form := tc.form
			form.Set("grant_type", "client_credentials")
			form.Set("client_id", tc.sp.ClientID)
			form.Set("client_secret", tc.sp.ClientSecret)
			resp := post(form)
			var tr tokenResponse
			if err := json.NewDecoder(resp.Body).Decode(&tr); err != nil || resp.StatusCode != 200 {
				t.Fatalf("%d %v", resp.StatusCode, err)
			}
			c, err := id.parse(tr.AccessToken, clock.Now, 0)
			if err != nil {
				t.Fatal(err)
			}
			if c.Issuer != authority || c.ObjectID != tc.sp.ObjectID || c.AppID != tc.sp.ClientID || c.TenantID != id.TenantID {
				t.Errorf("claims %+v", c)
			}
			rec := httptest.NewRecorder()
			req := httptest.NewRequest("GET", "/subscriptions/"+id.SubscriptionID+"/resourcegroups", nil)
			req.Header.Set("Authorization", "Bearer "+tr.AccessToken)
			e.issuer.Authenticate(armOK).ServeHTTP(rec, req)
			if rec.Code != 200 || rec.Header().Get("X-Test-Principal") != tc.sp.ObjectID {
				t.Errorf("ARM refused an AD FS token: %d %s", rec.Code, rec.Body)
			}
		})
	}
	// The reader's secret does not open the default principal, and unknown clients are refused.
	for _, tc := range []struct {
		name, client, secret, err string
	}{
		{"secret of another principal", id.ClientID, id.Reader.ClientSecret, "invalid_client"},
		{"unknown client", "44444444-4444-4444-4444-444444444444", id.ClientSecret, "unauthorized_client"},
	} {
		resp := post(url.Values{"grant_type": {"client_credentials"}, "client_id": {tc.client},
			"client_secret": {tc.secret}, "scope": {ARMAudience + "/.default"}})
		var oe oauthError
		if err := json.NewDecoder(resp.Body).Decode(&oe); err != nil || oe.Error != tc.err {
			t.Errorf("%s: %d %+v", tc.name, resp.StatusCode, oe)
		}
	}
}

// TestMetadataOriginalShape: 2015-01-01 is the single legacy object msrestazure reads for `az cloud register
// --endpoint-resource-manager`; its loginEndpoint is the AD FS-style authority and audiences[0] an ARM audience.
func TestMetadataOriginalShape(t *testing.T) {
	base := "https://127.0.0.1:8443"
	rec := httptest.NewRecorder()
	MetadataHandler(base).ServeHTTP(rec, httptest.NewRequest("GET", "/metadata/endpoints?api-version=2015-01-01", nil))
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil || rec.Code != 200 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	keys := func(m map[string]any) []string {
		var out []string
		for k := range m {
			out = append(out, k)
		}
		return out
	}
	authn, _ := doc["authentication"].(map[string]any)
	if len(doc) != 4 || doc["galleryEndpoint"] == nil || doc["graphEndpoint"] == nil || doc["portalEndpoint"] == nil ||
		authn == nil || len(authn) != 2 {
		t.Fatalf("keys %v / %v", keys(doc), keys(authn))
	}
	if authn["loginEndpoint"] != base+"/adfs" {
		t.Errorf("loginEndpoint %v", authn["loginEndpoint"])
	}
	if aud, _ := authn["audiences"].([]any); len(aud) == 0 || aud[0] != ARMAudience {
		t.Errorf("audiences %v", authn["audiences"])
	}
}

// TestIdentityUpgrade: an identity file from before the reader and the other subscription keeps every value it had
// and gains them, once: the next load reads the same ones.
func TestIdentityUpgrade(t *testing.T) {
	dir := t.TempDir()
	orig, err := LoadOrCreateIdentity(dir)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, IdentityFile)
	var j map[string]any
	raw, _ := os.ReadFile(path)
	if err := json.Unmarshal(raw, &j); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"other_subscription_id", "reader_client_id", "reader_client_secret", "reader_object_id"} {
		if j[k] == "" || j[k] == nil {
			t.Fatalf("a new identity lacks %s", k)
		}
		delete(j, k)
	}
	old, _ := json.Marshal(j)
	if err := os.WriteFile(path, old, 0o600); err != nil {
		t.Fatal(err)
	}
	up, err := LoadOrCreateIdentity(dir)
	if err != nil {
		t.Fatal(err)
	}
	if up.TenantID != orig.TenantID || up.SubscriptionID != orig.SubscriptionID || up.ClientID != orig.ClientID ||
		up.ClientSecret != orig.ClientSecret || up.KeyID != orig.KeyID {
		t.Fatal("the upgrade changed existing values")
	}
	if up.Reader.ClientID == "" || up.Reader.ObjectID == "" || len(up.Reader.ClientSecret) != 40 ||
		up.OtherSubscriptionID == "" || up.OtherSubscriptionID == up.SubscriptionID || up.Reader.ClientID == orig.Reader.ClientID {
		t.Fatalf("reader %+v, other subscription %q", up.Reader, up.OtherSubscriptionID)
	}
	again, err := LoadOrCreateIdentity(dir)
	if err != nil {
		t.Fatal(err)
	}
	if again.Reader != up.Reader || again.OtherSubscriptionID != up.OtherSubscriptionID {
		t.Error("the completed identity was not saved")
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v after the upgrade", st.Mode().Perm())
	}
	if p, ok := again.PrincipalByClientID(strings.ToUpper(again.Reader.ClientID)); !ok || p != again.Reader {
		t.Error("PrincipalByClientID does not find the reader case-insensitively")
	}
}
