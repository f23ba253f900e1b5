package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// The identity of batchai_file_server (see identity.go): its subscription, resource group, workspace and name, as every
// resource a workspace holds (workspaceChildIdentityModel).

// fileServerIdentitySchema is the identity schema of batchai_file_server.
func fileServerIdentitySchema() identityschema.Schema {
	return workspaceChildIdentitySchema("file server")
}

// newFileServerIdentity is the identity of the file server id.
func newFileServerIdentity(id api.FileServerID) workspaceChildIdentityModel {
	return newWorkspaceChildIdentity(id)
}

// fileServerIDFromIdentity builds the ARM ID an import identity names, for importedID.
func fileServerIDFromIdentity(providerSubscription string) func(workspaceChildIdentityModel, *identityReader) string {
	return workspaceChildIDFromIdentity[api.FileServerID](providerSubscription)
}
