package emulator

import (
	"strings"
	"time"

	"github.com/google/uuid"
)

// The built-in roles the emulator knows, with Azure's role definition IDs and permissions (the Contributor's
// notActions are the ones that matter here: it cannot assign roles).
var builtinRoles = []roleDefinition{
	{
		ID: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", Name: "Owner",
		Description: "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.",
		Actions:     []string{"*"},
	},
	{
		ID: "b24988ac-6180-42a0-ab88-20f7382dd24c", Name: "Contributor",
		Description: "Grants full access to manage all resources, but does not allow you to assign roles in Azure " +
			"RBAC, manage assignments in Azure Blueprints, or share image galleries.",
		Actions: []string{"*"},
		NotActions: []string{"Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write",
			"Microsoft.Authorization/elevateAccess/Action", "Microsoft.Blueprint/blueprintAssignments/write",
			"Microsoft.Blueprint/blueprintAssignments/delete", "Microsoft.Compute/galleries/share/action"},
	},
	{
		ID: "acdd72a7-3385-48ef-bd42-f606fba81ae7", Name: "Reader",
		Description: "View all resources, but does not allow you to make any changes.",
		Actions:     []string{"*/read"},
	},
}

// Indexes of builtinRoles, for the bootstrap assignments.
const (
	roleOwner  = 0
	roleReader = 2
)

// roleDefinition is a built-in role: a name and the actions it allows.
type roleDefinition struct {
	ID          string // the GUID, the last segment of the role definition's ARM ID
	Name        string
	Description string
	Actions     []string
	NotActions  []string
}

// allows reports whether the role grants action.
func (d roleDefinition) allows(action string) bool {
	granted := false
	for _, p := range d.Actions {
		if matchAction(p, action) {
			granted = true
			break
		}
	}
	if !granted {
		return false
	}
	for _, p := range d.NotActions {
		if matchAction(p, action) {
			return false
		}
	}
	return true
}

// roleByID finds a built-in role by its GUID, or by a role definition ID ending in it.
func roleByID(id string) (roleDefinition, bool) {
	guid := id[strings.LastIndex(id, "/")+1:]
	for _, d := range builtinRoles {
		if strings.EqualFold(d.ID, guid) {
			return d, true
		}
	}
	return roleDefinition{}, false
}

// roleAssignmentRecord is a stored role assignment. Its key is its lower-cased ARM ID, which starts with its scope,
// so deleting a resource group (purge) deletes the assignments made on it.
type roleAssignmentRecord struct {
	ID               string    `json:"id"`
	Name             string    `json:"name"`
	Scope            string    `json:"scope"`
	RoleDefinitionID string    `json:"roleDefinitionId"` // the role's GUID
	PrincipalID      string    `json:"principalId"`
	PrincipalType    string    `json:"principalType"`
	Description      string    `json:"description,omitempty"`
	CreatedOn        time.Time `json:"createdOn"`
	UpdatedOn        time.Time `json:"updatedOn"`
	CreatedBy        string    `json:"createdBy,omitempty"`
}

const (
	authorizationNamespace = "Microsoft.Authorization"
	roleAssignmentsType    = "roleAssignments"
	roleDefinitionsType    = "roleDefinitions"
)

// roleAssignmentID is the ARM ID of an assignment named name at scope.
func roleAssignmentID(scope, name string) string {
	return strings.TrimSuffix(scope, "/") + "/providers/" + authorizationNamespace + "/" + roleAssignmentsType + "/" + name
}

// roleAssignmentsOf lists every assignment of a principal, at any scope.
func (t *txn) roleAssignmentsOf(principalID string) ([]*roleAssignmentRecord, error) {
	var out []*roleAssignmentRecord
	err := t.List(bucketRoleAssignments, "", func(_ string, raw []byte) error {
		var a roleAssignmentRecord
		if err := decodeRecord(raw, &a); err != nil {
			return err
		}
		if strings.EqualFold(a.PrincipalID, principalID) {
			out = append(out, &a)
		}
		return nil
	})
	return out, err
}

// allRoleAssignments lists every assignment.
func (t *txn) allRoleAssignments() ([]*roleAssignmentRecord, error) {
	return listUnder[roleAssignmentRecord](t, bucketRoleAssignments, "")
}

// bootstrapRoles makes the default principal Owner and the reader principal Reader of the default subscription, on
// every start (as the default resource group is re-created), under stable names so that restarts never add
// duplicates.
func (t *txn) bootstrapRoles() error {
	id := t.e.identity
	sub := "/subscriptions/" + id.SubscriptionID
	for _, b := range []struct {
		principal string
		role      roleDefinition
	}{{id.ObjectID, builtinRoles[roleOwner]}, {id.Reader.ObjectID, builtinRoles[roleReader]}} {
		name := uuid.NewSHA1(uuid.NameSpaceURL, []byte("batchai-emulator:"+sub+":"+b.principal+":"+b.role.ID)).String()
		rid := roleAssignmentID(sub, name)
		var existing roleAssignmentRecord
		found, err := t.get(bucketRoleAssignments, rid, &existing)
		if err != nil {
			return err
		}
		if found {
			continue
		}
		if err := t.put(bucketRoleAssignments, rid, &roleAssignmentRecord{
			ID: rid, Name: name, Scope: sub, RoleDefinitionID: b.role.ID, PrincipalID: b.principal,
			PrincipalType: "ServicePrincipal", CreatedOn: t.now, UpdatedOn: t.now,
		}); err != nil {
			return err
		}
	}
	return nil
}
