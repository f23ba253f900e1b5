package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// The attributes the job data sources share: a job's read-only state (batchai_job and batchai_jobs), the
// arguments that name a job or an experiment, and an output directory's id (batchai_job_output_files and the
// batchai_job_output_file ephemeral resource, whose schema types differ but whose texts are these).

// jobStateDataSourceAttributes are what `az batchai job list` shows of a job, and what a check needs.
func jobStateDataSourceAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":                  computedString("The ARM ID of the job."),
		"cluster_id":          computedString("The ARM ID of the cluster the job runs on."),
		"node_count":          computedInt64("How many nodes the job runs on."),
		"tool_type":           computedString("The toolkit, e.g. `custom` or `tensorflow`."),
		"scheduling_priority": computedString("`low`, `normal` or `high`."),
		"execution_state":     computedString("`queued`, `running`, `terminating`, `succeeded` or `failed`."),
		"execution_state_transition_time": computedString("When the job entered its execution state (RFC 3339; " +
			"the service may report slightly different times for one state)."),
		"exit_code": computedInt64("The exit code of the job's command line once it has ended; null before (the " +
			"service reports 0 while a job runs, which says nothing yet), and for a job the service stopped."),
		"creation_time":      computedString("When the job was created (RFC 3339)."),
		"start_time":         computedString("When the job started running (RFC 3339); null while queued."),
		"end_time":           computedString("When the job ended (RFC 3339); null until then."),
		"provisioning_state": computedString("`creating`, `succeeded`, `failed` or `deleting`."),
	}
}

// jobIDArgument is the job_id argument of the output-file data source and ephemeral resource.
const jobIDDescription = "The ARM ID of the job, usually `batchai_job.<name>.id`."

func jobIDValidator() validator.String {
	return armIDValidator(api.ProviderNamespace, "workspaces", "experiments", "jobs")
}

func experimentIDValidator() validator.String {
	return armIDValidator(api.ProviderNamespace, "workspaces", "experiments")
}

// outputDirectoryIDDescription is the output_directory_id argument's text.
const outputDirectoryIDDescription = "Which output directory: `stdouterr` (the default: `stdout.txt`, `stderr.txt`, " +
	"`execution.log` and, with a job preparation, `stdout-job_prep.txt` and `stderr-job_prep.txt`), or the `id` of " +
	"one of the job's `output_directory` blocks."

func outputDirectoryIDValidators() []validator.String {
	return []validator.String{stringvalidator.LengthAtLeast(1)}
}

// outputFileAttributes are one entry of an output directory listing.
func outputFileAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"name":           computedString("The file or folder name."),
		"type":           computedString("`file` or `directory`."),
		"content_length": computedInt64("The size of a file in bytes (null for a folder)."),
		"last_modified":  computedString("When a file was last written (null for a folder)."),
	}
}

// jobErrorsDataSourceAttribute is a job's errors.
func jobErrorsDataSourceAttribute() schema.ListNestedAttribute {
	return computedList("The errors the service reports for the job, e.g. `JobPreparationFailed` (empty for a job "+
		"that succeeded or only exited non-zero).", map[string]schema.Attribute{
		"code":    computedString("The error code."),
		"message": computedString("The error message."),
		"details": schema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Additional details, by name."},
	})
}
