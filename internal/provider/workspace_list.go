package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

var (
	_ list.ListResource              = &workspaceListResource{}
	_ list.ListResourceWithConfigure = &workspaceListResource{}
)

func newWorkspaceListResource() list.ListResource {
	return &workspaceListResource{}
}

// workspaceListResource lists the workspaces of a subscription or a resource group (list_base.go).
type workspaceListResource struct {
	listResourceBase
}

func (r *workspaceListResource) Metadata(ctx context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	(&workspaceResource{}).Metadata(ctx, req, resp)
}

func (r *workspaceListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists the Batch AI workspaces of a subscription (the provider's by default) or of a " +
			"resource group, whoever created them: `terraform query` shows them, and `terraform query " +
			"-generate-config-out=FILE` writes a `batchai_workspace` block and an `import` block (by identity) for " +
			"each. The display name is `<name> in <resource group> (<location>)`.",
		Attributes: listScopeAttributes("workspaces"),
	}
}

func (r *workspaceListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	startList(ctx, req, &r.listResourceBase, stream, func(ctx context.Context, scope listScopeModel, c *client.Client, out *listStream) {
		all, err := scope.listWorkspaces(ctx, c)
		if err != nil {
			out.failAPI(kindWorkspace+"s", scope.scopeID(c), err)
			return
		}
		for _, ws := range all {
			if isDeleting(api.Deref(ws.Properties).ProvisioningState) {
				continue // as good as gone (resource_base.go): an import would find nothing
			}
			id, err := api.ParseWorkspaceID(api.Deref(ws.ID))
			if err != nil {
				out.failAPI(kindWorkspace+"s", scope.scopeID(c), err)
				return
			}
			result := newListResult(ctx, req, id, workspaceImported(id), newWorkspaceIdentity(id),
				listedName(id.Name, id.ResourceGroup, api.Deref(ws.Location)),
				func(m *workspaceResourceModel) diag.Diagnostics { return m.flatten(ctx, id, ws) })
			if !out.send(result) {
				return
			}
		}
	})
}
