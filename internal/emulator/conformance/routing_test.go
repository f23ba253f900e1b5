package conformance

import (
	"net/http"
	"strings"
	"testing"
)

// TestCaseInsensitivePaths: ARM matches the literal segments of a path case-insensitively
// (resourcegroups, microsoft.batchai, Clusters...) and returns IDs in their canonical casing.
func TestCaseInsensitivePaths(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sub := "/subscriptions/" + e.sub
	ws := sub + "/resourcegroups/" + exampleRG + "/providers/microsoft.batchai/Workspaces/ws"
	r := e.do("PUT", ws+v, `{"location":"eastus"}`).want(t, 200, 202)
	if r.status == 202 {
		e.pollAsync(r)
	}
	canonical := e.ws(exampleRG, "ws")
	for _, p := range []string{ws, strings.ToUpper(sub) + "/RESOURCEGROUPS/" + exampleRG + "/PROVIDERS/MICROSOFT.BATCHAI/WORKSPACES/ws",
		sub + "/ResourceGroups/" + exampleRG + "/Providers/Microsoft.BatchAi/workspaces/ws"} {
		got := e.do("GET", p+v, nil).want(t, 200)
		if str(got.body, "id") != canonical {
			t.Errorf("GET %s: id %q, want %q", p, str(got.body, "id"), canonical)
		}
	}
	cl := ws + "/Clusters/c1"
	r = e.do("PUT", cl+v, minimalCluster(t, e)).want(t, 202)
	e.pollAsync(r)
	if got := e.do("GET", canonical+"/CLUSTERS/c1"+v, nil).want(t, 200); str(got.body, "id") != canonical+"/clusters/c1" {
		t.Errorf("cluster id %q", str(got.body, "id"))
	}
	e.do("GET", ws+"/clusters"+v, nil).want(t, 200)
	e.do("POST", ws+"/clusters/c1/ListRemoteLoginInformation"+v, nil).want(t, 200)
	e.do("PATCH", ws+"/CLUSTERS/c1"+v, exampleBody(t, e, "PatchCluster.json")).want(t, 200)
	fs := ws + "/FILESERVERS/fs1"
	r = e.do("PUT", fs+v, fileServerBody(t, e)).want(t, 202)
	e.pollAsync(r)
	e.do("GET", canonical+"/fileservers/fs1"+v, nil).want(t, 200)
	e.do("GET", ws+"/fileServers"+v, nil).want(t, 200)
	e.do("GET", "/PROVIDERS/microsoft.batchai/Operations"+v, nil).want(t, 200)
	e.do("GET", sub+"/Providers/Microsoft.BatchAI/Locations/EastUS/Usages"+v, nil).want(t, 200)
	e.do("GET", sub+"/providers/microsoft.batchai/workspaces"+v, nil).want(t, 200)
	// Polling URLs too.
	r = e.do("DELETE", cl+v, nil).want(t, 202)
	e.do("GET", strings.Replace(r.header.Get("Azure-AsyncOperation"), "/providers/Microsoft.BatchAI/locations/",
		"/PROVIDERS/microsoft.batchai/Locations/", 1), nil).want(t, 200)
	// Names are case-insensitive as well: the same workspace under another casing.
	e.do("GET", e.ws(exampleRG, "WS")+v, nil).want(t, 200)
	e.do("GET", e.ws(strings.ToUpper(exampleRG), "ws")+v, nil).want(t, 200)
}

// TestUnknownRoutes: anything the provider does not serve is a 404 (or 400 for an unknown namespace) with ARM's
// error body, never an HTML or plain-text page.
func TestUnknownRoutes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.putWorkspace(exampleRG, "ws")
	for _, p := range []string{
		"/foo",
		"/",
		"/subscriptions/" + e.sub + "/providers/Microsoft.BatchAI/clusters",
		e.rg(exampleRG) + "/providers/Microsoft.BatchAI/clusters",
		e.rg(exampleRG) + "/providers/Microsoft.BatchAI/fileServers",
		e.ws(exampleRG, "ws") + "/jobs",
		e.cluster(exampleRG, "ws", "c") + "/nodes",
		e.ws(exampleRG, "ws") + "/clusters/c/x/y",
		e.rg(exampleRG) + "/providers/Microsoft.Unknown/things/x",
	} {
		r := e.do("GET", p+v, nil)
		if r.status != http.StatusNotFound && r.status != http.StatusBadRequest {
			t.Errorf("GET %s: %d %s", p, r.status, r.raw)
		}
	}
	// A method a route does not serve is 405 with Allow and an ARM body.
	r := e.do("POST", e.ws(exampleRG, "ws")+v, `{}`)
	if r.status != http.StatusMethodNotAllowed || !strings.Contains(r.header.Get("Allow"), "GET") {
		t.Errorf("POST workspace: %d Allow %q %s", r.status, r.header.Get("Allow"), r.raw)
	}
	r = e.do("PATCH", e.fileServer(exampleRG, "ws", "f")+v, `{}`)
	if r.status != http.StatusMethodNotAllowed {
		t.Errorf("PATCH file server (no such operation in the spec): %d %s", r.status, r.raw)
	}
}

// TestHeadAndOptions: HEAD answers like GET without a body (existence check: 2xx or 404); OPTIONS is answered
// (not a crash or a hang), naming the allowed methods.
func TestHeadAndOptions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.putWorkspace(exampleRG, "ws")
	for _, tc := range []struct {
		path   string
		exists bool
	}{
		{e.ws(exampleRG, "ws"), true},
		{e.ws(exampleRG, "none"), false},
		{e.rg(exampleRG), true},
		{e.rg("nonerg"), false},
		{e.ws(exampleRG, "ws") + "/clusters", true},
	} {
		p := tc.path + v
		if strings.HasSuffix(tc.path, exampleRG) || strings.HasSuffix(tc.path, "nonerg") {
			p = tc.path + rgAPIVersion
		}
		r := e.do("HEAD", p, nil)
		if len(r.raw) != 0 {
			t.Errorf("HEAD %s: a body (%d bytes)", tc.path, len(r.raw))
		}
		switch {
		case tc.exists && (r.status != 200 && r.status != 204):
			t.Errorf("HEAD %s: %d, want 200 or 204", tc.path, r.status)
		case !tc.exists && r.status != 404:
			t.Errorf("HEAD %s: %d, want 404", tc.path, r.status)
		}
	}
	r := e.do("OPTIONS", e.ws(exampleRG, "ws")+v, nil)
	if r.status >= 500 || !strings.Contains(r.header.Get("Allow"), "GET") {
		t.Errorf("OPTIONS: %d, Allow %q", r.status, r.header.Get("Allow"))
	}
}
