package conformance

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestNotFoundErrors: the codes and wording the real service answered ("The specified cluster X is not found",
// ClusterNotFound; batchai-api-notes.md 1.5), ARM's ResourceGroupNotFound under a missing group, and
// SubscriptionNotFound / InvalidSubscriptionId for another subscription.
func TestNotFoundErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.putWorkspace(exampleRG, "ws")
	cases := []struct {
		op, method, path string
		status           int
		code, message    string
	}{
		{"Clusters_Get", "GET", e.cluster(exampleRG, "ws", "cluster"), 404, "ClusterNotFound",
			"The specified cluster cluster is not found"},
		{"Clusters_Update", "PATCH", e.cluster(exampleRG, "ws", "nope"), 404, "ClusterNotFound",
			"The specified cluster nope is not found"},
		{"Clusters_ListRemoteLoginInformation", "POST", e.cluster(exampleRG, "ws", "nope") + "/listRemoteLoginInformation",
			404, "ClusterNotFound", "The specified cluster nope is not found"},
		{"Workspaces_Get", "GET", e.ws(exampleRG, "nows"), 404, "WorkspaceNotFound", "The specified workspace nows is not found"},
		{"Workspaces_Update", "PATCH", e.ws(exampleRG, "nows"), 404, "WorkspaceNotFound", ""},
		{"Clusters_Get", "GET", e.cluster(exampleRG, "nows", "c"), 404, "WorkspaceNotFound", ""},
		{"Clusters_ListByWorkspace", "GET", e.ws(exampleRG, "nows") + "/clusters", 404, "WorkspaceNotFound", ""},
		{"FileServers_Get", "GET", e.fileServer(exampleRG, "ws", "nofs"), 404, "FileServerNotFound",
			"The specified file server nofs is not found"},
		{"FileServers_ListByWorkspace", "GET", e.ws(exampleRG, "nows") + "/fileServers", 404, "WorkspaceNotFound", ""},
		{"Workspaces_Get", "GET", e.ws("norg", "ws"), 404, "ResourceGroupNotFound", "Resource group 'norg' could not be found."},
		{"Workspaces_Create", "PUT", e.ws("norg", "ws"), 404, "ResourceGroupNotFound", ""},
		{"Workspaces_ListByResourceGroup", "GET", e.rg("norg") + "/providers/Microsoft.BatchAI/workspaces", 404, "ResourceGroupNotFound", ""},
		{"Clusters_Get", "GET", e.cluster("norg", "ws", "c"), 404, "ResourceGroupNotFound", ""},
		{"Clusters_Create", "PUT", e.cluster("norg", "ws", "c"), 404, "ResourceGroupNotFound", ""},
		{"Clusters_Delete", "DELETE", e.cluster("norg", "ws", "c"), 404, "ResourceGroupNotFound", ""},
		{"FileServers_Get", "GET", e.fileServer("norg", "ws", "f"), 404, "ResourceGroupNotFound", ""},
		{"Workspaces_List", "GET", "/subscriptions/5c3bd1a0-5a7f-4e55-b8b6-0f3c5d3e6f7a/providers/Microsoft.BatchAI/workspaces",
			404, "SubscriptionNotFound", ""},
		{"Workspaces_List", "GET", "/subscriptions/not-a-guid/providers/Microsoft.BatchAI/workspaces", 400, "InvalidSubscriptionId", ""},
	}
	for _, tc := range cases {
		var body any
		switch tc.method {
		case "PUT":
			body = map[string]any{"location": "eastus"}
			if strings.Contains(tc.path, "/clusters/") {
				body = minimalCluster(t, e)
			}
		case "PATCH":
			body = map[string]any{"tags": map[string]any{}}
			if strings.Contains(tc.path, "/clusters/") {
				body = map[string]any{"properties": map[string]any{"scaleSettings": map[string]any{"manual": map[string]any{"targetNodeCount": 1}}}}
			}
		}
		if op := e.spec.operationFor(tc.method, e.base+tc.path); op == nil || op.id != tc.op {
			t.Errorf("%s %s is not %s", tc.method, tc.path, tc.op)
		}
		r := e.do(tc.method, tc.path+v, body).wantError(t, tc.status, tc.code)
		if tc.message != "" && r.message() != tc.message {
			t.Errorf("%s %s: message %q, want %q", tc.method, tc.path, r.message(), tc.message)
		}
	}
}

