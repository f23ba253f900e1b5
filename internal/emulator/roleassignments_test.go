package emulator_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/auth"
)

const (
	authzVersion   = "?api-version=2022-04-01"
	contributorID  = "b24988ac-6180-42a0-ab88-20f7382dd24c"
	readerRoleID   = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
	ownerRoleID    = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
	subsAPIVersion = "?api-version=2019-11-01"
)

// as is a copy of c that authenticates as another principal.
func (c *client) as(sp auth.ServicePrincipal) *client {
	c.t.Helper()
	tok, _, err := c.inst.Emulator.Issuer().IssueTokenFor(sp, c.inst.Audience)
	if err != nil {
		c.t.Fatal(err)
	}
	return &client{t: c.t, inst: c.inst, http: c.http, token: tok}
}

func (c *client) reader() *client {
	return c.as(auth.ServicePrincipal{ClientID: c.inst.ReaderClientID, ObjectID: c.inst.ReaderObjectID})
}

type assignment struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Type       string `json:"type"`
	Properties struct {
		RoleDefinitionID string `json:"roleDefinitionId"`
		PrincipalID      string `json:"principalId"`
		PrincipalType    string `json:"principalType"`
		Scope            string `json:"scope"`
		CreatedOn        string `json:"createdOn"`
	} `json:"properties"`
}

func (c *client) roleDefinition(id string) string {
	return c.sub() + "/providers/Microsoft.Authorization/roleDefinitions/" + id
}

func (c *client) assignmentBody(role, principal string) map[string]any {
	return map[string]any{"properties": map[string]any{
		"roleDefinitionId": c.roleDefinition(role), "principalId": principal, "principalType": "ServicePrincipal"}}
}

func (c *client) listAssignments(scope, filter string) []assignment {
	c.t.Helper()
	q := authzVersion
	if filter != "" {
		q += "&$filter=" + url.QueryEscape(filter)
	}
	r := c.must(http.StatusOK, "GET", scope+"/providers/Microsoft.Authorization/roleAssignments"+q, nil)
	var page struct{ Value []assignment }
	r.decode(c.t, &page)
	return page.Value
}

