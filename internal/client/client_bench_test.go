package client_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/emulatortest"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/sim"
)

// Benchmarks of the client against the in-process emulator over real HTTPS, with azidentity tokens: the
// path the provider takes. Client and server share the process, so allocs/op count both sides.
// Results and targets: bench/README.md (figures 10, 11 and 13 of the research notes).

// benchClient starts an emulator with room for many clusters in eastus and a workspace "ws" in it.
// It serves the benchmarks and the request-count tests.
func benchClient(tb testing.TB, opts ...func(*emulator.Config)) (*client.Client, *emulatortest.Instance, api.WorkspaceID) {
	tb.Helper()
	return benchClientPolling(tb, emulatortest.PollFrequency, opts...)
}

// benchClientPolling is benchClient with a client that polls at the given frequency (the emulator sends
// no Retry-After, so that frequency paces every wait).
func benchClientPolling(tb testing.TB, poll time.Duration, opts ...func(*emulator.Config)) (*client.Client, *emulatortest.Instance, api.WorkspaceID) {
	tb.Helper()
	inst := emulatortest.Start(tb, opts...)
	c, err := client.New(client.Options{
		Endpoint: inst.Endpoint, Audience: inst.Audience, SubscriptionID: inst.SubscriptionID,
		Credential: inst.Credential(tb), Transport: inst.HTTPClient(), PollFrequency: poll,
	})
	if err != nil {
		tb.Fatal(err)
	}
	if err := inst.Emulator.SetQuota("eastus", sim.Quota{Clusters: 100_000, DedicatedVCPUs: 100_000, LowPriorityVCPUs: 100_000}); err != nil {
		tb.Fatal(err)
	}
	ctx := tb.Context()
	ws := api.WorkspaceID{SubscriptionID: inst.SubscriptionID, ResourceGroup: inst.ResourceGroup, Name: "ws"}
	p, err := c.BeginCreateWorkspace(ctx, ws, api.WorkspaceCreateParameters{Location: api.Ptr("East US")})
	if err == nil {
		_, err = p.Wait(ctx)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return c, inst, ws
}

func benchClusterParams() api.ClusterCreateParameters {
	return api.ClusterCreateParameters{Properties: &api.ClusterBaseProperties{
		VMSize:              api.Ptr("STANDARD_NC6"),
		ScaleSettings:       &api.ScaleSettings{Manual: &api.ManualScaleSettings{TargetNodeCount: api.Ptr(int32(0))}},
		UserAccountSettings: &api.UserAccountSettings{AdminUserName: api.Ptr("admin"), AdminUserPassword: api.Ptr("S3cret-pw!")},
	}}
}

// createClusters creates n zero-node clusters c-0000 … in ws.
func createClusters(tb testing.TB, ctx context.Context, c *client.Client, ws api.WorkspaceID, n int) []api.ClusterID {
	tb.Helper()
	ids := make([]api.ClusterID, n)
	for i := range ids {
		ids[i] = api.ClusterID{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Workspace: ws.Name, Name: fmt.Sprintf("c-%04d", i)}
		p, err := c.BeginCreateCluster(ctx, ids[i], benchClusterParams())
		if err == nil {
			_, err = p.Wait(ctx)
		}
		if err != nil {
			tb.Fatalf("create %s: %v", ids[i].Name, err)
		}
	}
	return ids
}

// counter takes differences of the emulator's request counts around the measured loop.
type counter struct {
	emu    *emulator.Emulator
	before map[string]int
}

// Request classes: the paths the Batch AI LRO uses (the 202 names both polling URLs).
var requestClasses = map[string][2]string{
	"put":      {"PUT", "/clusters/"},
	"get":      {"GET", "/clusters/"},
	"list":     {"GET", "/clusters"},
	"polls":    {"GET", "/operationresults/"},
	"polls2":   {"GET", "/operationstatuses/"},
	"requests": {"", "/"},
}

func newCounter(emu *emulator.Emulator) *counter {
	c := &counter{emu: emu, before: map[string]int{}}
	for k, v := range requestClasses {
		c.before[k] = emu.RequestCount(v[0], v[1])
	}
	return c
}

func (c *counter) delta(class string) int {
	v := requestClasses[class]
	return c.emu.RequestCount(v[0], v[1]) - c.before[class]
}

// BenchmarkGetCluster is one GET round trip (HTTPS, bearer token cached, keep-alive), the unit of a
// refresh.
func BenchmarkGetCluster(b *testing.B) {
	c, inst, ws := benchClient(b)
	ctx := b.Context()
	id := createClusters(b, ctx, c, ws, 1)[0]
	cnt := newCounter(inst.Emulator)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if _, err := c.GetCluster(ctx, id); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(cnt.delta("requests"))/float64(n), "requests/op")
}

// BenchmarkCreateClusterLRO is a full create: PUT (202) + polls of Azure-AsyncOperation + final GET, with
// the test emulator's OperationDelay (50 ms), no Retry-After (as recorded) and the client polling every
// emulatortest.PollFrequency (10 ms). Target (figure 10): 1 PUT + ≤ ⌈t/poll⌉+1 polls + 1 GET. overshoot-ms
// is how long after the operation
// ended the client had the result (figure 11, target p95 ≤ 5 s); it includes the final GET, so it is an
// upper bound.
func BenchmarkCreateClusterLRO(b *testing.B) {
	c, inst, ws := benchClient(b)
	ctx := b.Context()
	cnt := newCounter(inst.Emulator)
	b.ReportAllocs()
	n := 0
	var overshoots []time.Duration
	for b.Loop() {
		id := api.ClusterID{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Workspace: ws.Name, Name: fmt.Sprintf("lro-%06d", n)}
		start := time.Now()
		p, err := c.BeginCreateCluster(ctx, id, benchClusterParams())
		if err == nil {
			_, err = p.Wait(ctx)
		}
		if err != nil {
			b.Fatal(err)
		}
		overshoots = append(overshoots, time.Since(start)-emulatortest.OperationDelay)
		n++
	}
	per := func(class string) float64 { return float64(cnt.delta(class)) / float64(n) }
	budget := math.Ceil(float64(emulatortest.OperationDelay)/float64(emulatortest.PollFrequency)) + 1
	b.ReportMetric(per("put"), "PUTs/op")
	b.ReportMetric(per("polls")+per("polls2"), "polls/op")
	b.ReportMetric(per("get"), "GETs/op")
	b.ReportMetric(per("requests"), "requests/op")
	b.ReportMetric(budget, "poll-budget")
	slices.Sort(overshoots)
	p95 := overshoots[min(len(overshoots)-1, len(overshoots)*95/100)]
	b.ReportMetric(float64(p95.Microseconds())/1000, "p95-overshoot-ms")
}

// BenchmarkListClusters lists 100 clusters with a page size of 10: 10 GETs following nextLink.
func BenchmarkListClusters(b *testing.B) {
	c, inst, ws := benchClient(b, func(cfg *emulator.Config) { cfg.PageSize = 10; cfg.OperationDelay = -1 })
	ctx := b.Context()
	createClusters(b, ctx, c, ws, 100)
	cnt := newCounter(inst.Emulator)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		list, err := c.ListClusters(ctx, ws)
		if err != nil {
			b.Fatal(err)
		}
		if len(list) != 100 {
			b.Fatalf("listed %d clusters, want 100", len(list))
		}
		n++
	}
	b.ReportMetric(float64(cnt.delta("list"))/float64(n), "pages/op")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(n)/100, "µs/cluster")
}
