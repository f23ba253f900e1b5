package emulator_test

import (
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// TestCommonHeaders checks ARM's headers on every kind of response: success, error, auth failure, 404.
func TestCommonHeaders(t *testing.T) {
	c := newClient(t)
	corr := uuid.NewString()
	cases := []struct {
		name   string
		method string
		path   string
		header []string
		status int
	}{
		{"success", "GET", c.rg(c.inst.ResourceGroup) + "?api-version=2021-04-01", nil, 200},
		{"arm error", "GET", c.ws("nope", "ws") + apiVersion, nil, 404},
		{"no token", "GET", c.ws("nope", "ws") + apiVersion, []string{"Authorization", ""}, 401},
		{"bad token", "GET", c.ws("nope", "ws") + apiVersion, []string{"Authorization", "Bearer abc.def.ghi"}, 401},
		{"unknown route", "GET", "/foo/bar" + apiVersion, nil, 404},
		{"echoes correlation id", "GET", "/providers/Microsoft.BatchAI/operations" + apiVersion,
			[]string{"x-ms-correlation-request-id", corr}, 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := c.do(tc.method, tc.path, nil, tc.header...)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if _, err := uuid.Parse(r.header.Get("x-ms-request-id")); err != nil {
				t.Errorf("x-ms-request-id %q is not a GUID", r.header.Get("x-ms-request-id"))
			}
			got := r.header.Get("x-ms-correlation-request-id")
			if _, err := uuid.Parse(got); err != nil {
				t.Errorf("x-ms-correlation-request-id %q is not a GUID", got)
			}
			if len(tc.header) == 2 && tc.header[0] == "x-ms-correlation-request-id" && got != corr {
				t.Errorf("correlation id %q not echoed (got %q)", corr, got)
			}
			if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if r.header.Get("Date") == "" {
				t.Error("no Date header")
			}
			if r.status >= 400 && r.code() == "" {
				t.Errorf("error without an ARM body: %s", r.body)
			}
		})
	}
}

func TestRoutingErrors(t *testing.T) {
	c := newClient(t)
	c.createWorkspace("rg", "ws")
	cases := []struct {
		name, method, path string
		status             int
		code               string
	}{
		{"unknown batchai type", "GET", c.sub() + "/resourceGroups/rg/providers/Microsoft.BatchAI/jobs/x" + apiVersion, 404, "InvalidResourceType"},
		{"unknown namespace", "GET", c.sub() + "/resourceGroups/rg/providers/Microsoft.Foo/bars/x" + apiVersion, 400, "InvalidResourceNamespace"},
		{"unknown path", "GET", "/nothing/here" + apiVersion, 404, "NotFound"},
		{"method not allowed", "POST", c.ws("rg", "ws") + apiVersion, 405, "MethodNotAllowed"},
		{"patch file server", "PATCH", c.fileServer("rg", "ws", "fs") + apiVersion, 405, "MethodNotAllowed"},
		{"missing api-version", "GET", c.ws("rg", "ws"), 400, "MissingApiVersionParameter"},
		{"old api-version", "GET", c.ws("rg", "ws") + "?api-version=2018-03-01", 400, "NoRegisteredProviderFound"},
		{"preview api-version", "GET", c.cluster("rg", "ws", "c") + "?api-version=2017-09-01-preview", 400, "NoRegisteredProviderFound"},
		{"rg bad api-version", "GET", c.rg("rg") + "?api-version=1999-01-01", 400, "InvalidApiVersionParameter"},
		{"rg batchai api-version accepted", "GET", c.rg("rg") + "?api-version=2018-05-01", 200, ""},
		{"rg newer api-version", "GET", c.rg("rg") + "?api-version=2024-03-01", 200, ""},
		{"other subscription", "GET", "/subscriptions/" + uuid.NewString() + "/resourcegroups/rg?api-version=2021-04-01", 404, "SubscriptionNotFound"},
		{"malformed subscription", "GET", "/subscriptions/nope/resourcegroups/rg?api-version=2021-04-01", 400, "InvalidSubscriptionId"},
		{"operations wrong version", "GET", "/providers/Microsoft.BatchAI/operations?api-version=2020-01-01", 400, "NoRegisteredProviderFound"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := c.do(tc.method, tc.path, nil)
			if r.status != tc.status || r.code() != tc.code {
				t.Fatalf("got %d %q, want %d %q: %s", r.status, r.code(), tc.status, tc.code, r.body)
			}
			if tc.status == 405 && r.header.Get("Allow") == "" {
				t.Error("405 without Allow")
			}
		})
	}
}

// TestPathCaseInsensitive: ARM path segments match in any case; names keep the casing they were created
// with.
func TestPathCaseInsensitive(t *testing.T) {
	c := newClient(t)
	c.createWorkspace("MyGroup", "MyWorkspace")
	upper := strings.ToUpper(c.ws("mygroup", "myworkspace"))
	upper = strings.Replace(upper, strings.ToUpper(c.inst.SubscriptionID), c.inst.SubscriptionID, 1)
	r := c.must(200, "GET", upper+apiVersion, nil)
	var ws api.Workspace
	r.decode(t, &ws)
	if *ws.Name != "MyWorkspace" || !strings.Contains(*ws.ID, "/resourceGroups/MyGroup/providers/Microsoft.BatchAI/workspaces/MyWorkspace") {
		t.Errorf("casing not kept: %s %s", *ws.Name, *ws.ID)
	}
}

func TestOperationsList(t *testing.T) {
	c := newClient(t)
	r := c.must(200, "GET", "/providers/Microsoft.BatchAI/operations"+apiVersion, nil)
	var page api.OperationListResult
	r.decode(t, &page)
	if len(page.Value) != 26 || page.NextLink != nil {
		t.Fatalf("%d operations, nextLink %v", len(page.Value), page.NextLink)
	}
	if *page.Value[0].Name != "Microsoft.BatchAI/workspaces/read" || string(page.Value[0].Properties) != "null" {
		t.Errorf("first operation %s %s", *page.Value[0].Name, page.Value[0].Properties)
	}
	// Paged with maxresults.
	r = c.must(200, "GET", "/providers/Microsoft.BatchAI/operations"+apiVersion+"&maxresults=10", nil)
	r.decode(t, &page)
	if len(page.Value) != 10 || page.NextLink == nil {
		t.Fatalf("%d operations, nextLink %v", len(page.Value), page.NextLink)
	}
}
