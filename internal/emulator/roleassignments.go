package emulator

import (
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/auth"
)

// Microsoft.Authorization role assignments at subscription and resource group scope, and the built-in role
// definitions, as `az role assignment create/list/delete --assignee-object-id ... --scope ...` and Terraform's
// azurerm_role_assignment use them. They decide what authorize lets through.

// roleAssignmentView is a role assignment on the wire.
type roleAssignmentView struct {
	ID         string                   `json:"id"`
	Type       string                   `json:"type"`
	Name       string                   `json:"name"`
	Properties roleAssignmentProperties `json:"properties"`
}

type roleAssignmentProperties struct {
	RoleDefinitionID                   string  `json:"roleDefinitionId"`
	PrincipalID                        string  `json:"principalId"`
	PrincipalType                      string  `json:"principalType"`
	Scope                              string  `json:"scope"`
	Condition                          *string `json:"condition"`
	ConditionVersion                   *string `json:"conditionVersion"`
	CreatedOn                          *string `json:"createdOn"`
	UpdatedOn                          *string `json:"updatedOn"`
	CreatedBy                          *string `json:"createdBy"`
	UpdatedBy                          *string `json:"updatedBy"`
	DelegatedManagedIdentityResourceID *string `json:"delegatedManagedIdentityResourceId"`
	Description                        *string `json:"description"`
}

// roleAssignmentRequest is the PUT body (RoleAssignmentCreateParameters, every version's fields).
type roleAssignmentRequest struct {
	Properties *struct {
		RoleDefinitionID                   string  `json:"roleDefinitionId"`
		PrincipalID                        string  `json:"principalId"`
		PrincipalType                      *string `json:"principalType"`
		Description                        *string `json:"description"`
		Condition                          *string `json:"condition"`
		ConditionVersion                   *string `json:"conditionVersion"`
		DelegatedManagedIdentityResourceID *string `json:"delegatedManagedIdentityResourceId"`
		CanDelegate                        *bool   `json:"canDelegate"`
	} `json:"properties"`
}

// roleDefinitionView is a role definition on the wire.
type roleDefinitionView struct {
	ID         string                   `json:"id"`
	Type       string                   `json:"type"`
	Name       string                   `json:"name"`
	Properties roleDefinitionProperties `json:"properties"`
}

type roleDefinitionProperties struct {
	RoleName         string           `json:"roleName"`
	Type             string           `json:"type"`
	Description      string           `json:"description"`
	AssignableScopes []string         `json:"assignableScopes"`
	Permissions      []rolePermission `json:"permissions"`
}

type rolePermission struct {
	Actions        []string `json:"actions"`
	NotActions     []string `json:"notActions"`
	DataActions    []string `json:"dataActions"`
	NotDataActions []string `json:"notDataActions"`
}

// principalTypes are the values ARM accepts for principalType.
var principalTypes = []string{"User", "Group", "ServicePrincipal", "ForeignGroup", "Device"}

func (e *Emulator) roleDefinitionID(guid string) string {
	return "/subscriptions/" + e.identity.SubscriptionID + pAuth + "/" + roleDefinitionsType + "/" + guid
}

func (e *Emulator) roleAssignmentView(a *roleAssignmentRecord) roleAssignmentView {
	created, updated := armTime(a.CreatedOn), armTime(a.UpdatedOn)
	var by *string
	if a.CreatedBy != "" {
		by = api.Ptr(a.CreatedBy)
	}
	var desc *string
	if a.Description != "" {
		desc = api.Ptr(a.Description)
	}
	return roleAssignmentView{
		ID: a.ID, Type: authorizationNamespace + "/" + roleAssignmentsType, Name: a.Name,
		Properties: roleAssignmentProperties{
			RoleDefinitionID: e.roleDefinitionID(a.RoleDefinitionID), PrincipalID: a.PrincipalID,
			PrincipalType: a.PrincipalType, Scope: a.Scope, CreatedOn: created, UpdatedOn: updated,
			CreatedBy: by, UpdatedBy: by, Description: desc,
		},
	}
}

