package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// The identity of batchai_file_server (see identity.go): its subscription, resource group, workspace and name.

// fileServerIdentitySchema is the identity schema of batchai_file_server.
func fileServerIdentitySchema() identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"subscription_id":     subscriptionIdentityAttribute(),
			"resource_group_name": requiredIdentityAttribute(identityResourceGroupDescription),
			"workspace_name":      requiredIdentityAttribute(identityWorkspaceDescription),
			"name":                requiredIdentityAttribute("The name of the file server."),
		},
	}
}

// fileServerIdentityModel is the identity of batchai_file_server.
type fileServerIdentityModel struct {
	SubscriptionID    types.String `tfsdk:"subscription_id"`
	ResourceGroupName types.String `tfsdk:"resource_group_name"`
	WorkspaceName     types.String `tfsdk:"workspace_name"`
	Name              types.String `tfsdk:"name"`
}

// newFileServerIdentity is the identity of the file server id.
func newFileServerIdentity(id api.FileServerID) fileServerIdentityModel {
	return fileServerIdentityModel{
		SubscriptionID:    types.StringValue(id.SubscriptionID),
		ResourceGroupName: types.StringValue(id.ResourceGroup),
		WorkspaceName:     types.StringValue(id.Workspace),
		Name:              types.StringValue(id.Name),
	}
}

// fileServerIDFromIdentity builds the ARM ID an import identity names, for importedID.
func fileServerIDFromIdentity(providerSubscription string) func(fileServerIdentityModel, *identityReader) string {
	return func(m fileServerIdentityModel, r *identityReader) string {
		return api.FileServerID{
			SubscriptionID: r.subscription(m.SubscriptionID, providerSubscription),
			ResourceGroup:  r.resourceGroup(m.ResourceGroupName),
			Workspace:      r.name("workspace_name", m.WorkspaceName),
			Name:           r.name("name", m.Name),
		}.String()
	}
}
