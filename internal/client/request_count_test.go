package client_test

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// Figure 10 of the research notes ("exact request counts"), as correctness tests: the emulator counts
// every request it receives, so an extra GET, a stray retry or a wasted poll fails here. The timings
// are in the benchmarks (client_bench_test.go, bench/README.md).

// TestRefreshSendsExactlyNGETs reads N clusters for N = 1, 10, 100: exactly N requests reach the
// emulator, all of them GETs of the clusters (the token is cached, nothing is retried).
func TestRefreshSendsExactlyNGETs(t *testing.T) {
	c, inst, ws := benchClient(t, func(cfg *emulator.Config) { cfg.OperationDelay = -1 })
	ctx := t.Context()
	ids := createClusters(t, ctx, c, ws, 100)
	for _, n := range []int{1, 10, 100} {
		t.Run(fmt.Sprint("N=", n), func(t *testing.T) {
			cnt := newCounter(inst.Emulator)
			for _, id := range ids[:n] {
				if _, err := c.GetCluster(ctx, id); err != nil {
					t.Fatal(err)
				}
			}
			if got := cnt.delta("get"); got != n {
				t.Errorf("refreshing %d clusters sent %d GETs, want exactly %d", n, got, n)
			}
			if got := cnt.delta("requests"); got != n {
				t.Errorf("refreshing %d clusters sent %d requests in all, want exactly %d", n, got, n)
			}
		})
	}
}

// TestCreateClusterRequestCount checks a create against the budget 1 PUT + ≤ ⌈t/poll⌉+1 polls + 1 GET,
// where t is the operation's duration and poll the client's own poll frequency (the emulator sends no
// Retry-After, as the real service did not), and that nothing else is sent.
func TestCreateClusterRequestCount(t *testing.T) {
	const opDelay, poll = 300 * time.Millisecond, 100 * time.Millisecond
	c, inst, ws := benchClientPolling(t, poll, func(cfg *emulator.Config) { cfg.OperationDelay = opDelay })
	ctx := t.Context()
	cnt := newCounter(inst.Emulator)
	id := api.ClusterID{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Workspace: ws.Name, Name: "counted"}
	start := time.Now()
	p, err := c.BeginCreateCluster(ctx, id, benchClusterParams())
	if err == nil {
		_, err = p.Wait(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	puts, gets, polls := cnt.delta("put"), cnt.delta("get"), cnt.delta("polls")+cnt.delta("polls2")
	budget := int(math.Ceil(float64(opDelay)/float64(poll))) + 1
	t.Logf("create: %d PUT + %d polls + %d GET in %v (poll budget %d)", puts, polls, gets, elapsed.Round(time.Millisecond), budget)
	if puts != 1 || gets != 1 {
		t.Errorf("create sent %d PUTs and %d final GETs, want 1 and 1", puts, gets)
	}
	if polls < 1 || polls > budget {
		t.Errorf("create polled %d times, want 1 to %d", polls, budget)
	}
	if all := cnt.delta("requests"); all != puts+polls+gets {
		t.Errorf("create sent %d requests, but only %d PUT/poll/GET: something else was sent", all, puts+polls+gets)
	}
}