// TestRoleAtResourceGroupScope: Contributor on one resource group lets the reader write there and nowhere else, and
// never lets it assign roles; the assignment goes away with its resource group.
func TestRoleAtResourceGroupScope(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	reader := c.reader()
	c.must(http.StatusCreated, "PUT", c.rg("team")+rgVersion, `{"location":"eastus"}`)
	// Before: the reader may not write in team.
	if r := reader.do("PUT", c.ws("team", "ws")+apiVersion, `{"location":"eastus"}`); r.status != http.StatusForbidden ||
		!strings.Contains(r.message(), "'Microsoft.BatchAI/workspaces/write' over scope '"+c.ws("team", "ws")+"'") {
		t.Fatalf("reader PUT before the grant: %d %s", r.status, r.body)
	}
	name := uuid.NewString()
	team := c.sub() + "/resourceGroups/team"
	r := c.must(http.StatusCreated, "PUT", team+"/providers/Microsoft.Authorization/roleAssignments/"+name+authzVersion,
		c.assignmentBody(contributorID, c.inst.ReaderObjectID))
	var a assignment
	r.decode(t, &a)
	if a.ID != team+"/providers/Microsoft.Authorization/roleAssignments/"+name || a.Type != "Microsoft.Authorization/roleAssignments" ||
		a.Properties.Scope != team || a.Properties.PrincipalID != c.inst.ReaderObjectID ||
		a.Properties.RoleDefinitionID != c.roleDefinition(contributorID) || a.Properties.CreatedOn == "" {
		t.Errorf("created assignment: %s", r.body)
	}
	// After: the reader writes in team, in nothing else, and cannot pass the role on.
	if r := reader.do("PUT", c.ws("team", "ws")+apiVersion, `{"location":"eastus"}`); r.status != http.StatusOK && r.status != http.StatusAccepted {
		t.Errorf("reader PUT in team after the grant: %d %s", r.status, r.body)
	}
	if r := reader.do("PUT", c.ws(c.inst.ResourceGroup, "ws")+apiVersion, `{"location":"eastus"}`); r.status != http.StatusForbidden {
		t.Errorf("reader PUT in another group: %d %s", r.status, r.body)
	}
	if r := reader.do("PUT", team+"/providers/Microsoft.Authorization/roleAssignments/"+uuid.NewString()+authzVersion,
		c.assignmentBody(ownerRoleID, c.inst.ReaderObjectID)); r.status != http.StatusForbidden ||
		!strings.Contains(r.message(), "Microsoft.Authorization/roleAssignments/write") {
		t.Errorf("a Contributor assigning itself Owner: %d %s", r.status, r.body)
	}
	if got := c.listAssignments(team, "atScope()"); len(got) != 3 { // owner and reader at the subscription, plus this one
		t.Errorf("assignments at team: %+v", got)
	}
	// The reader reads the assignment and the role definitions at the group's scope (Reader allows */read).
	reader.must(http.StatusOK, "GET", a.ID+authzVersion, nil)
	var defs struct{ Value []map[string]any }
	reader.must(http.StatusOK, "GET", team+"/providers/Microsoft.Authorization/roleDefinitions"+authzVersion+
		"&$filter="+url.QueryEscape("roleName eq 'Contributor'"), nil).decode(t, &defs)
	if len(defs.Value) != 1 || defs.Value[0]["name"] != contributorID {
		t.Errorf("role definitions at team: %+v", defs.Value)
	}
	if r := c.do("GET", c.sub()+"/resourceGroups/nope/providers/Microsoft.Authorization/roleDefinitions"+authzVersion, nil); r.status != 404 ||
		r.code() != "ResourceGroupNotFound" {
		t.Errorf("role definitions of a missing group: %d %s", r.status, r.body)
	}
	// An assignment at the group scope is deleted at that scope, and given back.
	c.must(http.StatusOK, "DELETE", a.ID+authzVersion, nil)
	if r := reader.do("PUT", c.ws("team", "ws2")+apiVersion, `{"location":"eastus"}`); r.status != http.StatusForbidden {
		t.Errorf("reader PUT after the assignment was deleted: %d %s", r.status, r.body)
	}
	c.must(http.StatusCreated, "PUT", a.ID+authzVersion, c.assignmentBody(contributorID, c.inst.ReaderObjectID))
	// Deleting the group deletes the assignment made on it.
	r = c.must(http.StatusAccepted, "DELETE", c.rg("team")+rgVersion, nil)
	eventuallyGone(t, c, r.header.Get("Location"), c.rg("team")+rgVersion)
	for _, a := range c.listAssignments(c.sub(), "") {
		if strings.EqualFold(a.Properties.Scope, team) {
			t.Errorf("the assignment outlived its resource group: %+v", a)
		}
	}
}

// eventuallyGone polls the group delete's Location and then the group until it is gone.
func eventuallyGone(t *testing.T, c *client, location, path string) {
	t.Helper()
	c.waitFor("the group's deletion", func() bool {
		return c.do("GET", location, nil).status == http.StatusOK && c.do("GET", path, nil).status == http.StatusNotFound
	})
}

