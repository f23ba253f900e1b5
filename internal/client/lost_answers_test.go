package client_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/emulatortest"
)

// These tests lose answers on purpose with the emulator's fault knobs: the service did the work, the
// client never heard, and it must still end with the right result and no double work.

// loseAnswer makes the next request of method to a path containing path fail with kind (a dropped answer: the
// request was processed; a reset: it never was), and azcore's two retries of it be refused with 503, so that the
// client's own reconciliation is what has to settle it.
func loseAnswer(inst *emulatortest.Instance, method, path string, kind emulator.FaultKind) {
	inst.Emulator.InjectFault(emulator.Fault{Method: method, PathContains: path, Kind: kind})
	inst.Emulator.InjectFault(emulator.Fault{Method: method, PathContains: path, Status: 503, RetryAfter: time.Millisecond, Times: 2})
}

// lostAnswerClient starts an emulator and a client that retries twice (so refused retries run out quickly),
// with a workspace "ws" and a one-node cluster "c1".
func lostAnswerClient(t *testing.T) (*client.Client, *emulatortest.Instance, api.ClusterID) {
	t.Helper()
	inst := emulatortest.Start(t)
	c, err := client.New(client.Options{
		Endpoint: inst.Endpoint, Audience: inst.Audience, SubscriptionID: inst.SubscriptionID,
		Credential: inst.Credential(t), Transport: inst.HTTPClient(), PollFrequency: emulatortest.PollFrequency, MaxRetries: 2,
	})
	if err != nil {
		t.Fatal(err)
	}
	ws := createWorkspace(t, t.Context(), c, inst, "ws")
	id := api.ClusterID{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Workspace: ws.Name, Name: "c1"}
	p, err := c.BeginCreateCluster(t.Context(), id, manualCluster(1))
	if err == nil {
		_, err = p.Wait(t.Context())
	}
	if err != nil {
		t.Fatal(err)
	}
	return c, inst, id
}

func resizeTo(n int32) api.ClusterUpdateParameters {
	return api.ClusterUpdateParameters{Properties: &api.ClusterUpdateProperties{
		ScaleSettings: &api.ScaleSettings{Manual: &api.ManualScaleSettings{TargetNodeCount: api.Ptr(n)}}}}
}

func target(cl api.Cluster) int32 {
	if cl.Properties == nil || cl.Properties.ScaleSettings == nil || cl.Properties.ScaleSettings.Manual == nil {
		return -1
	}
	return api.Deref(cl.Properties.ScaleSettings.Manual.TargetNodeCount)
}

// TestUpdateClusterSurvivesATruncatedAnswer: the PATCH was processed and its 200 cut short; azcore does not
// retry that for a PATCH, so the client reads the cluster back, finds the new scale in effect and returns
// it, without sending the PATCH twice.
func TestUpdateClusterSurvivesATruncatedAnswer(t *testing.T) {
	c, inst, id := lostAnswerClient(t)
	inst.Emulator.InjectFault(emulator.Fault{Method: "PATCH", PathContains: "/clusters/c1", Kind: emulator.FaultTruncate})
	gets := inst.Emulator.RequestCount("GET", "/clusters/c1")
	cl, err := c.UpdateCluster(t.Context(), id, resizeTo(3))
	if err != nil || target(cl) != 3 || api.Deref(cl.Name) != "c1" {
		t.Fatalf("after a truncated PATCH answer: %d %v", target(cl), err)
	}
	if n := inst.Emulator.RequestCount("PATCH", "/clusters/c1"); n != 1 {
		t.Errorf("%d PATCHes, want 1: the resize was in effect", n)
	}
	if n := inst.Emulator.RequestCount("GET", "/clusters/c1") - gets; n != 1 {
		t.Errorf("%d reads to reconcile, want 1", n)
	}
	if got := inst.Emulator.FaultCounts()[emulator.FaultTruncate]; got != 1 {
		t.Errorf("the truncation was not injected: %v", inst.Emulator.FaultCounts())
	}
}

// TestUpdateClusterSurvivesADroppedAnswerAndRefusedRetries: the PATCH was processed, its answer dropped,
// and azcore's retries all refused (503); reading the cluster back shows the resize in effect.
func TestUpdateClusterSurvivesADroppedAnswerAndRefusedRetries(t *testing.T) {
	c, inst, id := lostAnswerClient(t)
	inst.Emulator.InjectFault(emulator.Fault{Method: "PATCH", PathContains: "/clusters/c1", Kind: emulator.FaultDrop})
	inst.Emulator.InjectFault(emulator.Fault{Method: "PATCH", PathContains: "/clusters/c1", Status: 503,
		RetryAfter: time.Millisecond, Times: 2})
	cl, err := c.UpdateCluster(t.Context(), id, resizeTo(2))
	if err != nil || target(cl) != 2 {
		t.Fatalf("after a dropped PATCH answer and two refused retries: %d %v", target(cl), err)
	}
	if n := inst.Emulator.RequestCount("PATCH", "/clusters/c1"); n != 3 {
		t.Errorf("%d PATCHes, want 3 (the processed one and azcore's two retries)", n)
	}
}

