package provider

import (
	"context"
	"runtime"
	"testing"
	"time"
	"weak"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

type requestValueKey struct{}

// requestValue stands for what terraform-plugin-go puts in a request's context (loggers and their fields).
type requestValue struct{ _ [4096]byte }

// upgradeRetains serves one UpgradeResourceState through server with a context holding a requestValue, and
// reports whether that value is still reachable once the request has been served and the garbage collector has
// run: whether the server kept the request's context.
func upgradeRetains(t *testing.T, server tfprotov6.ProviderServer) bool {
	t.Helper()
	value := &requestValue{}
	kept := weak.Make(value)
	ctx := context.WithValue(context.Background(), requestValueKey{}, value)
	resp, err := server.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{
		TypeName: "batchai_workspace", Version: 0,
		RawState: &tfprotov6.RawState{JSON: []byte(`{"name":"ws","resource_group_name":"rg","location":"eastus"}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			t.Fatalf("UpgradeResourceState: %s: %s", d.Summary, d.Detail)
		}
	}
	runtime.KeepAlive(ctx)
	value, ctx = nil, nil //nolint:ineffassign,wastedassign // Dropping the test's own references before the GC.
	_ = ctx
	runtime.GC()
	runtime.GC()
	retained := kept.Value() != nil
	runtime.KeepAlive(server) // The server lives on, as it does for the whole of a provider process.
	return retained
}

// The framework keeps every request's context until StopProvider (see detachedServer); through the detached
// server it keeps none of Terraform's. The first case is the control: it shows the check sees a kept context.
func TestDetachedServerKeepsNoRequestContext(t *testing.T) {
	framework := providerserver.NewProtocol6(New("test")())
	if !upgradeRetains(t, framework()) {
		t.Fatal("control: the framework's own server no longer keeps the request's context; " +
			"detachedServer may no longer be needed (see its comment)")
	}
	if upgradeRetains(t, detachRequests(framework())) {
		t.Fatal("the detached server let the framework keep Terraform's request context")
	}
}

// terraform-plugin-go finds list resources and actions by type assertion: the detached server must keep both.
func TestDetachRequestsKeepsEveryCapability(t *testing.T) {
	server := detachRequests(providerserver.NewProtocol6(New("test")())())
	if _, ok := server.(detachedServer); !ok {
		t.Fatalf("the framework's server was not wrapped: %T", server)
	}
	if _, ok := server.(tfprotov6.ListResourceServer); !ok {
		t.Error("the detached server hides the list resources")
	}
	if _, ok := server.(tfprotov6.ActionServer); !ok {
		t.Error("the detached server hides the actions")
	}
}

// A detached context has the cancellation and the deadline of Terraform's, none of its values, and ends when
// the request has been served.
func TestDetachedContext(t *testing.T) {
	deadline := time.Now().Add(time.Hour)
	outer, cancelOuter := context.WithDeadline(context.WithValue(context.Background(), requestValueKey{}, "v"), deadline)
	defer cancelOuter()
	inner, release := detachedContext(outer)
	if inner.Value(requestValueKey{}) != nil {
		t.Error("the detached context carries the request's values")
	}
	if d, ok := inner.Deadline(); !ok || !d.Equal(deadline) {
		t.Errorf("deadline = %v, %v; want %v", d, ok, deadline)
	}
	cancelOuter()
	select {
	case <-inner.Done():
	case <-time.After(time.Minute):
		t.Fatal("canceling Terraform's context did not cancel the detached one")
	}
	release()

	served, release := detachedContext(context.Background())
	release()
	if served.Err() == nil {
		t.Error("a detached context outlives its request")
	}
}