// TestRoleAssignmentsAPI: Microsoft.Authorization's answers for every mistake, the list filters and the role
// definitions.
func TestRoleAssignmentsAPI(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	base := c.sub() + "/providers/Microsoft.Authorization/roleAssignments/"
	name := uuid.NewString()
	for _, tc := range []struct {
		name   string
		path   string
		body   any
		status int
		code   string
	}{
		{"name is not a GUID", base + "not-a-guid", c.assignmentBody(readerRoleID, c.inst.ReaderObjectID), 400, "InvalidRoleAssignmentId"},
		{"unknown role", base + name, c.assignmentBody(uuid.NewString(), c.inst.ReaderObjectID), 400, "RoleDefinitionDoesNotExist"},
		{"unknown principal", base + name, c.assignmentBody(readerRoleID, uuid.NewString()), 400, "PrincipalNotFound"},
		{"no properties", base + name, `{}`, 400, "InvalidRequestContent"},
		{"unknown field", base + name, `{"properties":{"bogus":1}}`, 400, "InvalidRequestContent"},
		{"same principal, role and scope", base + name, c.assignmentBody(readerRoleID, c.inst.ReaderObjectID), 409, "RoleAssignmentExists"},
		{"missing group", c.sub() + "/resourceGroups/nope/providers/Microsoft.Authorization/roleAssignments/" + name,
			c.assignmentBody(readerRoleID, c.inst.ReaderObjectID), 404, "ResourceGroupNotFound"},
	} {
		r := c.do("PUT", tc.path+authzVersion, tc.body)
		if r.status != tc.status || r.code() != tc.code {
			t.Errorf("%s: %d %s, want %d %s", tc.name, r.status, r.body, tc.status, tc.code)
		}
	}
	// Contributor for the reader at the subscription; the same name cannot then change role.
	c.must(http.StatusCreated, "PUT", base+name+authzVersion, c.assignmentBody(contributorID, c.inst.ReaderObjectID))
	if r := c.do("PUT", base+name+authzVersion, c.assignmentBody(ownerRoleID, c.inst.ReaderObjectID)); r.status != 400 ||
		r.code() != "RoleAssignmentUpdateNotPermitted" {
		t.Errorf("changing an assignment: %d %s", r.status, r.body)
	}
	c.must(http.StatusOK, "GET", base+name+authzVersion, nil)
	if got := c.listAssignments(c.sub(), "principalId eq '"+c.inst.ReaderObjectID+"'"); len(got) != 2 {
		t.Errorf("the reader's assignments: %+v", got)
	}
	if got := c.listAssignments(c.sub(), "principalId eq '"+c.inst.ObjectID+"'"); len(got) != 1 ||
		got[0].Properties.RoleDefinitionID != c.roleDefinition(ownerRoleID) {
		t.Errorf("the owner's assignments: %+v", got)
	}
	if r := c.do("GET", base[:len(base)-1]+authzVersion+"&$filter=bogus", nil); r.status != 400 {
		t.Errorf("unsupported filter: %d %s", r.status, r.body)
	}
	c.must(http.StatusOK, "DELETE", base+name+authzVersion, nil)
	c.must(http.StatusNoContent, "DELETE", base+name+authzVersion, nil)
	if r := c.do("GET", base+name+authzVersion, nil); r.status != 404 || r.code() != "RoleAssignmentNotFound" {
		t.Errorf("GET after delete: %d %s", r.status, r.body)
	}
	// Role definitions.
	defs := c.sub() + "/providers/Microsoft.Authorization/roleDefinitions"
	r := c.must(http.StatusOK, "GET", defs+authzVersion+"&$filter="+url.QueryEscape("roleName eq 'Reader'"), nil)
	var page struct {
		Value []struct {
			Name       string
			Properties struct {
				RoleName    string
				Type        string
				Permissions []struct{ Actions []string }
			}
		}
	}
	r.decode(t, &page)
	if len(page.Value) != 1 || page.Value[0].Name != readerRoleID || page.Value[0].Properties.Type != "BuiltInRole" ||
		len(page.Value[0].Properties.Permissions) != 1 || page.Value[0].Properties.Permissions[0].Actions[0] != "*/read" {
		t.Errorf("Reader definition: %s", r.body)
	}
	c.must(http.StatusOK, "GET", defs+"/"+ownerRoleID+authzVersion, nil)
	if r := c.do("GET", defs+"/"+uuid.NewString()+authzVersion, nil); r.status != 404 || r.code() != "RoleDefinitionDoesNotExist" {
		t.Errorf("unknown role definition: %d %s", r.status, r.body)
	}
	if r := c.do("GET", defs+"?api-version=2018-05-01", nil); r.status != 400 || r.code() != "InvalidApiVersionParameter" {
		t.Errorf("a Batch AI api-version on Microsoft.Authorization: %d %s", r.status, r.body)
	}
}

