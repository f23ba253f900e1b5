package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// The identity of batchai_cluster (see identity.go): its subscription, resource group, workspace and name.

// clusterIdentitySchema is the identity schema of batchai_cluster.
func clusterIdentitySchema() identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"subscription_id":     subscriptionIdentityAttribute(),
			"resource_group_name": requiredIdentityAttribute(identityResourceGroupDescription),
			"workspace_name":      requiredIdentityAttribute(identityWorkspaceDescription),
			"name":                requiredIdentityAttribute("The name of the cluster."),
		},
	}
}

// clusterIdentityModel is the identity of batchai_cluster.
type clusterIdentityModel struct {
	SubscriptionID    types.String `tfsdk:"subscription_id"`
	ResourceGroupName types.String `tfsdk:"resource_group_name"`
	WorkspaceName     types.String `tfsdk:"workspace_name"`
	Name              types.String `tfsdk:"name"`
}

// newClusterIdentity is the identity of the cluster id.
func newClusterIdentity(id api.ClusterID) clusterIdentityModel {
	return clusterIdentityModel{
		SubscriptionID:    types.StringValue(id.SubscriptionID),
		ResourceGroupName: types.StringValue(id.ResourceGroup),
		WorkspaceName:     types.StringValue(id.Workspace),
		Name:              types.StringValue(id.Name),
	}
}

// clusterIDFromIdentity builds the ARM ID an import identity names, for importedID.
func clusterIDFromIdentity(providerSubscription string) func(clusterIdentityModel, *identityReader) string {
	return func(m clusterIdentityModel, r *identityReader) string {
		return api.ClusterID{
			SubscriptionID: r.subscription(m.SubscriptionID, providerSubscription),
			ResourceGroup:  r.resourceGroup(m.ResourceGroupName),
			Workspace:      r.name("workspace_name", m.WorkspaceName),
			Name:           r.name("name", m.Name),
		}.String()
	}
}