// TestUpdateClusterResendsAnUnprocessedPatch: the PATCH never reached the service (reset before
// processing) and the retries were refused; the cluster read back still has the old scale, so the PATCH is
// sent again and its answer stands.
func TestUpdateClusterResendsAnUnprocessedPatch(t *testing.T) {
	c, inst, id := lostAnswerClient(t)
	inst.Emulator.InjectFault(emulator.Fault{Method: "PATCH", PathContains: "/clusters/c1", Kind: emulator.FaultReset})
	inst.Emulator.InjectFault(emulator.Fault{Method: "PATCH", PathContains: "/clusters/c1", Status: 502,
		RetryAfter: time.Millisecond, Times: 2})
	cl, err := c.UpdateCluster(t.Context(), id, resizeTo(0))
	if err != nil || target(cl) != 0 {
		t.Fatalf("after an unprocessed PATCH: %d %v", target(cl), err)
	}
	if n := inst.Emulator.RequestCount("PATCH", "/clusters/c1"); n != 4 {
		t.Errorf("%d PATCHes, want 4 (3 lost, then 1 answered)", n)
	}
	cur, err := c.GetCluster(t.Context(), id)
	if err != nil || target(cur) != 0 {
		t.Errorf("the cluster: %d %v", target(cur), err)
	}
}

// TestUpdateClusterKeepsRealErrors: an answer that did arrive (a 409 over quota) is the result: nothing is
// read back or sent again.
func TestUpdateClusterKeepsRealErrors(t *testing.T) {
	c, inst, id := lostAnswerClient(t)
	gets := inst.Emulator.RequestCount("GET", "/clusters/c1")
	_, err := c.UpdateCluster(t.Context(), id, resizeTo(100))
	var e *client.Error
	if !errors.As(err, &e) || e.StatusCode != 409 || e.Code != "QuotaExceeded" {
		t.Fatalf("a resize over quota: %v", err)
	}
	if n, g := inst.Emulator.RequestCount("PATCH", "/clusters/c1"), inst.Emulator.RequestCount("GET", "/clusters/c1")-gets; n != 1 || g != 0 {
		t.Errorf("%d PATCHes and %d GETs after a 409, want 1 and 0", n, g)
	}
}

// TestUpdateClusterGivesUpAfterBoundedRounds: when every answer is lost and the cluster never shows the
// change, the client stops after a bounded number of rounds with the last error.
func TestUpdateClusterGivesUpAfterBoundedRounds(t *testing.T) {
	c, inst, id := lostAnswerClient(t)
	inst.Emulator.InjectFault(emulator.Fault{Method: "PATCH", PathContains: "/clusters/c1", Status: 503,
		RetryAfter: time.Millisecond, Times: -1})
	_, err := c.UpdateCluster(t.Context(), id, resizeTo(2))
	var e *client.Error
	if !errors.As(err, &e) || e.StatusCode != 503 {
		t.Fatalf("want the last 503, got %v", err)
	}
	// 4 rounds (the first and 3 reconciliations) of 3 tries each (1 + MaxRetries 2).
	if n := inst.Emulator.RequestCount("PATCH", "/clusters/c1"); n != 12 {
		t.Errorf("%d PATCHes, want 12", n)
	}
}

