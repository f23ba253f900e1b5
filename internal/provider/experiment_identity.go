package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// The identity of batchai_experiment (see identity.go): its subscription, resource group, workspace and name, as every
// resource a workspace holds (workspaceChildIdentityModel).

// experimentIdentitySchema is the identity schema of batchai_experiment.
func experimentIdentitySchema() identityschema.Schema {
	return workspaceChildIdentitySchema("experiment")
}

// newExperimentIdentity is the identity of the experiment id.
func newExperimentIdentity(id api.ExperimentID) workspaceChildIdentityModel {
	return newWorkspaceChildIdentity(id)
}

// experimentIDFromIdentity builds the ARM ID an import identity names, for importedID.
func experimentIDFromIdentity(providerSubscription string) func(workspaceChildIdentityModel, *identityReader) string {
	return workspaceChildIDFromIdentity[api.ExperimentID](providerSubscription)
}
