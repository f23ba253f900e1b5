package conformance

import (
	"reflect"
	"sort"
	"strings"
	"testing"
)

// exampleBody is the request body of an example, with every secret it holds recorded as one.
func exampleBody(t *testing.T, e *env, file string) map[string]any {
	t.Helper()
	body, _ := loadExample(t, file, e.sub).Parameters["parameters"].(map[string]any)
	if body == nil {
		t.Fatalf("%s has no request body", file)
	}
	for _, p := range []string{
		"properties.userAccountSettings.adminUserPassword",
		"properties.sshConfiguration.userAccountSettings.adminUserPassword",
	} {
		if s := str(body, p); s != "" {
			e.secret(s)
		}
	}
	for _, share := range asList(get(body, "properties.nodeSetup.mountVolumes.azureFileShares")) {
		e.secret(str(share, "credentials.accountKey"))
	}
	return body
}

// fileServerBody is PutFileServer.json's request.
func fileServerBody(t *testing.T, e *env) map[string]any {
	return exampleBody(t, e, "PutFileServer.json")
}

// keyPaths lists the member paths of a JSON value, array elements merged ("a.b[].c").
func keyPaths(val any, prefix string, out map[string]bool) {
	switch x := val.(type) {
	case map[string]any:
		for k, child := range x {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			out[p] = true
			keyPaths(child, p, out)
		}
	case []any:
		for _, child := range x {
			keyPaths(child, prefix+"[]", out)
		}
	}
}

