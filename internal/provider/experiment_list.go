package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
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
			experiments, err := c.ListExperiments(ctx, ws)
			if err != nil {
				out.failAPI(kindExperiment+"s", ws.String(), err)
				return
			}
			if !sendListed(out, experiments, func(x api.Experiment) *string { return x.ID },
				func(x api.Experiment) *string { return api.Deref(x.Properties).ProvisioningState },
				func(x api.Experiment) list.ListResult { return experimentListResult(ctx, req, ws, x) }) {
				return
			}
		}
	}
}

// experimentListResult is the result of one experiment of the workspace ws.
func experimentListResult(ctx context.Context, req list.ListRequest, ws api.WorkspaceID, x api.Experiment) list.ListResult {
	id := ws.Experiment(api.Deref(x.Name))
	return newListResult(ctx, req, newExperimentIdentity(id), listedName(id.Name, id.ResourceGroup+"/"+id.Workspace),
		map[string]string{"id": id.String(), "name": id.Name, "workspace_id": ws.String()},
		func(res tfsdkResource) diag.Diagnostics {
			return fillListedResource(ctx, res, func(m *experimentResourceModel) diag.Diagnostics {
				m.flatten(id, x)
				return nil
			})
		})
}