// TestAPIVersion: every route needs api-version; Batch AI routes accept only 2018-05-01.
func TestAPIVersion(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.putWorkspace(exampleRG, "ws")
	paths := []string{
		"/providers/Microsoft.BatchAI/operations",
		"/subscriptions/" + e.sub + "/providers/Microsoft.BatchAI/locations/eastus/usages",
		"/subscriptions/" + e.sub + "/providers/Microsoft.BatchAI/workspaces",
		e.rg(exampleRG) + "/providers/Microsoft.BatchAI/workspaces",
		e.ws(exampleRG, "ws"),
		e.ws(exampleRG, "ws") + "/clusters",
		e.cluster(exampleRG, "ws", "c"),
		e.ws(exampleRG, "ws") + "/fileServers",
		e.fileServer(exampleRG, "ws", "f"),
	}
	for _, p := range paths {
		e.do("GET", p, nil).wantError(t, 400, "MissingApiVersionParameter")
		for _, bad := range []string{"2017-09-01-preview", "2018-03-01", "2099-01-01", "garbage"} {
			r := e.do("GET", p+"?api-version="+bad, nil)
			if r.status != 400 || (r.code() != "NoRegisteredProviderFound" && r.code() != "InvalidApiVersionParameter") {
				t.Errorf("GET %s with api-version %s: %d %s", p, bad, r.status, r.raw)
			}
		}
	}
	// A write with a wrong version changes nothing.
	e.do("PUT", e.ws(exampleRG, "other")+"?api-version=2018-03-01", `{"location":"eastus"}`).want(t, 400)
	e.do("GET", e.ws(exampleRG, "other")+v, nil).wantError(t, 404, "WorkspaceNotFound")
}

// TestNameValidation: names outside the spec's pattern ^[-\w_]+$ or longer than 64 characters are a 400 with an
// error that names the rule, on every operation; resource group names may contain dots (^[-\w\._]+$).
func TestNameValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.putWorkspace(exampleRG, "ws")
	long := strings.Repeat("a", 65)
	for _, name := range []string{long, "a%20b", "a.b", "a+b", "a%2Cb", "a%40b"} {
		cases := []struct{ op, method, path string }{
			{"Workspaces_Create", "PUT", e.ws(exampleRG, name)},
			{"Workspaces_Get", "GET", e.ws(exampleRG, name)},
			{"Workspaces_Delete", "DELETE", e.ws(exampleRG, name)},
			{"Clusters_Create", "PUT", e.cluster(exampleRG, "ws", name)},
			{"Clusters_Get", "GET", e.cluster(exampleRG, "ws", name)},
			{"Clusters_Update", "PATCH", e.cluster(exampleRG, "ws", name)},
			{"Clusters_Delete", "DELETE", e.cluster(exampleRG, "ws", name)},
			{"Clusters_ListByWorkspace", "GET", e.ws(exampleRG, name) + "/clusters"},
			{"FileServers_Create", "PUT", e.fileServer(exampleRG, "ws", name)},
			{"FileServers_Get", "GET", e.fileServer(exampleRG, "ws", name)},
		}
		for _, tc := range cases {
			var body any
			switch tc.op {
			case "Workspaces_Create":
				body = map[string]any{"location": "eastus"}
			case "Clusters_Create":
				body = minimalCluster(t, e)
			case "Clusters_Update":
				body = exampleBody(t, e, "PatchCluster.json")
			case "FileServers_Create":
				body = fileServerBody(t, e)
			}
			if op := e.spec.operationFor(tc.method, e.base+tc.path); op == nil || op.id != tc.op {
				t.Errorf("%s %s is not %s", tc.method, tc.path, tc.op)
			}
			r := e.do(tc.method, tc.path+v, body)
			msg := strings.ToLower(r.message())
			if r.status != http.StatusBadRequest || !strings.Contains(msg, "64") || !strings.Contains(msg, "dash") {
				t.Errorf("%s %s: %d %s; want a 400 that states the naming rule", tc.method, tc.path, r.status, r.raw)
			}
		}
	}
	// The limits themselves are accepted: 64 characters, '-' and '_'.
	ok := strings.Repeat("b", 64)
	e.putWorkspace(exampleRG, ok)
	e.putWorkspace(exampleRG, "my-ws_2")
	e.createAndWait(e.cluster(exampleRG, "my-ws_2", "a-b_c"), minimalCluster(t, e))
	// Resource group names may contain dots (and so may the workspaces' IDs).
	r := e.do("PUT", "/subscriptions/"+e.sub+"/resourcegroups/my.dotted.rg"+rgAPIVersion, `{"location":"eastus"}`)
	r.want(t, 200, 201)
	w := e.putWorkspace("my.dotted.rg", "ws")
	if !strings.Contains(str(w, "id"), "/resourceGroups/my.dotted.rg/") {
		t.Errorf("workspace in a dotted group: %v", w)
	}
	e.createAndWait(e.cluster("my.dotted.rg", "ws", "c1"), minimalCluster(t, e))
}

