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
	startList(ctx, req, &r.listResourceBase, stream, func(ctx context.Context, cfg listWorkspaceScopeModel, c *client.Client, out *listStream) {
		cfg.eachWorkspace(ctx, c, out, func(ws api.WorkspaceID) bool {
			clusters, err := c.ListClusters(ctx, ws)
			return sendListedIn(out, kindCluster+"s", ws.String(), clusters, err, func(cl api.Cluster) *string { return cl.ID },
				func(cl api.Cluster) *string { return api.Deref(cl.Properties).ProvisioningState },
				func(cl api.Cluster) list.ListResult { return clusterListResult(ctx, req, ws, cl) })
		})
	})
}

// clusterListResult is the result of one cluster of the workspace ws.
func clusterListResult(ctx context.Context, req list.ListRequest, ws api.WorkspaceID, cl api.Cluster) list.ListResult {
	id := ws.Cluster(api.Deref(cl.Name))
	p := api.Deref(cl.Properties)
	display := listedName(id.Name, id.ResourceGroup+"/"+id.Workspace,
		api.Deref(p.VMSize), nodeCount(api.Deref(p.CurrentNodeCount)))
	return newListResult(ctx, req, id, workspaceChildImported(id), newClusterIdentity(id), display,
		func(m *clusterResourceModel) diag.Diagnostics { return m.setFromAPI(ctx, cl) })
}

// nodeCount is "1 node" or "n nodes".
func nodeCount(n int32) string {
	if n == 1 {
		return "1 node"
	}
	return fmt.Sprintf("%d nodes", n)
}
