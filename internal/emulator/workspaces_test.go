package emulator_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

func TestWorkspaceLifecycle(t *testing.T) {
	c := newClient(t)
	c.createGroup("rg")
	var ws api.Workspace

	// Real traffic: PUT answers 200 synchronously, provisioningState succeeded; ARM normalizes the location.
	r := c.must(200, "PUT", c.ws("rg", "ws1")+apiVersion, map[string]any{"location": "East US", "tags": map[string]string{"k": "v"}})
	r.decode(t, &ws)
	if *ws.Location != "eastus" || *ws.Type != "Microsoft.BatchAI/workspaces" || *ws.Name != "ws1" ||
		*ws.Properties.ProvisioningState != "succeeded" || ws.Properties.CreationTime == nil || ws.Tags["k"] != "v" {
		t.Errorf("created: %s", r.body)
	}
	etag1 := r.header.Get("ETag")
	if !strings.HasPrefix(etag1, `"0x8D`) || r.header.Get("Last-Modified") == "" {
		t.Errorf("etag %q last-modified %q", etag1, r.header.Get("Last-Modified"))
	}

	r = c.must(200, "PATCH", c.ws("rg", "ws1")+apiVersion, map[string]any{"tags": map[string]string{"k": "w"}})
	r.decode(t, &ws)
	if ws.Tags["k"] != "w" || r.header.Get("ETag") == etag1 {
		t.Errorf("patch: %s etag %s", r.body, r.header.Get("ETag"))
	}
	c.must(200, "GET", c.ws("rg", "ws1")+apiVersion, nil).decode(t, &ws)
	if ws.Tags["k"] != "w" {
		t.Errorf("get after patch: %+v", ws.Tags)
	}

	errCases := []struct {
		name, method, path string
		body               any
		status             int
		code               string
	}{
		{"patch location", "PATCH", c.ws("rg", "ws1") + apiVersion, map[string]any{"location": "westus"}, 400, "InvalidRequestContent"},
		{"patch properties", "PATCH", c.ws("rg", "ws1") + apiVersion, map[string]any{"properties": map[string]any{}}, 400, "InvalidRequestContent"},
		{"put without location", "PUT", c.ws("rg", "ws2") + apiVersion, map[string]any{}, 400, "LocationRequired"},
		{"put unavailable location", "PUT", c.ws("rg", "ws2") + apiVersion, map[string]any{"location": "brazilsouth"}, 400, "LocationNotAvailableForResourceType"},
		{"put other location", "PUT", c.ws("rg", "ws1") + apiVersion, map[string]any{"location": "westus"}, 409, "InvalidResourceLocation"},
		{"bad name", "PUT", c.ws("rg", "bad.name") + apiVersion, map[string]any{"location": "eastus"}, 400, "InvalidResourceName"},
		{"long name", "PUT", c.ws("rg", strings.Repeat("a", 65)) + apiVersion, map[string]any{"location": "eastus"}, 400, "InvalidResourceName"},
		{"get missing", "GET", c.ws("rg", "nope") + apiVersion, nil, 404, "WorkspaceNotFound"},
		{"patch missing", "PATCH", c.ws("rg", "nope") + apiVersion, map[string]any{"tags": map[string]string{}}, 404, "WorkspaceNotFound"},
		{"cluster in missing workspace", "PUT", c.cluster("rg", "nope", "c") + apiVersion, clusterBody(0), 404, "WorkspaceNotFound"},
	}
	for _, tc := range errCases {
		t.Run(tc.name, func(t *testing.T) {
			r := c.do(tc.method, tc.path, tc.body)
			if r.status != tc.status || r.code() != tc.code {
				t.Fatalf("got %d %q, want %d %q: %s", r.status, r.code(), tc.status, tc.code, r.body)
			}
		})
	}
	if m := c.do("GET", c.ws("rg", "nope")+apiVersion, nil).message(); m != "The specified workspace nope is not found" {
		t.Errorf("message %q", m)
	}
	if r := c.do("DELETE", c.ws("rg", "nope")+apiVersion, nil); r.status != 204 {
		t.Errorf("DELETE missing: %d %s", r.status, r.body)
	}
}

