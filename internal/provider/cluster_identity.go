package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// The identity of batchai_cluster (see identity.go): its subscription, resource group, workspace and name, as every
// resource a workspace holds (workspaceChildIdentityModel).

// clusterIdentitySchema is the identity schema of batchai_cluster.
func clusterIdentitySchema() identityschema.Schema {
	return workspaceChildIdentitySchema("cluster")
}

// newClusterIdentity is the identity of the cluster id.
func newClusterIdentity(id api.ClusterID) workspaceChildIdentityModel {
	return newWorkspaceChildIdentity(id)
}

// clusterIDFromIdentity builds the ARM ID an import identity names, for importedID.
func clusterIDFromIdentity(providerSubscription string) func(workspaceChildIdentityModel, *identityReader) string {
	return workspaceChildIDFromIdentity[api.ClusterID](providerSubscription)
}