// checkShapeLike reports members of Microsoft's example response that our response lacks: a client written
// from the examples may rely on any of them.
func checkShapeLike(t *testing.T, what string, example, got any) {
	t.Helper()
	want, have := map[string]bool{}, map[string]bool{}
	keyPaths(example, "", want)
	keyPaths(got, "", have)
	var missing []string
	for p := range want {
		if !have[p] {
			missing = append(missing, p)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%s: members of the example response missing from ours: %v", what, missing)
	}
}

// TestExampleRequestsAccepted sends Microsoft's example requests verbatim (only the subscription replaced), in
// the examples' own resource group and names, and checks every answer against the spec's responses and the
// example responses' shape.
func TestExampleRequestsAccepted(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := loadSpec(t)
	send := func(file, method string, body any) *resp {
		t.Helper()
		ex := loadExample(t, file, e.sub)
		r := e.do(method, s.requestPath(t, file, ex, nil), body)
		if op := s.operationFor(method, r.url); op == nil || op.id != s.byEx[file].id {
			t.Errorf("%s: the request did not map back to its operation %s", file, s.byEx[file].id)
		}
		return r
	}
	resource := func(file string, r *resp) map[string]any {
		t.Helper()
		if r.status == 202 {
			if op := e.pollAsync(r); str(op, "status") != "Succeeded" {
				t.Fatalf("%s: operation %v", file, op)
			}
			ex := loadExample(t, file, e.sub)
			r = e.do("GET", s.requestPath(t, file, ex, nil), nil).want(t, 200)
		}
		return r.body
	}

	// Workspaces: PUT answered 200 synchronously in real traffic (the spec allows 202).
	ws := resource("PutWorkspace.json", send("PutWorkspace.json", "PUT", exampleBody(t, e, "PutWorkspace.json")).want(t, 200, 202))
	checkShapeLike(t, "PutWorkspace", loadExample(t, "PutWorkspace.json", e.sub).Responses["200"]["body"], ws)
	if str(ws, "location") != "eastus" || str(ws, "name") != "demo_workspace" || str(ws, "type") != "Microsoft.BatchAI/workspaces" {
		t.Errorf("workspace: %v", ws)
	}
	gw := send("GetWorkspace.json", "GET", nil).want(t, 200)
	checkShapeLike(t, "GetWorkspace", loadExample(t, "GetWorkspace.json", e.sub).Responses["200"]["body"], gw.body)
	patched := send("PatchWorkspace.json", "PATCH", exampleBody(t, e, "PatchWorkspace.json")).want(t, 200)
	if !reflect.DeepEqual(patched.body["tags"], map[string]any{"key1": "value1"}) {
		t.Errorf("PatchWorkspace: tags %v", patched.body["tags"])
	}
	checkShapeLike(t, "PatchWorkspace", loadExample(t, "PatchWorkspace.json", e.sub).Responses["200"]["body"], patched.body)
	for _, f := range []string{"ListWorkspace.json", "ListWorkspaceByResourceGroup.json"} {
		if l := send(f, "GET", nil).want(t, 200); len(asList(l.body["value"])) != 1 {
			t.Errorf("%s: %s", f, l.raw)
		}
	}

	// PutFileServer.json creates demo_nfs in demo_workspace.
	fs := resource("PutFileServer.json", send("PutFileServer.json", "PUT", fileServerBody(t, e)).want(t, 200, 202))
	checkShapeLike(t, "PutFileServer", loadExample(t, "PutFileServer.json", e.sub).Responses["200"]["body"], fs)
	// Every example spells the segment of file server IDs "fileservers".
	if want := e.ws(exampleRG, "demo_workspace") + "/fileservers/demo_nfs"; str(fs, "id") != want {
		t.Errorf("file server id %q, want the examples' form %q", str(fs, "id"), want)
	}
	for _, p := range []string{"properties.dataDisks", "properties.sshConfiguration", "properties.mountSettings.mountPoint"} {
		want := get(loadExample(t, "PutFileServer.json", e.sub).Responses["200"]["body"], p)
		if !reflect.DeepEqual(get(fs, p), want) {
			t.Errorf("PutFileServer %s = %v, want %v (server defaults, secrets stripped)", p, get(fs, p), want)
		}
	}

	// PutCluster.json mounts .../workspaces/demo_workspaces/fileservers/fileservercedd134b, which does not exist
	// yet: the request must be refused with a clear 400 naming the mount, not accepted or answered with a 5xx.
	clusterBody := exampleBody(t, e, "PutCluster.json")
	r := send("PutCluster.json", "PUT", clusterBody)
	if r.status != 400 || !strings.Contains(r.message(), "fileservercedd134b") ||
		!strings.Contains(str(r.body, "error.target"), "fileServers") {
		t.Errorf("PutCluster with a missing file server: %d %s", r.status, r.raw)
	}
	// Create the referenced file server, then the example request is accepted verbatim.
	e.putWorkspace(exampleRG, "demo_workspaces")
	mounted := e.createAndWait(e.ws(exampleRG, "demo_workspaces")+"/fileservers/fileservercedd134b", fileServerBody(t, e))
	cluster := resource("PutCluster.json", send("PutCluster.json", "PUT", clusterBody).want(t, 202))
	exCluster := loadExample(t, "PutCluster.json", e.sub).Responses["200"]["body"]
	checkShapeLike(t, "PutCluster", exCluster, cluster)
	for _, p := range []string{"properties.vmSize", "properties.vmPriority", "properties.scaleSettings",
		"properties.virtualMachineConfiguration", "properties.userAccountSettings",
		"properties.nodeSetup.mountVolumes.azureFileShares"} {
		if !reflect.DeepEqual(get(cluster, p), get(exCluster, p)) {
			t.Errorf("PutCluster %s = %v, want the example's %v", p, get(cluster, p), get(exCluster, p))
		}
	}
	if got, want := str(cluster, "properties.subnet.id"), str(mounted, "properties.subnet.id"); got == "" || !strings.EqualFold(got, want) {
		t.Errorf("the cluster takes the mounted file server's subnet (spec): %q, want %q", got, want)
	}
	if str(cluster, "type") != "Microsoft.BatchAI/workspaces/clusters" {
		t.Errorf("cluster type %q, want the recorded Microsoft.BatchAI/workspaces/clusters", str(cluster, "type"))
	}

	for _, f := range []string{"GetCluster.json", "ListClusterByWorkspace.json", "GetFileServer.json",
		"ListFileServerByWorkspace.json", "ListUsages.json", "ListOperation.json"} {
		if f == "GetFileServer.json" {
			// The example reads fileservercedd134b in demo_workspace; ours is demo_nfs.
			ex := loadExample(t, f, e.sub)
			gr := e.do("GET", s.requestPath(t, f, ex, map[string]string{"fileServerName": "demo_nfs"}), nil).want(t, 200)
			checkShapeLike(t, f, ex.Responses["200"]["body"], gr.body)
			continue
		}
		gr := send(f, "GET", nil).want(t, 200)
		checkShapeLike(t, f, loadExample(t, f, e.sub).Responses["200"]["body"], gr.body)
	}
	logins := send("ClusterListRemoteLoginInfo.json", "POST", nil).want(t, 200)
	checkShapeLike(t, "ClusterListRemoteLoginInfo", loadExample(t, "ClusterListRemoteLoginInfo.json", e.sub).Responses["200"]["body"], logins.body)

	// PatchCluster.json: synchronous 200 with the whole cluster; initialNodeCount filled in.
	p := send("PatchCluster.json", "PATCH", exampleBody(t, e, "PatchCluster.json")).want(t, 200)
	if p.header.Get("Azure-AsyncOperation") != "" || p.header.Get("Location") != "" {
		t.Errorf("PATCH of a cluster is synchronous; got polling headers %v", p.header)
	}
	wantScale := get(loadExample(t, "PatchCluster.json", e.sub).Responses["200"]["body"], "properties.scaleSettings")
	if !reflect.DeepEqual(get(p.body, "properties.scaleSettings"), wantScale) {
		t.Errorf("PatchCluster scaleSettings %v, want %v", get(p.body, "properties.scaleSettings"), wantScale)
	}
	checkShapeLike(t, "PatchCluster", loadExample(t, "PatchCluster.json", e.sub).Responses["200"]["body"], p.body)

	for _, f := range []string{"DeleteCluster.json", "DeleteFileServer.json", "DeleteWorkspace.json"} {
		r := send(f, "DELETE", nil).want(t, 200, 202, 204)
		if r.status == 202 {
			if op := e.pollAsync(r); str(op, "status") != "Succeeded" {
				t.Errorf("%s: %v", f, op)
			}
		}
	}
}
