package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

var (
	_ resource.Resource                   = &clusterResource{}
	_ resource.ResourceWithConfigure      = &clusterResource{}
	_ resource.ResourceWithImportState    = &clusterResource{}
	_ resource.ResourceWithModifyPlan     = &clusterResource{}
	_ resource.ResourceWithValidateConfig = &clusterResource{}
	_ resource.ResourceWithIdentity       = &clusterResource{}
)

func newClusterResource() resource.Resource {
	return &clusterResource{}
}

// clusterResource manages a Batch AI cluster. Only scale_settings changes in place (PATCH). This file is
// its framework surface; the schema is in cluster_schema.go, the models in cluster_models.go, the
// conversions in cluster_expand.go and cluster_flatten.go, the waits in cluster_wait.go, the quota
// preflight in cluster_quota.go and the handling of secrets in cluster_secrets.go.
type clusterResource struct {
	resourceBase
}

func (r *clusterResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_cluster"
}

func (r *clusterResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = clusterResourceSchema(ctx)
}

func (r *clusterResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = clusterIdentitySchema()
}

func (r *clusterResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, config clusterResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	// Write-only secrets are only in the configuration.
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	c, ok := r.client(&resp.Diagnostics)
	if !ok {
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
	setIdentity(ctx, resp.Identity, newClusterIdentity(id), &resp.Diagnostics)
	timeout, diags := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(diags...)
	body, diags := expandClusterCreateParameters(ctx, plan, config)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	// PUT is create-or-update: without the existence check apply would adopt (and later delete) a cluster
	// that Terraform does not manage. The apply-time plan has normally just checked that and the quota
	// (cluster_preflight.go); otherwise both are checked here, before the PUT.
	end, ok := r.clearToCreate(ctx, c, id, plan, &resp.Diagnostics)
	defer end()
	if !ok {
		return
	}

	var cl api.Cluster
	rec := r.createRecovery(c, id, &plan, &cl)
	if !createAndWait(ctx, resp, r.timing(), rec, func(ctx context.Context) (*client.Poller[api.Cluster], error) {
		defer end() // Another create of this ID may check now: it will find this one.
		return c.BeginCreateCluster(ctx, id, body)
	}) {
		return
	}
	// From here on Azure has reported the create succeeded: only a cluster that fails, or goes away, is
	// tainted (see cluster_steady.go). The read that ended the create is where the wait starts.
	if plan.WaitForSteadyState.ValueBool() {
		steady, err := waitForClusterSteadyReporting(ctx, c, r.timing(), id, &cl, nil)
		switch {
		case err == nil:
			resp.Diagnostics.Append(plan.setFromAPI(ctx, steady)...)
		case taintsCreate(err):
			recoverFailedCreate(ctx, resp, r.timing(), rec, err)
			return
		default:
			resp.Diagnostics.Append(r.recordUnsteady(ctx, c, id, &plan, steady, err)...)
			resp.Diagnostics.Append(setSteadyWaitPending(ctx, resp.Private, true)...)
			addUnsteadyCreateWarning(&resp.Diagnostics, id.String(), err)
		}
	}
	resp.Diagnostics.Append(resp.State.Set(context.WithoutCancel(ctx), &plan)...)
}

func (r *clusterResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state clusterResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, c, id, ok := scopeOperation(ctx, &r.resourceBase, &resp.Diagnostics, kindCluster, state.ID.ValueString(),
		api.ParseClusterID, state.Timeouts.Read, defaultReadTimeout)
	defer cancel()
	if !ok {
		return
	}
	// First, so that a Read that removes the cluster has it too (identity.go).
	setIdentity(ctx, resp.Identity, newClusterIdentity(id), &resp.Diagnostics)

	cl, err := c.GetCluster(ctx, id)
	if !readFound(ctx, resp, kindCluster, "cluster", id.String(), err, api.Deref(cl.Properties).ProvisioningState) {
		return
	}
	resp.Diagnostics.Append(state.setFromAPI(ctx, cl)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	// A wait for steady left pending has nothing left to do once the cluster is steady.
	if isSteady(cl) && steadyWaitPending(ctx, req.Private, &resp.Diagnostics) {
		resp.Diagnostics.Append(setSteadyWaitPending(ctx, resp.Private, false)...)
	}
}

// Update changes scale_settings with a PATCH, the only update the API has; every other argument
// replaces the cluster. A change of wait_for_steady_state or timeouts alone calls no API.
func (r *clusterResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state clusterResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, c, id, ok := scopeOperation(ctx, &r.resourceBase, &resp.Diagnostics, kindCluster, state.ID.ValueString(),
		api.ParseClusterID, plan.Timeouts.Update, defaultUpdateTimeout)
	defer cancel()
	if !ok {
		return
	}
	setIdentity(ctx, resp.Identity, newClusterIdentity(id), &resp.Diagnostics)

	// Whatever this update records, the secrets in state now come from the configuration.
	resp.Diagnostics.Append(clearSecretsUnknown(ctx, resp.Private)...)
	wait := plan.WaitForSteadyState.ValueBool()
	resume := steadyWaitPending(ctx, req.Private, &resp.Diagnostics) && wait
	if !wait {
		resp.Diagnostics.Append(setSteadyWaitPending(ctx, resp.Private, false)...)
	}
	if plan.ScaleSettings.Equal(state.ScaleSettings) {
		if resume {
			// An earlier wait for steady did not complete: ModifyPlan planned this update to resume it.
			r.waitSteadyAfterUpdate(ctx, c, id, plan, resp)
			return
		}
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
	// The plan only warned about the quota (an error there would block destroy): refuse the resize here,
	// before the PATCH, so that nothing changes.
	if !r.checkQuotaBeforeResize(ctx, c, plan, state, &resp.Diagnostics) {
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...) // nothing changed
		return
	}
	// A PATCH during a resize is fine: the service retargets the running resize.
	cl, err := c.UpdateCluster(ctx, id, body)
	if err != nil {
		addAPIError(&resp.Diagnostics, actionUpdate, kindCluster, id.String(), err)
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...) // nothing changed
		return
	}
	if wait {
		r.waitSteadyAfterUpdate(ctx, c, id, plan, resp)
		return
	}
	// A read right after the PATCH may answer 404 (ARM's replicas lag): read until it does not, so that the
	// refresh after the apply does not drop the cluster.
	confirmWrite(ctx, r.timing(), func(ctx context.Context) error {
		read, err := c.GetCluster(ctx, id)
		if err == nil {
			cl = read
		}
		return err
	})
	resp.Diagnostics.Append(plan.setFromAPI(ctx, cl)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// waitSteadyAfterUpdate waits for steady after a PATCH (or to resume an earlier wait), and records the cluster
// either way: with an error, and the wait left pending, when it ended without steady.
func (r *clusterResource) waitSteadyAfterUpdate(ctx context.Context, c *client.Client, id api.ClusterID,
	plan clusterResourceModel, resp *resource.UpdateResponse) {
	cl, err := waitForClusterSteady(ctx, c, r.timing(), id)
	if err != nil {
		// The new scale settings are in effect: record them, and what the cluster looks like now.
		resp.Diagnostics.Append(r.recordUnsteady(ctx, c, id, &plan, cl, err)...)
		rctx := context.WithoutCancel(ctx)
		resp.Diagnostics.Append(resp.State.Set(rctx, &plan)...)
		if taintsCreate(err) {
			addAPIError(&resp.Diagnostics, actionWaitUpdate, kindCluster, id.String(), err)
			return
		}
		resp.Diagnostics.Append(setSteadyWaitPending(rctx, resp.Private, true)...)
		addUnsteadyUpdateError(&resp.Diagnostics, id.String(), err)
		return
	}
	resp.Diagnostics.Append(setSteadyWaitPending(ctx, resp.Private, false)...)
	resp.Diagnostics.Append(plan.setFromAPI(ctx, cl)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *clusterResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state clusterResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, c, id, ok := scopeOperation(ctx, &r.resourceBase, &resp.Diagnostics, kindCluster, state.ID.ValueString(),
		api.ParseClusterID, state.Timeouts.Delete, defaultDeleteTimeout)
	defer cancel()
	if !ok {
		return
	}

	deleteAndWait(ctx, c, &resp.Diagnostics, kindCluster, id.String(), func(ctx context.Context) (*client.Poller[struct{}], error) {
		return c.BeginDeleteCluster(ctx, id)
	}, clusterProvisioningState(c, id))
}

// ImportState accepts the cluster's ARM ID (fixed segments in any casing), or its identity; Read fills in
// the rest. Secrets cannot be imported (the API never returns them); the next apply adopts the configured ones.
func (r *clusterResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if importByID(ctx, req, resp, kindCluster, api.ParseClusterID, clusterIDFromIdentity(r.providerSubscription()),
		workspaceChildImported[api.ClusterID], newClusterIdentity) {
		// The secrets are unknown, not absent: the configuration's may be adopted without a replacement.
		resp.Diagnostics.Append(markSecretsUnknown(ctx, resp.Private)...)
	}
}

// ModifyPlan settles the read-only values of an update, names the replacement of a removed block, and runs
// the quota preflight. (When the plan is a replacement, Terraform plans the new cluster again without prior
// state, which runs the create preflight; what this call does to the update plan is then discarded.)
//
// The framework plans every computed value as unknown once anything changes. When only provider-side
// arguments change (wait_for_steady_state, timeouts) nothing reaches the API, so they keep their state
// values and the plan shows no noise. When scale_settings changes, planResize keeps what a resize cannot
// change, and what its wait guarantees, and leaves the rest unknown.
func (r *clusterResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	if !req.State.Raw.IsNull() && req.Plan.Raw.Equal(req.State.Raw) && !steadyWaitPending(ctx, req.Private, &resp.Diagnostics) {
		// Nothing changes (the no-op plan of a pipeline): the plan is the state, and converting both to models
		// to find that out again is most of this call's cost.
		return
	}
	var plan clusterResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if req.State.Raw.IsNull() {
		// A create, or the create half of a replacement: the new cluster needs its secrets.
		if requireSecretsForCreate(ctx, req.Config, &resp.Diagnostics); resp.Diagnostics.HasError() {
			return
		}
	}
	var prior *clusterResourceModel
	if !req.State.Raw.IsNull() {
		var state clusterResourceModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		prior = &state
		resp.RequiresReplace.Append(replaceRemovedBlocks(ctx, plan, state, &resp.Diagnostics)...)
		if plan.ScaleSettings.Equal(state.ScaleSettings) {
			if plan.WaitForSteadyState.ValueBool() && steadyWaitPending(ctx, req.Private, &resp.Diagnostics) {
				// An earlier wait for steady did not complete: the apply resumes it (cluster_steady.go).
				planSteadyWaitResumed(&plan)
				plan.ProvisioningState = state.ProvisioningState
				resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
				return
			}
			plan.AllocationState = state.AllocationState
			plan.CurrentNodeCount = state.CurrentNodeCount
			plan.NodeStateCounts = state.NodeStateCounts
			plan.Errors = state.Errors
			plan.ProvisioningState = state.ProvisioningState
			resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
			return
		}
		plan.planResize(state)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	}
	if r.data == nil || r.data.client == nil {
		return // validation without a configured provider
	}
	r.checkQuotaForPlan(ctx, r.data.client, plan, prior, &resp.Diagnostics)
}

// ValidateConfig checks the rules that span attributes of a block: "exactly one of" and "at most one of", and
// that no two mounts share a relative_mount_path.
// They live here rather than on the attributes because attribute validators also run when their single
// nested block is absent, and would then demand values nobody asked for. Unknown values skip a rule. That a
// secret is given at all is checked when a cluster is created (requireSecretsForCreate): the configuration
// of an imported cluster rightly has none.
func (r *clusterResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m clusterResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	diags := &resp.Diagnostics

	if ss := objectAs[clusterScaleSettingsModel](ctx, m.ScaleSettings, diags); ss != nil {
		requireOneOf(diags, path.Root("scale_settings"), true, "block",
			named{"manual", ss.Manual}, named{"auto_scale", ss.AutoScale})
	}
	forEachSecretRule(ctx, m, diags, func(at path.Path, exactlyOne bool, values ...named) {
		if exactlyOne {
			rejectSeveral(diags, at, "argument", values...)
		}
	})
	if mv := objectAs[clusterMountVolumesModel](ctx, m.MountVolumes, diags); mv != nil {
		requireDistinctMountPaths(diags, path.Root("mount_volumes"),
			[]string{"azure_file_share", "azure_blob_file_system", "file_server", "unmanaged_file_system"},
			map[string]types.List{"azure_file_share": mv.AzureFileShares, "azure_blob_file_system": mv.AzureBlobFileSystems,
				"file_server": mv.FileServers, "unmanaged_file_system": mv.UnmanagedFileSystems})
	}
}

// createRecovery is how a cluster is read back after its create, and recorded when the create did not
// finish (see settleCreate): with what a read shows and the service's errors for the cluster, or with its ID
// only.
func (r *clusterResource) createRecovery(c *client.Client, id api.ClusterID, plan *clusterResourceModel, cl *api.Cluster) createRecovery {
	plan.ID = types.StringValue(id.String())
	return createRecovery{
		kind: kindCluster, id: id.String(), model: plan,
		read: func(ctx context.Context) (diag.Diagnostics, error) {
			got, err := c.GetCluster(ctx, id)
			if err != nil {
				return nil, err
			}
			*cl = got
			return plan.setFromAPI(ctx, got), nil
		},
		adopt: func(ctx context.Context, result any) (diag.Diagnostics, bool) {
			got, ok := result.(api.Cluster)
			if !ok || got.ID == nil || !strings.EqualFold(api.Deref(api.Deref(got.Properties).ProvisioningState), api.ProvisioningStateSucceeded) {
				return nil, false
			}
			*cl = got
			return plan.setFromAPI(ctx, got), true
		},
		recordIDOnly:      plan.nullUnknowns,
		explain:           func(waitErr error) error { return withClusterErrors(waitErr, *cl) },
		provisioningState: func() *string { return api.Deref(cl.Properties).ProvisioningState },
	}
}

// planResize settles what a resize (a change of scale_settings, which Update sends as a PATCH) can be
// known to leave behind. A PATCH never changes provisioning_state, and a resize that waits for steady
// allocation only succeeds once the cluster is steady and succeeded; so provisioning_state is known, and
// with wait_for_steady_state allocation_state is "steady" (an apply that fails reports what it saw instead).
// current_node_count, node_state_counts and errors stay unknown: the service may stop short of the target
// (quota, capacity, pre-emption) and report why, and nodes run jobs meanwhile.
func (m *clusterResourceModel) planResize(state clusterResourceModel) {
	if m.WaitForSteadyState.ValueBool() {
		m.AllocationState = types.StringValue(api.AllocationStateSteady)
		m.ProvisioningState = types.StringValue(api.ProvisioningStateSucceeded)
		return
	}
	if strings.EqualFold(state.ProvisioningState.ValueString(), api.ProvisioningStateSucceeded) {
		m.ProvisioningState = state.ProvisioningState
	}
}

// replaceRemovedBlocks names the replacement when an optional block is removed from the configuration, on
// the leaves that held it (its required argument; each mount's relative_mount_path): the block's own plan
// modifier cannot, since nothing in a block that is gone is planned, and naming the block would mark its
// write-only attributes as forcing the replacement (see requiresReplaceUnlessAdopting).
func replaceRemovedBlocks(ctx context.Context, plan, state clusterResourceModel, diags *diag.Diagnostics) path.Paths {
	var paths path.Paths
	removed := func(planned, prior types.Object) bool {
		return planned.IsNull() && !prior.IsNull() && !prior.IsUnknown()
	}
	if removed(plan.SetupTask, state.SetupTask) {
		paths = append(paths, path.Root("setup_task").AtName("command_line"))
	}
	if removed(plan.PerformanceCounters, state.PerformanceCounters) {
		paths = append(paths, path.Root("performance_counters").AtName("app_insights_component_id"))
	}
	if removed(plan.MountVolumes, state.MountVolumes) {
		paths = append(paths, mountPathsOf(ctx, state.MountVolumes, diags)...)
	}
	return paths
}

// mountPathsOf names the relative_mount_path of every mount of a mount_volumes block (a cluster's or a job's),
// the leaves that name the replacement when the block is removed.
func mountPathsOf(ctx context.Context, mountVolumes types.Object, diags *diag.Diagnostics) path.Paths {
	var paths path.Paths
	if mv := objectAs[clusterMountVolumesModel](ctx, mountVolumes, diags); mv != nil {
		for _, l := range []struct {
			name  string
			items types.List
		}{{"azure_file_share", mv.AzureFileShares}, {"azure_blob_file_system", mv.AzureBlobFileSystems},
			{"file_server", mv.FileServers}, {"unmanaged_file_system", mv.UnmanagedFileSystems}} {
			for i := range l.items.Elements() {
				paths = append(paths, path.Root("mount_volumes").AtName(l.name).AtListIndex(i).AtName("relative_mount_path"))
			}
		}
	}
	return paths
}

// clusterProvisioningState reads the provisioning state of a cluster, for checkCreatable and deleteAndWait.
func clusterProvisioningState(c *client.Client, id api.ClusterID) func(context.Context) (*string, error) {
	return func(ctx context.Context) (*string, error) {
		cl, err := c.GetCluster(ctx, id)
		return api.Deref(cl.Properties).ProvisioningState, err
	}
}
