package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/auth"
)

func TestDeriveActions(t *testing.T) {
	t.Parallel()
	h := func(methods ...string) map[string]http.HandlerFunc {
		m := map[string]http.HandlerFunc{}
		for _, x := range methods {
			m[x] = func(http.ResponseWriter, *http.Request) {}
		}
		return m
	}
	segs := func(p string) []string { return strings.Split(strings.Trim(p, "/"), "/") }
	jobs := pWS + "/experiments/{experimentName}/jobs/{jobName}"
	for _, tc := range []struct {
		pattern string
		methods []string
		want    map[string]string
	}{
		{pWS + "/clusters/{clusterName}", []string{"GET", "PUT", "PATCH", "DELETE"}, map[string]string{
			"GET": "Microsoft.BatchAI/workspaces/clusters/read", "HEAD": "Microsoft.BatchAI/workspaces/clusters/read",
			"PUT": "Microsoft.BatchAI/workspaces/clusters/write", "PATCH": "Microsoft.BatchAI/workspaces/clusters/write",
			"DELETE": "Microsoft.BatchAI/workspaces/clusters/delete",
		}},
		{pWS + "/clusters", []string{"GET"}, map[string]string{"GET": "Microsoft.BatchAI/workspaces/clusters/read"}},
		// The catalog's spelling: "list" is not part of the action's name.
		{pWS + "/clusters/{clusterName}/listRemoteLoginInformation", []string{"POST", "GET"}, map[string]string{
			"POST": "Microsoft.BatchAI/workspaces/clusters/remoteLoginInformation/action",
			"GET":  "Microsoft.BatchAI/workspaces/clusters/remoteLoginInformation/action",
		}},
		{pSub + pBAI + "/locations/{location}/usages", []string{"GET"}, map[string]string{
			"GET": "Microsoft.BatchAI/locations/usages/read"}},
		{pSub + pBAI + "/workspaces", []string{"GET"}, map[string]string{"GET": "Microsoft.BatchAI/workspaces/read"}},
		{pRG, []string{"GET", "PUT", "DELETE"}, map[string]string{
			"GET": "Microsoft.Resources/subscriptions/resourcegroups/read", "PUT": "Microsoft.Resources/subscriptions/resourcegroups/write",
			"DELETE": "Microsoft.Resources/subscriptions/resourcegroups/delete",
		}},
		{pSub + "/resourcegroups", []string{"GET"}, map[string]string{"GET": "Microsoft.Resources/subscriptions/resourcegroups/read"}},
		{pSub, []string{"GET"}, map[string]string{"GET": "Microsoft.Resources/subscriptions/read"}},
		{pRG + pAuth + "/roleAssignments/{n}", []string{"PUT"}, map[string]string{"PUT": "Microsoft.Authorization/roleAssignments/write"}},
		// Routes nobody has written yet get the catalog's actions too (the experiments and jobs of the spec).
		{jobs, []string{"PUT"}, map[string]string{"PUT": "Microsoft.BatchAI/workspaces/experiments/jobs/write"}},
		{jobs + "/terminate", []string{"POST"}, map[string]string{"POST": "Microsoft.BatchAI/workspaces/experiments/jobs/terminate/action"}},
		{jobs + "/listOutputFiles", []string{"POST"}, map[string]string{"POST": "Microsoft.BatchAI/workspaces/experiments/jobs/listoutputfiles/action"}},
		{jobs + "/listRemoteLoginInformation", []string{"POST"}, map[string]string{
			"POST": "Microsoft.BatchAI/workspaces/experiments/jobs/remoteLoginInformation/action"}},
	} {
		got := deriveActions(segs(tc.pattern), h(tc.methods...))
		for m, want := range tc.want {
			if got[m] != want {
				t.Errorf("%s %s: action %q, want %q", m, tc.pattern, got[m], want)
			}
		}
	}
	for _, p := range []string{pBAI + "/operations", "/subscriptions", "/tenants"} {
		if got := deriveActions(segs(p), h("GET")); got != nil {
			t.Errorf("%s is outside a subscription and needs no role, got %v", p, got)
		}
	}
}

