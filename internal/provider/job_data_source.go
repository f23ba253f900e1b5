package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

var (
	_ datasource.DataSource              = &jobDataSource{}
	_ datasource.DataSourceWithConfigure = &jobDataSource{}
)

func newJobDataSource() datasource.DataSource { return &jobDataSource{} }

// jobDataSource reads a job's state: `az batchai job show`.
type jobDataSource struct {
	dataSourceBase
}

func (d *jobDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_job"
}

func (d *jobDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = jobDataSourceSchema()
}

// jobDataSourceSchema is the schema of the batchai_job data source: a job's name and experiment, its state,
// times, exit code, errors and where its output goes.
func jobDataSourceSchema() schema.Schema {
	attrs := jobStateDataSourceAttributes()
	attrs["name"] = schema.StringAttribute{
		Required:            true,
		MarkdownDescription: "The name of the job.",
		Validators:          batchAINameValidators(),
	}
	attrs["experiment_id"] = schema.StringAttribute{
		Required:            true,
		MarkdownDescription: "The ARM ID of the job's experiment, usually `batchai_experiment.<name>.id`.",
		Validators:          []validator.String{experimentIDValidator()},
	}
	attrs["errors"] = jobErrorsDataSourceAttribute()
	attrs["total_job_node_hours"] = schema.Float64Attribute{Computed: true,
		MarkdownDescription: "The node hours the job used (node-seconds / 3600) once it has ended; 0 before."}
	attrs["job_output_directory_path_segment"] = computedString("The unique segment the service inserts into the " +
		"job's output paths: an output directory is `<path_prefix>/<segment>/outputs/<path_suffix>`.")
	attrs["std_out_err_path_prefix"] = computedString("Where the job's `stdout.txt`, `stderr.txt` and `execution.log` go.")
	attrs["output_directories"] = computedList("The job's output directories, which `batchai_job_output_files` lists "+
		"by `id`.", map[string]schema.Attribute{
		"id":          computedString("The id (`$AZ_BATCHAI_OUTPUT_<id>`)."),
		"path_prefix": computedString("Where the directory is created."),
		"path_suffix": computedString("The folder under the job's segment."),
	})
	return schema.Schema{
		MarkdownDescription: "Reads a Batch AI job's state, as `az batchai job show` does: its execution state, " +
			"exit code, times, the service's errors and where its output goes. Read it to watch a job submitted " +
			"with `wait_for_completion = false`, or one that another configuration manages. A missing experiment " +
			"or job is an error naming it.",
		Attributes: attrs,
	}
}

func (d *jobDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	m, c, ok := readConfig[jobDataSourceModel](ctx, req.Config, &d.providerDataHolder, &resp.Diagnostics)
	if !ok {
		return
	}
	x, ok := parseIDAttribute(&resp.Diagnostics, path.Root("experiment_id"), kindExperiment, m.ExperimentID.ValueString(), api.ParseExperimentID)
	if !ok {
		return
	}
	id := x.Job(m.Name.ValueString())
	ctx, cancel := d.readContext(ctx, id.String())
	defer cancel()

	j, ok := getJobForDataSource(ctx, c, id, path.Root("name"), path.Root("experiment_id"), &resp.Diagnostics)
	if !ok {
		return
	}
	setDataSourceState(ctx, resp, &m, m.flatten(ctx, id, j))
}

// getJobForDataSource reads a job for any data source. On a 404 it reads the experiment (and the workspace)
// too, so the error says which one is missing, on the attribute that names it.
func getJobForDataSource(ctx context.Context, c *client.Client, id api.JobID, nameAttr, experimentAttr path.Path, diags *diag.Diagnostics) (api.Job, bool) {
	return getInParent(diags, kindJob, id.String(),
		func() (api.Job, error) { return c.GetJob(ctx, id) },
		func() bool { return getExperimentForDataSource(ctx, c, id.ExperimentID(), experimentAttr, diags) },
		func() {
			addNotFoundError(diags, nameAttr, kindJob, "job", id.Name, fmt.Sprintf("experiment %q", id.Experiment),
				id.String(), "batchai_job")
		})
}

// getExperimentForDataSource checks that an experiment exists (and its workspace, for the error).
func getExperimentForDataSource(ctx context.Context, c *client.Client, id api.ExperimentID, attr path.Path, diags *diag.Diagnostics) bool {
	_, ok := getInParent(diags, kindExperiment, id.String(),
		func() (api.Experiment, error) { return c.GetExperiment(ctx, id) },
		func() bool {
			_, ok := getWorkspaceForDataSource(ctx, c, id.WorkspaceID(), attr, diags)
			return ok
		},
		func() {
			addNotFoundError(diags, attr, kindExperiment, "experiment", id.Name, fmt.Sprintf("workspace %q", id.Workspace),
				id.String(), "batchai_experiment")
		})
	return ok
}
