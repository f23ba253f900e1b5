package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// The identity of batchai_job (see identity.go): its subscription, resource group, workspace, experiment and
// name.

// jobIdentitySchema is the identity schema of batchai_job.
func jobIdentitySchema() identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"subscription_id":     subscriptionIdentityAttribute(),
			"resource_group_name": requiredIdentityAttribute(identityResourceGroupDescription),
			"workspace_name":      requiredIdentityAttribute(identityWorkspaceDescription),
			"experiment_name":     requiredIdentityAttribute("The name of the experiment that holds the job."),
			"name":                requiredIdentityAttribute("The name of the job."),
		},
	}
}

// jobIdentityModel is the identity of batchai_job.
type jobIdentityModel struct {
	SubscriptionID    types.String `tfsdk:"subscription_id"`
	ResourceGroupName types.String `tfsdk:"resource_group_name"`
	WorkspaceName     types.String `tfsdk:"workspace_name"`
	ExperimentName    types.String `tfsdk:"experiment_name"`
	Name              types.String `tfsdk:"name"`
}

// newJobIdentity is the identity of the job id.
func newJobIdentity(id api.JobID) jobIdentityModel {
	return jobIdentityModel{
		SubscriptionID:    types.StringValue(id.SubscriptionID),
		ResourceGroupName: types.StringValue(id.ResourceGroup),
		WorkspaceName:     types.StringValue(id.Workspace),
		ExperimentName:    types.StringValue(id.Experiment),
		Name:              types.StringValue(id.Name),
	}
}

// jobIDFromIdentity builds the ARM ID an import identity names, for importedID.
func jobIDFromIdentity(providerSubscription string) func(jobIdentityModel, *identityReader) string {
	return func(m jobIdentityModel, r *identityReader) string {
		return api.JobID{
			SubscriptionID: r.subscription(m.SubscriptionID, providerSubscription),
			ResourceGroup:  r.resourceGroup(m.ResourceGroupName),
			Workspace:      r.name("workspace_name", m.WorkspaceName),
			Experiment:     r.name("experiment_name", m.ExperimentName),
			Name:           r.name("name", m.Name),
		}.String()
	}
}

// jobImported are the attributes an import of the job id sets: its name and experiment_id.
func jobImported(id api.JobID) importedAttributes {
	return importedAttributes{name: id.Name, parentAttr: "experiment_id", parent: id.ExperimentID().String()}
}
