package conformance

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestMalformedPaths: dot segments, empty segments, encoded slashes (inside a name or trailing), encoded backslashes,
// control characters and double encodings are answered with ARM's JSON error (4xx), never a redirect, and never
// reach another resource. Requests go out exactly as written (Go's client neither cleans nor re-encodes a path it
// parsed) and redirects are not followed, so a 3xx would be seen. (A broken escape such as "%zz" or a raw control
// character cannot be sent this way: Go's HTTP server refuses such a request line before any handler, as ARM's
// front door does.)
func TestMalformedPaths(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.putWorkspace(exampleRG, "ws")
	e.putWorkspace(exampleRG, "a")
	noRedirect := *e.hc
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	ws := e.ws(exampleRG, "ws")
	wsA := e.ws(exampleRG, "a")
	clusterJSON, err := json.Marshal(minimalCluster(t, e))
	if err != nil {
		t.Fatal(err)
	}
	cluster := string(clusterJSON)
	for _, tc := range []struct {
		name, method, path string
		body               string
	}{
		{"dot segments", "GET", ws + "/clusters/../../a", ""},
		{"dot segment", "GET", e.rg(exampleRG) + "/./providers/Microsoft.BatchAI/workspaces/ws", ""},
		{"encoded dot segments", "GET", ws + "/clusters/%2E%2E/%2e%2e/a", ""},
		{"empty segment", "GET", e.rg(exampleRG) + "//providers/Microsoft.BatchAI/workspaces/ws", ""},
		{"leading double slash", "GET", "/" + ws, ""},
		{"trailing double slash", "GET", ws + "//", ""},
		{"encoded slash in a name", "PUT", wsA + "%2Fclusters%2Fb", cluster},
		{"trailing encoded slash", "PUT", e.ws(exampleRG, "x%2F"), `{"location":"eastus"}`},
		{"encoded backslash", "PUT", e.ws(exampleRG, "x%5Cy"), `{"location":"eastus"}`},
		{"NUL in a name", "GET", e.ws(exampleRG, "ws%00"), ""},
		{"newline in a name", "PUT", e.ws(exampleRG, "w%0As"), `{"location":"eastus"}`},
		{"DEL in a name", "GET", e.ws(exampleRG, "ws%7F"), ""},
		{"double encoding", "GET", e.ws(exampleRG, "ws%252F"), ""},
		{"dot segment on the token endpoint", "POST", "/" + e.inst.TenantID + "/oauth2/../oauth2/v2.0/token", "grant_type=x"},
		{"dot segment on the metadata", "GET", "/metadata/./endpoints", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := e.base + tc.path + v
			if strings.HasPrefix(tc.path, "/metadata") {
				u = e.base + tc.path + "?api-version=2022-09-01"
			}
			req, err := http.NewRequest(tc.method, u, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+e.token)
			req.Header.Set("Content-Type", "application/json")
			resp, err := noRedirect.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = resp.Body.Close() }()
			raw, _ := io.ReadAll(resp.Body)
			var body struct {
				Error struct{ Code, Message string }
			}
			if resp.StatusCode < 400 || resp.StatusCode >= 500 || json.Unmarshal(raw, &body) != nil || body.Error.Code == "" ||
				!strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
				t.Errorf("%s %s: %d %s %q, want a 4xx ARM error", tc.method, tc.path, resp.StatusCode,
					resp.Header.Get("Content-Type"), raw)
			}
			if loc := resp.Header.Get("Location"); loc != "" {
				t.Errorf("%s %s: Location %q: a malformed path must not redirect", tc.method, tc.path, loc)
			}
		})
	}
	// Nothing was created through a malformed path: no cluster b in workspace a, no workspace x or w\ns.
	e.do("GET", wsA+"/clusters/b"+v, nil).want(t, 404)
	r := e.do("GET", e.rg(exampleRG)+"/providers/Microsoft.BatchAI/workspaces"+v, nil).want(t, 200)
	var names []string
	list, _ := r.body["value"].([]any)
	for _, w := range list {
		names = append(names, str(w, "name"))
	}
	if strings.Join(names, ",") != "a,ws" {
		t.Errorf("workspaces after the malformed requests: %v", names)
	}
	// A single trailing slash stays accepted, and names the same workspace.
	if got := e.do("GET", ws+"/"+v, nil).want(t, 200); str(got.body, "id") != ws {
		t.Errorf("trailing slash: id %q", str(got.body, "id"))
	}
}
