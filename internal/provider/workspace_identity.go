package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// The identity of batchai_workspace (see identity.go): its subscription, resource group and name.

// workspaceIdentitySchema is the identity schema of batchai_workspace.
func workspaceIdentitySchema() identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"subscription_id":     subscriptionIdentityAttribute(),
			"resource_group_name": requiredIdentityAttribute(identityResourceGroupDescription),
			"name":                requiredIdentityAttribute("The name of the workspace."),
		},
	}
}

// workspaceIdentityModel is the identity of batchai_workspace.
type workspaceIdentityModel struct {
	SubscriptionID    types.String `tfsdk:"subscription_id"`
	ResourceGroupName types.String `tfsdk:"resource_group_name"`
	Name              types.String `tfsdk:"name"`
}

// newWorkspaceIdentity is the identity of the workspace id.
func newWorkspaceIdentity(id api.WorkspaceID) workspaceIdentityModel {
	return workspaceIdentityModel{
		SubscriptionID:    types.StringValue(id.SubscriptionID),
		ResourceGroupName: types.StringValue(id.ResourceGroup),
		Name:              types.StringValue(id.Name),
	}
}

// workspaceIDFromIdentity builds the ARM ID an import identity names, for importedID.
func workspaceIDFromIdentity(providerSubscription string) func(workspaceIdentityModel, *identityReader) string {
	return func(m workspaceIdentityModel, r *identityReader) string {
		return api.WorkspaceID{
			SubscriptionID: r.subscription(m.SubscriptionID, providerSubscription),
			ResourceGroup:  r.resourceGroup(m.ResourceGroupName),
			Name:           r.name("name", m.Name),
		}.String()
	}
}

// workspaceImported are the attributes an import of the workspace id sets: its name and resource group.
func workspaceImported(id api.WorkspaceID) importedAttributes {
	return importedAttributes{name: id.Name, parentAttr: "resource_group_name", parent: id.ResourceGroup}
}
