package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

// What every resource shares: the provider's data and how a resource gets it (resourceBase, and its data
// source and ephemeral resource twins), the timeouts block, and the lifecycle steps every resource takes the same way: how Read,
// Update and Delete start (scopeOperation), a resource gone from Azure (removeIfGone), the check before a
// create (checkCreatable), deletion (deleteAndWait), reading a resource back after a write (confirmWrite), and
// the one polling loop of every wait (pollUntil). The create itself, and the one recovery of every create whose
// answer or wait failed, are in resource_create.go.

// providerData is what the provider hands to every resource and data source.
type providerData struct {
	client  *client.Client
	secrets []string // Configured secret values, masked in every log line.
	timing  timing
	// preflights are the passed preflights of creates, from the apply-time plan to Create.
	preflights *createPreflights
}

// timing holds the durations the provider's own waits and recoveries use, so that tests can shorten them
// (batchaiProvider.timing, or the timing the waits take). How often waits poll is the client's poll
// frequency, which the provider's poll_interval sets.
type timing struct {
	// notFoundGrace is how long a resource that was just created or changed may read as 404 (ARM's eventual
	// consistency) before a wait or a recovery believes it.
	notFoundGrace time.Duration
	// overrunGrace is how long, at most, the provider goes on after an operation's timeout ran out (or the
	// apply was interrupted) to record what Azure created or changed: the one time it may take beyond the
	// `timeouts` the user set. Its recovery runs on a context detached from the apply.
	overrunGrace time.Duration
	// explainTimeout bounds the read that explains why a wait for cluster nodes failed.
	explainTimeout time.Duration
	// pollInterval is how often a recovery reads; the provider sets it to the client's poll frequency.
	pollInterval time.Duration
}

// defaultOverrunGrace is timing.overrunGrace of a real provider, which every resource page names.
const defaultOverrunGrace = 20 * time.Second

// defaultTiming is the timing of a real provider.
var defaultTiming = timing{
	notFoundGrace:  30 * time.Second,
	overrunGrace:   defaultOverrunGrace,
	explainTimeout: 30 * time.Second,
	pollInterval:   client.DefaultPollFrequency,
}

// withDefaults fills every unset duration of t from defaultTiming.
func (t timing) withDefaults() timing {
	if t.notFoundGrace <= 0 {
		t.notFoundGrace = defaultTiming.notFoundGrace
	}
	if t.overrunGrace <= 0 {
		t.overrunGrace = defaultTiming.overrunGrace
	}
	if t.explainTimeout <= 0 {
		t.explainTimeout = defaultTiming.explainTimeout
	}
	if t.pollInterval <= 0 {
		t.pollInterval = defaultTiming.pollInterval
	}
	return t
}

// Default operation timeouts, as azurerm and azapi use them; users override them in a `timeouts` block.
const (
	defaultCreateTimeout = 30 * time.Minute
	defaultReadTimeout   = 5 * time.Minute
	defaultUpdateTimeout = 30 * time.Minute
	defaultDeleteTimeout = 30 * time.Minute
)

// operationTimeouts are the default timeouts of a resource's operations, for its `timeouts` block. A zero
// update means the resource has no update API: its block offers no update timeout.
type operationTimeouts struct {
	create, read, update, delete time.Duration
}

// defaultTimeouts are the timeouts of resources that have every operation.
var defaultTimeouts = operationTimeouts{
	create: defaultCreateTimeout, read: defaultReadTimeout, update: defaultUpdateTimeout, delete: defaultDeleteTimeout,
}

// timeoutsBlock is the `timeouts` block of a resource with the default timeouts.
func timeoutsBlock(ctx context.Context) schema.Block {
	return timeoutsBlockOf(ctx, defaultTimeouts)
}

// timeoutsBlockOf is the `timeouts` block of a resource, documenting its defaults.
func timeoutsBlockOf(ctx context.Context, t operationTimeouts) schema.Block {
	d := func(op string, def time.Duration) string {
		return fmt.Sprintf("How long to wait for the %s, as a duration such as `30s` or `1h30m`. Defaults to `%s`.",
			op, shortDuration(def))
	}
	opts := timeouts.Opts{
		Create: true, CreateDescription: d("resource to be created", t.create),
		Read: true, ReadDescription: d("resource to be read (during refresh and plan)", t.read),
		Delete: true, DeleteDescription: d("resource to be deleted", t.delete),
	}
	if t.update > 0 {
		opts.Update, opts.UpdateDescription = true, d("resource to be updated", t.update)
	}
	return timeouts.Block(ctx, opts)
}

// shortDuration prints 30m rather than Go's 30m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// providerDataHolder is what resourceBase and dataSourceBase share: the provider's data, once Configure has
// run, and the helpers every CRUD or Read method starts with.
type providerDataHolder struct {
	data *providerData
}

