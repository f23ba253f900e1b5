package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// Resource identity (Terraform >= 1.12, OpenTofu >= 1.12): every managed resource names itself by its ARM
// coordinates, so that `import { identity = { ... } }` and the import blocks `terraform query
// -generate-config-out` writes can name it without composing an ARM ID. What every resource shares is here;
// each resource's identity (its attributes, and the conversions from and to its api ID) is in
// <thing>_identity.go.
//
// The identity is always derived from the ARM ID kept in state, never from an API answer, so that it cannot
// change between reads (the framework refuses an identity that changes). Every Read sets it before anything
// else, including a Read that removes the resource: the framework requires an identity after every Read
// without error, and Terraform before 1.12 stores none, so a Read that finds the resource gone would
// otherwise fail with "Missing Resource Identity After Read".

// Descriptions of the identity attributes every resource shares.
const (
	identitySubscriptionDescription = "The ID of the subscription that holds the resource. Optional in an " +
		"`import` block: the provider's `subscription_id` when left out."
	identityResourceGroupDescription = "The name of the resource group that holds the resource."
	identityWorkspaceDescription     = "The name of the workspace that holds the resource."
)

// subscriptionIdentityAttribute is the subscription_id of every identity.
func subscriptionIdentityAttribute() identityschema.StringAttribute {
	return identityschema.StringAttribute{OptionalForImport: true, Description: identitySubscriptionDescription}
}

// requiredIdentityAttribute is an identity coordinate an `import` block must give.
func requiredIdentityAttribute(description string) identityschema.StringAttribute {
	return identityschema.StringAttribute{RequiredForImport: true, Description: description}
}

// setIdentity stores v (an identity model) as the resource's identity. identity is nil when the framework
// serves the resource without an identity schema (the provider's resources always have one; the tests serve
// them without, to write state as a provider before identity did), and then there is nothing to set.
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, v any, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	diags.Append(identity.Set(ctx, v)...)
}

// importedID returns the ARM ID an import names: the ID of `terraform import` and `import { id = ... }`, or
// the ID that fromIdentity builds from the identity of `import { identity = { ... } }` (T is the resource's
// identity model). It returns "" after reporting why neither names a resource.
func importedID[T any](ctx context.Context, req resource.ImportStateRequest, kind string, diags *diag.Diagnostics,
	fromIdentity func(T, *identityReader) string) string {
	if req.ID != "" || req.Identity == nil {
		return req.ID
	}
	var m T
	if d := req.Identity.Get(ctx, &m); d.HasError() {
		diags.Append(d...)
		return ""
	}
	r := &identityReader{}
	id := fromIdentity(m, r)
	if len(r.problems) > 0 {
		diags.AddError("Invalid Import Identity",
			fmt.Sprintf("importing %s by identity: %s.\n\nGive every identity attribute the import needs "+
				"(the resource's documentation lists them), or import with the resource's full ARM ID.",
				kind, strings.Join(r.problems, "; ")))
		return ""
	}
	return id
}

// importByID is what every resource's ImportState does: it takes the ARM ID the import names (importedID,
// with fromIdentity building it from an import identity of the model M), parses it in any casing of its fixed
// segments, validates its name, and stores the attributes a Read needs (id, and those attrs gives: the name and
// the parent's ID or name) and the identity (identityOf). It reports whether the ID was accepted, so that a
// resource with secrets can mark them unknown after it.
func importByID[ID fmt.Stringer, M any](ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse,
	kind string, parse func(string) (ID, error), fromIdentity func(M, *identityReader) string,
	attrs func(ID) importedAttributes, identityOf func(ID) M) bool {
	raw := importedID(ctx, req, kind, &resp.Diagnostics, fromIdentity)
	if resp.Diagnostics.HasError() {
		return false
	}
	id, err := parse(raw)
	var imported importedAttributes
	if err == nil {
		imported = attrs(id)
		err = api.ValidateName(imported.name)
	}
	if err != nil {
		addInvalidImportIDError(&resp.Diagnostics, kind, err)
		return false
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id.String())...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), imported.name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(imported.parentAttr), imported.parent)...)
	setIdentity(ctx, resp.Identity, identityOf(id), &resp.Diagnostics)
	return true
}

// importedAttributes are the attributes an import sets besides id: the resource's name, and the attribute that
// names its parent (workspace_id, resource_group_name...) with its value.
type importedAttributes struct {
	name, parentAttr, parent string
}

// workspaceChildCoordinates are the coordinates of a resource a workspace holds; the api IDs of clusters, file
// servers and experiments have this shape (workspaceChildID), so that one identity model serves them all.
type workspaceChildCoordinates struct {
	SubscriptionID string
	ResourceGroup  string
	Workspace      string
	Name           string
}

