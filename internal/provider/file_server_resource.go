package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

var (
	_ resource.Resource                = &fileServerResource{}
	_ resource.ResourceWithConfigure   = &fileServerResource{}
	_ resource.ResourceWithImportState = &fileServerResource{}
	_ resource.ResourceWithModifyPlan  = &fileServerResource{}
	_ resource.ResourceWithIdentity    = &fileServerResource{}
)

func newFileServerResource() resource.Resource {
	return &fileServerResource{}
}

// fileServerResource manages a Batch AI file server. The API has no update: every argument replaces it, and
// Update only records what calls no API (timeouts, and secrets adopted after an import). The schema is in
// file_server_schema.go, the models in file_server_models.go, the conversions in file_server_expand.go and
// file_server_flatten.go; the administrator account's secrets are handled as the cluster's
// (cluster_secrets.go).
type fileServerResource struct {
	resourceBase
}

func (r *fileServerResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_file_server"
}

func (r *fileServerResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = fileServerResourceSchema(ctx)
}

func (r *fileServerResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = fileServerIdentitySchema()
}

func (r *fileServerResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, config fileServerResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	// Write-only secrets are only in the configuration.
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	c, ok := r.client(&resp.Diagnostics)
	if !ok {
		return
	}
	ws, err := api.ParseWorkspaceID(plan.WorkspaceID.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("workspace_id"), "Invalid Workspace ID", err.Error())
		return
	}
	id := ws.FileServer(plan.Name.ValueString())
	body, diags := expandFileServerCreateParameters(ctx, plan, config)
	resp.Diagnostics.Append(diags...)
	ctx, cancel, ok := r.beginCreate(ctx, resp, c, createTarget{
		kind: kindFileServer, tfType: "batchai_file_server", id: id.String(), identity: newFileServerIdentity(id),
		provisioningState: fileServerProvisioningState(c, id),
	}, plan.Timeouts, fileServerTimeouts.create)
	defer cancel()
	if !ok {
		return
	}
	// Creation takes minutes, and the service sends no Retry-After: the poller paces itself at the provider's
	// poll_interval. A file server whose provisioning_state ends "failed" is recorded tainted
	// (resource_create.go).
	if !createAndWait(ctx, resp, r.timing(), r.createRecovery(c, id, &plan), func(ctx context.Context) (*client.Poller[api.FileServer], error) {
		return c.BeginCreateFileServer(ctx, id, body)
	}) {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *fileServerResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state fileServerResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, c, id, ok := scopeOperation(ctx, &r.resourceBase, &resp.Diagnostics, kindFileServer, state.ID.ValueString(),
		api.ParseFileServerID, state.Timeouts.Read, fileServerTimeouts.read)
	defer cancel()
	if !ok {
		return
	}
	// First, so that a Read that removes the file server has it too (identity.go).
	setIdentity(ctx, resp.Identity, newFileServerIdentity(id), &resp.Diagnostics)
	fs, err := c.GetFileServer(ctx, id)
	if !readFound(ctx, resp, kindFileServer, "file server", id.String(), err, api.Deref(fs.Properties).ProvisioningState) {
		return
	}
	resp.Diagnostics.Append(state.setFromAPI(ctx, id, fs)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update records what calls no API: new timeouts, or the configured secrets of an imported file server
// (adopted in place, see requiresReplaceUnlessAdopting). Every other change replaces the file server.
func (r *fileServerResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if updateWithoutAPI(ctx, req, resp, func(m fileServerResourceModel) string { return m.ID.ValueString() },
		api.ParseFileServerID, newFileServerIdentity) {
		resp.Diagnostics.Append(clearSecretsUnknown(ctx, resp.Private)...)
	}
}

func (r *fileServerResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state fileServerResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	ctx, cancel, c, id, ok := scopeOperation(ctx, &r.resourceBase, &resp.Diagnostics, kindFileServer, state.ID.ValueString(),
		api.ParseFileServerID, state.Timeouts.Delete, fileServerTimeouts.delete)
	defer cancel()
	if !ok {
		return
	}
	deleteAndWait(ctx, c, &resp.Diagnostics, kindFileServer, id.String(), func(ctx context.Context) (*client.Poller[struct{}], error) {
		return c.BeginDeleteFileServer(ctx, id)
	}, fileServerProvisioningState(c, id))
}

// ImportState accepts the file server's ARM ID (fixed segments in any casing, so the service's own
// "fileservers" too), or its identity; Read fills in the rest. The secrets cannot be imported: the
// configuration's are adopted.
func (r *fileServerResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if importByID(ctx, req, resp, kindFileServer, api.ParseFileServerID, fileServerIDFromIdentity(r.providerSubscription()),
		workspaceChildImported[api.FileServerID], newFileServerIdentity) {
		resp.Diagnostics.Append(markSecretsUnknown(ctx, resp.Private)...)
	}
}

// ModifyPlan requires, in the plan of a create (or of the create half of a replacement), a password or an SSH
// key: the service refuses an account with neither. Validation cannot: the configuration of an imported file
// server may rightly have none (Azure never returns them).
func (r *fileServerResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !req.State.Raw.IsNull() {
		return // destroy, or an update (which only records what calls no API)
	}
	var m fileServerResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if ua := objectAs[clusterUserAccountResourceModel](ctx, m.UserAccount, &resp.Diagnostics); ua != nil {
		requireOneOf(&resp.Diagnostics, path.Root("user_account"), false, "argument",
			named{"admin_user_ssh_public_key", ua.AdminUserSSHPublicKey}, named{"admin_user_ssh_public_key_wo", ua.AdminUserSSHPublicKeyWO},
			named{"admin_user_password", ua.AdminUserPassword}, named{"admin_user_password_wo", ua.AdminUserPasswordWO})
	}
}

// createRecovery is how a file server whose create did not finish is recorded (see recoverFailedCreate):
// a failed file server stays in Azure, so it goes to state, tainted.
func (r *fileServerResource) createRecovery(c *client.Client, id api.FileServerID, plan *fileServerResourceModel) createRecovery {
	var fs api.FileServer
	return createRecovery{
		kind: kindFileServer, id: id.String(), model: plan,
		read: func(ctx context.Context) (diag.Diagnostics, error) {
			var err error
			if fs, err = c.GetFileServer(ctx, id); err != nil {
				return nil, err
			}
			return plan.setFromAPI(ctx, id, fs), nil
		},
		provisioningState: func() *string { return api.Deref(fs.Properties).ProvisioningState },
		recordIDOnly: func(context.Context) diag.Diagnostics {
			plan.nullUnknowns(id)
			return nil
		},
	}
}

// fileServerProvisioningState reads the provisioning state of a file server, for checkCreatable and deleteAndWait.
func fileServerProvisioningState(c *client.Client, id api.FileServerID) func(context.Context) (*string, error) {
	return func(ctx context.Context) (*string, error) {
		fs, err := c.GetFileServer(ctx, id)
		return api.Deref(fs.Properties).ProvisioningState, err
	}
}
