package provider

import (
	"context"
	"errors"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

var (
	_ resource.Resource                = &workspaceResource{}
	_ resource.ResourceWithConfigure   = &workspaceResource{}
	_ resource.ResourceWithImportState = &workspaceResource{}
	_ resource.ResourceWithModifyPlan  = &workspaceResource{}
)

func newWorkspaceResource() resource.Resource {
	return &workspaceResource{}
}

// workspaceResource manages a Batch AI workspace: only its tags can change in place.
type workspaceResource struct {
	resourceBase
}

// recoveryTimeout bounds the GET that records an accepted create after its wait failed; it runs on a
// context detached from the (possibly canceled) apply.
const recoveryTimeout = 2 * time.Minute

func (r *workspaceResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_workspace"
}

func (r *workspaceResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages a Batch AI workspace, the container of Batch AI clusters. Only `tags` can " +
			"change in place; any other change replaces the workspace (and, in Azure, everything in it).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The ARM ID of the workspace.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The name of the workspace: 1 to 64 letters, digits, `-` and `_`. Changing it " +
					"replaces the workspace.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    batchAINameValidators(),
			},
			"resource_group_name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The resource group that holds the workspace: 1 to 90 letters, digits, `-`, " +
					"`_` and `.`. Changing it replaces the workspace.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    resourceGroupNameValidators(),
			},
			"location": schema.StringAttribute{
				Required:   true,
				CustomType: locationType,
				MarkdownDescription: "The Azure location of the workspace, in either spelling (`East US` or " +
					"`eastus`: they never differ in a plan). Changing it replaces the workspace.",
				PlanModifiers: []planmodifier.String{
					keepEquivalentState(normalizeLocation),
					stringplanmodifier.RequiresReplace(),
				},
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"tags": schema.MapAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Tags to assign to the workspace (at most 50). They are updated in place.",
				Validators: []validator.Map{
					mapvalidator.SizeAtMost(50),
					mapvalidator.KeysAre(stringvalidator.LengthBetween(1, 512)),
					mapvalidator.ValueStringsAre(stringvalidator.LengthAtMost(256)),
				},
			},
			"provisioning_state": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The provisioning state reported by Azure, such as `succeeded`.",
			},
			"creation_time": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When the workspace was created (RFC 3339).",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeoutsBlock(ctx),
		},
	}
}

func (r *workspaceResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan workspaceResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	c, ok := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || !ok {
		return
	}
	id := api.WorkspaceID{SubscriptionID: c.SubscriptionID(), ResourceGroup: plan.ResourceGroupName.ValueString(), Name: plan.Name.ValueString()}
	ctx = r.logContext(ctx, id.String())
	timeout, diags := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	tags, diags := expandTags(ctx, plan.Tags)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	// PUT is create-or-update: without this check, apply would silently adopt (and then own the deletion
	// of) a workspace that Terraform does not manage. A workspace that is being deleted is waited for.
	if !checkCreatable(ctx, c,
		func(a action, err error) { addAPIError(&resp.Diagnostics, a, kindWorkspace, id.String(), err) },
		func() { addAlreadyExistsError(&resp.Diagnostics, kindWorkspace, id.String(), "batchai_workspace") },
		func(ctx context.Context) (*string, error) {
			ws, err := c.GetWorkspace(ctx, id)
			return api.Deref(ws.Properties).ProvisioningState, err
		}) {
		return
	}

	location := normalizeLocation.normalize(plan.Location.ValueString())
	poller, err := c.BeginCreateWorkspace(ctx, id, api.WorkspaceCreateParameters{Location: &location, Tags: tags})
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		// Interrupted in flight: Azure may have accepted the PUT without us seeing the answer.
		r.recordFailedCreate(ctx, c, id, plan, resp, err)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, actionCreate, kindWorkspace, id.String(), err)
		return
	}
	tflog.Debug(ctx, "workspace create accepted; waiting for it to finish")
	ws, err := poller.Wait(ctx)
	if err != nil {
		r.recordFailedCreate(ctx, c, id, plan, resp, err)
		return
	}
	resp.Diagnostics.Append(plan.flatten(ctx, id, ws)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// recordFailedCreate runs when Azure accepted the create (or may have: the PUT itself was interrupted) but
// waiting for it failed (error, timeout or interrupt). If the workspace exists, it goes to state together with the error, so Terraform marks it
// tainted instead of orphaning it. The GET runs detached from ctx, which may already be canceled.
func (r *workspaceResource) recordFailedCreate(ctx context.Context, c *client.Client, id api.WorkspaceID,
	plan workspaceResourceModel, resp *resource.CreateResponse, waitErr error) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recoveryTimeout)
	defer cancel()
	ws, err := c.GetWorkspace(rctx, id)
	switch {
	case err == nil:
		resp.Diagnostics.Append(plan.flatten(rctx, id, ws)...)
	case client.IsNotFound(err):
		// The operation failed and left nothing behind: there is nothing to track.
		addAPIError(&resp.Diagnostics, actionWaitCreate, kindWorkspace, id.String(), waitErr)
		return
	default:
		// Unknown outcome: record the ID anyway (the next refresh settles the rest) rather than risk an orphan.
		tflog.Warn(rctx, "could not read the workspace after a failed create; recording its ID only", map[string]any{"error": err.Error()})
		plan.ID = types.StringValue(id.String())
		plan.ProvisioningState = types.StringNull()
		plan.CreationTime = types.StringNull()
	}
	resp.Diagnostics.Append(resp.State.Set(rctx, &plan)...)
	addTaintedCreateError(&resp.Diagnostics, kindWorkspace, id.String(), waitErr)
}

