package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

var (
	_ list.ListResource              = &jobListResource{}
	_ list.ListResourceWithConfigure = &jobListResource{}
)

func newJobListResource() list.ListResource {
	return &jobListResource{}
}

// jobListResource lists the jobs of a subscription, a resource group, a workspace or an experiment
// (list_base.go). The service lists jobs per experiment only, so a wider scope lists its experiments first.
type jobListResource struct {
	listResourceBase
}

// jobListModel is the configuration of the batchai_job list resource.
type jobListModel struct {
	listWorkspaceScopeModel
	ExperimentName types.String `tfsdk:"experiment_name"`
}

func (r *jobListResource) Metadata(ctx context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	(&jobResource{}).Metadata(ctx, req, resp)
}

func (r *jobListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	attrs := listWorkspaceScopeAttributes("jobs")
	attrs["experiment_name"] = listschema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "Only list the jobs of this experiment. Requires `workspace_name`.",
		Validators: append(batchAINameValidators(),
			stringvalidator.AlsoRequires(path.MatchRoot("workspace_name"))),
	}
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists the Batch AI jobs of a subscription (the provider's by default), a resource " +
			"group, a workspace or an experiment, whoever submitted them, finished ones included: `terraform query` " +
			"shows them, and `terraform query -generate-config-out=FILE` writes a `batchai_job` block and an " +
			"`import` block (by identity) for each. The display name is `<name> in <resource group>/<workspace>/" +
			"<experiment> (<execution state>, <tool type> on <cluster>)`.\n\n" +
			"The generated configuration has every argument Azure returns. The secrets it never returns (the " +
			"values of `secrets`, the container registry password, storage account keys) are written as `null # " +
			"sensitive`: the import plans no change without them (an imported job is never submitted again), and " +
			"they are only needed to run the job again (a replacement), when the plan asks for them.",
		Attributes: attrs,
	}
}

func (r *jobListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	startList(ctx, req, &r.listResourceBase, stream, func(ctx context.Context, cfg jobListModel, c *client.Client, out *listStream) {
		cfg.eachWorkspace(ctx, c, out, func(ws api.WorkspaceID) bool {
			experiments, err := cfg.experimentIDs(ctx, c, ws)
			if err != nil {
				out.failAPI(kindExperiment+"s", ws.String(), err)
				return false
			}
			for _, x := range experiments {
				jobs, err := c.ListJobs(ctx, x)
				if !sendListedIn(out, kindJob+"s", x.String(), jobs, err, func(j api.Job) *string { return j.ID },
					func(j api.Job) *string { return api.Deref(j.Properties).ProvisioningState },
					func(j api.Job) list.ListResult { return jobListResult(ctx, req, x, j) }) {
					return false
				}
			}
			return true
		})
	})
}

// experimentIDs are the experiments of the workspace ws the list covers: the one named, or all of them in a
// stable order but those being deleted (their jobs go with them).
func (m jobListModel) experimentIDs(ctx context.Context, c *client.Client, ws api.WorkspaceID) ([]api.ExperimentID, error) {
	if name := m.ExperimentName.ValueString(); name != "" {
		return []api.ExperimentID{ws.Experiment(name)}, nil
	}
	all, err := c.ListExperiments(ctx, ws)
	if err != nil {
		return nil, err
	}
	sortByID(all, func(x api.Experiment) *string { return x.ID })
	ids := make([]api.ExperimentID, 0, len(all))
	for _, x := range all {
		if isDeleting(api.Deref(x.Properties).ProvisioningState) {
			continue
		}
		ids = append(ids, ws.Experiment(api.Deref(x.Name)))
	}
	return ids, nil
}

// jobListResult is the result of one job of the experiment x.
func jobListResult(ctx context.Context, req list.ListRequest, x api.ExperimentID, j api.Job) list.ListResult {
	id := x.Job(api.Deref(j.Name))
	p := api.Deref(j.Properties)
	cluster := api.Deref(resourceIDString(p.Cluster))
	if cid, err := api.ParseClusterID(cluster); err == nil {
		cluster = cid.Name
	}
	display := listedName(id.Name, id.ResourceGroup+"/"+id.Workspace+"/"+id.Experiment,
		api.Deref(p.ExecutionState), api.Deref(p.ToolType)+" on "+cluster)
	return newListResult(ctx, req, id, jobImported(id), newJobIdentity(id), display,
		func(m *jobResourceModel) diag.Diagnostics { return m.setFromAPI(ctx, id, j) })
}
