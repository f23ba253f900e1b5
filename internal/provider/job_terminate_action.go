package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	fwaction "github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

var (
	_ fwaction.Action                   = &jobTerminateAction{}
	_ fwaction.ActionWithConfigure      = &jobTerminateAction{}
	_ fwaction.ActionWithValidateConfig = &jobTerminateAction{}
)

func newJobTerminateAction() fwaction.Action {
	return &jobTerminateAction{}
}

// jobTerminateAction is batchai_job_terminate: the POST of `az batchai job terminate`, then a wait until the
// job has ended, with progress messages. A job that has already ended is left alone, with a message: a
// pipeline that terminates "whatever still runs" must not fail because the job beat it to the end.
type jobTerminateAction struct {
	actionBase
}

// jobTerminateActionModel is the configuration of batchai_job_terminate: the job's ID, or its coordinates (as
// its identity names them).
type jobTerminateActionModel struct {
	JobID             types.String `tfsdk:"job_id"`
	SubscriptionID    types.String `tfsdk:"subscription_id"`
	ResourceGroupName types.String `tfsdk:"resource_group_name"`
	WorkspaceName     types.String `tfsdk:"workspace_name"`
	ExperimentName    types.String `tfsdk:"experiment_name"`
	JobName           types.String `tfsdk:"job_name"`
	Timeout           types.String `tfsdk:"timeout"`
}

func (a *jobTerminateAction) Metadata(_ context.Context, req fwaction.MetadataRequest, resp *fwaction.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_job_terminate"
}

func (a *jobTerminateAction) Schema(_ context.Context, _ fwaction.SchemaRequest, resp *fwaction.SchemaResponse) {
	conflictsWithJobID := stringvalidator.ConflictsWith(path.MatchRoot("job_id"))
	coordinate := func(description string) schema.StringAttribute {
		return schema.StringAttribute{
			Optional:            true,
			MarkdownDescription: description + " With `job_name`, instead of `job_id`.",
			Validators:          append(batchAINameValidators(), conflictsWithJobID),
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Terminates a Batch AI job that is queued or running (`az batchai job terminate`), then " +
			"waits until it has ended, reporting progress. Invoke it with `terraform apply " +
			"-invoke=action.batchai_job_terminate.<name>` or from a resource's `lifecycle { action_trigger { ... } }` " +
			"(Terraform >= 1.14). A job that has already ended (succeeded or failed) is left as it is, with a " +
			"message: that is not an error.\n\n" +
			"The service records a terminated job as `failed`, with the error `JobTerminated` and no exit code. A " +
			"`batchai_job` that Terraform manages keeps existing: the next plan shows no change (its " +
			"`execution_state`, `errors` and `end_time` are read-only values that a refresh updates), and the job " +
			"is not run again unless it is replaced (`terraform apply -replace=...`, or `replace_triggered_by`). " +
			"Destroying a `batchai_job` terminates it anyway: this action is for stopping a job and keeping it.",
		Attributes: map[string]schema.Attribute{
			"job_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: jobIDDescription + " Exactly one of `job_id` or `job_name` (with the coordinates).",
				Validators:          []validator.String{jobIDValidator()},
			},
			"subscription_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "With `job_name`: the subscription of the job. Defaults to the provider's " +
					"`subscription_id`.",
				Validators: []validator.String{
					stringvalidator.RegexMatches(subscriptionIDPattern, "must be a subscription ID"), conflictsWithJobID,
				},
			},
			"resource_group_name": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "With `job_name`: the resource group of the job's workspace.",
				Validators:          append(resourceGroupNameValidators(), conflictsWithJobID),
			},
			"workspace_name":  coordinate("The workspace of the job's experiment."),
			"experiment_name": coordinate("The experiment of the job."),
			"job_name": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The name of the job, in the experiment `experiment_name` of the workspace " +
					"`workspace_name` in `resource_group_name` (all three required with it), instead of `job_id`.",
				Validators: append(batchAINameValidators(), conflictsWithJobID, stringvalidator.AlsoRequires(
					path.MatchRoot("resource_group_name"), path.MatchRoot("workspace_name"), path.MatchRoot("experiment_name"))),
			},
			"timeout": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "How long the termination and the wait may take, as a duration such as `10m`. " +
					"Defaults to `" + shortDuration(jobTimeouts.delete) + "`.",
				Validators: []validator.String{positiveDuration()},
			},
		},
	}
}