// TestUpdateWorkspaceSurvivesATruncatedAnswer: the same for the workspace PATCH (tags).
func TestUpdateWorkspaceSurvivesATruncatedAnswer(t *testing.T) {
	c, inst, id := lostAnswerClient(t)
	ws := api.WorkspaceID{SubscriptionID: id.SubscriptionID, ResourceGroup: id.ResourceGroup, Name: id.Workspace}
	inst.Emulator.InjectFault(emulator.Fault{Method: "PATCH", PathContains: "/workspaces/ws", Kind: emulator.FaultTruncate})
	got, err := c.UpdateWorkspace(t.Context(), ws, api.WorkspaceUpdateParameters{Tags: map[string]string{"team": "ml"}})
	if err != nil || got.Tags["team"] != "ml" {
		t.Fatalf("after a truncated PATCH answer: %+v %v", got.Tags, err)
	}
	if n := inst.Emulator.RequestCount("PATCH", "/workspaces/ws"); n != 1 {
		t.Errorf("%d PATCHes, want 1", n)
	}
	// A PATCH that never reached the service: the read-back still has the old tags, so it is sent again.
	loseAnswer(inst, "PATCH", "/workspaces/ws", emulator.FaultReset)
	got, err = c.UpdateWorkspace(t.Context(), ws, api.WorkspaceUpdateParameters{Tags: map[string]string{"team": "ai"}})
	if err != nil || got.Tags["team"] != "ai" || len(got.Tags) != 1 {
		t.Fatalf("changing the tags after an unprocessed PATCH: %+v %v", got.Tags, err)
	}
	if n := inst.Emulator.RequestCount("PATCH", "/workspaces/ws"); n != 5 {
		t.Errorf("%d PATCHes in all, want 5 (1, then 3 lost and 1 answered)", n)
	}
}

// TestRemoteLoginSurvivesLostAnswers: listRemoteLoginInformation is a POST that only reads; a truncated or
// dropped answer is simply asked for again.
func TestRemoteLoginSurvivesLostAnswers(t *testing.T) {
	c, inst, id := lostAnswerClient(t)
	for _, kind := range []emulator.FaultKind{emulator.FaultTruncate, emulator.FaultDrop} {
		before := inst.Emulator.RequestCount("POST", "/listRemoteLoginInformation")
		inst.Emulator.InjectFault(emulator.Fault{Method: "POST", Kind: kind})
		nodes, err := c.ListRemoteLoginInformation(t.Context(), id)
		if err != nil || len(nodes) != 1 {
			t.Fatalf("%s: %d nodes, %v", kind, len(nodes), err)
		}
		if n := inst.Emulator.RequestCount("POST", "/listRemoteLoginInformation") - before; n != 2 {
			t.Errorf("%s: %d POSTs, want 2", kind, n)
		}
	}
}

// countingTransport counts the requests handed to the transport.
type countingTransport struct {
	mu   sync.Mutex
	n    int
	next policy.Transporter
}

func (c *countingTransport) Do(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	return c.next.Do(r)
}

// TestUntrustedCertificateIsNotRetried: retrying cannot fix a certificate the client does not trust, so
// the first failure is the answer.
func TestUntrustedCertificateIsNotRetried(t *testing.T) {
	inst := emulatortest.Start(t)
	tr := &countingTransport{next: &http.Client{Transport: &http.Transport{}}} // system roots only
	c, err := client.New(client.Options{Endpoint: inst.Endpoint, Audience: inst.Audience, SubscriptionID: inst.SubscriptionID,
		Credential: inst.Credential(t), Transport: tr})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	_, err = c.GetWorkspace(ctx, api.WorkspaceID{SubscriptionID: inst.SubscriptionID, ResourceGroup: inst.ResourceGroup, Name: "ws"})
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("want a certificate error, got %v", err)
	}
	if tr.n != 1 {
		t.Errorf("%d tries, want 1", tr.n)
	}
}

// TestThrottledCreatesAreRetriedOnlyAsAsked: under ARM-style throttling, concurrent creates are each
// retried once per 429 after its Retry-After, and no more: every PUT that got through is a create.
func TestThrottledCreatesAreRetriedOnlyAsAsked(t *testing.T) {
	limits := emulator.ThrottleLimits{
		Reads:   emulator.TokenBucket{Size: 1000, RefillPerSecond: 1000},
		Writes:  emulator.TokenBucket{Size: 6, RefillPerSecond: 6},
		Deletes: emulator.TokenBucket{Size: 10, RefillPerSecond: 10},
	}
	c, inst := newEmulatorClient(t, func(cfg *emulator.Config) { cfg.Throttle = &limits })
	ctx := t.Context()
	ws := createWorkspace(t, ctx, c, inst, "ws")
	const n = 12
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			id := api.ClusterID{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Workspace: ws.Name,
				Name: "c" + string(rune('a'+i))}
			p, err := c.BeginCreateCluster(ctx, id, manualCluster(0))
			if err == nil {
				_, err = p.Wait(ctx)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	puts, throttled := inst.Emulator.RequestCount("PUT", "/clusters/"), inst.Emulator.ThrottledCount("PUT", "/clusters/")
	t.Logf("%d creates: %d PUTs, %d of them throttled", n, puts, throttled)
	if throttled == 0 {
		t.Error("no PUT was throttled: the test did not exercise throttling")
	}
	if puts-throttled != n {
		t.Errorf("%d PUTs got through for %d creates: a retry beyond what throttling asked for", puts-throttled, n)
	}
}
