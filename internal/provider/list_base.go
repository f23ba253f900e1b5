package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

// What every list resource (Terraform >= 1.14: `list` blocks in .tfquery.hcl files, `terraform query`) shares.
// A list resource finds the instances of a managed resource that exist in Azure, whoever made them, in a
// scope: a subscription (the provider's by default), a resource group, a workspace. Those being deleted are left
// out: they are as good as gone, as a Read sees them (resource_base.go). Each result carries the
// resource's identity (for the import blocks `terraform query -generate-config-out` writes), a display name,
// and, when Terraform asks for it, the resource's state as a Read after an import would record it, from which
// Terraform generates the configuration. That configuration leaves out what Azure never returns (secrets):
// it plans nothing once imported, since an imported resource's secrets are unknown, not different (see
// cluster_secrets.go). Each list resource is in <thing>_list.go.

// listResourceBase is embedded by every list resource: its Configure is a resource's (the framework calls
// list resources' Configure with the resource's request types).
type listResourceBase struct {
	resourceBase
}

// listScopeModel is the scope every list resource's configuration starts with.
type listScopeModel struct {
	SubscriptionID    types.String `tfsdk:"subscription_id"`
	ResourceGroupName types.String `tfsdk:"resource_group_name"`
}

// subscriptionIDPattern is what a subscription ID may be: one path segment.
var subscriptionIDPattern = regexp.MustCompile(`^[^/\s]+$`)

// listScopeAttributes are the attributes of listScopeModel, for a list resource's schema. what names the
// resources listed ("workspaces").
func listScopeAttributes(what string) map[string]listschema.Attribute {
	return map[string]listschema.Attribute{
		"subscription_id": listschema.StringAttribute{
			Optional: true,
			MarkdownDescription: "The subscription to list " + what + " in. Defaults to the provider's " +
				"`subscription_id`.",
			Validators: []validator.String{stringvalidator.RegexMatches(subscriptionIDPattern, "must be a subscription ID")},
		},
		"resource_group_name": listschema.StringAttribute{
			Optional:            true,
			MarkdownDescription: "Only list " + what + " in this resource group. Every resource group when left out.",
			Validators:          resourceGroupNameValidators(),
		},
	}
}

// subscription is the subscription a list covers.
func (m listScopeModel) subscription(c *client.Client) string {
	if s := m.SubscriptionID.ValueString(); s != "" {
		return s
	}
	return c.SubscriptionID()
}

// scopeID is the ARM scope of the list, for diagnostics.
func (m listScopeModel) scopeID(c *client.Client) string {
	scope := "/subscriptions/" + m.subscription(c)
	if rg := m.ResourceGroupName.ValueString(); rg != "" {
		scope += "/resourceGroups/" + rg
	}
	return scope
}

// listWorkspaces lists the workspaces of the scope, in a stable order (by ARM ID, without regard to case).
func (m listScopeModel) listWorkspaces(ctx context.Context, c *client.Client) ([]api.Workspace, error) {
	var (
		all []api.Workspace
		err error
	)
	if rg := m.ResourceGroupName.ValueString(); rg != "" {
		all, err = c.ListWorkspacesByResourceGroup(ctx, m.subscription(c), rg)
	} else {
		all, err = c.ListWorkspacesBySubscription(ctx, m.subscription(c))
	}
	sortByID(all, func(ws api.Workspace) *string { return ws.ID })
	return all, err
}

// listWorkspaceScopeModel is the scope of a list resource whose resources live in workspaces: a subscription, a
// resource group, or one workspace.
type listWorkspaceScopeModel struct {
	listScopeModel
	WorkspaceName types.String `tfsdk:"workspace_name"`
}

// listWorkspaceScopeAttributes are the attributes of listWorkspaceScopeModel, for a list resource's schema.
// what names the resources listed ("clusters").
func listWorkspaceScopeAttributes(what string) map[string]listschema.Attribute {
	attrs := listScopeAttributes(what)
	attrs["workspace_name"] = listschema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "Only list the " + what + " of this workspace. Requires `resource_group_name`.",
		Validators: append(batchAINameValidators(),
			stringvalidator.AlsoRequires(path.MatchRoot("resource_group_name"))),
	}
	return attrs
}

