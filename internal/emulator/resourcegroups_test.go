package emulator_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

const rgVersion = "?api-version=2021-04-01"

func TestResourceGroupLifecycle(t *testing.T) {
	c := newClient(t)
	var g api.ResourceGroup

	r := c.must(201, "PUT", c.rg("Group1")+rgVersion, map[string]any{"location": "West Europe", "tags": map[string]string{"a": "b"}})
	r.decode(t, &g)
	if *g.Location != "westeurope" || *g.Name != "Group1" || *g.Type != "Microsoft.Resources/resourceGroups" ||
		*g.Properties.ProvisioningState != "Succeeded" || g.Tags["a"] != "b" ||
		*g.ID != c.sub()+"/resourceGroups/Group1" {
		t.Errorf("created group: %s", r.body)
	}
	c.must(200, "PUT", c.rg("group1")+rgVersion, map[string]any{"location": "westeurope"})
	g = api.ResourceGroup{}
	c.must(200, "GET", c.rg("GROUP1")+rgVersion, nil).decode(t, &g)
	if *g.Name != "Group1" || len(g.Tags) != 0 {
		t.Errorf("update by PUT: %+v", g)
	}
	c.must(200, "PATCH", c.rg("group1")+rgVersion, map[string]any{"tags": map[string]string{"x": "y"}}).decode(t, &g)
	if g.Tags["x"] != "y" {
		t.Errorf("patch: %+v", g.Tags)
	}
	if r := c.do("HEAD", c.rg("group1")+rgVersion, nil); r.status != 204 {
		t.Errorf("HEAD existing: %d", r.status)
	}
	if r := c.do("HEAD", c.rg("nope")+rgVersion, nil); r.status != 404 {
		t.Errorf("HEAD missing: %d", r.status)
	}

	var list api.WorkspaceListResult // same page shape
	c.must(200, "GET", c.sub()+"/resourcegroups"+rgVersion, nil).decode(t, &list)
	if len(list.Value) != 2 { // the default group and Group1
		t.Errorf("list: %d groups", len(list.Value))
	}

	errCases := []struct {
		name   string
		method string
		path   string
		body   any
		status int
		code   string
	}{
		{"no location", "PUT", c.rg("g2") + rgVersion, map[string]any{}, 400, "LocationRequired"},
		{"unknown location", "PUT", c.rg("g2") + rgVersion, map[string]any{"location": "moon"}, 400, "LocationNotAvailableForResourceGroup"},
		{"location change", "PUT", c.rg("group1") + rgVersion, map[string]any{"location": "eastus"}, 409, "InvalidResourceGroupLocation"},
		{"bad name", "PUT", c.rg("bad.") + rgVersion, map[string]any{"location": "eastus"}, 400, "InvalidResourceGroup"},
		{"get missing", "GET", c.rg("nope") + rgVersion, nil, 404, "ResourceGroupNotFound"},
		{"delete missing", "DELETE", c.rg("nope") + rgVersion, nil, 404, "ResourceGroupNotFound"},
		{"workspace in missing group", "PUT", c.ws("nope", "ws") + apiVersion, map[string]any{"location": "eastus"}, 404, "ResourceGroupNotFound"},
		{"cluster in missing group", "GET", c.cluster("nope", "ws", "c") + apiVersion, nil, 404, "ResourceGroupNotFound"},
		{"list in missing group", "GET", c.sub() + "/resourceGroups/nope/providers/Microsoft.BatchAI/workspaces" + apiVersion, nil, 404, "ResourceGroupNotFound"},
		{"unknown field", "PUT", c.rg("g2") + rgVersion, map[string]any{"location": "eastus", "sku": "x"}, 400, "InvalidRequestContent"},
		{"too many tags", "PATCH", c.rg("group1") + rgVersion, map[string]any{"tags": manyTags(51)}, 400, "InvalidTag"},
		{"bad tag name", "PATCH", c.rg("group1") + rgVersion, map[string]any{"tags": map[string]string{"a/b": "c"}}, 400, "InvalidTagNameCharacters"},
	}
	for _, tc := range errCases {
		t.Run(tc.name, func(t *testing.T) {
			r := c.do(tc.method, tc.path, tc.body)
			if r.status != tc.status || r.code() != tc.code {
				t.Fatalf("got %d %q, want %d %q: %s", r.status, r.code(), tc.status, tc.code, r.body)
			}
		})
	}
	if got := c.do("GET", c.rg("nope")+rgVersion, nil).message(); got != "Resource group 'nope' could not be found." {
		t.Errorf("message %q", got)
	}
}