// TestSubscriptionsAndTenants: what az login and az account read, per principal and api-version.
func TestSubscriptionsAndTenants(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	list := func(cl *client, v string) []map[string]any {
		t.Helper()
		var page struct{ Value []map[string]any }
		cl.must(http.StatusOK, "GET", "/subscriptions"+v, nil).decode(t, &page)
		return page.Value
	}
	got := list(c, subsAPIVersion)
	if len(got) != 1 || got[0]["id"] != c.sub() || got[0]["subscriptionId"] != c.inst.SubscriptionID ||
		got[0]["tenantId"] != c.inst.TenantID || got[0]["state"] != "Enabled" || got[0]["displayName"] == "" {
		t.Fatalf("owner's subscriptions: %+v", got)
	}
	if mbt, ok := got[0]["managedByTenants"].([]any); !ok || len(mbt) != 0 {
		t.Errorf("2019-11-01 has managedByTenants: []: %+v", got[0])
	}
	if old := list(c, "?api-version=2016-06-01"); len(old) != 1 || old[0]["managedByTenants"] != nil {
		t.Errorf("2016-06-01 has no managedByTenants: %+v", old)
	}
	if got := list(c.reader(), subsAPIVersion); len(got) != 1 || got[0]["subscriptionId"] != c.inst.SubscriptionID {
		t.Errorf("reader's subscriptions: %+v", got)
	}
	stranger := c.as(auth.ServicePrincipal{ClientID: uuid.NewString(), ObjectID: uuid.NewString()})
	if got := list(stranger, subsAPIVersion); len(got) != 0 {
		t.Errorf("a principal with no role sees subscriptions: %+v", got)
	}
	var sub map[string]any
	c.must(http.StatusOK, "GET", c.sub()+subsAPIVersion, nil).decode(t, &sub)
	if sub["subscriptionId"] != c.inst.SubscriptionID {
		t.Errorf("GET subscription: %+v", sub)
	}
	other := "/subscriptions/" + c.inst.OtherSubscriptionID
	if r := c.do("GET", other+subsAPIVersion, nil); r.status != 403 || r.code() != "AuthorizationFailed" ||
		!strings.Contains(r.message(), "'Microsoft.Resources/subscriptions/read' over scope '"+other+"'") {
		t.Errorf("the other subscription: %d %s", r.status, r.body)
	}
	if r := c.do("GET", "/subscriptions/"+uuid.NewString()+subsAPIVersion, nil); r.status != 404 || r.code() != "SubscriptionNotFound" {
		t.Errorf("an unknown subscription: %d %s", r.status, r.body)
	}
	var tenants struct{ Value []map[string]any }
	c.must(http.StatusOK, "GET", "/tenants"+subsAPIVersion, nil).decode(t, &tenants)
	if len(tenants.Value) != 1 || tenants.Value[0]["tenantId"] != c.inst.TenantID ||
		tenants.Value[0]["id"] != "/tenants/"+c.inst.TenantID || tenants.Value[0]["tenantCategory"] != "Home" {
		t.Errorf("tenants: %+v", tenants)
	}
	var old struct{ Value []map[string]any }
	c.must(http.StatusOK, "GET", "/tenants?api-version=2016-06-01", nil).decode(t, &old)
	if raw, _ := json.Marshal(old.Value); len(old.Value) != 1 || strings.Contains(string(raw), "tenantCategory") {
		t.Errorf("2016-06-01 tenants have id and tenantId only: %s", raw)
	}
	if r := c.do("GET", "/subscriptions?api-version=2018-05-01", nil); r.status != 400 || r.code() != "InvalidApiVersionParameter" {
		t.Errorf("a Batch AI api-version on /subscriptions: %d %s", r.status, r.body)
	}
}

// TestBuiltinRolesOnRestart: the two built-in assignments exist once, across restarts, and a deleted one comes back
// on the next start (as the default resource group does).
func TestBuiltinRolesOnRestart(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	first := c.listAssignments(c.sub(), "")
	if len(first) != 2 {
		t.Fatalf("a new emulator has %d assignments: %+v", len(first), first)
	}
	for _, a := range first {
		if a.Properties.PrincipalID == c.inst.ReaderObjectID {
			c.must(http.StatusOK, "DELETE", a.ID+authzVersion, nil)
		}
	}
	inst := c.inst.Restart(t)
	c2 := &client{t: t, inst: inst, http: inst.HTTPClient(), token: inst.Token(t)}
	again := c2.listAssignments(c2.sub(), "")
	if len(again) != 2 {
		t.Fatalf("after a restart: %d assignments: %+v", len(again), again)
	}
	names := map[string]bool{first[0].Name: true, first[1].Name: true}
	if !names[again[0].Name] || !names[again[1].Name] {
		t.Errorf("the built-in assignments changed names across the restart: %+v then %+v", first, again)
	}
}