func (r *workspaceResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state workspaceResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c, ok := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || !ok {
		return
	}
	ctx, cancel, id, ok := scopeOperation(ctx, &r.resourceBase, &resp.Diagnostics, kindWorkspace, state.ID.ValueString(),
		api.ParseWorkspaceID, state.Timeouts.Read, defaultReadTimeout)
	defer cancel()
	if !ok {
		return
	}

	ws, err := c.GetWorkspace(ctx, id)
	if removeIfGone(ctx, resp, "workspace", err, api.Deref(ws.Properties).ProvisioningState) {
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, actionRead, kindWorkspace, id.String(), err)
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
	c, ok := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || !ok {
		return
	}
	ctx, cancel, id, ok := scopeOperation(ctx, &r.resourceBase, &resp.Diagnostics, kindWorkspace, state.ID.ValueString(),
		api.ParseWorkspaceID, plan.Timeouts.Update, defaultUpdateTimeout)
	defer cancel()
	if !ok {
		return
	}
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
	resp.Diagnostics.Append(plan.flatten(ctx, id, ws)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// updateTags PATCHes the tags. Removing every tag goes through a PUT of the whole workspace instead: the
// PATCH body omits an empty tag map, which ARM reads as "leave the tags alone".
func (r *workspaceResource) updateTags(ctx context.Context, c *client.Client, id api.WorkspaceID,
	state workspaceResourceModel, tags map[string]string) (api.Workspace, error) {
	if len(tags) > 0 {
		return c.UpdateWorkspace(ctx, id, api.WorkspaceUpdateParameters{Tags: tags})
	}
	location := normalizeLocation.normalize(state.Location.ValueString())
	poller, err := c.BeginCreateWorkspace(ctx, id, api.WorkspaceCreateParameters{Location: &location})
	if err != nil {
		return api.Workspace{}, err
	}
	return poller.Wait(ctx)
}

func (r *workspaceResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state workspaceResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c, ok := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || !ok {
		return
	}
	ctx, cancel, id, ok := scopeOperation(ctx, &r.resourceBase, &resp.Diagnostics, kindWorkspace, state.ID.ValueString(),
		api.ParseWorkspaceID, state.Timeouts.Delete, defaultDeleteTimeout)
	defer cancel()
	if !ok {
		return
	}

	deleteAndWait(ctx, &resp.Diagnostics, kindWorkspace, id.String(), func(ctx context.Context) (*client.Poller[struct{}], error) {
		return c.BeginDeleteWorkspace(ctx, id)
	})
}

// ImportState accepts the workspace's ARM ID in any casing of its fixed segments; Read fills in the rest.
func (r *workspaceResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, err := api.ParseWorkspaceID(req.ID)
	if err != nil {
		addInvalidImportIDError(&resp.Diagnostics, kindWorkspace, err)
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id.String())...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), id.Name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("resource_group_name"), id.ResourceGroup)...)
}

// ModifyPlan makes a respelled location (or any other change that is no change to ARM) plan nothing.
func (r *workspaceResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	keepComputedWhenUnchanged(ctx, req, resp, "provisioning_state")
}
