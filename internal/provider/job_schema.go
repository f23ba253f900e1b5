package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// jobTimeouts are batchai_job's defaults. With wait_for_completion the create lasts as long as the job runs,
// so its default is two hours; a job has no update API.
var jobTimeouts = operationTimeouts{create: 2 * time.Hour, read: defaultReadTimeout, delete: defaultDeleteTimeout}

// jobMounts are a job's own mounts.
var jobMounts = mountScope{
	root: "$AZ_BATCHAI_JOB_MOUNT_ROOT",
	description: "File systems mounted for this job only, on each of its nodes, under " +
		"`$AZ_BATCHAI_JOB_MOUNT_ROOT/<relative_mount_path>`: mounted before the job starts and unmounted after it " +
		"ends (the cluster's own mounts stay under `$AZ_BATCHAI_MOUNT_ROOT`). Give at least one mount. Changing " +
		"anything replaces the job.",
	fileServer: "A Batch AI file server (NFS), usually `batchai_file_server.<name>.id`. Repeatable.",
}

// jobResourceSchema is the schema of batchai_job. The API has no update for jobs: every argument replaces the
// job (RequiresReplace on each attribute and block), which runs it again. Only the provider-side
// wait_for_completion and timeouts change in place. The computed values change as the job runs, but only
// through a refresh, never through a plan of this resource: they keep their state values in every plan.
// The toolkit blocks are in job_toolkit_schema.go, the secrets' attributes in job_secrets.go.
func jobResourceSchema(ctx context.Context) schema.Schema {
	attrs := map[string]schema.Attribute{
		// Required attributes.
		"name": schema.StringAttribute{
			Required: true,
			MarkdownDescription: "The name of the job, unique in its experiment: 1 to 64 letters, digits, `-` and " +
				"`_`. Changing it replaces the job.",
			Validators:    batchAINameValidators(),
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
		"experiment_id": schema.StringAttribute{
			Required: true,
			MarkdownDescription: "The ARM ID of the experiment the job belongs to, usually " +
				"`batchai_experiment.<name>.id`. Changing it replaces the job.",
			Validators:    []validator.String{armIDValidator(api.ProviderNamespace, "workspaces", "experiments")},
			PlanModifiers: []planmodifier.String{keepEquivalentState(normalizeCaseInsensitive), stringplanmodifier.RequiresReplace()},
		},
		"cluster_id": schema.StringAttribute{
			Required: true,
			MarkdownDescription: "The ARM ID of the cluster the job runs on, usually `batchai_cluster.<name>.id`: a " +
				"cluster of the experiment's workspace. Changing it replaces the job.",
			Validators:    []validator.String{armIDValidator(api.ProviderNamespace, "workspaces", "clusters")},
			PlanModifiers: []planmodifier.String{keepEquivalentState(normalizeCaseInsensitive), stringplanmodifier.RequiresReplace()},
		},
		"std_out_err_path_prefix": schema.StringAttribute{
			Required: true,
			MarkdownDescription: "Where the service writes the job's `stdout.txt`, `stderr.txt` and `execution.log`, " +
				"usually on a mount, e.g. `$AZ_BATCHAI_MOUNT_ROOT/afs`: they are read back through the " +
				"`batchai_job_output_files` data source and the `batchai_job_output_file` ephemeral resource " +
				"(output directory `stdouterr`). Changing it replaces the job.",
			Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},

		// Optional attributes.
		"node_count": schema.Int64Attribute{
			Optional: true,
			Computed: true,
			Default:  int64default.StaticInt64(1),
			MarkdownDescription: "How many nodes of the cluster the job runs on (default `1`). The job is gang " +
				"scheduled: it stays `queued` until that many nodes are idle (an auto-scale cluster grows for it). " +
				"At most the cluster's target or maximum node count. Changing it replaces the job.",
			Validators:    []validator.Int64{int64validator.AtLeast(1)},
			PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()},
		},
		"scheduling_priority": schema.StringAttribute{
			Optional: true,
			Computed: true,
			Default:  stringdefault.StaticString(api.DefaultJobPriority),
			MarkdownDescription: "`low`, `normal` (default) or `high`: queued jobs of higher priority start first. " +
				"Changing it replaces the job.",
			Validators:    []validator.String{stringvalidator.OneOf(api.JobPriorityLow, api.JobPriorityNormal, api.JobPriorityHigh)},
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
		"max_wall_clock_time": schema.StringAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: "The longest the job may run once started (`constraints.maxWallClockTime`), in " +
				"ISO 8601 (`P7D`, `PT12H`) or `d.hh:mm:ss` (`7.00:00:00`): a job still running then fails. Left " +
				"out, the service's default (`P150D`) shows here without a diff; both spellings of one duration " +
				"are the same value. On low-priority nodes a job never runs longer than 24 hours. Changing it " +
				"replaces the job.",
			Validators: []validator.String{durationValidator()},
			PlanModifiers: []planmodifier.String{
				stringplanmodifier.UseStateForUnknown(), keepEquivalentState(normalizeDuration), stringplanmodifier.RequiresReplace(),
			},
		},
		"environment_variables": schema.MapAttribute{
			Optional:            true,
			ElementType:         types.StringType,
			MarkdownDescription: "Environment variables of the job, by name. Changing them replaces the job.",
			PlanModifiers:       []planmodifier.Map{mapplanmodifier.RequiresReplace()},
		},
		"wait_for_completion": schema.BoolAttribute{
			Optional: true,
			Computed: true,
			Default:  booldefault.StaticBool(true),
			MarkdownDescription: "Whether `apply` waits until the job has finished (default `true`). A job that " +
				"fails is then an apply error that shows its exit code, the service's errors and the last lines " +
				"of its `stderr.txt`; the job stays in state, tainted, so that the next apply runs it again. With " +
				"`false`, apply returns once the service has accepted the job. Provider-side only: changing it " +
				"calls no API and replaces nothing.",
		},

		// Computed attributes, which the job's execution sets.
		"id":        stableComputedString("The ARM ID of the job, `<experiment_id>/jobs/<name>`."),
		"tool_type": stableComputedString("The toolkit the service runs, e.g. `custom` or `tensorflow`."),
		"execution_state": stableComputedString("`queued`, `running`, `terminating`, `succeeded` or `failed`, as of the " +
			"last refresh. Its changes never plan a change of the job."),
		"exit_code": schema.Int64Attribute{
			Computed: true,
			MarkdownDescription: "The exit code of the job's command line once it has ended (null before, and for a " +
				"job the service stopped, e.g. terminated).",
			PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
		},
		"start_time": stableComputedString("When the job started running on its nodes (RFC 3339); null while queued."),
		"end_time":   stableComputedString("When the job ended (RFC 3339); null until then."),
		"errors": schema.ListNestedAttribute{
			Computed:            true,
			MarkdownDescription: "The errors the service reports for the job, e.g. `JobPreparationFailed`; empty for a job that succeeded or only exited non-zero.",
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"code":    schema.StringAttribute{Computed: true, MarkdownDescription: "The error code."},
				"message": schema.StringAttribute{Computed: true, MarkdownDescription: "The error message."},
				"details": schema.MapAttribute{Computed: true, ElementType: types.StringType,
					MarkdownDescription: "Additional details, by name."},
			}},
			PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
		},
		"job_output_directory_path_segment": stableComputedString("The unique segment the service puts between an " +
			"output directory's `path_prefix` and `path_suffix` (`<prefix>/<segment>/outputs/<suffix>`), and under " +
			"`std_out_err_path_prefix`."),
		"creation_time":      stableComputedString("When the job was created (RFC 3339)."),
		"provisioning_state": stableComputedString("The provisioning state of the job, `succeeded` once the service has created it."),
	}
	for k, v := range jobSecretAttributes() {
		attrs[k] = v
	}
	blocks := map[string]schema.Block{
		"container":        jobContainerBlock(),
		"job_preparation":  jobPreparationBlock(),
		"input_directory":  jobInputDirectoryBlock(),
		"output_directory": jobOutputDirectoryBlock(),
		"secret_reference": jobSecretReferenceBlock(),
		"mount_volumes":    mountVolumesBlock(jobMounts),
		"timeouts":         timeoutsBlockOf(ctx, jobTimeouts),
	}
	for _, tk := range jobToolkits {
		blocks[tk.name] = tk.block()
	}
	return schema.Schema{
		MarkdownDescription: "A Batch AI job: a command line, a script of one of nine toolkits, run on nodes of a " +
			"`batchai_cluster`, in a `batchai_experiment`, like `az batchai job create`. By default `apply` waits " +
			"for the job to finish and fails, showing the exit code and the end of `stderr.txt`, when the job fails. " +
			"A job runs once: the API has no update, so changing any argument replaces the job (runs it again), " +
			"and re-running an unchanged job is `terraform apply -replace=batchai_job.<name>` or " +
			"`lifecycle { replace_triggered_by = [...] }`. A finished job never plans a change. Destroying a job " +
			"that still runs terminates it, then deletes it.\n\n" +
			"Secrets (secret environment variables, the container registry password, storage account keys of " +
			"mounts) are never returned by the service: their classic forms are `Sensitive` and kept in state " +
			"from configuration, their `_wo` forms (Terraform >= 1.11) are write-only and never stored.",
		Attributes: attrs,
		Blocks:     blocks,
	}
}

