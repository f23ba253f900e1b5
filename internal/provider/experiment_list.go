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
	_ list.ListResource              = &experimentListResource{}
	_ list.ListResourceWithConfigure = &experimentListResource{}
)

func newExperimentListResource() list.ListResource {
	return &experimentListResource{}
}

// experimentListResource lists the experiments of a subscription, a resource group or a workspace
// (list_base.go).
type experimentListResource struct {
	listResourceBase
}

func (r *experimentListResource) Metadata(ctx context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	(&experimentResource{}).Metadata(ctx, req, resp)
}

func (r *experimentListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists the Batch AI experiments of a subscription (the provider's by default), a " +
			"resource group or a workspace, whoever created them: `terraform query` shows them, and `terraform query " +
			"-generate-config-out=FILE` writes a `batchai_experiment` block and an `import` block (by identity) for " +
			"each. The display name is `<name> in <resource group>/<workspace>`. An experiment has no secrets: the " +
			"generated configuration is complete.",
		Attributes: listWorkspaceScopeAttributes("experiments"),
	}
}

func (r *experimentListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	startList(ctx, req, &r.listResourceBase, stream, func(ctx context.Context, cfg listWorkspaceScopeModel, c *client.Client, out *listStream) {
		cfg.eachWorkspace(ctx, c, out, func(ws api.WorkspaceID) bool {
			experiments, err := c.ListExperiments(ctx, ws)
			return sendListedIn(out, kindExperiment+"s", ws.String(), experiments, err, func(x api.Experiment) *string { return x.ID },
				func(x api.Experiment) *string { return api.Deref(x.Properties).ProvisioningState },
				func(x api.Experiment) list.ListResult { return experimentListResult(ctx, req, ws, x) })
		})
	})
}

// experimentListResult is the result of one experiment of the workspace ws.
func experimentListResult(ctx context.Context, req list.ListRequest, ws api.WorkspaceID, x api.Experiment) list.ListResult {
	id := ws.Experiment(api.Deref(x.Name))
	return newListResult(ctx, req, id, workspaceChildImported(id), newExperimentIdentity(id),
		listedName(id.Name, id.ResourceGroup+"/"+id.Workspace),
		func(m *experimentResourceModel) diag.Diagnostics {
			m.flatten(id, x)
			return nil
		})
}