// workspaceChildID is an api ID of a resource a workspace holds (api.ClusterID, api.FileServerID,
// api.ExperimentID).
type workspaceChildID interface {
	~struct {
		SubscriptionID string
		ResourceGroup  string
		Workspace      string
		Name           string
	}
	fmt.Stringer
}

// workspaceChildIdentitySchema is the identity schema of a resource a workspace holds; what names it ("cluster").
func workspaceChildIdentitySchema(what string) identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"subscription_id":     subscriptionIdentityAttribute(),
			"resource_group_name": requiredIdentityAttribute(identityResourceGroupDescription),
			"workspace_name":      requiredIdentityAttribute(identityWorkspaceDescription),
			"name":                requiredIdentityAttribute("The name of the " + what + "."),
		},
	}
}

// workspaceChildIdentityModel is the identity of a resource a workspace holds.
type workspaceChildIdentityModel struct {
	SubscriptionID    types.String `tfsdk:"subscription_id"`
	ResourceGroupName types.String `tfsdk:"resource_group_name"`
	WorkspaceName     types.String `tfsdk:"workspace_name"`
	Name              types.String `tfsdk:"name"`
}

// newWorkspaceChildIdentity is the identity of id.
func newWorkspaceChildIdentity[ID workspaceChildID](id ID) workspaceChildIdentityModel {
	c := workspaceChildCoordinates(id)
	return workspaceChildIdentityModel{
		SubscriptionID:    types.StringValue(c.SubscriptionID),
		ResourceGroupName: types.StringValue(c.ResourceGroup),
		WorkspaceName:     types.StringValue(c.Workspace),
		Name:              types.StringValue(c.Name),
	}
}

// workspaceChildImported are the attributes an import of id sets: its name and workspace_id.
func workspaceChildImported[ID workspaceChildID](id ID) importedAttributes {
	c := workspaceChildCoordinates(id)
	ws := api.WorkspaceID{SubscriptionID: c.SubscriptionID, ResourceGroup: c.ResourceGroup, Name: c.Workspace}
	return importedAttributes{name: c.Name, parentAttr: "workspace_id", parent: ws.String()}
}

// workspaceChildIDFromIdentity builds the ARM ID (of type ID) an import identity names, for importedID.
func workspaceChildIDFromIdentity[ID workspaceChildID](providerSubscription string) func(workspaceChildIdentityModel, *identityReader) string {
	return func(m workspaceChildIdentityModel, r *identityReader) string {
		return ID(workspaceChildCoordinates{
			SubscriptionID: r.subscription(m.SubscriptionID, providerSubscription),
			ResourceGroup:  r.resourceGroup(m.ResourceGroupName),
			Workspace:      r.name("workspace_name", m.WorkspaceName),
			Name:           r.name("name", m.Name),
		}).String()
	}
}

// identityReader reads the attributes of an import identity, collecting every problem, so that one attempt
// reports all of them.
type identityReader struct {
	problems []string
}

// subscription is the identity's subscription_id, or the provider's when it is left out.
func (r *identityReader) subscription(v types.String, provider string) string {
	if s := v.ValueString(); s != "" {
		if strings.Contains(s, "/") {
			r.problems = append(r.problems, fmt.Sprintf("subscription_id %q must not contain '/'", s))
		}
		return s
	}
	if provider == "" {
		r.problems = append(r.problems, "subscription_id is not set, and the provider has no subscription_id to use instead")
	}
	return provider
}

// resourceGroup is the identity's resource_group_name.
func (r *identityReader) resourceGroup(v types.String) string {
	s := v.ValueString()
	switch {
	case s == "":
		r.problems = append(r.problems, "resource_group_name is required")
	case !api.ResourceGroupNamePattern.MatchString(s):
		r.problems = append(r.problems, fmt.Sprintf("resource_group_name %q may contain only letters, digits, "+
			"'-', '_' and '.'", s))
	}
	return s
}

// name is a Batch AI name of the identity (name, workspace_name...).
func (r *identityReader) name(attr string, v types.String) string {
	s := v.ValueString()
	if s == "" {
		r.problems = append(r.problems, attr+" is required")
	} else if err := api.ValidateName(s); err != nil {
		r.problems = append(r.problems, attr+" "+err.Error())
	}
	return s
}

// providerSubscription is the subscription the provider is configured for, or "" before Configure.
func (h *providerDataHolder) providerSubscription() string {
	if h.data == nil || h.data.client == nil {
		return ""
	}
	return h.data.client.SubscriptionID()
}
