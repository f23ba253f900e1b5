package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

var (
	_ resource.Resource                = &clusterResource{}
	_ resource.ResourceWithConfigure   = &clusterResource{}
	_ resource.ResourceWithImportState = &clusterResource{}
	_ resource.ResourceWithModifyPlan  = &clusterResource{}
)

func newClusterResource() resource.Resource {
	return &clusterResource{}
}

// clusterResource manages a Batch AI cluster. Only scale_settings changes in place (PATCH); the
// waiters, the failed-create recovery and the plan-time checks live in cluster_resource_*.go.
type clusterResource struct {
	resourceBase
}

func (r *clusterResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cluster"
}

func (r *clusterResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = clusterResourceSchema(ctx)
}

func (r *clusterResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, config clusterResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	// Write-only secrets are only in the configuration.
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	c, ok := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || !ok {
		return
	}
	wsID, err := api.ParseWorkspaceID(plan.WorkspaceID.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("workspace_id"), "Invalid Workspace ID", err.Error())
		return
	}
	id := api.ClusterID{SubscriptionID: wsID.SubscriptionID, ResourceGroup: wsID.ResourceGroup,
		Workspace: wsID.Name, Name: plan.Name.ValueString()}
	ctx = r.logContext(ctx, id.String())
	timeout, diags := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	body, diags := expandClusterCreateParameters(ctx, plan, config)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	// PUT is create-or-update: without this check apply would adopt (and later delete) a cluster that
	// Terraform does not manage. A cluster of that name that is being deleted is waited for.
	if !checkCreatable(ctx, c,
		func(a action, err error) { addAPIError(&resp.Diagnostics, a, kindCluster, id.String(), err) },
		func() { addAlreadyExistsError(&resp.Diagnostics, kindCluster, id.String(), "batchai_cluster") },
		clusterProvisioningState(c, id)) {
		return
	}
	// The plan could not check the quota when the workspace was not created yet; check it now, before
	// the PUT, rather than let the service fail the cluster minutes later.
	if problem, _ := r.quotaProblem(ctx, c, plan, nil); problem != "" {
		addQuotaError(&resp.Diagnostics, plan, problem)
		return
	}

	poller, err := c.BeginCreateCluster(ctx, id, body)
	if err != nil {
		if ctx.Err() != nil {
			// The PUT may have reached the service before the deadline or interrupt: look for it.
			r.recordFailedCreate(ctx, c, id, plan, resp, err)
			return
		}
		addAPIError(&resp.Diagnostics, actionCreate, kindCluster, id.String(), err)
		return
	}
	// From here on the cluster exists: every failure path records it in state.
	tflog.Debug(ctx, "cluster create accepted; waiting for it to finish")
	cl, err := poller.Wait(ctx)
	if err == nil && plan.WaitForSteadyState.ValueBool() {
		cl, err = waitForClusterSteady(ctx, c, id)
	}
	if err != nil {
		r.recordFailedCreate(ctx, c, id, plan, resp, err)
		return
	}
	plan.ID = stringValue(api.Ptr(id.String()))
	resp.Diagnostics.Append(plan.setFromAPI(ctx, cl)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *clusterResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state clusterResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c, ok := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || !ok {
		return
	}
	ctx, cancel, id, ok := scopeOperation(ctx, &r.resourceBase, &resp.Diagnostics, kindCluster, state.ID.ValueString(),
		api.ParseClusterID, state.Timeouts.Read, defaultReadTimeout)
	defer cancel()
	if !ok {
		return
	}

	cl, err := c.GetCluster(ctx, id)
	if removeIfGone(ctx, resp, "cluster", err, api.Deref(cl.Properties).ProvisioningState) {
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, actionRead, kindCluster, id.String(), err)
		return
	}
	resp.Diagnostics.Append(state.setFromAPI(ctx, cl)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update changes scale_settings with a PATCH, the only update the API has; every other argument
// replaces the cluster. A change of wait_for_steady_state or timeouts alone calls no API.
func (r *clusterResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state clusterResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c, ok := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || !ok {
		return
	}
	ctx, cancel, id, ok := scopeOperation(ctx, &r.resourceBase, &resp.Diagnostics, kindCluster, state.ID.ValueString(),
		api.ParseClusterID, plan.Timeouts.Update, defaultUpdateTimeout)
	defer cancel()
	if !ok {
		return
	}

	// Whatever this update records, the secrets in state now come from the configuration.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, clusterPrivateSecretsUnknown, nil)...)
	if plan.ScaleSettings.Equal(state.ScaleSettings) {
		// ModifyPlan kept the observed values from state, so the plan is already the new state
		// (including secrets adopted after an import).
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	body, diags := expandClusterUpdateParameters(ctx, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	// A PATCH during a resize is fine: the service retargets the running resize.
	cl, err := c.UpdateCluster(ctx, id, body)
	if err != nil {
		addAPIError(&resp.Diagnostics, actionUpdate, kindCluster, id.String(), err)
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...) // nothing changed
		return
	}
	if plan.WaitForSteadyState.ValueBool() {
		var waitErr error
		if cl, waitErr = waitForClusterSteady(ctx, c, id); waitErr != nil {
			// The new scale settings are in effect: record them, and what the cluster looks like now.
			r.recordFailedUpdate(ctx, c, id, plan, resp, waitErr)
			return
		}
	}
	resp.Diagnostics.Append(plan.setFromAPI(ctx, cl)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *clusterResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state clusterResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c, ok := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || !ok {
		return
	}
	ctx, cancel, id, ok := scopeOperation(ctx, &r.resourceBase, &resp.Diagnostics, kindCluster, state.ID.ValueString(),
		api.ParseClusterID, state.Timeouts.Delete, defaultDeleteTimeout)
	defer cancel()
	if !ok {
		return
	}

	deleteAndWait(ctx, &resp.Diagnostics, kindCluster, id.String(), func(ctx context.Context) (*client.Poller[struct{}], error) {
		return c.BeginDeleteCluster(ctx, id)
	})
}

// clusterProvisioningState reads the provisioning state of a cluster, for checkCreatable.
func clusterProvisioningState(c *client.Client, id api.ClusterID) func(context.Context) (*string, error) {
	return func(ctx context.Context) (*string, error) {
		cl, err := c.GetCluster(ctx, id)
		return api.Deref(cl.Properties).ProvisioningState, err
	}
}

// ImportState accepts the cluster's ARM ID (fixed segments in any casing); Read fills in the rest.
// Secrets cannot be imported (the API never returns them); the next apply adopts the configured ones.
func (r *clusterResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, err := api.ParseClusterID(req.ID)
	if err == nil {
		err = api.ValidateName(id.Name)
	}
	if err != nil {
		addInvalidImportIDError(&resp.Diagnostics, kindCluster, err)
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id.String())...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), id.Name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("workspace_id"), id.WorkspaceID().String())...)
	// The secrets are unknown, not absent: the configuration's may be adopted without a replacement.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, clusterPrivateSecretsUnknown, []byte("true"))...)
}
