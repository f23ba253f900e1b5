package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

var (
	_ resource.Resource                = &workspaceResource{}
	_ resource.ResourceWithConfigure   = &workspaceResource{}
	_ resource.ResourceWithImportState = &workspaceResource{}
	_ resource.ResourceWithIdentity    = &workspaceResource{}
	_ resource.ResourceWithModifyPlan  = &workspaceResource{}
)

func newWorkspaceResource() resource.Resource {
	return &workspaceResource{}
}

// workspaceResource manages a Batch AI workspace: only its tags can change in place.
type workspaceResource struct {
	resourceBase
}

func (r *workspaceResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_workspace"
}

func (r *workspaceResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = workspaceResourceSchema(ctx)
}

func (r *workspaceResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = workspaceIdentitySchema()
}

func (r *workspaceResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan workspaceResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	c, ok := r.client(&resp.Diagnostics)
	if !ok {
		return
	}
	id := api.WorkspaceID{SubscriptionID: c.SubscriptionID(), ResourceGroup: plan.ResourceGroupName.ValueString(), Name: plan.Name.ValueString()}
	body, diags := expandWorkspaceCreateParameters(ctx, plan)
	resp.Diagnostics.Append(diags...)
	ctx, cancel, ok := r.beginCreate(ctx, resp, c, createTarget{
		kind: kindWorkspace, tfType: "batchai_workspace", id: id.String(), identity: newWorkspaceIdentity(id),
		provisioningState: workspaceProvisioningState(c, id),
	}, plan.Timeouts, defaultCreateTimeout)
	defer cancel()
	if !ok {
		return
	}

	rec := r.createRecovery(c, id, &plan)
	if !createAndWait(ctx, resp, r.timing(), rec, func(ctx context.Context) (*client.Poller[api.Workspace], error) {
		return c.BeginCreateWorkspace(ctx, id, body)
	}) {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *workspaceResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state workspaceResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, c, id, ok := scopeOperation(ctx, &r.resourceBase, &resp.Diagnostics, kindWorkspace, state.ID.ValueString(),
		api.ParseWorkspaceID, state.Timeouts.Read, defaultReadTimeout)
	defer cancel()
	if !ok {
		return
	}
	// First, so that a Read that removes the workspace has it too (identity.go).
	setIdentity(ctx, resp.Identity, newWorkspaceIdentity(id), &resp.Diagnostics)

	ws, err := c.GetWorkspace(ctx, id)
	if !readFound(ctx, resp, kindWorkspace, "workspace", id.String(), err, api.Deref(ws.Properties).ProvisioningState) {
		return
	}
	resp.Diagnostics.Append(state.flatten(ctx, id, ws)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update changes tags, the only mutable field (everything else requires replacement).
func (r *workspaceResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state workspaceResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, c, id, ok := scopeOperation(ctx, &r.resourceBase, &resp.Diagnostics, kindWorkspace, state.ID.ValueString(),
		api.ParseWorkspaceID, plan.Timeouts.Update, defaultUpdateTimeout)
	defer cancel()
	if !ok {
		return
	}
	setIdentity(ctx, resp.Identity, newWorkspaceIdentity(id), &resp.Diagnostics)
	tags, diags := expandTags(ctx, plan.Tags)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.Tags.Equal(state.Tags) {
		// Only Terraform-side settings (timeouts) changed: there is nothing to send, and the computed values
		// stay as they are (ModifyPlan planned them so).
		plan.ID, plan.ProvisioningState, plan.CreationTime = state.ID, state.ProvisioningState, state.CreationTime
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}

	ws, err := r.updateTags(ctx, c, id, state, tags)
	if err != nil {
		addAPIError(&resp.Diagnostics, actionUpdate, kindWorkspace, id.String(), err)
		return
	}
	// A read right after the write may answer 404 (ARM's replicas lag): read until it does not, so that the
	// refresh after the apply does not drop the workspace.
	confirmWrite(ctx, r.timing(), func(ctx context.Context) error {
		read, err := c.GetWorkspace(ctx, id)
		if err == nil {
			ws = read
		}
		return err
	})
	resp.Diagnostics.Append(plan.flatten(ctx, id, ws)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *workspaceResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state workspaceResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, c, id, ok := scopeOperation(ctx, &r.resourceBase, &resp.Diagnostics, kindWorkspace, state.ID.ValueString(),
		api.ParseWorkspaceID, state.Timeouts.Delete, defaultDeleteTimeout)
	defer cancel()
	if !ok {
		return
	}

	deleteAndWait(ctx, c, &resp.Diagnostics, kindWorkspace, id.String(), func(ctx context.Context) (*client.Poller[struct{}], error) {
		return c.BeginDeleteWorkspace(ctx, id)
	}, workspaceProvisioningState(c, id))
}

// ImportState accepts the workspace's ARM ID in any casing of its fixed segments, or its identity; Read fills
// in the rest.
func (r *workspaceResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	importByID(ctx, req, resp, kindWorkspace, api.ParseWorkspaceID, workspaceIDFromIdentity(r.providerSubscription()),
		workspaceImported, newWorkspaceIdentity)
}

// ModifyPlan makes a respelled location (or any other change that is no change to ARM) plan nothing.
func (r *workspaceResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	keepComputedWhenUnchanged(ctx, req, resp, "provisioning_state")
}

// createRecovery is how a workspace is read back after its create, and recorded when the create did not
// finish (see settleCreate).
func (r *workspaceResource) createRecovery(c *client.Client, id api.WorkspaceID, plan *workspaceResourceModel) createRecovery {
	var ws api.Workspace
	return createRecovery{
		kind: kindWorkspace, id: id.String(), model: plan,
		read: func(ctx context.Context) (diag.Diagnostics, error) {
			var err error
			if ws, err = c.GetWorkspace(ctx, id); err != nil {
				return nil, err
			}
			return plan.flatten(ctx, id, ws), nil
		},
		provisioningState: func() *string { return api.Deref(ws.Properties).ProvisioningState },
		recordIDOnly: func(context.Context) diag.Diagnostics {
			plan.ID = types.StringValue(id.String())
			plan.ProvisioningState = types.StringNull()
			plan.CreationTime = types.StringNull()
			return nil
		},
	}
}

// updateTags PATCHes the tags. Removing every tag goes through a PUT of the whole workspace instead: the
// PATCH body omits an empty tag map, which ARM reads as "leave the tags alone".
func (r *workspaceResource) updateTags(ctx context.Context, c *client.Client, id api.WorkspaceID,
	state workspaceResourceModel, tags map[string]string) (api.Workspace, error) {
	if len(tags) > 0 {
		return c.UpdateWorkspace(ctx, id, api.WorkspaceUpdateParameters{Tags: tags})
	}
	poller, err := c.BeginCreateWorkspace(ctx, id, api.WorkspaceCreateParameters{Location: expandLocation(state.Location)})
	if err != nil {
		return api.Workspace{}, err
	}
	return poller.Wait(ctx)
}

// workspaceProvisioningState reads the workspace's provisioning state, for the waits of checkCreatable and
// deleteAndWait.
func workspaceProvisioningState(c *client.Client, id api.WorkspaceID) func(context.Context) (*string, error) {
	return func(ctx context.Context) (*string, error) {
		ws, err := c.GetWorkspace(ctx, id)
		return api.Deref(ws.Properties).ProvisioningState, err
	}
}
