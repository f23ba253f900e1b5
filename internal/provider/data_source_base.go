package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"

	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

// What every data source (and the actions and ephemeral resources, which read as data sources do) shares:
// reading the configuration, parsing the ARM ID an attribute names, the context of the read, the read of a
// resource that tells a missing parent from a missing resource, and storing the result. Each data source is in
// <thing>_data_source.go or <things>_data_source.go; dataSourceBase is in resource_base.go.

// readConfig reads a data source's (or an ephemeral resource's or action's) configuration into M and returns
// the client, or false when either failed (the reason is in diags).
func readConfig[M any](ctx context.Context, config tfsdk.Config, h *providerDataHolder, diags *diag.Diagnostics) (M, *client.Client, bool) {
	var m M
	diags.Append(config.Get(ctx, &m)...)
	c, ok := h.client(diags)
	return m, c, ok
}

// parseIDAttribute parses the ARM ID of a kind (kindWorkspace...) that the attribute attr of a configuration
// gives, or reports on attr why it is not one. The attribute's validator refuses most bad IDs at plan time;
// this is the check of a value that was unknown then.
func parseIDAttribute[ID any](diags *diag.Diagnostics, attr path.Path, kind, raw string, parse func(string) (ID, error)) (ID, bool) {
	id, err := parse(raw)
	if err != nil {
		diags.AddAttributeError(attr, "Invalid "+kind+" ID", err.Error())
		return id, false
	}
	return id, true
}

// readContext prepares ctx for a data source's read of the resource id: the log context, and the read timeout.
func (h *providerDataHolder) readContext(ctx context.Context, id string) (context.Context, context.CancelFunc) {
	return h.operationContext(ctx, id, defaultReadTimeout)
}

// operationContext prepares ctx for an operation on the resource id that may take timeout (an action's
// invocation, a data source's read): the log context, and the deadline.
func (h *providerDataHolder) operationContext(ctx context.Context, id string, timeout time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(h.logContext(ctx, id), timeout)
}

// getInParent reads, with get, a resource of a kind (kindCluster...) whose ARM ID is id, for a data source. On
// a 404 it asks parentFound whether its parent exists (parentFound reports the parent missing itself), and when
// it does, notFound reports the resource missing: the error names what is missing, on the attribute that names
// it, so a typo is found at once.
func getInParent[T any](diags *diag.Diagnostics, kind, id string, get func() (T, error), parentFound func() bool, notFound func()) (T, bool) {
	v, err := get()
	switch {
	case err == nil:
		return v, true
	case !client.IsNotFound(err):
		addAPIError(diags, actionRead, kind, id, err)
	case parentFound():
		notFound()
	}
	return v, false
}

// setDataSourceState stores m as the data source's state, unless diags (of its flattening) hold an error.
func setDataSourceState(ctx context.Context, resp *datasource.ReadResponse, m any, diags diag.Diagnostics) {
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}
