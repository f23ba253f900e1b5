package emulator

import (
	"net/http"
	"strings"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/auth"
)

// Authorization like ARM's role-based access control. Every route under /subscriptions/{id} has an action, derived
// from its path template and method (deriveActions), and a request is let through only when one of the caller's role
// assignments, at the request's scope or above it, grants that action. Otherwise the answer is ARM's 403
// AuthorizationFailed, before the resource provider looks at anything (a missing resource group included), which is
// why ARM's message says "or the scope is invalid". Routes outside a subscription (the subscription and tenant lists,
// the operations list) need no role: the lists show what the caller has a role on.
//
// The emulator starts with two assignments (bootstrapRoles): the default principal is Owner of the default
// subscription and the reader principal is its Reader. Nobody has a role on the other subscription, so everything
// there is refused, and handlers only ever run for the default one. A token for a principal the tenant does not know
// has no assignment either: it is refused with the same 403, as ARM refuses it, and lists no subscription. More
// assignments are made through Microsoft.Authorization (roleassignments.go).

// Actions are matched case-insensitively; the verbs are ARM's.
const (
	verbRead   = "read"
	verbWrite  = "write"
	verbDelete = "delete"
	verbAction = "action"
)

// namespaceResources is the namespace of paths that name no provider (subscriptions, resource groups).
const namespaceResources = "Microsoft.Resources"

// deriveActions returns the action of every method of a route, or nil for a route outside a subscription. The
// action is <namespace>/<resource types>/<verb>, as in ARM: the namespace follows the last "providers" segment
// (Microsoft.Resources without one), the types are the literal segments after it, and the verb comes from the
// method (GET and HEAD read, PUT and PATCH write, DELETE deletes). A route that answers POST is an action on the
// resource before its last segment ("clusters/{c}/listRemoteLoginInformation"), whatever the method (the GET of
// such a list's next page is the same action). Batch AI actions take the spelling of operations.json, the
// provider's own catalog, which for instance drops the "list" of listRemoteLoginInformation.
func deriveActions(segs []string, methods map[string]http.HandlerFunc) map[string]string {
	if len(segs) < 2 || !strings.EqualFold(segs[0], "subscriptions") {
		return nil
	}
	ns, types := namespaceResources, []string(nil)
	start := 0
	for i := len(segs) - 2; i >= 0; i-- {
		if strings.EqualFold(segs[i], "providers") {
			ns, start = segs[i+1], i+2
			break
		}
	}
	for _, s := range segs[start:] {
		if !strings.HasPrefix(s, "{") {
			types = append(types, s)
		}
	}
	actions := map[string]string{}
	if _, isAction := methods[http.MethodPost]; isAction && len(types) > 0 {
		a := resolveAction(ns, types[:len(types)-1], types[len(types)-1]+"/"+verbAction)
		for m := range methods {
			actions[m] = a
		}
		actions[http.MethodHead] = a
		return actions
	}
	for m := range methods {
		switch m {
		case http.MethodGet:
			actions[m] = resolveAction(ns, types, verbRead)
		case http.MethodPut, http.MethodPatch:
			actions[m] = resolveAction(ns, types, verbWrite)
		case http.MethodDelete:
			actions[m] = resolveAction(ns, types, verbDelete)
		}
	}
	actions[http.MethodHead] = resolveAction(ns, types, verbRead)
	return actions
}

// resolveAction joins an action and, for Batch AI, looks it up in operations.json (case-insensitively, and
// without a leading "list" of an action name), whose spelling wins.
func resolveAction(ns string, types []string, last string) string {
	parts := append([]string{ns}, types...)
	derived := strings.Join(append(parts, last), "/")
	if !strings.EqualFold(ns, api.ProviderNamespace) {
		return derived
	}
	candidates := []string{derived}
	if rest, ok := strings.CutPrefix(strings.ToLower(last), "list"); ok && strings.HasSuffix(rest, "/"+verbAction) {
		candidates = append(candidates, strings.Join(append(parts, rest), "/"))
	}
	for _, c := range candidates {
		for _, op := range operations {
			if strings.EqualFold(api.Deref(op.Name), c) {
				return api.Deref(op.Name)
			}
		}
	}
	return derived
}

