package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

var (
	_ list.ListResource              = &clusterListResource{}
	_ list.ListResourceWithConfigure = &clusterListResource{}
)

func newClusterListResource() list.ListResource {
	return &clusterListResource{}
}

// clusterListResource lists the clusters of a subscription, a resource group or a workspace (list_base.go).
type clusterListResource struct {
	listResourceBase
}

func (r *clusterListResource) Metadata(ctx context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	(&clusterResource{}).Metadata(ctx, req, resp)
}

func (r *clusterListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	attrs := listWorkspaceScopeAttributes("clusters")
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists the Batch AI clusters of a subscription (the provider's by default), a resource " +
			"group or a workspace, whoever created them: `terraform query` shows them, and `terraform query " +
			"-generate-config-out=FILE` writes a `batchai_cluster` block and an `import` block (by identity) for each. " +
			"The display name is `<name> in <resource group>/<workspace> (<VM size>, <node count> nodes)`.\n\n" +
			"The generated configuration has every argument Azure returns. The secrets it never returns (admin " +
			"password and SSH key, storage account keys, the App Insights key, setup-task secrets) are written as " +
			"`null # sensitive`: the import plans no change without them, and they are only needed to create the " +
			"cluster again (a replacement), when the plan asks for them.",
		Attributes: attrs,
	}
}

func (r *clusterListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	cfg, c, ok := listConfig[listWorkspaceScopeModel](ctx, req, &r.listResourceBase, stream)
	if !ok {
		return
	}
	ctx = r.logContext(ctx, "")
	stream.Results = func(push func(list.ListResult) bool) {
		out := &listStream{push: push, limit: req.Limit}
		workspaces, err := cfg.workspaceIDs(ctx, c)
		if err != nil {
			out.failAPI(kindWorkspace+"s", cfg.scopeID(c), err)
			return
		}
		for _, ws := range workspaces {
			clusters, err := c.ListClusters(ctx, ws)
			if err != nil {
				out.failAPI(kindCluster+"s", ws.String(), err)
				return
			}
			if !sendListed(out, clusters, func(cl api.Cluster) *string { return cl.ID },
				func(cl api.Cluster) *string { return api.Deref(cl.Properties).ProvisioningState },
				func(cl api.Cluster) list.ListResult { return clusterListResult(ctx, req, ws, cl) }) {
				return
			}
		}
	}
}

// clusterListResult is the result of one cluster of the workspace ws.
func clusterListResult(ctx context.Context, req list.ListRequest, ws api.WorkspaceID, cl api.Cluster) list.ListResult {
	id := ws.Cluster(api.Deref(cl.Name))
	p := api.Deref(cl.Properties)
	display := listedName(id.Name, id.ResourceGroup+"/"+id.Workspace,
		api.Deref(p.VMSize), nodeCount(api.Deref(p.CurrentNodeCount)))
	return newListResult(ctx, req, newClusterIdentity(id), display,
		map[string]string{"id": id.String(), "name": id.Name, "workspace_id": ws.String()},
		func(res tfsdkResource) diag.Diagnostics {
			return fillListedResource(ctx, res, func(m *clusterResourceModel) diag.Diagnostics {
				return m.setFromAPI(ctx, cl)
			})
		})
}

// nodeCount is "1 node" or "n nodes".
func nodeCount(n int32) string {
	if n == 1 {
		return "1 node"
	}
	return fmt.Sprintf("%d nodes", n)
}