// configure stores the provider's data. Configure is also called before the provider is configured
// (validation), with nil ProviderData, which is not an error. what is "Resource" or "Data Source".
func (h *providerDataHolder) configure(data any, what string, diags *diag.Diagnostics) {
	if data == nil {
		return
	}
	d, ok := data.(*providerData)
	if !ok {
		diags.AddError(fmt.Sprintf("Unexpected %s Configure Type", what),
			fmt.Sprintf("Expected *provider.providerData, got: %T. Please report this issue to the provider developers.", data))
		return
	}
	h.data = d
}

// client returns the ARM client. It is false when diags already hold an error (reading the plan, state or
// configuration failed), and reports a provider bug when Configure never ran.
func (h *providerDataHolder) client(diags *diag.Diagnostics) (*client.Client, bool) {
	if diags.HasError() {
		return nil, false
	}
	if h.data == nil || h.data.client == nil {
		diags.AddError("Provider Not Configured",
			"The Batch AI client is missing. This is always a bug in the provider code and should be reported to the provider developers.")
		return nil, false
	}
	return h.data.client, true
}

// timing returns the provider's timing, or the defaults before the provider is configured.
func (h *providerDataHolder) timing() timing {
	if h.data == nil {
		return defaultTiming
	}
	return h.data.timing
}

// logContext prepares ctx for a CRUD or Read method: the provider's secret masks plus a resource_id field on
// every log line. id may be empty (before creation).
func (h *providerDataHolder) logContext(ctx context.Context, id string) context.Context {
	var secrets []string
	if h.data != nil {
		secrets = h.data.secrets
	}
	ctx = withLogMasks(ctx, secrets)
	if id != "" {
		ctx = tflog.SetField(ctx, "resource_id", id)
	}
	return ctx
}

// resourceBase is embedded by every resource. It implements Configure once, so resources never repeat the
// type check.
type resourceBase struct {
	providerDataHolder
}

// Configure stores the provider's data.
func (b *resourceBase) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	b.configure(req.ProviderData, "Resource", &resp.Diagnostics)
}

// dataSourceBase is the data source twin of resourceBase.
type dataSourceBase struct {
	providerDataHolder
}

// Configure stores the provider's data.
func (b *dataSourceBase) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	b.configure(req.ProviderData, "Data Source", &resp.Diagnostics)
}

// ephemeralBase is the ephemeral resource twin of resourceBase.
type ephemeralBase struct {
	providerDataHolder
}

// Configure stores the provider's data.
func (b *ephemeralBase) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	b.configure(req.ProviderData, "Ephemeral Resource", &resp.Diagnostics)
}

// scopeOperation is how every Read, Update and Delete starts, once it has read its state (and plan) into
// diags: it gets the client, parses the ARM ID kept in state, names it in every log line of ctx, and bounds
// ctx by the operation's timeout (from the timeouts block, or fallback). ok is false when a diagnostic says
// why the operation cannot go on; cancel is always safe to call.
func scopeOperation[ID fmt.Stringer](ctx context.Context, b *resourceBase, diags *diag.Diagnostics, kind, rawID string,
	parse func(string) (ID, error), timeout func(context.Context, time.Duration) (time.Duration, diag.Diagnostics),
	fallback time.Duration) (_ context.Context, cancel context.CancelFunc, c *client.Client, id ID, ok bool) {
	cancel = func() {}
	if c, ok = b.client(diags); !ok {
		return ctx, cancel, nil, id, false
	}
	id, err := parse(rawID)
	if err != nil {
		addInvalidStateIDError(diags, kind, err)
		return ctx, cancel, nil, id, false
	}
	ctx = b.logContext(ctx, id.String())
	d, timeoutDiags := timeout(ctx, fallback)
	diags.Append(timeoutDiags...)
	if diags.HasError() {
		return ctx, cancel, nil, id, false
	}
	ctx, cancel = context.WithTimeout(ctx, d)
	return ctx, cancel, c, id, true
}

// Resources being deleted. ARM keeps answering GET for a deleted workspace or cluster, with
// provisioning_state "deleting", until the deletion finishes (minutes for a cluster whose nodes must
// leave). Such a resource is as good as gone: Read drops it from state so that the plan recreates it
// (a drift check exits 2, not 0), and Create waits for the deletion to finish before its PUT, which the
// service would refuse (409) meanwhile.