// requestScope is the scope ARM names for a request: its path, without the last segment when the route ends in a
// literal (a collection such as ".../resourcegroups", or an action such as ".../listRemoteLoginInformation"), as
// ARM reports a list of resource groups "over scope '/subscriptions/<id>'".
func requestScope(path string, rt route) string {
	p := strings.TrimSuffix(path, "/")
	if last := rt.segs[len(rt.segs)-1]; !strings.HasPrefix(last, "{") {
		p = p[:strings.LastIndex(p, "/")]
	}
	return p
}

// authorize answers whether the caller of r may run rt's handler for r.Method.
func (e *Emulator) authorize(r *http.Request, rt route) *apiError {
	action, ok := rt.actions[r.Method]
	if !ok {
		return nil // a route outside a subscription, or a method the router answers itself
	}
	p, ok := auth.PrincipalFromContext(r.Context())
	if !ok {
		return internalError() // Authenticate always runs first; never let a request through unauthenticated
	}
	scope := requestScope(r.URL.Path, rt)
	var allowed bool
	err := e.read(func(t *txn) error {
		assignments, err := t.roleAssignmentsOf(p.ObjectID)
		if err != nil {
			return err
		}
		allowed = permits(assignments, action, scope)
		if !allowed && strings.EqualFold(action, subscriptionReadAction) && isSubscriptionScope(scope) {
			// ARM shows a subscription to anyone with a role anywhere in it, as the subscription list does.
			allowed = hasRoleIn(assignments, scope)
		}
		return nil
	})
	if err != nil {
		ae, _ := asAPIError(err)
		return ae
	}
	if allowed {
		return nil
	}
	return errAuthorizationFailed(p.ObjectID, action, scope)
}

// errAuthorizationFailed is ARM's 403 in its words. For a service principal ARM names its object ID twice. The scope
// is quoted whole (sanitize would cut it): it is a path that passed checkPath, so it holds no control character.
func errAuthorizationFailed(objectID, action, scope string) *apiError {
	return newError(http.StatusForbidden, "AuthorizationFailed", "The client '%s' with object id '%s' does not have "+
		"authorization to perform action '%s' over scope '%s' or the scope is invalid. If access was recently "+
		"granted, please refresh your credentials.", sanitize(objectID), sanitize(objectID), action, scope).fromGateway()
}

// permits reports whether one of the assignments grants action at scope: the assignment's scope is scope or one
// of its parents, and its role's actions match action without a notAction matching it.
func permits(assignments []*roleAssignmentRecord, action, scope string) bool {
	for _, a := range assignments {
		if !scopeContains(a.Scope, scope) {
			continue
		}
		role, ok := roleByID(a.RoleDefinitionID)
		if !ok {
			continue
		}
		if role.allows(action) {
			return true
		}
	}
	return false
}

// hasRoleIn reports whether any assignment lies within the subscription scope sub (at it or below it).
func hasRoleIn(assignments []*roleAssignmentRecord, sub string) bool {
	for _, a := range assignments {
		if scopeContains(sub, a.Scope) {
			return true
		}
	}
	return false
}

// scopeContains reports whether outer is inner or one of its parents, comparing whole segments case-insensitively.
func scopeContains(outer, inner string) bool {
	outer, inner = strings.ToLower(strings.TrimSuffix(outer, "/")), strings.ToLower(strings.TrimSuffix(inner, "/"))
	return outer == "" || inner == outer || strings.HasPrefix(inner, outer+"/")
}

// isSubscriptionScope reports whether scope is exactly /subscriptions/{id}.
func isSubscriptionScope(scope string) bool {
	segs := strings.Split(strings.Trim(scope, "/"), "/")
	return len(segs) == 2 && strings.EqualFold(segs[0], "subscriptions")
}

// subscriptionReadAction reads a subscription (Subscriptions_Get).
const subscriptionReadAction = namespaceResources + "/subscriptions/" + verbRead

// matchAction matches an action against a role's pattern, where '*' stands for any run of characters (as in
// "*/read" or "Microsoft.Authorization/*/Write"), case-insensitively.
func matchAction(pattern, action string) bool {
	pattern, action = strings.ToLower(pattern), strings.ToLower(action)
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == action
	}
	if !strings.HasPrefix(action, parts[0]) {
		return false
	}
	rest := action[len(parts[0]):]
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(rest, mid)
		if i < 0 {
			return false
		}
		rest = rest[i+len(mid):]
	}
	return strings.HasSuffix(rest, parts[len(parts)-1])
}
