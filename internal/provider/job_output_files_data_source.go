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
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

var (
	_ datasource.DataSource              = &jobOutputFilesDataSource{}
	_ datasource.DataSourceWithConfigure = &jobOutputFilesDataSource{}
)

func newJobOutputFilesDataSource() datasource.DataSource { return &jobOutputFilesDataSource{} }

// jobOutputFilesDataSource lists one folder of a job's output: `az batchai job file list`, without the
// download URLs.
type jobOutputFilesDataSource struct {
	dataSourceBase
}

func (d *jobOutputFilesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_job_output_files"
}

func (d *jobOutputFilesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = jobOutputFilesDataSourceSchema()
}

// jobOutputFilesDataSourceSchema is the schema of batchai_job_output_files.
func jobOutputFilesDataSourceSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Lists one folder of a Batch AI job's output, as `az batchai job file list` does: the " +
			"name, type, size and modification time of each file and folder. **The download URLs are left out**: " +
			"each is a credential (a SAS URL) that changes on every listing, which would leak through the state " +
			"and show as a change on every refresh. Read a file's URL, or a small file's content, with the " +
			"`batchai_job_output_file` ephemeral resource instead. Files exist once the job has started.",
		Attributes: map[string]schema.Attribute{
			"job_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: jobIDDescription,
				Validators:          []validator.String{jobIDValidator()},
			},
			"output_directory_id": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: outputDirectoryIDDescription,
				Validators:          outputDirectoryIDValidators(),
			},
			"directory": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "A folder inside the output directory, e.g. `models` (default `.`, its root).",
			},
			"id": computedString("An identifier of the listing: `<job_id>/outputs/<output_directory_id>/<directory>`."),
			"files": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The files and folders, sorted by name.",
				NestedObject:        schema.NestedAttributeObject{Attributes: outputFileAttributes()},
			},
		},
	}
}

func (d *jobOutputFilesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	m, c, ok := readConfig[jobOutputFilesDataSourceModel](ctx, req.Config, &d.providerDataHolder, &resp.Diagnostics)
	if !ok {
		return
	}
	id, ok := parseIDAttribute(&resp.Diagnostics, path.Root("job_id"), kindJob, m.JobID.ValueString(), api.ParseJobID)
	if !ok {
		return
	}
	if m.OutputDirectoryID.IsNull() {
		m.OutputDirectoryID = types.StringValue(api.OutputDirectoryStdOutErr)
	}
	if m.Directory.IsNull() || m.Directory.ValueString() == "" {
		m.Directory = types.StringValue(".")
	}
	ctx, cancel := d.readContext(ctx, id.String())
	defer cancel()

	files, ok := listOutputFiles(ctx, c, id, client.OutputFilesOptions{
		OutputDirectoryID: m.OutputDirectoryID.ValueString(), Directory: m.Directory.ValueString(),
	}, path.Root("job_id"), &resp.Diagnostics)
	if !ok {
		return
	}
	m.ID = types.StringValue(id.String() + "/outputs/" + m.OutputDirectoryID.ValueString() + "/" + m.Directory.ValueString())
	var diags diag.Diagnostics
	m.Files = flattenOutputFiles(ctx, files, &diags)
	setDataSourceState(ctx, resp, &m, diags)
}

// listOutputFiles lists one folder of a job's output for a data source or an ephemeral resource. A 404 is
// an error naming the job (or its experiment) on jobAttr; the service's 400 for an unknown output directory
// says which ones the job has.
func listOutputFiles(ctx context.Context, c *client.Client, id api.JobID, o client.OutputFilesOptions, jobAttr path.Path,
	diags *diag.Diagnostics) ([]api.File, bool) {
	files, err := c.ListOutputFiles(ctx, id, o)
	switch {
	case client.IsNotFound(err):
		_, _ = getJobForDataSource(ctx, c, id, jobAttr, jobAttr, diags)
		if !diags.HasError() {
			addAPIError(diags, actionList, kindOutputFile+"s", id.String(), err)
		}
		return nil, false
	case err != nil:
		addAPIError(diags, actionList, kindOutputFile+"s", id.String(), err)
		return nil, false
	}
	return files, true
}
