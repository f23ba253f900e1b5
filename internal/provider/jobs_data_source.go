package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

var (
	_ datasource.DataSource              = &jobsDataSource{}
	_ datasource.DataSourceWithConfigure = &jobsDataSource{}
)

func newJobsDataSource() datasource.DataSource { return &jobsDataSource{} }

// jobsDataSource lists the jobs of an experiment: `az batchai job list`.
type jobsDataSource struct {
	dataSourceBase
}

func (d *jobsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_jobs"
}

func (d *jobsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = jobsDataSourceSchema()
}

// jobsDataSourceSchema is the schema of batchai_jobs: an experiment, and the state of each of its jobs.
func jobsDataSourceSchema() schema.Schema {
	summary := jobStateDataSourceAttributes()
	summary["name"] = computedString("The name of the job.")
	return schema.Schema{
		MarkdownDescription: "Lists the jobs of a Batch AI experiment with their state, as `az batchai job list` " +
			"does, including jobs Terraform does not manage. A missing experiment is an error naming it; an " +
			"experiment without jobs gives an empty list.",
		Attributes: map[string]schema.Attribute{
			"experiment_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The ARM ID of the experiment, usually `batchai_experiment.<name>.id`.",
				Validators:          []validator.String{experimentIDValidator()},
			},
			"id": computedString("The ARM ID of the experiment (the same as `experiment_id`)."),
			"jobs": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The jobs, in the order the service lists them.",
				NestedObject:        schema.NestedAttributeObject{Attributes: summary},
			},
		},
	}
}

func (d *jobsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	m, c, ok := readConfig[jobsDataSourceModel](ctx, req.Config, &d.providerDataHolder, &resp.Diagnostics)
	if !ok {
		return
	}
	x, ok := parseIDAttribute(&resp.Diagnostics, path.Root("experiment_id"), kindExperiment, m.ExperimentID.ValueString(), api.ParseExperimentID)
	if !ok {
		return
	}
	ctx, cancel := d.readContext(ctx, x.String())
	defer cancel()

	// The experiment is read first, so that a typo is not "no jobs".
	if !getExperimentForDataSource(ctx, c, x, path.Root("experiment_id"), &resp.Diagnostics) {
		return
	}
	jobs, err := c.ListJobs(ctx, x)
	if err != nil {
		addAPIError(&resp.Diagnostics, actionList, kindJob+"s", x.String()+"/jobs", err)
		return
	}
	m.ID = types.StringValue(x.String())
	var diags diag.Diagnostics
	m.Jobs = flattenJobSummaries(ctx, x, jobs, &diags)
	setDataSourceState(ctx, resp, &m, diags)
}
