package conformance

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// Microsoft.Resources subscriptions and tenants, the metadata document azure-cli reads, and authorization, checked
// the way azure-cli 2.45 and MSAL 1.21 use them: raw HTTP and JSON only.

// keysOf returns the sorted member names of a JSON object.
func keysOf(m any) []string {
	obj, _ := m.(map[string]any)
	var out []string
	for k := range obj {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// postTokenTo posts a client-credentials form to a token endpoint and returns the access token.
func (e *env) postTokenTo(endpoint string, form url.Values) string {
	e.t.Helper()
	form.Set("grant_type", "client_credentials")
	resp, err := e.hc.PostForm(endpoint, form)
	if err != nil {
		e.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != http.StatusOK || body.AccessToken == "" {
		e.t.Fatalf("token from %s: %d %v", endpoint, resp.StatusCode, err)
	}
	return body.AccessToken
}

// TestSubscriptionsListShape: Subscriptions_List at azure-cli 2.45's 2019-11-01 has exactly the members az login
// stores, and Tenants_List the members of that version.
func TestSubscriptionsListShape(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.do("GET", "/subscriptions?api-version=2019-11-01", nil).want(t, 200)
	list, _ := r.body["value"].([]any)
	if len(list) != 1 {
		t.Fatalf("value: %s", r.raw)
	}
	want := []string{"authorizationSource", "displayName", "id", "managedByTenants", "state", "subscriptionId",
		"subscriptionPolicies", "tenantId"}
	if got := keysOf(list[0]); !slices.Equal(got, want) {
		t.Errorf("subscription members %v, want %v", got, want)
	}
	if str(list[0], "id") != "/subscriptions/"+e.sub || str(list[0], "state") != "Enabled" ||
		str(list[0], "tenantId") != e.inst.TenantID {
		t.Errorf("subscription %s", r.raw)
	}
	if got := keysOf(object(t, list[0], "subscriptionPolicies")); !slices.Equal(got, []string{"locationPlacementId", "quotaId", "spendingLimit"}) {
		t.Errorf("subscriptionPolicies members %v", got)
	}
	r = e.do("GET", "/tenants?api-version=2019-11-01", nil).want(t, 200)
	tenants, _ := r.body["value"].([]any)
	if len(tenants) != 1 || !slices.Equal(keysOf(tenants[0]), []string{"country", "countryCode", "displayName", "domains",
		"id", "tenantCategory", "tenantId"}) || str(tenants[0], "tenantId") != e.inst.TenantID {
		t.Errorf("tenants %s", r.raw)
	}
}

// TestShortCloudRegisterChain follows what `az cloud register --endpoint-resource-manager` and `az login` do, step by
// step: the 2015-01-01 document, its loginEndpoint's OpenID configuration as MSAL reads it for an AD FS authority
// (no tenant, no /v2.0), a token from the token endpoint it names for audiences[0], and ARM accepting that token.
func TestShortCloudRegisterChain(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.do("GET", "/metadata/endpoints?api-version=2015-01-01", nil, withoutAuth()).want(t, 200)
	if got := keysOf(r.body); !slices.Equal(got, []string{"authentication", "galleryEndpoint", "graphEndpoint", "portalEndpoint"}) {
		t.Fatalf("2015-01-01 members %v", got)
	}
	authn := object(t, r.body, "authentication")
	login := str(authn, "loginEndpoint")
	audiences, _ := authn["audiences"].([]any)
	if !strings.HasSuffix(login, "/adfs") || len(audiences) == 0 {
		t.Fatalf("authentication %v", authn)
	}
	oidc := e.do("GET", login+"/.well-known/openid-configuration", nil, withoutAuth()).want(t, 200)
	tokenEndpoint := str(oidc.body, "token_endpoint")
	if str(oidc.body, "authorization_endpoint") == "" || !strings.HasPrefix(tokenEndpoint, login+"/") {
		t.Fatalf("AD FS OpenID configuration %s", oidc.raw)
	}
	audience, _ := audiences[0].(string)
	e.token = e.postTokenTo(tokenEndpoint, url.Values{"client_id": {e.inst.ClientID},
		"client_secret": {e.inst.ClientSecret}, "scope": {audience + ".default"}})
	e.do("GET", "/subscriptions?api-version=2019-11-01", nil).want(t, 200)
	e.do("PUT", e.ws(exampleRG, "adfs")+v, `{"location":"eastus"}`).want(t, 200, 202)
}

// TestReaderAndOtherSubscription: the reader signs in (either authority), reads, and every write is ARM's 403 with
// its message; the other subscription refuses the owner with 403, and an unknown one is 404.
func TestReaderAndOtherSubscription(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.putWorkspace(exampleRG, "ws")
	owner := e.token
	aad := strings.TrimSuffix(e.inst.AuthorityHost, "/") + "/" + e.inst.TenantID + "/oauth2/v2.0/token"
	adfs := e.inst.ADFSAuthority + "/oauth2/token"
	for name, endpoint := range map[string]string{"AAD-style": aad, "AD FS-style": adfs} {
		e.token = e.postTokenTo(endpoint, url.Values{"client_id": {e.inst.ReaderClientID},
			"client_secret": {e.inst.ReaderClientSecret}, "scope": {"https://management.azure.com/.default"}})
		e.do("GET", e.ws(exampleRG, "ws")+v, nil).want(t, 200)
		e.do("GET", e.rg(exampleRG)+"/providers/Microsoft.BatchAI/workspaces"+v, nil).want(t, 200)
		for _, w := range []struct{ method, path, action string }{
			{"PUT", e.ws(exampleRG, "ws2"), "Microsoft.BatchAI/workspaces/write"},
			{"DELETE", e.ws(exampleRG, "ws"), "Microsoft.BatchAI/workspaces/delete"},
			{"PUT", e.cluster(exampleRG, "ws", "c"), "Microsoft.BatchAI/workspaces/clusters/write"},
			{"POST", e.cluster(exampleRG, "ws", "c") + "/listRemoteLoginInformation",
				"Microsoft.BatchAI/workspaces/clusters/remoteLoginInformation/action"},
			{"PUT", e.rg("readers"), "Microsoft.Resources/subscriptions/resourcegroups/write"},
		} {
			q := v
			if strings.HasSuffix(w.path, "readers") {
				q = rgAPIVersion
			}
			r := e.do(w.method, w.path+q, `{"location":"eastus"}`).wantError(t, http.StatusForbidden, "AuthorizationFailed")
			scope := strings.TrimSuffix(w.path, "/listRemoteLoginInformation")
			want := "The client '" + e.inst.ReaderObjectID + "' with object id '" + e.inst.ReaderObjectID + "' does not " +
				"have authorization to perform action '" + w.action + "' over scope '" + scope + "' or the scope is " +
				"invalid. If access was recently granted, please refresh your credentials."
			if r.message() != want {
				t.Errorf("%s: %s %s: %q\nwant %q", name, w.method, w.path, r.message(), want)
			}
		}
	}
	e.do("GET", e.ws(exampleRG, "ws2")+v, nil, withHeader("Authorization", "Bearer "+owner)).want(t, 404)
	e.token = owner
	other := "/subscriptions/" + e.inst.OtherSubscriptionID
	e.do("GET", other+"/resourcegroups"+rgAPIVersion, nil).wantError(t, http.StatusForbidden, "AuthorizationFailed")
	e.do("PUT", other+"/resourcegroups/x"+rgAPIVersion, `{"location":"eastus"}`).wantError(t, http.StatusForbidden, "AuthorizationFailed")
	e.do("GET", other+"/providers/Microsoft.BatchAI/workspaces"+v, nil).wantError(t, http.StatusForbidden, "AuthorizationFailed")
	e.do("GET", "/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups"+rgAPIVersion, nil).
		wantError(t, http.StatusNotFound, "SubscriptionNotFound")
	// A tenant the emulator does not have issues no token.
	resp, err := e.hc.PostForm(strings.TrimSuffix(e.inst.AuthorityHost, "/")+"/00000000-0000-0000-0000-000000000002/oauth2/v2.0/token",
		url.Values{"grant_type": {"client_credentials"}, "client_id": {e.inst.ClientID}, "client_secret": {e.inst.ClientSecret},
			"scope": {"https://management.azure.com/.default"}})
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("token from an unknown tenant: %d", resp.StatusCode)
	}
}
