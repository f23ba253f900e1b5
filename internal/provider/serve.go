package provider

import (
	"context"
	"os"
	"runtime/debug"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// Serve serves the provider to Terraform, for main and for the fleet benchmark's profiled build. With -debug
// (debugging) it serves as a debugger expects and leaves the logs alone. Otherwise, unless a log variable asks for
// the provider's logs, it turns the loggers nobody reads off (SilenceUnreadLogs) and hands every per-resource
// request to the framework with a detached context (detachedServer), with the garbage collector tuned for the
// small heap that leaves (detachedGCPercent).
func Serve(version string, debugging bool) error {
	var opts []tf6server.ServeOpt
	detach := false
	if debugging {
		opts = append(opts, tf6server.WithManagedDebug())
	} else {
		detach = !logsAsked(os.Environ())
		if err := SilenceUnreadLogs(); err != nil {
			return err
		}
	}
	if _, set := os.LookupEnv("GOGC"); detach && !set {
		debug.SetGCPercent(detachedGCPercent)
	}
	return tf6server.Serve(Address, func() tfprotov6.ProviderServer {
		server := providerserver.NewProtocol6(New(version)())()
		if detach {
			return detachRequests(server)
		}
		return server
	}, opts...)
}

// detachedGCPercent is the provider's GOGC when its requests are detached and the environment sets none. With the
// framework's per-request contexts released, the live heap of a no-op plan of 500 clusters stays near 4 MB, so Go's
// default (collect whenever the heap doubles) collected about 780 times in one plan; at 400 it collects about 160
// times, for about 15 % less CPU in that plan, and the heap still peaks near 20 MB. With logs asked for the
// framework keeps every request's context, and a heap five times that would be too much: the default stays.
const detachedGCPercent = 400

// The framework keeps the context of every request it serves until the provider is stopped: its protocol server
// (internal/proto6server, registerContext) appends each request's cancel function to a slice that only
// StopProvider empties. Through that function it keeps the whole context of the request, and terraform-plugin-go
// builds each one with loggers and their fields (about 15 KB, loggers that are off included). In a plan that is
// three to four requests per resource: the provider's live heap grew linearly to 37 MB over a no-op plan of 500
// clusters, and to 135 MB for 3,000 instances of a one-attribute framework resource.
//
// detachedServer passes each per-resource request on with a context of its own that has the cancellation and the
// deadline of Terraform's, and none of its values: what the framework then keeps per request is a few hundred
// bytes. Dropping the values drops only the SDK's loggers, so it is done only when those are off anyway (Serve);
// with logs asked for, the framework gets Terraform's context unchanged. The calls made once per process
// (schemas, configure, stop) and the streaming ones (list, actions) pass through unchanged.
type detachedServer struct {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
}

// detachRequests wraps the framework's protocol server; a server without list resources or actions (which the
// framework always has) is served unwrapped, so that no capability is hidden from terraform-plugin-go.
func detachRequests(server tfprotov6.ProviderServer) tfprotov6.ProviderServer {
	lists, okLists := server.(tfprotov6.ListResourceServer)
	actions, okActions := server.(tfprotov6.ActionServer)
	if !okLists || !okActions {
		return server
	}
	return detachedServer{ProviderServer: server, ListResourceServer: lists, ActionServer: actions}
}

// detachedContext returns a context with ctx's cancellation and deadline and none of its values, and the
// function that releases it once the request has been served.
func detachedContext(ctx context.Context) (context.Context, context.CancelFunc) {
	inner, cancel := context.WithCancel(context.Background())
	if deadline, ok := ctx.Deadline(); ok {
		inner, cancel = context.WithDeadline(context.Background(), deadline)
	}
	stop := context.AfterFunc(ctx, cancel)
	return inner, func() {
		stop()
		cancel()
	}
}

// detached serves one request with a detached context.
func detached[Req, Resp any](ctx context.Context, req Req, serve func(context.Context, Req) (Resp, error)) (Resp, error) {
	inner, release := detachedContext(ctx)
	defer release()
	return serve(inner, req)
}

func (s detachedServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return detached(ctx, req, s.ProviderServer.ValidateResourceConfig)
}

func (s detachedServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return detached(ctx, req, s.ProviderServer.UpgradeResourceState)
}

func (s detachedServer) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return detached(ctx, req, s.ProviderServer.UpgradeResourceIdentity)
}

func (s detachedServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return detached(ctx, req, s.ProviderServer.ReadResource)
}

func (s detachedServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return detached(ctx, req, s.ProviderServer.PlanResourceChange)
}

func (s detachedServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return detached(ctx, req, s.ProviderServer.ApplyResourceChange)
}

func (s detachedServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return detached(ctx, req, s.ProviderServer.ImportResourceState)
}

func (s detachedServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return detached(ctx, req, s.ProviderServer.ValidateDataResourceConfig)
}

func (s detachedServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return detached(ctx, req, s.ProviderServer.ReadDataSource)
}

func (s detachedServer) CallFunction(ctx context.Context, req *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	return detached(ctx, req, s.ProviderServer.CallFunction)
}
