package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

// Resources being deleted. ARM keeps answering GET for a deleted workspace or cluster, with
// provisioning_state "deleting", until the deletion finishes (minutes for a cluster whose nodes must
// leave). Such a resource is as good as gone: Read drops it from state so that the plan recreates it
// (a drift check exits 2, not 0), and Create waits for the deletion to finish before its PUT, which the
// service would refuse (409) meanwhile.

// errStillExists says that a resource Create waited for turned out to exist and not to be deleting.
var errStillExists = errors.New("it exists and is not being deleted")

// isDeleting reports whether a provisioning state says the resource is being deleted.
func isDeleting(provisioningState *string) bool {
	return strings.EqualFold(api.Deref(provisioningState), api.ProvisioningStateDeleting)
}

// waitUntilDeleted polls get (which returns the resource's provisioning state) at the provider's poll
// interval until the resource is gone. It fails when ctx ends, when get fails otherwise, or with
// errStillExists when the resource stops being "deleting" without going away.
func waitUntilDeleted(ctx context.Context, c *client.Client, get func(context.Context) (*string, error)) error {
	interval := clusterPollInterval(c)
	for {
		state, err := get(ctx)
		switch {
		case client.IsNotFound(err):
			return nil
		case err != nil && ctx.Err() == nil:
			return err
		case err == nil && !isDeleting(state):
			return errStillExists
		}
		tflog.Debug(ctx, "waiting for the deletion of an earlier resource of the same name to finish")
		select {
		case <-ctx.Done():
			return fmt.Errorf("it was still being deleted: %w", ctx.Err())
		case <-time.After(interval):
		}
	}
}

// checkCreatable is the check every Create makes before its PUT (which is create-or-update): a resource
// of that name must not exist, or must be on its way out, in which case it waits until it is gone. It
// returns false after adding the diagnostic that explains why the create cannot go on.
func checkCreatable(ctx context.Context, c *client.Client, addDiag func(a action, err error), alreadyExists func(),
	get func(context.Context) (*string, error)) bool {
	state, err := get(ctx)
	switch {
	case client.IsNotFound(err):
		return true
	case err != nil:
		addDiag(actionCheckExist, err)
		return false
	case !isDeleting(state):
		alreadyExists()
		return false
	}
	tflog.Info(ctx, "a resource of the same name is being deleted; waiting for it to be gone before creating")
	switch err := waitUntilDeleted(ctx, c, get); {
	case errors.Is(err, errStillExists):
		alreadyExists()
		return false
	case err != nil:
		addDiag(actionCheckExist, fmt.Errorf("an earlier resource of this name is being deleted, and waiting for "+
			"it to be gone failed (raise the create timeout if deletions take longer): %w", err))
		return false
	}
	return true
}

// deleteAndWait starts a deletion with begin and waits for it within ctx. A resource that is already
// gone, before or during the wait, is the desired outcome, not an error.
func deleteAndWait(ctx context.Context, diags *diag.Diagnostics, kind, id string,
	begin func(context.Context) (*client.Poller[struct{}], error)) {
	poller, err := begin(ctx)
	if client.IsNotFound(err) {
		return
	}
	if err != nil {
		addAPIError(diags, actionDelete, kind, id, err)
		return
	}
	if _, err := poller.Wait(ctx); err != nil && !client.IsNotFound(err) {
		addAPIError(diags, actionWaitDelete, kind, id, err)
	}
}