func jobPreparationBlock() schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: "A command line run on each node of the job before the toolkit starts (inside the " +
			"container when there is one), e.g. to install packages. A preparation that exits non-zero fails the " +
			"job, and the toolkit never starts. Changing it replaces the job.",
		PlanModifiers: []planmodifier.Object{objectplanmodifier.RequiresReplace()},
		Attributes: map[string]schema.Attribute{
			"command_line": schema.StringAttribute{
				Optional:            true, // required in the block: see requiredInBlock
				MarkdownDescription: "Required. The command line, e.g. `pip install -r requirements.txt`.",
				Validators:          []validator.String{requiredInBlock(), stringvalidator.LengthAtLeast(1)},
			},
		},
	}
}

func jobInputDirectoryBlock() schema.ListNestedBlock {
	return schema.ListNestedBlock{
		MarkdownDescription: "A directory the job reads, exposed to it as `$AZ_BATCHAI_INPUT_<id>`. Repeatable. " +
			"Changing any replaces the job.",
		PlanModifiers: []planmodifier.List{listplanmodifier.RequiresReplace()},
		NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The id of the directory, e.g. `SCRIPTS` for `$AZ_BATCHAI_INPUT_SCRIPTS`; unique among the job's input directories.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"path": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The path of the directory on the nodes, e.g. `$AZ_BATCHAI_JOB_MOUNT_ROOT/afs/scripts`.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
		}},
	}
}

