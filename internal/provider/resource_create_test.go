package provider

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/emulatortest"
)

// Unit tests of the one recovery of every create (resource_create.go), with scripted reads: what a read
// answers decides what is recorded, and the time the recovery may take.

// scriptedRead answers reads from a script, one entry per read, repeating the last; an entry is a provisioning
// state ("" for 404, "!" for a 503).
type scriptedRead struct {
	script []string
	reads  int
	state  string
}

func (s *scriptedRead) read(ctx context.Context) (diag.Diagnostics, error) { //nolint:unparam // The signature of createRecovery.read.
	step := s.script[min(s.reads, len(s.script)-1)]
	s.reads++
	switch step {
	case "":
		return nil, &client.Error{StatusCode: http.StatusNotFound, Code: "WorkspaceNotFound", Message: "not found"}
	case "!":
		return nil, &client.Error{StatusCode: http.StatusServiceUnavailable, Code: "ServiceUnavailable", Message: "busy"}
	}
	s.state = step
	return nil, ctx.Err()
}

// recoveryFixture is a workspace's recovery whose reads follow script.
func recoveryFixture(t *testing.T, script ...string) (*workspaceResourceModel, createRecovery, *scriptedRead) {
	t.Helper()
	r := &workspaceResource{}
	id := api.WorkspaceID{SubscriptionID: "00000000-0000-0000-0000-000000000000", ResourceGroup: "rg", Name: "ws"}
	plan := testWorkspacePlan(t, r, id)
	rec := r.createRecovery(nil, id, &plan)
	s := &scriptedRead{script: script}
	rec.read = func(ctx context.Context) (diag.Diagnostics, error) {
		diags, err := s.read(ctx)
		if err == nil {
			plan.ID = types.StringValue(id.String())
			plan.ProvisioningState = types.StringValue(s.state)
			plan.CreationTime = types.StringValue("2018-06-07T21:16:00Z")
		}
		return diags, err
	}
	rec.provisioningState = func() *string { return api.Ptr(s.state) }
	return &plan, rec, s
}

// fastTiming makes the recovery's waits milliseconds long.
var fastTiming = timing{notFoundGrace: 30 * time.Millisecond, overrunGrace: 300 * time.Millisecond, pollInterval: time.Millisecond}.withDefaults()

var (
	errLostAnswer = errors.New("read tcp: connection reset by peer")
	errOperation  = &client.Error{StatusCode: http.StatusOK, Code: "InternalServerError", Message: "the operation failed"}
)

