package client_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// TestNotProcessed: a failed call is marked as having changed nothing only when no try of it can have: every
// try was refused (4xx but 408) or never sent. Anything that may have reached the service's backend (a dropped
// answer, a reset after sending, a 5xx) leaves the mark off, whatever the last try answered.
func TestNotProcessed(t *testing.T) {
	c, inst, _ := lostAnswerClient(t)
	ws := api.WorkspaceID{SubscriptionID: inst.SubscriptionID, ResourceGroup: inst.ResourceGroup, Name: "ws"}
	cluster := func(name string) api.ClusterID {
		return api.ClusterID{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Workspace: ws.Name, Name: name}
	}
	put := func(name string, p api.ClusterCreateParameters) error {
		_, err := c.BeginCreateCluster(t.Context(), cluster(name), p)
		return err
	}
	bad := manualCluster(1)
	bad.Properties.VMSize = api.Ptr("Standard_Nope")
	resized := manualCluster(1)
	resized.Properties.VMSize = api.Ptr("STANDARD_D1_V2")
	tests := []struct {
		name    string
		faults  []emulator.Fault
		call    func() error
		refused bool
	}{
		{name: "a 400 on the only try", call: func() error { return put("bad", bad) }, refused: true},
		{name: "a 409 (a property that cannot change)", call: func() error { return put("c1", resized) }, refused: true},
		{name: "a 429, then the 400", faults: []emulator.Fault{{Method: "PUT", PathContains: "/clusters/bad", Status: 429, RetryAfter: time.Millisecond}},
			call: func() error { return put("bad", bad) }, refused: true},
		{name: "a dropped answer, then a 409", faults: []emulator.Fault{
			{Method: "PUT", PathContains: "/clusters/dropped", Kind: emulator.FaultDrop},
			{Method: "PUT", PathContains: "/clusters/dropped", Status: 409}},
			call: func() error { return put("dropped", manualCluster(0)) }},
		{name: "a reset, then a 400 (the client cannot tell a reset before processing from one after)",
			faults: []emulator.Fault{{Method: "PUT", PathContains: "/clusters/bad", Kind: emulator.FaultReset}},
			call:   func() error { return put("bad", bad) }},
		{name: "503 on every try", faults: []emulator.Fault{{Method: "PUT", PathContains: "/clusters/busy", Status: 503, RetryAfter: time.Millisecond, Times: 3}},
			call: func() error { return put("busy", manualCluster(0)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, f := range tt.faults {
				inst.Emulator.InjectFault(f)
			}
			err := tt.call()
			if err == nil {
				t.Fatal("the call succeeded")
			}
			if got := client.NotProcessed(err); got != tt.refused {
				t.Errorf("NotProcessed(%v) = %v, want %v", err, got, tt.refused)
			}
			// The mark changes nothing else about the error.
			var e *client.Error
			if tt.refused && !errors.As(err, &e) {
				t.Errorf("the marked error is no longer a *client.Error: %T", err)
			}
		})
	}

	// A connection that cannot be made never sent anything.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "https://" + ln.Addr().String()
	_ = ln.Close()
	dead, err := client.New(client.Options{Endpoint: closed, Audience: inst.Audience, SubscriptionID: inst.SubscriptionID,
		Credential: inst.Credential(t), Transport: inst.HTTPClient(), MaxRetries: 1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	if _, err := dead.BeginCreateCluster(ctx, cluster("nowhere"), manualCluster(0)); err == nil || !client.NotProcessed(err) {
		t.Errorf("a PUT to a closed port: NotProcessed(%v) = false, want true", err)
	}
}

// TestOperationPending: a wait that ends before its operation did (interrupted here) is marked pending; a wait
// that saw the operation fail is not.
func TestOperationPending(t *testing.T) {
	c, inst, id := lostAnswerClient(t)
	inst.Emulator.SetProvisioningDelay(time.Hour)
	// A resize is synchronous; a delete is a long-running operation whose nodes take an hour to leave.
	p, err := c.BeginDeleteCluster(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := p.Wait(ctx); err == nil || !client.OperationPending(err) || !errors.Is(err, context.Canceled) {
		t.Errorf("an interrupted wait: OperationPending(%v) = false, want true (and still a context error)", err)
	}

	ws := api.WorkspaceID{SubscriptionID: id.SubscriptionID, ResourceGroup: id.ResourceGroup, Name: id.Workspace}
	failing := api.ClusterID{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Workspace: ws.Name, Name: "failing"}
	inst.Emulator.FailNextOperation(emulator.OperationFailure{PathContains: "/clusters/failing", Code: "InternalServerError"})
	fp, err := c.BeginCreateCluster(t.Context(), failing, manualCluster(0))
	if err != nil {
		t.Fatal(err)
	}
	_, err = fp.Wait(t.Context())
	var e *client.Error
	if !errors.As(err, &e) || e.Code != "InternalServerError" || client.OperationPending(err) {
		t.Errorf("a failed operation: %v (pending %v), want its error, not pending", err, client.OperationPending(err))
	}
}