func jobOutputDirectoryBlock() schema.ListNestedBlock {
	return schema.ListNestedBlock{
		MarkdownDescription: "A directory the job writes, exposed to it as `$AZ_BATCHAI_OUTPUT_<id>` " +
			"(`<path_prefix>/<job_output_directory_path_segment>/outputs/<path_suffix>`); its files are listed by " +
			"the `batchai_job_output_files` data source with `output_directory_id = \"<id>\"`. Repeatable. " +
			"Changing any replaces the job.",
		PlanModifiers: []planmodifier.List{listplanmodifier.RequiresReplace()},
		NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The id of the directory, e.g. `MODELS` for `$AZ_BATCHAI_OUTPUT_MODELS`; unique " +
					"among the job's output directories, and not `stdouterr`, which names the job's standard output.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1), stringvalidator.NoneOfCaseInsensitive(api.OutputDirectoryStdOutErr)},
			},
			"path_prefix": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Where the directory is created, an absolute path, e.g. `$AZ_BATCHAI_MOUNT_ROOT/afs`.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"path_suffix": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The folder under the job's segment, e.g. `models`.",
			},
		}},
	}
}

func jobSecretReferenceBlock() schema.ListNestedBlock {
	return schema.ListNestedBlock{
		MarkdownDescription: "A secret environment variable whose value the service reads from Azure Key Vault. " +
			"Repeatable. Changing any replaces the job.",
		PlanModifiers: []planmodifier.List{listplanmodifier.RequiresReplace()},
		NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The environment variable name.",
			},
			"source_vault_id": keyVaultIDAttribute(),
			"secret_url":      keyVaultSecretURLAttribute(),
		}},
	}
}