// pendingErr is what a wait interrupted during its operation returns, from a real wait: a workspace delete
// whose operation lasts an hour, waited for with an ended context.
func pendingErr(t *testing.T) error {
	t.Helper()
	inst := emulatortest.Start(t, func(c *emulator.Config) { c.OperationDelay = time.Hour })
	c := testAccClient(t, inst.Info)
	id := api.WorkspaceID{SubscriptionID: inst.SubscriptionID, ResourceGroup: inst.ResourceGroup, Name: "ws"}
	ctx := testAccContext(t)
	if p, err := c.BeginCreateWorkspace(ctx, id, api.WorkspaceCreateParameters{Location: api.Ptr("eastus")}); err != nil {
		t.Fatal(err)
	} else if _, err := p.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	p, err := c.BeginDeleteWorkspace(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	ended, cancel := context.WithCancel(ctx)
	cancel()
	_, err = p.Wait(ended)
	if !client.OperationPending(err) {
		t.Fatalf("an interrupted wait: %v, not marked pending", err)
	}
	return err
}

func TestSettleCreate(t *testing.T) {
	t.Parallel()
	type want struct {
		outcome  createOutcome
		state    string // provisioning_state recorded; "-" for nothing recorded, "null" for the ID only
		minReads int
		maxReads int
	}
	tests := []struct {
		name     string
		script   []string
		waitErr  func(t *testing.T) error
		canceled bool
		want     want
	}{
		{name: "the operation succeeded and the resource reads at once",
			script: []string{"succeeded"}, want: want{createUsable, "-", 1, 1}},
		{name: "read-after-create lag: 404s, then found",
			script: []string{"", "", "", "succeeded"}, want: want{createUsable, "-", 4, 4}},
		{name: "a lost PUT answer, and the create went through",
			script: []string{"succeeded"}, waitErr: func(*testing.T) error { return errLostAnswer }, want: want{createUsable, "-", 1, 1}},
		{name: "failing reads decide nothing, the next one finds it",
			script: []string{"!", "!", "succeeded"}, waitErr: func(*testing.T) error { return errLostAnswer }, want: want{createUsable, "-", 3, 3}},
		{name: "still creating while the apply lasts: read until it ends",
			script: []string{"creating", "creating", "succeeded"}, waitErr: func(*testing.T) error { return errLostAnswer }, want: want{createUsable, "-", 3, 3}},
		{name: "the operation failed and the resource is there: tainted",
			script: []string{"failed"}, waitErr: func(*testing.T) error { return errOperation }, want: want{createTainted, "failed", 1, 1}},
		{name: "the operation failed and left nothing: proven absent after the grace",
			script: []string{""}, waitErr: func(*testing.T) error { return errOperation }, want: want{outcome: createAbsent, state: "-", minReads: absentReads}},
		{name: "a lost PUT answer and 404s over the grace: proven absent",
			script: []string{""}, waitErr: func(*testing.T) error { return errLostAnswer }, want: want{outcome: createAbsent, state: "-", minReads: absentReads}},
		{name: "404 while the accepted operation still runs proves nothing: the ID only",
			script: []string{""}, waitErr: pendingErr, want: want{createTainted, "null", 1, 1}},
		{name: "interrupted, still creating: tainted as it is",
			script: []string{"creating"}, waitErr: func(*testing.T) error { return context.Canceled }, canceled: true, want: want{createTainted, "creating", 1, 1}},
		{name: "interrupted, and it reads 404: no time to prove anything, the ID only",
			script: []string{""}, waitErr: func(*testing.T) error { return context.Canceled }, canceled: true, want: want{createTainted, "null", 1, 1}},
		{name: "interrupted, and reads keep failing: the ID only once the overrun grace is over",
			script: []string{"!"}, waitErr: func(*testing.T) error { return context.Canceled }, canceled: true, want: want{outcome: createTainted, state: "null", minReads: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, rec, s := recoveryFixture(t, tt.script...)
			resp := newCreateResponse(t, &workspaceResource{})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.canceled {
				cancel()
			}
			var waitErr error
			if tt.waitErr != nil {
				waitErr = tt.waitErr(t)
			}
			start := time.Now()
			got := settleCreate(ctx, resp, fastTiming, rec, waitErr)
			elapsed := time.Since(start)
			if got != tt.want.outcome {
				t.Errorf("outcome %d, want %d; diagnostics %v", got, tt.want.outcome, resp.Diagnostics)
			}
			if s.reads < tt.want.minReads || (tt.want.maxReads > 0 && s.reads > tt.want.maxReads) {
				t.Errorf("%d reads, want %d to %d", s.reads, tt.want.minReads, tt.want.maxReads)
			}
			if tt.want.outcome == createAbsent && elapsed < fastTiming.notFoundGrace {
				t.Errorf("proven absent after %s, before the grace of %s", elapsed, fastTiming.notFoundGrace)
			}
			switch tt.want.state {
			case "-":
				if !resp.State.Raw.IsNull() {
					t.Errorf("state = %v, want nothing recorded", resp.State.Raw)
				}
			default:
				m := stateModel(t, resp)
				if ps := m.ProvisioningState; (tt.want.state == "null") != ps.IsNull() || (!ps.IsNull() && ps.ValueString() != tt.want.state) {
					t.Errorf("provisioning_state in state = %v, want %s", ps, tt.want.state)
				}
				wantTaintedError(t, resp)
			}
			if tt.want.outcome == createAbsent && (!resp.Diagnostics.HasError() || strings.Contains(resp.Diagnostics[0].Detail(), "tainted")) {
				t.Errorf("diagnostics = %v, want a plain error", resp.Diagnostics)
			}
			if tt.want.outcome == createUsable && resp.Diagnostics.HasError() {
				t.Errorf("diagnostics = %v, want none", resp.Diagnostics)
			}
		})
	}
}

// TestRecoveryIsDetachedAndBounded: the reads that record a create run although the apply was interrupted (they
// must not inherit the cancellation), and end timing.overrunGrace after it (they must not hang an interrupted
// apply, nor add a whole timeout to it). A read that never answers is cut off at the injected grace, and the
// ID is recorded, tainted, rather than lost.
func TestRecoveryIsDetachedAndBounded(t *testing.T) {
	t.Parallel()
	r := &workspaceResource{}
	id := api.WorkspaceID{SubscriptionID: "00000000-0000-0000-0000-000000000000", ResourceGroup: "rg", Name: "ws"}
	plan := testWorkspacePlan(t, r, id)
	resp := newCreateResponse(t, r)
	interrupted, cancel := context.WithCancel(context.Background())
	cancel()

	rec := r.createRecovery(nil, id, &plan)
	var errAtStart error
	started := make(chan struct{})
	rec.read = func(ctx context.Context) (diag.Diagnostics, error) {
		errAtStart = ctx.Err()
		close(started)
		<-ctx.Done() // a read that never answers: only the overrun grace ends it
		return nil, ctx.Err()
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		recoverFailedCreate(interrupted, resp, timing{overrunGrace: 50 * time.Millisecond}.withDefaults(), rec, errors.New("interrupted"))
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("the recovery did not end a minute after the injected grace of 50ms")
	}
	<-started
	if errAtStart != nil {
		t.Errorf("the recovery read inherited the apply's end: %v", errAtStart)
	}
	got := stateModel(t, resp)
	if got.ID.ValueString() != id.String() || !got.ProvisioningState.IsNull() {
		t.Errorf("state = %+v, want the ID only", got)
	}
	wantTaintedError(t, resp)
}

// TestRecoveryContext: the recovery's context lives while the apply's does, outlives its end by the grace, and
// keeps its values.
func TestRecoveryContext(t *testing.T) {
	t.Parallel()
	type key struct{}
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), key{}, "kept"))
	rctx, release := recoveryContext(parent, 20*time.Millisecond)
	defer release()
	if rctx.Value(key{}) != "kept" {
		t.Error("the recovery's context lost the apply's values (log fields, masks)")
	}
	select {
	case <-rctx.Done():
		t.Fatal("the recovery's context ended while the apply's lives")
	default:
	}
	cancel()
	ended := time.Now()
	select {
	case <-rctx.Done():
	case <-time.After(time.Minute):
		t.Fatal("the recovery's context did not end after the grace")
	}
	if d := time.Since(ended); d < 20*time.Millisecond {
		t.Errorf("the recovery's context ended %s after the apply's, before the grace of 20ms", d)
	}
	if !errors.Is(context.Cause(rctx), errOverrunGraceOver) {
		t.Errorf("cause %v, want errOverrunGraceOver", context.Cause(rctx))
	}
}
