package emulator_test

import (
	"net/http"
	"strings"
	"testing"
)

// Regression tests for deviations the conformance suite (internal/emulator/conformance) found.

// TestNameRulesOnEveryOperation: the spec's name parameters (^[-\w_]+$, 1-64 characters) constrain every
// operation, so GET, PATCH and DELETE of an impossible name are a 400 too (they were 404 and 204). A missing
// resource group still answers first, as ARM checks it before the resource provider sees the request.
func TestNameRulesOnEveryOperation(t *testing.T) {
	c := newClient(t)
	c.createWorkspace("rg", "ws")
	long := strings.Repeat("n", 65)
	for _, tc := range []struct{ method, path string }{
		{"GET", c.ws("rg", "bad.name")},
		{"DELETE", c.ws("rg", long)},
		{"GET", c.cluster("rg", "ws", "has%20space")},
		{"PATCH", c.cluster("rg", "ws", "dot.ted")},
		{"DELETE", c.cluster("rg", "ws", long)},
		{"POST", c.cluster("rg", "ws", "dot.ted") + "/listRemoteLoginInformation"},
		{"GET", c.ws("rg", "bad.name") + "/clusters"},
		{"DELETE", c.fileServer("rg", "ws", "dot.ted")},
	} {
		r := c.do(tc.method, tc.path+apiVersion, `{"properties":{"scaleSettings":{"manual":{"targetNodeCount":1}}}}`)
		if r.status != http.StatusBadRequest || r.code() != "InvalidResourceName" ||
			!strings.Contains(r.message(), "from 1 through 64 characters") {
			t.Errorf("%s %s: %d %s", tc.method, tc.path, r.status, r.body)
		}
	}
	if r := c.do("GET", c.ws("nogroup", "bad.name")+apiVersion, nil); r.status != 404 || r.code() != "ResourceGroupNotFound" {
		t.Errorf("bad name in a missing group: %d %s", r.status, r.body)
	}
	// The limits themselves are fine.
	c.must(http.StatusNotFound, "GET", c.ws("rg", strings.Repeat("n", 64))+apiVersion, nil)
}

// TestHeadIsAnExistenceCheck: HEAD on anything GET serves is ARM's existence check (204 or 404, no body);
// it was a 405.
func TestHeadIsAnExistenceCheck(t *testing.T) {
	c := newClient(t)
	c.createWorkspace("rg", "ws")
	for path, want := range map[string]int{
		c.ws("rg", "ws"):                                    http.StatusNoContent,
		c.ws("rg", "ws") + "/clusters":                      http.StatusNoContent,
		c.ws("rg", "none"):                                  http.StatusNotFound,
		c.cluster("rg", "ws", "none"):                       http.StatusNotFound,
		c.cluster("rg", "ws", "bad.name"):                   http.StatusBadRequest,
		c.sub() + "/providers/Microsoft.BatchAI/workspaces": http.StatusNoContent,
	} {
		r := c.do("HEAD", path+apiVersion, nil)
		if r.status != want || len(r.body) != 0 || r.header.Get("x-ms-request-id") == "" {
			t.Errorf("HEAD %s: %d (%d bytes), want %d", path, r.status, len(r.body), want)
		}
	}
	r := c.do("OPTIONS", c.ws("rg", "ws")+apiVersion, nil)
	if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "DELETE, GET, HEAD, PATCH, PUT" {
		t.Errorf("OPTIONS: %d, Allow %q", r.status, r.header.Get("Allow"))
	}
}

// TestEmptyResponsesHaveNoContentType: 202s and 204s have no body, so they claim no JSON content type (it
// was application/json on an empty body).
func TestEmptyResponsesHaveNoContentType(t *testing.T) {
	c := newClient(t)
	c.createWorkspace("rg", "ws")
	accepted := c.must(http.StatusAccepted, "PUT", c.cluster("rg", "ws", "c")+apiVersion, clusterBody(0))
	gone := c.must(http.StatusNoContent, "DELETE", c.cluster("rg", "ws", "none")+apiVersion, nil)
	for _, r := range []*response{accepted, gone} {
		if ct := r.header.Get("Content-Type"); ct != "" || len(r.body) != 0 {
			t.Errorf("%d: Content-Type %q, %d bytes", r.status, ct, len(r.body))
		}
	}
}

// TestFileServerIDSpelling: file server IDs use the service's "fileservers" segment (every example shows it),
// whatever casing the request path used.
func TestFileServerIDSpelling(t *testing.T) {
	c := newClient(t)
	c.createWorkspace("rg", "ws")
	r := c.must(http.StatusAccepted, "PUT", c.fileServer("rg", "ws", "fs")+apiVersion, fileServerBody())
	c.waitOperation(r.header.Get("Azure-AsyncOperation"))
	var fs struct {
		ID string `json:"id"`
	}
	c.must(http.StatusOK, "GET", c.ws("rg", "ws")+"/FileServers/fs"+apiVersion, nil).decode(t, &fs)
	if want := c.ws("rg", "ws") + "/fileservers/fs"; fs.ID != want {
		t.Errorf("file server id %q, want %q", fs.ID, want)
	}
}