// TestEveryRouteHasAnAction: each route under a subscription has an action for each of its methods (and HEAD), and
// every Batch AI action is one the provider's catalog (operations.json) lists, so a new route is authorized with
// the right action or this test says which one is wrong.
func TestEveryRouteHasAnAction(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t, &bytes.Buffer{})
	for _, rt := range e.routeTable() {
		p := "/" + strings.Join(rt.segs, "/")
		if !strings.EqualFold(rt.segs[0], "subscriptions") || len(rt.segs) < 2 {
			if rt.actions != nil {
				t.Errorf("%s: a tenant-level route has actions %v", p, rt.actions)
			}
			continue
		}
		for m := range rt.methods {
			for _, method := range []string{m, http.MethodHead} {
				a := rt.actions[method]
				if a == "" {
					t.Errorf("%s %s: no action", method, p)
					continue
				}
				if strings.HasPrefix(a, api.ProviderNamespace+"/") && !slices.ContainsFunc(operations, func(op api.Operation) bool {
					return api.Deref(op.Name) == a
				}) {
					t.Errorf("%s %s: action %q is not in operations.json", method, p, a)
				}
			}
		}
	}
}

func TestMatchAction(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pattern, action string
		want            bool
	}{
		{"*", "Microsoft.BatchAI/workspaces/write", true},
		{"*/read", "Microsoft.BatchAI/workspaces/clusters/read", true},
		{"*/read", "Microsoft.BatchAI/workspaces/clusters/write", false},
		{"*/read", "Microsoft.BatchAI/workspaces/clusters/remoteLoginInformation/action", false},
		{"Microsoft.Authorization/*/Write", "Microsoft.Authorization/roleAssignments/write", true},
		{"Microsoft.Authorization/*/Write", "Microsoft.BatchAI/workspaces/write", false},
		{"Microsoft.Authorization/*/Write", "Microsoft.Authorization/write", false},
		{"Microsoft.BatchAI/workspaces/read", "microsoft.batchai/WORKSPACES/read", true},
		{"Microsoft.BatchAI/workspaces/read", "Microsoft.BatchAI/workspaces/readx", false},
	} {
		if got := matchAction(tc.pattern, tc.action); got != tc.want {
			t.Errorf("matchAction(%q, %q) = %v", tc.pattern, tc.action, got)
		}
	}
	contributor, _ := roleByID(builtinRoles[1].ID)
	if !contributor.allows("Microsoft.BatchAI/workspaces/clusters/write") ||
		contributor.allows("Microsoft.Authorization/roleAssignments/write") {
		t.Error("Contributor must write clusters and must not assign roles")
	}
}

// concretePath fills a route's wildcards: the given subscription, the default resource group, and "x" for names.
func concretePath(rt route, sub string) string {
	segs := slices.Clone(rt.segs)
	for i, s := range segs {
		switch s {
		case "{subscriptionId}":
			segs[i] = sub
		case "{resourceGroupName}":
			segs[i] = DefaultResourceGroup
		case "{location}":
			segs[i] = DefaultLocation
		case "{operationId}", "{roleAssignmentName}", "{roleDefinitionId}":
			segs[i] = uuid.NewString()
		default:
			if strings.HasPrefix(s, "{") {
				segs[i] = "x"
			}
		}
	}
	return "/" + strings.Join(segs, "/")
}

// apiVersionOf is a version the route accepts.
func apiVersionOf(rt route) string {
	switch rt.versions {
	case versionResources:
		return "2021-04-01"
	case versionSubscriptions:
		return "2019-11-01"
	case versionAuthorization:
		return "2022-04-01"
	}
	return api.APIVersion
}

// serve sends one request straight to the emulator's handler with a token for sp.
func serve(t *testing.T, e *Emulator, sp auth.ServicePrincipal, method, path string, body string) (*httptest.ResponseRecorder, api.CloudError) {
	t.Helper()
	tok, _, err := e.Issuer().IssueTokenFor(sp, auth.ARMAudience)
	if err != nil {
		t.Fatal(err)
	}
	var rd *strings.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, nil)
	if rd != nil {
		req = httptest.NewRequest(method, path, rd)
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	rec := httptest.NewRecorder()
	e.Handler().ServeHTTP(rec, req)
	var ce api.CloudError
	_ = json.Unmarshal(rec.Body.Bytes(), &ce)
	return rec, ce
}

