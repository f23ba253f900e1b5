package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// The identity of batchai_experiment (see identity.go): its subscription, resource group, workspace and name.

// experimentIdentitySchema is the identity schema of batchai_experiment.
func experimentIdentitySchema() identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"subscription_id":     subscriptionIdentityAttribute(),
			"resource_group_name": requiredIdentityAttribute(identityResourceGroupDescription),
			"workspace_name":      requiredIdentityAttribute(identityWorkspaceDescription),
			"name":                requiredIdentityAttribute("The name of the experiment."),
		},
	}
}

// experimentIdentityModel is the identity of batchai_experiment.
type experimentIdentityModel struct {
	SubscriptionID    types.String `tfsdk:"subscription_id"`
	ResourceGroupName types.String `tfsdk:"resource_group_name"`
	WorkspaceName     types.String `tfsdk:"workspace_name"`
	Name              types.String `tfsdk:"name"`
}

// newExperimentIdentity is the identity of the experiment id.
func newExperimentIdentity(id api.ExperimentID) experimentIdentityModel {
	return experimentIdentityModel{
		SubscriptionID:    types.StringValue(id.SubscriptionID),
		ResourceGroupName: types.StringValue(id.ResourceGroup),
		WorkspaceName:     types.StringValue(id.Workspace),
		Name:              types.StringValue(id.Name),
	}
}

// experimentIDFromIdentity builds the ARM ID an import identity names, for importedID.
func experimentIDFromIdentity(providerSubscription string) func(experimentIdentityModel, *identityReader) string {
	return func(m experimentIdentityModel, r *identityReader) string {
		return api.ExperimentID{
			SubscriptionID: r.subscription(m.SubscriptionID, providerSubscription),
			ResourceGroup:  r.resourceGroup(m.ResourceGroupName),
			Workspace:      r.name("workspace_name", m.WorkspaceName),
			Name:           r.name("name", m.Name),
		}.String()
	}
}