// isDeleting reports whether a provisioning state says the resource is being deleted.
func isDeleting(provisioningState *string) bool {
	return strings.EqualFold(api.Deref(provisioningState), api.ProvisioningStateDeleting)
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

// errStillExists says that a resource Create waited for turned out to exist and not to be deleting.
var errStillExists = errors.New("it exists and is not being deleted")

// waitUntilDeleted polls get (which returns the resource's provisioning state) at the provider's poll
// interval until the resource is gone. It fails when ctx ends, when get fails otherwise, or with
// errStillExists when the resource stops being "deleting" without going away.
func waitUntilDeleted(ctx context.Context, c *client.Client, get func(context.Context) (*string, error)) error {
	return pollUntil(ctx, c.PollFrequency(), func(ctx context.Context) (bool, error) {
		state, err := get(ctx)
		switch {
		case client.IsNotFound(err):
			return true, nil
		case err != nil:
			return false, err
		case !isDeleting(state):
			return true, errStillExists
		}
		tflog.Debug(ctx, "waiting for the deletion of an earlier resource of the same name to finish")
		return false, nil
	}, func(ctxErr error) error { return fmt.Errorf("it was still being deleted: %w", ctxErr) })
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

// confirmWrite reads a resource back after a write that succeeded (an update's PATCH or PUT) until a read
// answers something other than 404, for at most timing.notFoundGrace: ARM's replicas may answer 404 for a
// moment after a write, and the refresh that follows the apply would then drop the resource from state. It
// is best effort: the write is done, so a read that fails otherwise, or 404s that outlast the grace (the next
// refresh settles those), end it without an error.
func confirmWrite(ctx context.Context, t timing, read func(context.Context) error) {
	var first404 time.Time
	_ = pollUntil(ctx, t.pollInterval, func(ctx context.Context) (bool, error) {
		err := read(ctx)
		if !client.IsNotFound(err) {
			return true, nil
		}
		if first404.IsZero() {
			first404 = time.Now()
		}
		tflog.Debug(ctx, "the resource reads as 404 right after a write; reading again")
		return time.Since(first404) >= t.notFoundGrace, nil
	}, func(error) error { return nil })
}

// deleteAndWait starts a deletion with begin and waits for it within ctx (the delete timeout). A resource that
// is already gone, before or during the wait, is the desired outcome, not an error.
//
// A wait that ends before the service reported the operation's end (a poll answered by the gateway's 400, 5xx
// beyond the client's retries, a reset) proves nothing about the deletion, which the service accepted and goes on
// with: like a create (resource_create.go), it settles through reads of the resource (get, which returns its
// provisioning state), at the client's poll frequency, until the delete timeout. A 404 is the deletion done;
// "deleting" is waited for; a read that fails otherwise decides nothing and is repeated. Only a resource found
// not being deleted, or still being deleted when the time runs out, fails the destroy: Terraform then keeps it
// in state, which is the truth (and the next refresh drops what ARM deleted meanwhile).
func deleteAndWait(ctx context.Context, c *client.Client, diags *diag.Diagnostics, kind, id string,
	begin func(context.Context) (*client.Poller[struct{}], error), get func(context.Context) (*string, error)) {
	poller, err := begin(ctx)
	if client.IsNotFound(err) {
		return
	}
	if err != nil {
		addAPIError(diags, actionDelete, kind, id, err)
		return
	}
	_, err = poller.Wait(ctx)
	if err != nil && client.OperationPending(err) {
		err = settleDelete(ctx, c.PollFrequency(), get, err)
	}
	if err != nil && !client.IsNotFound(err) {
		addAPIError(diags, actionWaitDelete, kind, id, err)
	}
}

// settleDelete reads a resource whose deletion's wait failed with waitErr before the operation's end, every
// interval, until it is gone (nil), found not being deleted, or ctx ends (both waitErr, with what the reads saw).
func settleDelete(ctx context.Context, interval time.Duration, get func(context.Context) (*string, error), waitErr error) error {
	tflog.Info(ctx, "waiting for a deletion failed before its end; reading the resource until it is gone",
		map[string]any{"error": waitErr.Error()})
	return pollUntil(ctx, interval, func(ctx context.Context) (bool, error) {
		state, err := get(ctx)
		switch {
		case client.IsNotFound(err):
			return true, nil
		case err != nil:
			tflog.Debug(ctx, "reading the resource being deleted failed; reading again", map[string]any{"error": err.Error()})
			return false, nil //nolint:nilerr // A failed read decides nothing: the next poll reads again.
		case !isDeleting(state):
			return true, fmt.Errorf("%w; read afterwards, it is not being deleted (its provisioning_state is %q): "+
				"apply or destroy again to delete it", waitErr, api.Deref(state))
		}
		return false, nil
	}, func(ctxErr error) error {
		return fmt.Errorf("%w; read afterwards, it was still being deleted when the wait ended (%w): raise the "+
			"delete timeout if deletions take longer, or destroy again", waitErr, ctxErr)
	})
}

// pollUntil is the loop of every wait of the provider. It calls poll at once, then every interval, until
// poll reports done, and returns poll's error then (nil for success). A poll that fails without being done
// ends the wait with its error, unless ctx has ended meanwhile: that, like ctx ending between polls, ends
// the wait with expired(ctx.Err()), which words the deadline or interrupt for the wait's caller.
func pollUntil(ctx context.Context, interval time.Duration, poll func(context.Context) (done bool, err error),
	expired func(ctxErr error) error) error {
	for {
		done, err := poll(ctx)
		switch {
		case done:
			return err
		case err != nil && ctx.Err() == nil:
			return err
		}
		select {
		case <-ctx.Done():
			return expired(ctx.Err())
		case <-time.After(interval):
		}
	}
}