func manyTags(n int) map[string]string {
	m := map[string]string{}
	for i := range n {
		m[strings.Repeat("t", i+1)] = "v"
	}
	return m
}

// TestResourceGroupDeleteCascades: deleting a group is an LRO (202 + Location, then 200) that removes
// everything in it, and refuses new work meanwhile. The clock is paused so that "meanwhile" lasts through the
// checks however slow the machine is.
func TestResourceGroupDeleteCascades(t *testing.T) {
	c := newPausedClient(t, func(cfg *emulator.Config) { cfg.OperationDelay = 200 * time.Millisecond })
	c.createWorkspace("doomed", "ws")
	c.createCluster("doomed", "ws", "c1", clusterBody(1))
	fsr := c.must(202, "PUT", c.fileServer("doomed", "ws", "fs")+apiVersion, fileServerBody())
	c.waitOperation(fsr.header.Get("Azure-AsyncOperation"))

	r := c.must(202, "DELETE", c.rg("doomed")+rgVersion, nil)
	loc := r.header.Get("Location")
	if !strings.HasPrefix(loc, c.inst.Endpoint+c.sub()+"/operationresults/") || r.header.Get("Retry-After") != "" {
		t.Fatalf("delete headers: %v", r.header)
	}
	var g api.ResourceGroup
	c.must(200, "GET", c.rg("doomed")+rgVersion, nil).decode(t, &g)
	if *g.Properties.ProvisioningState != "Deleting" {
		t.Errorf("state %s", *g.Properties.ProvisioningState)
	}
	var cl api.Cluster
	c.must(200, "GET", c.cluster("doomed", "ws", "c1")+apiVersion, nil).decode(t, &cl)
	if *cl.Properties.ProvisioningState != "deleting" {
		t.Errorf("cluster state %s", *cl.Properties.ProvisioningState)
	}
	if r := c.do("PUT", c.ws("doomed", "ws2")+apiVersion, map[string]any{"location": "eastus"}); r.status != 409 || r.code() != "ResourceGroupBeingDeleted" {
		t.Errorf("PUT into deleting group: %d %s", r.status, r.body)
	}
	// A second DELETE answers the same operation.
	if again := c.must(202, "DELETE", c.rg("doomed")+rgVersion, nil); again.header.Get("Location") != loc {
		t.Errorf("second delete: %s vs %s", again.header.Get("Location"), loc)
	}
	c.waitFor("the group's delete operation", func() bool {
		r := c.do("GET", loc, nil)
		if r.status != 200 && r.status != 202 {
			t.Fatalf("poll: %d %s", r.status, r.body)
		}
		return r.status == 200
	})
	for _, p := range []string{c.rg("doomed") + rgVersion} {
		if r := c.do("GET", p, nil); r.status != 404 {
			t.Errorf("GET %s after delete: %d", p, r.status)
		}
	}
	// The group can be created again, empty.
	c.createGroup("doomed")
	c.must(404, "GET", c.ws("doomed", "ws")+apiVersion, nil)
	c.must(404, "GET", c.cluster("doomed", "ws", "c1")+apiVersion, nil)
	if r := c.do("GET", loc, nil); r.status != 200 {
		t.Errorf("operation not readable after completion: %d", r.status)
	}
}

// TestDefaultResourceGroup: a fresh emulator has the group Info names.
func TestDefaultResourceGroup(t *testing.T) {
	c := newClient(t)
	var g api.ResourceGroup
	c.must(http.StatusOK, "GET", c.rg(c.inst.ResourceGroup)+rgVersion, nil).decode(t, &g)
	if *g.Location != c.inst.Location || c.inst.ResourceGroup != emulator.DefaultResourceGroup {
		t.Errorf("default group %+v", g)
	}
}