// ValidateConfig requires exactly one of job_id or job_name.
func (a *jobTerminateAction) ValidateConfig(ctx context.Context, req fwaction.ValidateConfigRequest, resp *fwaction.ValidateConfigResponse) {
	var m jobTerminateActionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	requireOneActionArgument(&resp.Diagnostics, "batchai_job_terminate",
		"the job's ID, or its name with resource_group_name, workspace_name and experiment_name",
		named{"job_id", m.JobID}, named{"job_name", m.JobName})
}

func (a *jobTerminateAction) Invoke(ctx context.Context, req fwaction.InvokeRequest, resp *fwaction.InvokeResponse) {
	m, c, ok := readConfig[jobTerminateActionModel](ctx, req.Config, &a.providerDataHolder, &resp.Diagnostics)
	if !ok {
		return
	}
	id, nameAttr, experimentAttr := m.job(c.SubscriptionID(), &resp.Diagnostics)
	timeout := actionTimeout(&resp.Diagnostics, m.Timeout, jobTimeouts.delete)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := a.operationContext(ctx, id.String(), timeout)
	defer cancel()

	j, ok := getJobForDataSource(ctx, c, id, nameAttr, experimentAttr, &resp.Diagnostics)
	if !ok {
		return
	}
	p := api.Deref(j.Properties)
	switch {
	case jobEnded(p):
		progress(ctx, resp, fmt.Sprintf("Job %s has already ended (%s): nothing to terminate.", id.Name, describeJobEnd(p)))
		return
	case isDeleting(p.ProvisioningState):
		progress(ctx, resp, fmt.Sprintf("Job %s is being deleted: nothing to terminate.", id.Name))
		return
	}
	progress(ctx, resp, fmt.Sprintf("Terminating job %s (%s).", id.Name, api.Deref(p.ExecutionState)))
	if _, err := c.BeginTerminateJob(ctx, id); err != nil {
		addAPIError(&resp.Diagnostics, actionTerminate, kindJob, id.String(), err)
		return
	}
	// The job itself says when the termination is over (it has ended): poll it, as the service's own
	// operation says nothing more, and report each state it passes through.
	states := &stateProgress{ctx: ctx, resp: resp, subject: "Job " + id.Name, last: api.Deref(p.ExecutionState)}
	err := pollUntil(ctx, c.PollFrequency(), func(ctx context.Context) (bool, error) {
		j, err := c.GetJob(ctx, id)
		switch {
		case client.IsNotFound(err):
			return true, errors.New("the job was deleted while it was being terminated")
		case err != nil:
			return false, err
		}
		p = api.Deref(j.Properties)
		states.report(api.Deref(p.ExecutionState))
		return jobEnded(p), nil
	}, func(ctxErr error) error {
		return fmt.Errorf("the job is still %q; the termination goes on in Azure: %w", states.last, ctxErr)
	})
	if err != nil {
		addAPIError(&resp.Diagnostics, actionWaitTerminate, kindJob, id.String(), err)
		return
	}
	progress(ctx, resp, fmt.Sprintf("Job %s has ended: %s.", id.Name, describeJobEnd(p)))
}

// job is the job the configuration names, and the attributes that name it and its experiment (for the
// errors of a job or an experiment that does not exist).
func (m jobTerminateActionModel) job(providerSubscription string, diags *diag.Diagnostics) (api.JobID, path.Path, path.Path) {
	if !m.JobID.IsNull() {
		id, _ := parseIDAttribute(diags, path.Root("job_id"), kindJob, m.JobID.ValueString(), api.ParseJobID)
		return id, path.Root("job_id"), path.Root("job_id")
	}
	sub := m.SubscriptionID.ValueString()
	if sub == "" {
		sub = providerSubscription
	}
	return api.JobID{SubscriptionID: sub, ResourceGroup: m.ResourceGroupName.ValueString(), Workspace: m.WorkspaceName.ValueString(),
		Experiment: m.ExperimentName.ValueString(), Name: m.JobName.ValueString()}, path.Root("job_name"), path.Root("experiment_name")
}

// describeJobEnd says how a job ended: "succeeded, exit code 0" or "failed: JobTerminated".
func describeJobEnd(p api.JobProperties) string {
	s := api.Deref(p.ExecutionState)
	info := api.Deref(p.ExecutionInfo)
	if info.ExitCode != nil && jobEnded(p) {
		s += fmt.Sprintf(", exit code %d", *info.ExitCode)
	}
	for i, e := range info.Errors {
		if i == 0 {
			s += ":"
		}
		s += " " + api.Deref(e.Code)
	}
	return s
}