// TestAuthorizationMatrix sends every method of every route: the reader is refused every write, delete and action
// (and allowed every read); on the other subscription the default principal is refused everything; a principal
// the tenant does not know is refused everything under a subscription. Each refusal is ARM's 403 with its exact
// message, and nothing the refused request asked for happens.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	e := newTestEmulator(t, &bytes.Buffer{})
	id := e.identity
	stranger := auth.ServicePrincipal{ClientID: uuid.NewString(), ObjectID: uuid.NewString()}
	for _, rt := range e.routeTable() {
		if rt.actions == nil {
			continue
		}
		for method := range rt.methods {
			for _, tc := range []struct {
				who    string
				sp     auth.ServicePrincipal
				sub    string
				refuse bool
			}{
				{"reader", id.Reader, id.SubscriptionID, !strings.HasSuffix(rt.actions[method], "/read")},
				{"owner on the other subscription", id.Default(), id.OtherSubscriptionID, true},
				{"unknown principal", stranger, id.SubscriptionID, true},
			} {
				path := concretePath(rt, tc.sub)
				body := ""
				if method == http.MethodPut || method == http.MethodPatch || method == http.MethodPost {
					body = `{"location":"eastus"}`
				}
				rec, ce := serve(t, e, tc.sp, method, path+"?api-version="+apiVersionOf(rt), body)
				code := api.Deref(api.Deref(ce.Error).Code)
				if !tc.refuse {
					if rec.Code == http.StatusForbidden {
						t.Errorf("%s: %s %s refused: %s", tc.who, method, path, rec.Body)
					}
					continue
				}
				scope := requestScope(path, rt)
				want := fmt.Sprintf("The client '%[1]s' with object id '%[1]s' does not have authorization to perform "+
					"action '%[2]s' over scope '%[3]s' or the scope is invalid. If access was recently granted, please "+
					"refresh your credentials.", tc.sp.ObjectID, rt.actions[method], scope)
				if rec.Code != http.StatusForbidden || code != "AuthorizationFailed" || api.Deref(ce.Error.Message) != want {
					t.Errorf("%s: %s %s: %d %s\nwant 403 %s", tc.who, method, path, rec.Code, rec.Body, want)
				}
				if rec.Header().Get("x-ms-failure-cause") != "gateway" {
					t.Errorf("%s: %s %s: a refusal comes from ARM's front door (x-ms-failure-cause: gateway)", tc.who, method, path)
				}
			}
		}
	}
	// The refused writes changed nothing: the reader created no resource group and no workspace.
	rec, _ := serve(t, e, id.Default(), "GET", "/subscriptions/"+id.SubscriptionID+"/resourcegroups?api-version=2021-04-01", "")
	var groups struct{ Value []api.ResourceGroup }
	if err := json.Unmarshal(rec.Body.Bytes(), &groups); err != nil || len(groups.Value) != 1 {
		t.Errorf("resource groups after the refused writes: %s", rec.Body)
	}
	rec, _ = serve(t, e, id.Default(), "GET", "/subscriptions/"+id.SubscriptionID+"/resourceGroups/"+DefaultResourceGroup+
		"/providers/Microsoft.BatchAI/workspaces/x?api-version="+api.APIVersion, "")
	if rec.Code != http.StatusNotFound {
		t.Errorf("a refused PUT created workspace x: %d %s", rec.Code, rec.Body)
	}
}

func TestRequestScope(t *testing.T) {
	t.Parallel()
	r := func(p string) route { return route{segs: strings.Split(strings.Trim(p, "/"), "/")} }
	for _, tc := range []struct{ route, path, want string }{
		{pSub + "/resourcegroups", "/subscriptions/s/resourcegroups", "/subscriptions/s"},
		{pRG, "/subscriptions/s/resourceGroups/rg/", "/subscriptions/s/resourceGroups/rg"},
		{pWS + "/clusters/{c}/listRemoteLoginInformation", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.BatchAI/workspaces/w/clusters/c/listRemoteLoginInformation",
			"/subscriptions/s/resourceGroups/rg/providers/Microsoft.BatchAI/workspaces/w/clusters/c"},
		{pWS + "/clusters", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.BatchAI/workspaces/w/clusters",
			"/subscriptions/s/resourceGroups/rg/providers/Microsoft.BatchAI/workspaces/w"},
	} {
		if got := requestScope(tc.path, r(tc.route)); got != tc.want {
			t.Errorf("requestScope(%s) = %s, want %s", tc.path, got, tc.want)
		}
	}
}
