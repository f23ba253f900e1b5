package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

// scopeOperation is how every Read, Update and Delete starts: it parses the ARM ID kept in state, names
// it in every log line of ctx, and bounds ctx by the operation's timeout (from the timeouts block, or
// fallback). ok is false when a diagnostic says why the operation cannot go on; cancel is always safe
// to call.
func scopeOperation[ID fmt.Stringer](ctx context.Context, b *resourceBase, diags *diag.Diagnostics, kind, rawID string,
	parse func(string) (ID, error), timeout func(context.Context, time.Duration) (time.Duration, diag.Diagnostics),
	fallback time.Duration) (_ context.Context, cancel context.CancelFunc, id ID, ok bool) {
	id, err := parse(rawID)
	if err != nil {
		addInvalidStateIDError(diags, kind, err)
		return ctx, func() {}, id, false
	}
	ctx = b.logContext(ctx, id.String())
	d, timeoutDiags := timeout(ctx, fallback)
	diags.Append(timeoutDiags...)
	if diags.HasError() {
		return ctx, func() {}, id, false
	}
	ctx, cancel = context.WithTimeout(ctx, d)
	return ctx, cancel, id, true
}

// removeIfGone ends a Read whose resource is gone, or being deleted (as good as gone): it is removed
// from state, without an error, so that the next plan recreates it.
func removeIfGone(ctx context.Context, resp *resource.ReadResponse, what string, err error, provisioningState *string) bool {
	switch {
	case client.IsNotFound(err):
		tflog.Warn(ctx, what+" not found; removing it from state so that the next apply recreates it")
	case err == nil && isDeleting(provisioningState):
		tflog.Warn(ctx, what+" is being deleted; removing it from state so that the next apply recreates it")
	default:
		return false
	}
	resp.State.RemoveResource(ctx)
	return true
}