func (e *Emulator) roleDefinitionView(d roleDefinition) roleDefinitionView {
	return roleDefinitionView{
		ID: e.roleDefinitionID(d.ID), Type: authorizationNamespace + "/" + roleDefinitionsType, Name: d.ID,
		Properties: roleDefinitionProperties{
			RoleName: d.Name, Type: "BuiltInRole", Description: d.Description, AssignableScopes: []string{"/"},
			Permissions: []rolePermission{{Actions: d.Actions, NotActions: orEmpty(d.NotActions),
				DataActions: []string{}, NotDataActions: []string{}}},
		},
	}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// assignmentScope is the scope of a Microsoft.Authorization request: the subscription, or the resource group in
// its canonical form. A resource group must exist (ResourceGroupNotFound otherwise).
func (e *Emulator) assignmentScope(t *txn, r *http.Request) (string, error) {
	sub := "/subscriptions/" + e.identity.SubscriptionID
	group := r.PathValue("resourceGroupName")
	if group == "" {
		return sub, nil
	}
	g, err := t.group(group)
	if err != nil {
		return "", err
	}
	return g.ID, nil
}

func errRoleAssignmentNotFound(name string) *apiError {
	return newError(http.StatusNotFound, "RoleAssignmentNotFound", "The role assignment '%s' is not found.", sanitize(name))
}

func (e *Emulator) getRoleAssignment(w http.ResponseWriter, r *http.Request) {
	var rep *reply
	err := e.read(func(t *txn) error {
		scope, err := e.assignmentScope(t, r)
		if err != nil {
			return err
		}
		var a roleAssignmentRecord
		found, err := t.get(bucketRoleAssignments, roleAssignmentID(scope, r.PathValue("roleAssignmentName")), &a)
		if err != nil {
			return err
		}
		if !found {
			return errRoleAssignmentNotFound(r.PathValue("roleAssignmentName"))
		}
		rep = newReply(http.StatusOK, e.roleAssignmentView(&a))
		return nil
	})
	e.respond(w, r, rep, err)
}

// putRoleAssignment creates an assignment (201). Like ARM, it refuses a name that is not a GUID, an unknown role or
// principal, the same principal, role and scope under another name (409), and any change of an existing one.
func (e *Emulator) putRoleAssignment(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("roleAssignmentName")
	var body roleAssignmentRequest
	if ae := decodeBody(r, &body); ae != nil {
		e.respond(w, r, nil, ae)
		return
	}
	caller, _ := auth.PrincipalFromContext(r.Context())
	var rep *reply
	err := e.mutate(func(t *txn) error {
		if _, err := uuid.Parse(name); err != nil || len(name) != 36 {
			return newError(http.StatusBadRequest, "InvalidRoleAssignmentId", "The role assignment ID '%s' is not "+
				"valid. The role assignment ID must be a GUID.", sanitize(name))
		}
		p := body.Properties
		if p == nil {
			return newError(http.StatusBadRequest, "InvalidRequestContent",
				"The request content was invalid and could not be deserialized: 'properties' is required.").withTarget("properties")
		}
		role, ok := roleByID(p.RoleDefinitionID)
		if !ok || !roleDefinitionIDPattern.MatchString(p.RoleDefinitionID) {
			return newError(http.StatusBadRequest, "RoleDefinitionDoesNotExist", "The specified role definition with "+
				"ID '%s' does not exist.", sanitize(p.RoleDefinitionID[strings.LastIndex(p.RoleDefinitionID, "/")+1:]))
		}
		principalType := "ServicePrincipal"
		if p.PrincipalType != nil {
			principalType = *p.PrincipalType
			if !slices.Contains(principalTypes, principalType) {
				return newError(http.StatusBadRequest, "InvalidPrincipalType", "The principal type '%s' is not "+
					"valid. It must be one of '%s'.", sanitize(principalType), joinList(principalTypes)).withTarget("properties.principalType")
			}
		}
		if !e.knownPrincipal(p.PrincipalID) {
			return newError(http.StatusBadRequest, "PrincipalNotFound", "Principal %s does not exist in the "+
				"directory %s. Check that you have the correct principal ID. If you are creating this principal and "+
				"then immediately assigning a role, this error might be related to a replication delay. In this "+
				"case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or "+
				"Group. See https://aka.ms/docs-principaltype", sanitize(strings.ReplaceAll(p.PrincipalID, "-", "")),
				e.identity.TenantID)
		}
		scope, err := e.assignmentScope(t, r)
		if err != nil {
			return err
		}
		id := roleAssignmentID(scope, name)
		all, err := t.allRoleAssignments()
		if err != nil {
			return err
		}
		for _, a := range all {
			same := strings.EqualFold(a.Scope, scope) && strings.EqualFold(a.PrincipalID, p.PrincipalID) &&
				strings.EqualFold(a.RoleDefinitionID, role.ID)
			switch {
			case strings.EqualFold(a.ID, id) && !same:
				return newError(http.StatusBadRequest, "RoleAssignmentUpdateNotPermitted", "Tenant ID, application "+
					"ID, principal ID, and scope are not allowed to be updated.")
			case same:
				return newError(http.StatusConflict, "RoleAssignmentExists", "The role assignment already exists.")
			}
		}
		a := &roleAssignmentRecord{
			ID: id, Name: strings.ToLower(name), Scope: scope, RoleDefinitionID: role.ID,
			PrincipalID: strings.ToLower(p.PrincipalID), PrincipalType: principalType,
			Description: api.Deref(p.Description), CreatedOn: t.now, UpdatedOn: t.now, CreatedBy: caller.ObjectID,
		}
		rep = newReply(http.StatusCreated, e.roleAssignmentView(a))
		return t.put(bucketRoleAssignments, id, a)
	})
	e.respond(w, r, rep, err)
}

// roleDefinitionIDPattern is the shape of a role definition ID in a request: at subscription or tenant level.
var roleDefinitionIDPattern = regexp.MustCompile(`(?i)^(/subscriptions/[0-9a-f-]{36})?/providers/Microsoft\.Authorization/roleDefinitions/[0-9a-f-]{36}$`)

// knownPrincipal reports whether principalID is the object ID of one of the tenant's principals.
func (e *Emulator) knownPrincipal(principalID string) bool {
	for _, sp := range e.identity.Principals() {
		if strings.EqualFold(sp.ObjectID, principalID) {
			return true
		}
	}
	return false
}

// deleteRoleAssignment removes an assignment: 200 with what was deleted, 204 when there was none.
func (e *Emulator) deleteRoleAssignment(w http.ResponseWriter, r *http.Request) {
	var rep *reply
	err := e.mutate(func(t *txn) error {
		scope, err := e.assignmentScope(t, r)
		if err != nil {
			return err
		}
		id := roleAssignmentID(scope, r.PathValue("roleAssignmentName"))
		var a roleAssignmentRecord
		found, err := t.get(bucketRoleAssignments, id, &a)
		if err != nil {
			return err
		}
		if !found {
			rep = newReply(http.StatusNoContent, nil)
			return nil
		}
		rep = newReply(http.StatusOK, e.roleAssignmentView(&a))
		return t.del(bucketRoleAssignments, id)
	})
	e.respond(w, r, rep, err)
}

// assignmentFilter is a parsed $filter of the role assignment list: atScope() keeps the assignments at the scope or
// above it; principalId eq '<id>' (or assignedTo('<id>')) keeps that principal's.
type assignmentFilter struct {
	atScope   bool
	principal string
}

var (
	principalFilter  = regexp.MustCompile(`(?i)^principalId\s+eq\s+'([^']*)'$`)
	assignedToFilter = regexp.MustCompile(`(?i)^assignedTo\('([^']*)'\)$`)
)

func parseAssignmentFilter(raw string) (assignmentFilter, *apiError) {
	var f assignmentFilter
	if strings.TrimSpace(raw) == "" {
		return f, nil
	}
	for _, term := range regexp.MustCompile(`(?i)\s+and\s+`).Split(strings.TrimSpace(raw), -1) {
		term = strings.TrimSpace(term)
		switch {
		case strings.EqualFold(term, "atScope()"):
			f.atScope = true
		case principalFilter.MatchString(term):
			f.principal = principalFilter.FindStringSubmatch(term)[1]
		case assignedToFilter.MatchString(term):
			f.principal = assignedToFilter.FindStringSubmatch(term)[1]
		default:
			return f, newError(http.StatusBadRequest, "UnsupportedQuery", "The filter '%s' is not supported. "+
				"Supported filters are atScope(), principalId eq '{id}' and assignedTo('{id}').", sanitize(raw)).withTarget("$filter")
		}
	}
	return f, nil
}

// listRoleAssignments lists the assignments that apply at the scope (at it or above it) and, unless $filter has
// atScope(), those below it too, as ARM does.
func (e *Emulator) listRoleAssignments(w http.ResponseWriter, r *http.Request) {
	f, ae := parseAssignmentFilter(r.URL.Query().Get("$filter"))
	if ae != nil {
		e.respond(w, r, nil, ae)
		return
	}
	var values []any
	err := e.read(func(t *txn) error {
		scope, err := e.assignmentScope(t, r)
		if err != nil {
			return err
		}
		all, err := t.allRoleAssignments()
		if err != nil {
			return err
		}
		values = []any{}
		for _, a := range all {
			applies := scopeContains(a.Scope, scope) || (!f.atScope && scopeContains(scope, a.Scope))
			if applies && (f.principal == "" || strings.EqualFold(f.principal, a.PrincipalID)) {
				values = append(values, e.roleAssignmentView(a))
			}
		}
		return nil
	})
	e.respond(w, r, newReply(http.StatusOK, listPage{Value: values}), err)
}

var roleNameFilter = regexp.MustCompile(`(?i)^roleName\s+eq\s+'([^']*)'$`)

// listRoleDefinitions lists the built-in roles; $filter may name one (roleName eq 'Reader') or the type
// (type eq 'BuiltInRole').
func (e *Emulator) listRoleDefinitions(w http.ResponseWriter, r *http.Request) {
	raw := strings.TrimSpace(r.URL.Query().Get("$filter"))
	var name string
	switch {
	case raw == "", regexp.MustCompile(`(?i)^type\s+eq\s+'BuiltInRole'$`).MatchString(raw):
	case roleNameFilter.MatchString(raw):
		name = roleNameFilter.FindStringSubmatch(raw)[1]
	default:
		e.respond(w, r, nil, newError(http.StatusBadRequest, "UnsupportedQuery", "The filter '%s' is not supported. "+
			"Supported filters are roleName eq '{name}' and type eq 'BuiltInRole'.", sanitize(raw)).withTarget("$filter"))
		return
	}
	err := e.read(func(t *txn) error { _, err := e.assignmentScope(t, r); return err })
	values := []any{}
	for _, d := range builtinRoles {
		if name == "" || strings.EqualFold(name, d.Name) {
			values = append(values, e.roleDefinitionView(d))
		}
	}
	e.respond(w, r, newReply(http.StatusOK, listPage{Value: values}), err)
}

func (e *Emulator) getRoleDefinition(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("roleDefinitionId")
	d, ok := roleByID(id)
	if !ok {
		e.respond(w, r, nil, newError(http.StatusNotFound, "RoleDefinitionDoesNotExist",
			"The specified role definition with ID '%s' does not exist.", sanitize(id)))
		return
	}
	e.respond(w, r, newReply(http.StatusOK, e.roleDefinitionView(d)), nil)
}