// workspaceIDs are the workspaces the list covers: the one named, or every workspace of the scope (the service
// lists a workspace's resources per workspace only), in a stable order.
func (m listWorkspaceScopeModel) workspaceIDs(ctx context.Context, c *client.Client) ([]api.WorkspaceID, error) {
	if name := m.WorkspaceName.ValueString(); name != "" {
		return []api.WorkspaceID{{SubscriptionID: m.subscription(c), ResourceGroup: m.ResourceGroupName.ValueString(), Name: name}}, nil
	}
	all, err := m.listWorkspaces(ctx, c)
	if err != nil {
		return nil, err
	}
	ids := make([]api.WorkspaceID, 0, len(all))
	for _, ws := range all {
		id, err := api.ParseWorkspaceID(api.Deref(ws.ID))
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// startList is how every List starts: it reads the configuration into M (ending the list with why it cannot),
// then, once Terraform reads the results, runs list with the stream it sends them to.
func startList[M any](ctx context.Context, req list.ListRequest, b *listResourceBase, stream *list.ListResultsStream,
	run func(ctx context.Context, cfg M, c *client.Client, out *listStream)) {
	cfg, c, ok := listConfig[M](ctx, req, b, stream)
	if !ok {
		return
	}
	ctx = b.logContext(ctx, "")
	stream.Results = func(push func(list.ListResult) bool) {
		run(ctx, cfg, c, &listStream{push: push, limit: req.Limit})
	}
}

// eachWorkspace calls fn with each workspace the list covers (workspaceIDs) until fn reports that the list
// should stop; a failure to list the workspaces ends the list with its error.
func (m listWorkspaceScopeModel) eachWorkspace(ctx context.Context, c *client.Client, out *listStream, fn func(api.WorkspaceID) bool) {
	workspaces, err := m.workspaceIDs(ctx, c)
	if err != nil {
		out.failAPI(kindWorkspace+"s", m.scopeID(c), err)
		return
	}
	for _, ws := range workspaces {
		if !fn(ws) {
			return
		}
	}
}

// sendListedIn sends the results of items, the resources of a kind (plural: "Batch AI Clusters") that the
// listing of parent (an ARM ID) returned with err, as sendListed does; err ends the list with it. It reports
// whether the list should go on.
func sendListedIn[T any](out *listStream, kind, parent string, items []T, err error,
	id, provisioningState func(T) *string, result func(T) list.ListResult) bool {
	if err != nil {
		out.failAPI(kind, parent, err)
		return false
	}
	return sendListed(out, items, id, provisioningState, result)
}

// sendListed sends the result of each item in ARM ID order, leaving out those being deleted (as good as gone,
// see resource_base.go: an import would find nothing), and reports whether the list should go on.
func sendListed[T any](out *listStream, items []T, id, provisioningState func(T) *string, result func(T) list.ListResult) bool {
	sortByID(items, id)
	for _, item := range items {
		if isDeleting(provisioningState(item)) {
			continue
		}
		if !out.send(result(item)) {
			return false
		}
	}
	return true
}

// sortByID sorts items by their ARM IDs, without regard to case, so that results and the names of the
// resources Terraform generates for them (list_0, list_1, ...) do not depend on the service's order.
func sortByID[T any](items []T, id func(T) *string) {
	slices.SortStableFunc(items, func(a, b T) int {
		return strings.Compare(strings.ToLower(api.Deref(id(a))), strings.ToLower(api.Deref(id(b))))
	})
}

// listStream pushes the results of one List call: it stops at the limit Terraform set, and when Terraform
// stops reading.
type listStream struct {
	push  func(list.ListResult) bool
	limit int64
	count int64
}

// send pushes r, and reports whether the list should go on.
func (s *listStream) send(r list.ListResult) bool {
	if !s.push(r) {
		return false
	}
	s.count++
	return s.limit <= 0 || s.count < s.limit
}

// fail pushes a result that ends the list with diags.
func (s *listStream) fail(diags diag.Diagnostics) {
	s.push(list.ListResult{Diagnostics: diags})
}

// failAPI ends the list with the error of a call listing kind (plural) in scope.
func (s *listStream) failAPI(kind, scope string, err error) {
	var diags diag.Diagnostics
	addAPIError(&diags, actionList, kind, scope, err)
	s.fail(diags)
}

// listConfig reads a list resource's configuration into T, or ends the stream with why it cannot.
func listConfig[T any](ctx context.Context, req list.ListRequest, b *listResourceBase, stream *list.ListResultsStream) (T, *client.Client, bool) {
	var m T
	var diags diag.Diagnostics
	diags.Append(req.Config.Get(ctx, &m)...)
	c, ok := b.client(&diags)
	if !ok {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return m, nil, false
	}
	return m, c, true
}

// newListResult is the result of the resource named by id (an ARM ID): its identity, its display name, and,
// when Terraform asks for the resource, its state as a Read right after an import records it: seeded with the
// attributes an import sets (id and imported, as importByID sets them), read into the resource's model M, and
// completed by set from the API's answer.
func newListResult[M any](ctx context.Context, req list.ListRequest, id fmt.Stringer, imported importedAttributes,
	identity any, displayName string, set func(m *M) diag.Diagnostics) list.ListResult {
	result := req.NewListResult(ctx)
	result.DisplayName = displayName
	result.Diagnostics.Append(result.Identity.Set(ctx, identity)...)
	if !req.IncludeResource || result.Diagnostics.HasError() {
		return result
	}
	for _, a := range []struct{ name, value string }{
		{"id", id.String()}, {"name", imported.name}, {imported.parentAttr, imported.parent},
	} {
		result.Diagnostics.Append(result.Resource.SetAttribute(ctx, path.Root(a.name), a.value)...)
	}
	if result.Diagnostics.HasError() {
		return result
	}
	var m M
	if result.Diagnostics.Append(result.Resource.Get(ctx, &m)...); result.Diagnostics.HasError() {
		return result
	}
	if result.Diagnostics.Append(set(&m)...); result.Diagnostics.HasError() {
		return result
	}
	result.Diagnostics.Append(result.Resource.Set(ctx, &m)...)
	return result
}

// listedName describes a resource in a display name: "name in scope".
func listedName(name, scope string, details ...string) string {
	s := fmt.Sprintf("%s in %s", name, scope)
	if len(details) > 0 {
		s += " (" + strings.Join(details, ", ") + ")"
	}
	return s
}