// TestWorkspaceDeleteCascades: DELETE is an LRO; the workspace and its children show "deleting", then
// disappear together. The clock is paused so that the deletion is still running while the test looks at it.
func TestWorkspaceDeleteCascades(t *testing.T) {
	c := newPausedClient(t, func(cfg *emulator.Config) { cfg.OperationDelay = 150 * time.Millisecond })
	c.createWorkspace("rg", "ws")
	c.createCluster("rg", "ws", "c1", clusterBody(1))
	r := c.must(202, "DELETE", c.ws("rg", "ws")+apiVersion, nil)
	async, loc := r.header.Get("Azure-AsyncOperation"), r.header.Get("Location")
	if !strings.Contains(async, "/providers/Microsoft.BatchAI/locations/eastus/operationresults/") ||
		!strings.Contains(loc, "/operationstatuses/") || len(r.body) != 0 {
		t.Fatalf("delete answer: %v %q", r.header, r.body)
	}
	var ws api.Workspace
	c.must(200, "GET", c.ws("rg", "ws")+apiVersion, nil).decode(t, &ws)
	var cl api.Cluster
	c.must(200, "GET", c.cluster("rg", "ws", "c1")+apiVersion, nil).decode(t, &cl)
	if *ws.Properties.ProvisioningState != "deleting" || *cl.Properties.ProvisioningState != "deleting" {
		t.Errorf("states %s %s", *ws.Properties.ProvisioningState, *cl.Properties.ProvisioningState)
	}
	if r := c.do("PUT", c.cluster("rg", "ws", "c2")+apiVersion, clusterBody(0)); r.status != 409 {
		t.Errorf("create in deleting workspace: %d %s", r.status, r.body)
	}
	op := c.waitOperation(async)
	if *op.Status != "Succeeded" || *op.Properties.ResourceID != c.inst.SubscriptionID+"$rg$ws" {
		t.Errorf("operation %+v", op)
	}
	c.must(404, "GET", c.ws("rg", "ws")+apiVersion, nil)
	c.must(404, "GET", c.cluster("rg", "ws", "c1")+apiVersion, nil)
	c.must(204, "DELETE", c.ws("rg", "ws")+apiVersion, nil)
}

// TestWorkspacePaging: lists are paged with an opaque $skiptoken nextLink that survives concurrent
// changes; maxresults bounds a page.
func TestWorkspacePaging(t *testing.T) {
	c := newClient(t, func(cfg *emulator.Config) { cfg.PageSize = 3 })
	c.createGroup("rg")
	c.createGroup("rg2")
	for i := range 7 {
		c.must(200, "PUT", c.ws("rg", fmt.Sprintf("ws%02d", i))+apiVersion, map[string]any{"location": "eastus"})
	}
	c.must(200, "PUT", c.ws("rg2", "other")+apiVersion, map[string]any{"location": "eastus"})

	collect := func(first string) ([]string, int) {
		var names []string
		pages := 0
		for next := first; next != ""; {
			var page api.WorkspaceListResult
			c.must(200, "GET", next, nil).decode(t, &page)
			pages++
			for _, w := range page.Value {
				names = append(names, *w.Name)
			}
			next = api.Deref(page.NextLink)
			if next != "" && !strings.HasPrefix(next, c.inst.Endpoint) {
				t.Fatalf("nextLink not absolute: %s", next)
			}
			if pages > 20 {
				t.Fatal("too many pages")
			}
		}
		return names, pages
	}
	byGroup := c.sub() + "/resourceGroups/rg/providers/Microsoft.BatchAI/workspaces" + apiVersion
	names, pages := collect(byGroup)
	if len(names) != 7 || pages != 3 || names[0] != "ws00" || names[6] != "ws06" {
		t.Errorf("by group: %v in %d pages", names, pages)
	}
	names, pages = collect(c.sub() + "/providers/Microsoft.BatchAI/workspaces" + apiVersion)
	if len(names) != 8 || pages != 3 {
		t.Errorf("by subscription: %v in %d pages", names, pages)
	}
	names, pages = collect(byGroup + "&maxresults=2")
	if len(names) != 7 || pages != 4 {
		t.Errorf("maxresults=2: %v in %d pages", names, pages)
	}

	// An item deleted between pages neither shifts nor repeats the others.
	var page api.WorkspaceListResult
	c.must(200, "GET", byGroup, nil).decode(t, &page)
	c.must(202, "DELETE", c.ws("rg", "ws01")+apiVersion, nil)
	c.must(200, "PUT", c.ws("rg", "ws00a")+apiVersion, map[string]any{"location": "eastus"})
	var rest api.WorkspaceListResult
	c.must(200, "GET", *page.NextLink, nil).decode(t, &rest)
	if *rest.Value[0].Name != "ws03" {
		t.Errorf("second page starts at %s", *rest.Value[0].Name)
	}

	for _, bad := range []string{"&maxresults=0", "&maxresults=1001", "&maxresults=x", "&$skiptoken=" + url.QueryEscape("!!")} {
		if r := c.do("GET", byGroup+bad, nil); r.status != 400 {
			t.Errorf("%s: %d %s", bad, r.status, r.body)
		}
	}
}
