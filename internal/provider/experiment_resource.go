package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

var (
	_ resource.Resource                = &experimentResource{}
	_ resource.ResourceWithConfigure   = &experimentResource{}
	_ resource.ResourceWithImportState = &experimentResource{}
	_ resource.ResourceWithIdentity    = &experimentResource{}
)

func newExperimentResource() resource.Resource {
	return &experimentResource{}
}

// experimentResource manages a Batch AI experiment, the folder of a workspace's jobs. It has no settings and
// no update: only its timeouts change in place.
type experimentResource struct {
	resourceBase
}

func (r *experimentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_experiment"
}

func (r *experimentResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = experimentResourceSchema(ctx)
}

func (r *experimentResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = experimentIdentitySchema()
}

func (r *experimentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan experimentResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	c, ok := r.client(&resp.Diagnostics)
	if !ok {
		return
	}
	ws, err := api.ParseWorkspaceID(plan.WorkspaceID.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("workspace_id"), "Invalid Workspace ID", err.Error())
		return
	}
	id := ws.Experiment(plan.Name.ValueString())
	// Without the check of beginCreate, apply would adopt (and later delete, with its jobs) an experiment that
	// Terraform does not manage.
	ctx, cancel, ok := r.beginCreate(ctx, resp, c, createTarget{
		kind: kindExperiment, tfType: "batchai_experiment", id: id.String(), identity: newExperimentIdentity(id),
		provisioningState: experimentProvisioningState(c, id),
	}, plan.Timeouts, experimentTimeouts.create)
	defer cancel()
	if !ok {
		return
	}
	// The service answers 200 at once (recorded); the poller is then already done.
	if !createAndWait(ctx, resp, r.timing(), r.createRecovery(c, id, &plan), func(ctx context.Context) (*client.Poller[api.Experiment], error) {
		return c.BeginCreateExperiment(ctx, id)
	}) {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *experimentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state experimentResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, c, id, ok := scopeOperation(ctx, &r.resourceBase, &resp.Diagnostics, kindExperiment, state.ID.ValueString(),
		api.ParseExperimentID, state.Timeouts.Read, experimentTimeouts.read)
	defer cancel()
	if !ok {
		return
	}
	// First, so that a Read that removes the experiment has it too (identity.go).
	setIdentity(ctx, resp.Identity, newExperimentIdentity(id), &resp.Diagnostics)
	x, err := c.GetExperiment(ctx, id)
	if !readFound(ctx, resp, kindExperiment, "experiment", id.String(), err, api.Deref(x.Properties).ProvisioningState) {
		return
	}
	state.flatten(id, x)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update records new timeouts: every other argument replaces the experiment, and the API has no update.
func (r *experimentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateWithoutAPI(ctx, req, resp, func(m experimentResourceModel) string { return m.ID.ValueString() },
		api.ParseExperimentID, newExperimentIdentity)
}

// Delete deletes the experiment, and with it every job in it (the service stops running ones).
func (r *experimentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state experimentResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, c, id, ok := scopeOperation(ctx, &r.resourceBase, &resp.Diagnostics, kindExperiment, state.ID.ValueString(),
		api.ParseExperimentID, state.Timeouts.Delete, experimentTimeouts.delete)
	defer cancel()
	if !ok {
		return
	}
	deleteAndWait(ctx, c, &resp.Diagnostics, kindExperiment, id.String(), func(ctx context.Context) (*client.Poller[struct{}], error) {
		return c.BeginDeleteExperiment(ctx, id)
	}, experimentProvisioningState(c, id))
}

// ImportState accepts the experiment's ARM ID (fixed segments in any casing), or its identity; Read fills in the
// rest.
func (r *experimentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByID(ctx, req, resp, kindExperiment, api.ParseExperimentID, experimentIDFromIdentity(r.providerSubscription()),
		workspaceChildImported[api.ExperimentID], newExperimentIdentity)
}

// createRecovery is how an experiment whose create did not finish is recorded (see recoverFailedCreate).
func (r *experimentResource) createRecovery(c *client.Client, id api.ExperimentID, plan *experimentResourceModel) createRecovery {
	var x api.Experiment
	return createRecovery{
		kind: kindExperiment, id: id.String(), model: plan,
		read: func(ctx context.Context) (diag.Diagnostics, error) {
			var err error
			if x, err = c.GetExperiment(ctx, id); err != nil {
				return nil, err
			}
			plan.flatten(id, x)
			return nil, nil
		},
		provisioningState: func() *string { return api.Deref(x.Properties).ProvisioningState },
		recordIDOnly: func(context.Context) diag.Diagnostics {
			plan.ID = types.StringValue(id.String())
			plan.CreationTime, plan.ProvisioningState = types.StringNull(), types.StringNull()
			return nil
		},
	}
}

// experimentProvisioningState reads the provisioning state of an experiment, for checkCreatable and deleteAndWait.
func experimentProvisioningState(c *client.Client, id api.ExperimentID) func(context.Context) (*string, error) {
	return func(ctx context.Context) (*string, error) {
		x, err := c.GetExperiment(ctx, id)
		return api.Deref(x.Properties).ProvisioningState, err
	}
}
