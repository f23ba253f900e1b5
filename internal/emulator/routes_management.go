package emulator

import "net/http"

// managementRoutes are the Microsoft.Resources subscriptions and tenants (subscriptions.go) and the
// Microsoft.Authorization role assignments and definitions (roleassignments.go) that Microsoft's clients call
// besides Batch AI: azure-cli lists subscriptions at login, and roles decide who may do what (authz.go).
func (e *Emulator) managementRoutes() []route {
	r := newRoute
	type H = map[string]http.HandlerFunc
	assignment := H{"GET": e.getRoleAssignment, "PUT": e.putRoleAssignment, "DELETE": e.deleteRoleAssignment}
	return []route{
		r("/subscriptions", versionSubscriptions, "subscriptions", H{"GET": e.listSubscriptions}),
		r(pSub, versionSubscriptions, "subscriptions", H{"GET": e.getSubscription}),
		r("/tenants", versionSubscriptions, "tenants", H{"GET": e.listTenants}),
		r(pSub+pAuth+"/roleAssignments", versionAuthorization, "roleAssignments", H{"GET": e.listRoleAssignments}),
		r(pSub+pAuth+"/roleAssignments/{roleAssignmentName}", versionAuthorization, "roleAssignments", assignment),
		r(pRG+pAuth+"/roleAssignments", versionAuthorization, "roleAssignments", H{"GET": e.listRoleAssignments}),
		r(pRG+pAuth+"/roleAssignments/{roleAssignmentName}", versionAuthorization, "roleAssignments", assignment),
		r(pSub+pAuth+"/roleDefinitions", versionAuthorization, "roleDefinitions", H{"GET": e.listRoleDefinitions}),
		r(pSub+pAuth+"/roleDefinitions/{roleDefinitionId}", versionAuthorization, "roleDefinitions",
			H{"GET": e.getRoleDefinition}),
		r(pRG+pAuth+"/roleDefinitions", versionAuthorization, "roleDefinitions", H{"GET": e.listRoleDefinitions}),
	}
}

// pAuth is the provider prefix of Microsoft.Authorization.
const pAuth = "/providers/Microsoft.Authorization"

// subscriptionsAPIVersions are the Subscriptions and Tenants api-versions (azure-cli 2.45 lists subscriptions with
// 2019-11-01; newer releases use 2022-12-01).
var subscriptionsAPIVersions = []string{
	"2014-04-01-preview", "2015-11-01", "2016-06-01", "2018-06-01", "2019-06-01", "2019-11-01", "2020-01-01",
	"2021-01-01", "2022-01-01", "2022-12-01",
}

// authorizationAPIVersions are the Microsoft.Authorization api-versions of role assignments and definitions
// (azure-cli 2.45 uses 2022-04-01).
var authorizationAPIVersions = []string{
	"2015-07-01", "2017-05-01", "2018-01-01-preview", "2018-07-01", "2018-09-01-preview", "2020-03-01-preview",
	"2020-04-01-preview", "2020-08-01-preview", "2020-10-01", "2020-10-01-preview", "2021-04-01-preview",
	"2022-01-01-preview", "2022-04-01", "2022-05-01-preview",
}
