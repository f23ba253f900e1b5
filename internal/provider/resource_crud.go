package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

// The steps of every resource's Create, Read and Update that resource_base.go (what starts Read, Update and
// Delete, and the create's preflight) and resource_create.go (what follows a create's PUT) do not hold: the start
// of a Create, once it knows what it creates, the end of a Read's GET, and the Update of a resource the API
// cannot update.

// createTarget is what a Create creates.
type createTarget struct {
	kind   string // kindWorkspace...
	tfType string // "batchai_workspace"...
	id     string // its ARM ID
	// identity is its identity model (newWorkspaceIdentity...).
	identity any
	// provisioningState reads the provisioning state of a resource of that ID, for checkCreatable.
	provisioningState func(context.Context) (*string, error)
}

// beginCreate starts the create of t: the log context, the identity, the create's deadline (the timeouts
// block's create value, or def), and the check that no resource of that name exists (checkCreatable: PUT is
// create-or-update, and without the check apply would adopt, and later delete, a resource that Terraform does
// not manage; one being deleted is waited for). It returns the context of the create, and false when the create
// must not go on: diagnostics of the caller's own (the expansion of its request body) or of the check are in
// resp. The cancel function it returns is always to be called.
func (b *resourceBase) beginCreate(ctx context.Context, resp *resource.CreateResponse, c *client.Client, t createTarget,
	tv timeouts.Value, def time.Duration) (context.Context, context.CancelFunc, bool) {
	ctx = b.logContext(ctx, t.id)
	setIdentity(ctx, resp.Identity, t.identity, &resp.Diagnostics)
	timeout, diags := tv.Create(ctx, def)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return ctx, func() {}, false
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	ok := checkCreatable(ctx, c,
		func(a action, err error) { addAPIError(&resp.Diagnostics, a, t.kind, t.id, err) },
		func() { addAlreadyExistsError(&resp.Diagnostics, t.kind, t.id, t.tfType) },
		t.provisioningState)
	return ctx, cancel, ok
}

// readFound ends a Read whose GET of the resource id (of a kind, kindCluster...) answered err, with the
// provisioning state of its answer, unless the resource was found: one gone or being deleted is removed from
// state (removeIfGone; what names it in the log, "cluster"), any other error is reported. It reports whether
// the Read goes on with the answer.
func readFound(ctx context.Context, resp *resource.ReadResponse, kind, what, id string, err error, provisioningState *string) bool {
	if removeIfGone(ctx, resp, what, err, provisioningState) {
		return false
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, actionRead, kind, id, err)
		return false
	}
	return true
}

// updateWithoutAPI is the Update of a resource the API cannot update (every argument the service sees replaces
// it): it records the plan (new timeouts, and whatever else calls no API) as the state, with the identity
// (identityOf) of the ARM ID the plan holds (idOf reads it from the model M; parse parses it). It reports
// whether the plan was recorded.
func updateWithoutAPI[M, ID, I any](ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse,
	idOf func(M) string, parse func(string) (ID, error), identityOf func(ID) I) bool {
	var plan M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return false
	}
	if id, err := parse(idOf(plan)); err == nil {
		setIdentity(ctx, resp.Identity, identityOf(id), &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	return true
}
