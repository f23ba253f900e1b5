package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

var (
	_ list.ListResource              = &fileServerListResource{}
	_ list.ListResourceWithConfigure = &fileServerListResource{}
)

func newFileServerListResource() list.ListResource {
	return &fileServerListResource{}
}

// fileServerListResource lists the file servers of a subscription, a resource group or a workspace
// (list_base.go).
type fileServerListResource struct {
	listResourceBase
}

func (r *fileServerListResource) Metadata(ctx context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	(&fileServerResource{}).Metadata(ctx, req, resp)
}

func (r *fileServerListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists the Batch AI file servers of a subscription (the provider's by default), a " +
			"resource group or a workspace, whoever created them: `terraform query` shows them, and `terraform query " +
			"-generate-config-out=FILE` writes a `batchai_file_server` block and an `import` block (by identity) for " +
			"each. The display name is `<name> in <resource group>/<workspace> (<VM size>, <disk count> x <disk size> " +
			"GB)`.\n\n" +
			"The generated configuration has every argument Azure returns. The secrets it never returns (the admin " +
			"password and SSH key) are written as `null # sensitive`: the import plans no change without them, and " +
			"they are only needed to create the file server again (a replacement), when the plan asks for them.",
		Attributes: listWorkspaceScopeAttributes("file servers"),
	}
}

func (r *fileServerListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	startList(ctx, req, &r.listResourceBase, stream, func(ctx context.Context, cfg listWorkspaceScopeModel, c *client.Client, out *listStream) {
		cfg.eachWorkspace(ctx, c, out, func(ws api.WorkspaceID) bool {
			servers, err := c.ListFileServers(ctx, ws)
			return sendListedIn(out, kindFileServer+"s", ws.String(), servers, err, func(fs api.FileServer) *string { return fs.ID },
				func(fs api.FileServer) *string { return api.Deref(fs.Properties).ProvisioningState },
				func(fs api.FileServer) list.ListResult { return fileServerListResult(ctx, req, ws, fs) })
		})
	})
}

// fileServerListResult is the result of one file server of the workspace ws.
func fileServerListResult(ctx context.Context, req list.ListRequest, ws api.WorkspaceID, fs api.FileServer) list.ListResult {
	id := ws.FileServer(api.Deref(fs.Name))
	p := api.Deref(fs.Properties)
	disks := api.Deref(p.DataDisks)
	display := listedName(id.Name, id.ResourceGroup+"/"+id.Workspace, api.Deref(p.VMSize),
		fmt.Sprintf("%d x %d GB", api.Deref(disks.DiskCount), api.Deref(disks.DiskSizeInGB)))
	return newListResult(ctx, req, id, workspaceChildImported(id), newFileServerIdentity(id), display,
		func(m *fileServerResourceModel) diag.Diagnostics { return m.setFromAPI(ctx, id, fs) })
}
