package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

// What every Create does before its PUT, once it knows what it creates; resource_create.go holds what follows
// the PUT.

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