// TestMalformedBodies: bodies that are not the spec's JSON get a 4xx CloudError, never a 5xx.
func TestMalformedBodies(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.putWorkspace(exampleRG, "ws")
	for _, body := range []string{"", "{", "[]", "null", `"x"`, `{"location":5}`, `{"location":"eastus"} {}`,
		`{"location":"eastus","properties":{"foo":1}}`} {
		if r := e.do("PUT", e.ws(exampleRG, "w2")+v, body); r.status < 400 || r.status >= 500 {
			t.Errorf("PUT workspace %q: %d %s", body, r.status, r.raw)
		}
	}
	for _, body := range []string{`{}`, `{"properties":null}`, `{"properties":{"vmSize":"STANDARD_NC6"}}`,
		`{"properties":{"vmSize":"STANDARD_NC6","userAccountSettings":{"adminUserName":"u","adminUserPassword":"p"},"scaleSettings":{"manual":{"targetNodeCount":"1"}}}}`,
		`{"properties":{"vmSize":"STANDARD_NC6","userAccountSettings":{"adminUserName":"u","adminUserPassword":"p"},"scaleSettings":{"manual":{"targetNodeCount":1},"autoScale":{"minimumNodeCount":0,"maximumNodeCount":1}}}}`,
		`{"properties":{"vmSize":"STANDARD_NC6","vmPriority":"cheap","userAccountSettings":{"adminUserName":"u","adminUserPassword":"p"},"scaleSettings":{"manual":{"targetNodeCount":1}}}}`,
	} {
		if r := e.do("PUT", e.cluster(exampleRG, "ws", "c")+v, body); r.status != 400 {
			t.Errorf("PUT cluster %s: %d %s", body, r.status, r.raw)
		}
	}
	r := e.do("PUT", e.ws(exampleRG, "w3")+v, `{"location":"eastus"}`, withHeader("Content-Type", "text/plain"))
	if r.status != http.StatusUnsupportedMediaType && r.status != http.StatusBadRequest {
		t.Errorf("PUT with text/plain: %d %s", r.status, r.raw)
	}
}

// TestLocationNotAvailable: a workspace where Batch AI is not offered is refused as recorded in 2019 (REC2):
// 400 LocationNotAvailableForResourceType, the recorded message, and x-ms-failure-cause: gateway.
func TestLocationNotAvailable(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.do("PUT", e.ws(exampleRG, "ws")+v, `{"location":"brazilsouth"}`).wantError(t, 400, "LocationNotAvailableForResourceType")
	want := regexp.MustCompile(`^The provided location 'brazilsouth' is not available for resource type ` +
		`'Microsoft\.BatchAI/workspaces'\. List of available regions for the resource type is '[a-z0-9,]+'\.$`)
	if !want.MatchString(r.message()) {
		t.Errorf("message %q", r.message())
	}
	if r.header.Get("x-ms-failure-cause") != "gateway" {
		t.Errorf("x-ms-failure-cause %q, want gateway as recorded", r.header.Get("x-ms-failure-cause"))
	}
	e.do("GET", e.ws(exampleRG, "ws")+v, nil).want(t, 404)
}
