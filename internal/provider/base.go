package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

// providerData is what the provider hands to every resource and data source.
type providerData struct {
	client  *client.Client
	secrets []string // configured secret values, masked in every log line
}

// Default operation timeouts, as azurerm and azapi use them; users override them in a `timeouts` block.
const (
	defaultCreateTimeout = 30 * time.Minute
	defaultReadTimeout   = 5 * time.Minute
	defaultUpdateTimeout = 30 * time.Minute
	defaultDeleteTimeout = 30 * time.Minute
)

// timeoutsBlock is the `timeouts` block of every resource, documenting the defaults above.
func timeoutsBlock(ctx context.Context) schema.Block {
	d := func(op string, def time.Duration) string {
		return fmt.Sprintf("How long to wait for the %s, as a duration such as `30s` or `1h30m`. Defaults to `%s`.",
			op, shortDuration(def))
	}
	return timeouts.Block(ctx, timeouts.Opts{
		Create: true, CreateDescription: d("resource to be created", defaultCreateTimeout),
		Read: true, ReadDescription: d("resource to be read (during refresh and plan)", defaultReadTimeout),
		Update: true, UpdateDescription: d("resource to be updated", defaultUpdateTimeout),
		Delete: true, DeleteDescription: d("resource to be deleted", defaultDeleteTimeout),
	})
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

// resourceBase is embedded by every resource. It implements Configure once, so resources never repeat the
// type check, and offers the helpers each CRUD method starts with.
type resourceBase struct {
	data *providerData
}

// Configure stores the provider's data. It is also called before the provider is configured (validation),
// with nil ProviderData, which is not an error.
func (b *resourceBase) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	d, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Resource Configure Type",
			fmt.Sprintf("Expected *provider.providerData, got: %T. Please report this issue to the provider developers.", req.ProviderData))
		return
	}
	b.data = d
}

// client returns the ARM client, or reports a provider bug when Configure never ran.
func (b *resourceBase) client(diags *diag.Diagnostics) (*client.Client, bool) {
	return clientOf(b.data, diags)
}

// logContext prepares ctx for a CRUD method: the provider's secret masks plus a resource_id field on every
// log line. id may be empty (before creation).
func (b *resourceBase) logContext(ctx context.Context, id string) context.Context {
	return logContextOf(ctx, b.data, id)
}

// dataSourceBase is the data source twin of resourceBase.
type dataSourceBase struct {
	data *providerData
}

// Configure stores the provider's data; see resourceBase.Configure.
func (b *dataSourceBase) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	d, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Data Source Configure Type",
			fmt.Sprintf("Expected *provider.providerData, got: %T. Please report this issue to the provider developers.", req.ProviderData))
		return
	}
	b.data = d
}

// client returns the ARM client, or reports a provider bug when Configure never ran.
func (b *dataSourceBase) client(diags *diag.Diagnostics) (*client.Client, bool) {
	return clientOf(b.data, diags)
}

// logContext prepares ctx for Read; see resourceBase.logContext.
func (b *dataSourceBase) logContext(ctx context.Context, id string) context.Context {
	return logContextOf(ctx, b.data, id)
}

func clientOf(d *providerData, diags *diag.Diagnostics) (*client.Client, bool) {
	if d == nil || d.client == nil {
		diags.AddError("Provider Not Configured",
			"The Batch AI client is missing. This is always a bug in the provider code and should be reported to the provider developers.")
		return nil, false
	}
	return d.client, true
}

func logContextOf(ctx context.Context, d *providerData, id string) context.Context {
	var secrets []string
	if d != nil {
		secrets = d.secrets
	}
	ctx = withLogMasks(ctx, secrets)
	if id != "" {
		ctx = tflog.SetField(ctx, "resource_id", id)
	}
	return ctx
}
