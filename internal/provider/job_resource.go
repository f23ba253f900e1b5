package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

var (
	_ resource.Resource                   = &jobResource{}
	_ resource.ResourceWithConfigure      = &jobResource{}
	_ resource.ResourceWithImportState    = &jobResource{}
	_ resource.ResourceWithModifyPlan     = &jobResource{}
	_ resource.ResourceWithValidateConfig = &jobResource{}
	_ resource.ResourceWithIdentity       = &jobResource{}
)

func newJobResource() resource.Resource {
	return &jobResource{}
}

// jobResource manages a Batch AI job: it submits the job and, with wait_for_completion, waits for it to
// finish; a failed job is an apply error with the job kept in state (tainted). The API has no update: every
// argument replaces the job, and Update only records what calls no API. The schema is in job_schema.go and
// job_toolkit_schema.go, the models in job_models.go, the conversions in job_expand.go and job_flatten.go, the
// waits and the failure report in job_wait.go, the secrets in job_secrets.go.
type jobResource struct {
	resourceBase
}

func (r *jobResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_job"
}

func (r *jobResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = jobResourceSchema(ctx)
}

func (r *jobResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = jobIdentitySchema()
}

func (r *jobResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, config jobResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	// Write-only secrets are only in the configuration.
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	c, ok := r.client(&resp.Diagnostics)
	if !ok {
		return
	}
	x, err := api.ParseExperimentID(plan.ExperimentID.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("experiment_id"), "Invalid Experiment ID", err.Error())
		return
	}
	id := x.Job(plan.Name.ValueString())
	body, diags := expandJobCreateParameters(ctx, plan, config)
	resp.Diagnostics.Append(diags...)
	ctx, cancel, ok := r.beginCreate(ctx, resp, c, createTarget{
		kind: kindJob, tfType: "batchai_job", id: id.String(), identity: newJobIdentity(id),
		provisioningState: jobProvisioningState(c, id),
	}, plan.Timeouts, jobTimeouts.create)
	defer cancel()
	if !ok {
		return
	}
	rec := r.createRecovery(c, id, &plan)
	if !createAndWait(ctx, resp, r.timing(), rec, func(ctx context.Context) (*client.Poller[api.Job], error) {
		return c.BeginCreateJob(ctx, id, body)
	}) {
		return
	}
	// From here on the job exists: every failure path records it in state.
	if !plan.WaitForCompletion.ValueBool() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	tflog.Info(ctx, "waiting for the job to finish (wait_for_completion)")
	j, err := waitForJob(ctx, c, r.timing(), id)
	switch {
	case errors.Is(err, errJobFailed):
		// The job ran and failed: a state of its own (the job is what it is), recorded with the error.
		failure := jobFailureText(ctx, c, id, j)
		resp.Diagnostics.Append(plan.setFromAPI(ctx, id, j)...)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		addJobFailedError(&resp.Diagnostics, id.String(), failure)
		return
	case err != nil:
		recoverFailedCreate(ctx, resp, r.timing(), rec, err)
		return
	}
	resp.Diagnostics.Append(plan.setFromAPI(ctx, id, j)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *jobResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state jobResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, c, id, ok := scopeOperation(ctx, &r.resourceBase, &resp.Diagnostics, kindJob, state.ID.ValueString(),
		api.ParseJobID, state.Timeouts.Read, jobTimeouts.read)
	defer cancel()
	if !ok {
		return
	}
	// First, so that a Read that removes the job has it too (identity.go).
	setIdentity(ctx, resp.Identity, newJobIdentity(id), &resp.Diagnostics)
	j, err := c.GetJob(ctx, id)
	if !readFound(ctx, resp, kindJob, "job", id.String(), err, api.Deref(j.Properties).ProvisioningState) {
		return
	}
	resp.Diagnostics.Append(state.setFromAPI(ctx, id, j)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update records what calls no API: wait_for_completion (which only matters when a job is created), new
// timeouts, or the configured secrets of an imported job (adopted in place). Every other change replaces the
// job.
func (r *jobResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if updateWithoutAPI(ctx, req, resp, func(m jobResourceModel) string { return m.ID.ValueString() },
		api.ParseJobID, newJobIdentity) {
		resp.Diagnostics.Append(clearSecretsUnknown(ctx, resp.Private)...)
	}
}

// Delete terminates a job that is still queued or running (and waits for it to stop), then deletes it.
func (r *jobResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state jobResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, c, id, ok := scopeOperation(ctx, &r.resourceBase, &resp.Diagnostics, kindJob, state.ID.ValueString(),
		api.ParseJobID, state.Timeouts.Delete, jobTimeouts.delete)
	defer cancel()
	if !ok {
		return
	}
	if err := terminateIfActive(ctx, c, id); err != nil {
		addAPIError(&resp.Diagnostics, actionTerminate, kindJob, id.String(), err)
		return
	}
	deleteAndWait(ctx, c, &resp.Diagnostics, kindJob, id.String(), func(ctx context.Context) (*client.Poller[struct{}], error) {
		return c.BeginDeleteJob(ctx, id)
	}, jobProvisioningState(c, id))
}

// ImportState accepts the job's ARM ID (fixed segments in any casing), or its identity; Read fills in the rest. The secrets
// cannot be imported: the configuration's are adopted in place (a replacement would run the job again).
func (r *jobResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if importByID(ctx, req, resp, kindJob, api.ParseJobID, jobIDFromIdentity(r.providerSubscription()),
		jobImported, newJobIdentity) {
		resp.Diagnostics.Append(markSecretsUnknown(ctx, resp.Private)...)
	}
}

// ModifyPlan requires, in the plan of a create (or of the create half of a replacement), every secret the new
// job needs in exactly one form. Validation cannot: the configuration of an imported job may rightly have none.
//
// In the plan of an update, it names the replacement when an optional block that plan modifiers cannot see go
// (container, mount_volumes) is removed, on the leaves that held it, as the cluster does (replaceRemovedBlocks).
func (r *jobResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	switch {
	case req.Plan.Raw.IsNull():
		return // destroy
	case req.State.Raw.IsNull():
		requireJobSecretsForCreate(ctx, req.Config, &resp.Diagnostics)
		return
	}
	var plan, state jobResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	removed := func(planned, prior types.Object) bool {
		return planned.IsNull() && !prior.IsNull() && !prior.IsUnknown()
	}
	if removed(plan.Container, state.Container) {
		resp.RequiresReplace.Append(path.Root("container").AtName("image"))
	}
	if removed(plan.MountVolumes, state.MountVolumes) {
		resp.RequiresReplace.Append(mountPathsOf(ctx, state.MountVolumes, &resp.Diagnostics)...)
	}
}

// ValidateConfig checks the rules that span attributes and blocks, at plan time rather than after the PUT:
// exactly one toolkit block, no secret given in two forms, at most node_count parameter servers, and unique
// directory ids and variable names (the job sees $AZ_BATCHAI_INPUT_<id>, $AZ_BATCHAI_OUTPUT_<id> and each
// variable once). Unknown values skip a rule.
func (r *jobResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m jobResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	diags := &resp.Diagnostics
	validateOneToolkit(m.jobToolkitsModel, diags)
	forEachJobSecretRule(ctx, m, diags, func(at path.Path, exactlyOne bool, values ...named) {
		if exactlyOne {
			rejectSeveral(diags, at, "argument", values...)
		}
	})
	if tf := objectAs[jobTensorFlowModel](ctx, m.TensorFlow, diags); tf != nil && !tf.ParameterServerCount.IsNull() &&
		!tf.ParameterServerCount.IsUnknown() && !m.NodeCount.IsUnknown() {
		nodes := int64(1)
		if !m.NodeCount.IsNull() {
			nodes = m.NodeCount.ValueInt64()
		}
		if n := tf.ParameterServerCount.ValueInt64(); n > nodes {
			diags.AddAttributeError(path.Root("tensorflow").AtName("parameter_server_count"), "Too Many Parameter Servers",
				fmt.Sprintf("tensorflow.parameter_server_count (%d) must be at most node_count (%d).", n, nodes))
		}
	}
	uniqueIDs := func(block string, ids []types.String) {
		seen := map[string]bool{}
		for i, id := range ids {
			if id.IsNull() || id.IsUnknown() {
				continue
			}
			key := strings.ToUpper(id.ValueString())
			if seen[key] {
				diags.AddAttributeError(path.Root(block).AtListIndex(i).AtName("id"), "Duplicate Directory ID",
					fmt.Sprintf("%s[%d].id %q is used twice: each %s needs its own id.", block, i, id.ValueString(), block))
			}
			seen[key] = true
		}
	}
	var ids []types.String
	for _, d := range listAs[jobInputDirectoryModel](ctx, m.InputDirectories, diags) {
		ids = append(ids, d.ID)
	}
	uniqueIDs("input_directory", ids)
	ids = nil
	for _, d := range listAs[jobOutputDirectoryModel](ctx, m.OutputDirectories, diags) {
		ids = append(ids, d.ID)
	}
	uniqueIDs("output_directory", ids)
	validateJobVariableNames(ctx, m, diags)
}

// validateOneToolkit requires exactly one toolkit block.
func validateOneToolkit(m jobToolkitsModel, diags *diag.Diagnostics) {
	blocks := m.fields()
	var set, names []string
	for _, tk := range jobToolkits {
		names = append(names, tk.name)
		switch v := *blocks[tk.name]; {
		case v.IsUnknown() || hasUnknownAttribute(v):
			return
		case !v.IsNull():
			set = append(set, tk.name)
		}
	}
	switch {
	case len(set) == 0:
		diags.AddError("Missing Toolkit Block", "A batchai_job needs exactly one toolkit block, one of: "+
			strings.Join(names, ", ")+". To run any command line, use custom_toolkit { command_line = \"...\" }.")
	case len(set) > 1:
		diags.AddAttributeError(path.Root(set[1]), "Conflicting Toolkit Blocks",
			fmt.Sprintf("A batchai_job takes exactly one toolkit block, but both %s and %s are set.", set[0], set[1]))
	}
}

// validateJobVariableNames refuses a name given twice among environment_variables, secrets (or secrets_wo)
// and secret_reference: the job would see only one of them.
func validateJobVariableNames(ctx context.Context, m jobResourceModel, diags *diag.Diagnostics) {
	seen := map[string]string{}
	check := func(name, where string, at path.Path) {
		if prev, ok := seen[name]; ok {
			diags.AddAttributeError(at, "Duplicate Environment Variable",
				fmt.Sprintf("The variable %q is defined in both %s and %s: the job would see only one of them.", name, prev, where))
			return
		}
		seen[name] = where
	}
	for _, attr := range []struct {
		name string
		m    types.Map
	}{{"environment_variables", m.EnvironmentVariables}, {"secrets", m.Secrets}, {"secrets_wo", m.SecretsWO}} {
		if attr.m.IsNull() || attr.m.IsUnknown() {
			continue
		}
		for _, k := range sortedKeys(attr.m.Elements()) {
			check(k, attr.name, path.Root(attr.name).AtMapKey(k))
		}
	}
	for i, r := range listAs[clusterSecretReferenceModel](ctx, m.SecretReferences, diags) {
		if !r.Name.IsNull() && !r.Name.IsUnknown() {
			check(r.Name.ValueString(), "secret_reference", path.Root("secret_reference").AtListIndex(i).AtName("name"))
		}
	}
}

// createRecovery is how a job whose create, or wait, did not finish is recorded (see recoverFailedCreate): the
// job exists in Azure, so it goes to state, tainted.
func (r *jobResource) createRecovery(c *client.Client, id api.JobID, plan *jobResourceModel) createRecovery {
	var j api.Job
	return createRecovery{
		kind: kindJob, id: id.String(), model: plan,
		read: func(ctx context.Context) (diag.Diagnostics, error) {
			var err error
			if j, err = c.GetJob(ctx, id); err != nil {
				return nil, err
			}
			return plan.setFromAPI(ctx, id, j), nil
		},
		provisioningState: func() *string { return api.Deref(j.Properties).ProvisioningState },
		recordIDOnly: func(context.Context) diag.Diagnostics {
			plan.nullUnknowns(id)
			return nil
		},
	}
}

// jobProvisioningState reads the provisioning state of a job, for checkCreatable and deleteAndWait.
func jobProvisioningState(c *client.Client, id api.JobID) func(context.Context) (*string, error) {
	return func(ctx context.Context) (*string, error) {
		j, err := c.GetJob(ctx, id)
		return api.Deref(j.Properties).ProvisioningState, err
	}
}
