package conformance

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestUnauthenticated: every ARM route needs a valid bearer token; without one, or with a bad one, the answer is
// 401 with a WWW-Authenticate Bearer challenge naming the authority, and ARM's error body.
func TestUnauthenticated(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.putWorkspace(exampleRG, "ws")
	paths := []string{
		"/providers/Microsoft.BatchAI/operations" + v,
		"/subscriptions/" + e.sub + "/providers/Microsoft.BatchAI/workspaces" + v,
		e.ws(exampleRG, "ws") + v,
		e.cluster(exampleRG, "ws", "c") + v,
		"/subscriptions/" + e.sub + "/providers/Microsoft.BatchAI/locations/eastus/usages" + v,
		"/foo",
	}
	for _, p := range paths {
		for _, tc := range []struct {
			name string
			opt  reqOpt
			code string
		}{
			{"no token", withoutAuth(), "AuthenticationFailed"},
			{"garbage token", withHeader("Authorization", "Bearer abc.def.ghi"), "InvalidAuthenticationToken"},
			{"tampered token", withHeader("Authorization", "Bearer "+tamper(e.token)), "InvalidAuthenticationToken"},
			{"basic auth", withHeader("Authorization", "Basic dXNlcjpwYXNz"), "AuthenticationFailed"},
		} {
			r := e.do("GET", p, nil, tc.opt).wantError(t, http.StatusUnauthorized, tc.code)
			ch := r.header.Get("WWW-Authenticate")
			if !strings.HasPrefix(ch, "Bearer ") || !strings.Contains(ch, "authorization_uri=") {
				t.Errorf("%s %s: WWW-Authenticate %q", tc.name, p, ch)
			}
		}
	}
	// A PUT without a token changes nothing.
	e.do("PUT", e.ws(exampleRG, "w2")+v, `{"location":"eastus"}`, withoutAuth()).want(t, 401)
	e.do("GET", e.ws(exampleRG, "w2")+v, nil).want(t, 404)
}

// tamper flips a character of the token's signature.
func tamper(tok string) string {
	b := []byte(tok)
	i := len(b) - 5
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

// TestTokenEndpoint: the client-credentials grant with other ARM scopes, and its failures in OAuth's shape.
func TestTokenEndpoint(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, scope := range []string{"https://management.azure.com/.default", "https://management.core.windows.net/.default"} {
		tok := e.fetchToken(scope)
		e.do("GET", "/subscriptions/"+e.sub+"/providers/Microsoft.BatchAI/workspaces"+v, nil,
			withHeader("Authorization", "Bearer "+tok)).want(t, 200)
	}
	endpoint := strings.TrimSuffix(e.inst.AuthorityHost, "/") + "/" + e.inst.TenantID + "/oauth2/v2.0/token"
	resp, err := e.hc.PostForm(endpoint, url.Values{
		"grant_type": {"client_credentials"}, "client_id": {e.inst.ClientID},
		"client_secret": {"wrong"}, "scope": {"https://management.azure.com/.default"},
	})
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != 401 && resp.StatusCode != 400 {
		t.Errorf("wrong client secret: %d", resp.StatusCode)
	}
	if resp.Header.Get("x-ms-request-id") == "" {
		t.Errorf("token endpoint error without x-ms-request-id")
	}
}

// TestExpiredToken: a token past its expiry is refused with ARM's ExpiredAuthenticationToken and a challenge.
func TestExpiredToken(t *testing.T) {
	t.Parallel()
	e := newPausedEnv(t)
	p := "/subscriptions/" + e.sub + "/providers/Microsoft.BatchAI/workspaces" + v
	e.do("GET", p, nil).want(t, 200)
	e.clock.Advance(25 * time.Hour)
	r := e.do("GET", p, nil).wantError(t, http.StatusUnauthorized, "ExpiredAuthenticationToken")
	if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer ") {
		t.Errorf("WWW-Authenticate %q", r.header.Get("WWW-Authenticate"))
	}
	e.token = e.fetchToken("https://management.azure.com/.default")
	e.do("GET", p, nil).want(t, 200)
}
