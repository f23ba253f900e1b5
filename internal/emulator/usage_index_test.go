package emulator

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/sim"
)

// recountUsage is the reference the usage counters must equal: every cluster of the subscription in a
// location, settled to t.now in memory by the same rule every reader follows, recounted from scratch.
func recountUsage(t *txn, location string) (sim.Tally, error) {
	records, err := t.clustersUnder("/subscriptions/" + t.e.identity.SubscriptionID)
	if err != nil {
		return sim.Tally{}, err
	}
	var held []*sim.Cluster
	for _, c := range records {
		if c.Location != location {
			continue
		}
		gone, _, err := t.settleCluster(c)
		if err != nil {
			return sim.Tally{}, err
		}
		if !gone {
			held = append(held, &c.Sim)
		}
	}
	return sim.TallyOf(held), nil
}

// propClock is the property test's clock.
type propClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *propClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *propClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// usageWorld drives an in-process emulator through its HTTP handler.
type usageWorld struct {
	t     *testing.T
	dir   string
	clock *propClock
	e     *Emulator
	seen  map[string]int // "METHOD status" -> answers, to show what a run exercised
	// harsh turns on the node-level knobs: a regional capacity of 3 nodes and preemption every 50 s.
	harsh bool
	// token is reused until the clock has moved 30 minutes past minted (signing one costs milliseconds).
	token  string
	minted time.Time
}

func (w *usageWorld) open() {
	w.t.Helper()
	cfg := Config{DataDir: w.dir, BaseURL: "https://127.0.0.1:1", Now: w.clock.Now,
		ProvisioningDelay: 20 * time.Second, AllocationDelay: 5 * time.Second, OperationDelay: 10 * time.Second,
		JobDuration: 40 * time.Second, ScaleDownDelay: 30 * time.Second}
	if w.harsh {
		cfg.RegionalCapacity, cfg.PreemptionInterval = 3, 50*time.Second
	}
	e, err := New(cfg)
	if err != nil {
		w.t.Fatal(err)
	}
	w.e = e
}

func (w *usageWorld) do(method, path string, body any) (int, []byte) {
	w.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = strings.NewReader(string(raw))
	}
	req := httptest.NewRequest(method, "/subscriptions/"+w.e.identity.SubscriptionID+path, rd)
	q := req.URL.Query()
	q.Set("api-version", api.APIVersion)
	if strings.HasPrefix(path, "/resourcegroups/") && !strings.Contains(path, "/providers/") {
		q.Set("api-version", "2021-04-01")
	}
	req.URL.RawQuery = q.Encode()
	if now := w.clock.Now(); w.token == "" || now.Sub(w.minted) > 30*time.Minute {
		tok, _, err := w.e.Issuer().IssueToken("https://management.core.windows.net/")
		if err != nil {
			w.t.Fatal(err)
		}
		w.token, w.minted = tok, now
	}
	req.Header.Set("Authorization", "Bearer "+w.token)
	rec := httptest.NewRecorder()
	w.e.Handler().ServeHTTP(rec, req)
	if w.seen == nil {
		w.seen = map[string]int{}
	}
	kind := ""
	if strings.Contains(path, "/jobs/") {
		kind = " job"
	}
	w.seen[fmt.Sprint(method, kind, " ", rec.Code)]++
	if rec.Code >= 500 {
		w.t.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body)
	}
	return rec.Code, rec.Body.Bytes()
}

// check compares the counters with a recount, in one transaction at one instant, and the Usages_List
// answer with the same recount.
func (w *usageWorld) check(step int, op string) {
	w.t.Helper()
	for _, loc := range []string{"eastus", "westus"} {
		var want, got sim.Tally
		err := w.e.read(func(t *txn) (err error) {
			if want, err = recountUsage(t, loc); err != nil {
				return err
			}
			got, err = t.usage(loc)
			return err
		})
		if err != nil {
			w.t.Fatal(err)
		}
		if !got.Equal(want) {
			w.t.Fatalf("step %d (%s), %s: counters %+v, recount %+v", step, op, loc, got, want)
		}
		status, body := w.do("GET", "/providers/Microsoft.BatchAI/locations/"+loc+"/usages", nil)
		var page struct{ Value []api.Usage }
		if status != 200 || json.Unmarshal(body, &page) != nil {
			w.t.Fatalf("usages: %d %s", status, body)
		}
		q, _ := w.quota(loc)
		wantLines, _ := json.Marshal(sim.UsagesOf(q, want))
		gotLines, _ := json.Marshal(page.Value)
		if string(wantLines) != string(gotLines) {
			w.t.Fatalf("step %d (%s), %s: Usages_List\n%s\nwant\n%s", step, op, loc, gotLines, wantLines)
		}
	}
}

func (w *usageWorld) quota(loc string) (sim.Quota, error) { return w.e.Quota(loc) }

// TestUsageCountersEqualRecount is the property test of the usage counters: random creates (some over
// quota), resizes, deletes (some failing), workspace deletes, preemptions, reads, restarts and clock moves,
// and after every step the counters equal a full recount.
func TestUsageCountersEqualRecount(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 4} {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) { runUsageProperty(t, seed, 250, seed%2 == 0) })
	}
}

func runUsageProperty(t *testing.T, seed uint64, steps int, harsh bool) {
	rng := rand.New(rand.NewPCG(seed, seed))
	w := &usageWorld{t: t, dir: t.TempDir(), clock: &propClock{now: time.Date(2018, 6, 7, 21, 16, 0, 0, time.UTC)}, harsh: harsh}
	w.open()
	defer func() { _ = w.e.Close() }()
	for _, loc := range []string{"eastus", "westus"} {
		q := sim.DefaultQuota()
		q.Clusters, q.DedicatedVCPUs, q.LowPriorityVCPUs = 6, 60, 36
		if err := w.e.SetQuota(loc, q); err != nil {
			t.Fatal(err)
		}
	}
	w.do("PUT", "/resourcegroups/rg", map[string]any{"location": "eastus"})
	workspaces := map[string]string{"wse": "eastus", "wsw": "westus"}
	putWorkspaces := func() {
		for ws, loc := range workspaces {
			w.do("PUT", "/resourcegroups/rg/providers/Microsoft.BatchAI/workspaces/"+ws, map[string]any{"location": loc})
		}
	}
	putWorkspaces()
	experiments := func() {
		for ws := range workspaces {
			w.do("PUT", "/resourcegroups/rg/providers/Microsoft.BatchAI/workspaces/"+ws+"/experiments/exp", nil)
		}
	}
	experiments()
	sizes := []string{"STANDARD_NC6", "Standard_D2_v2", "Standard_A4", "Standard_NC6s_v3"}
	cluster := func() string {
		ws := "wse"
		if rng.IntN(2) == 0 {
			ws = "wsw"
		}
		return fmt.Sprintf("/resourcegroups/rg/providers/Microsoft.BatchAI/workspaces/%s/clusters/c%d", ws, rng.IntN(8))
	}
	scale := func() map[string]any {
		if rng.IntN(3) == 0 {
			lo := rng.IntN(3)
			return map[string]any{"autoScale": map[string]any{"minimumNodeCount": lo, "maximumNodeCount": lo + rng.IntN(4),
				"initialNodeCount": lo + rng.IntN(2)}}
		}
		return map[string]any{"manual": map[string]any{"targetNodeCount": rng.IntN(6)}}
	}
	for step := range steps {
		var op string
		switch k := rng.IntN(100); {
		case k < 25:
			op = "create"
			prio := "dedicated"
			if rng.IntN(2) == 0 {
				prio = "lowpriority"
			}
			w.do("PUT", cluster(), map[string]any{"properties": map[string]any{
				"vmSize": sizes[rng.IntN(len(sizes))], "vmPriority": prio, "scaleSettings": scale(),
				"userAccountSettings": map[string]any{"adminUserName": "u", "adminUserPassword": "p4ssw0rd!"},
			}})
		case k < 37:
			op = "resize"
			w.do("PATCH", cluster(), map[string]any{"properties": map[string]any{"scaleSettings": scale()}})
		case k < 47:
			op = "job"
			path := cluster()
			ws := path[strings.Index(path, "/workspaces/")+len("/workspaces/"):]
			ws = ws[:strings.Index(ws, "/")]
			command := []string{"true", "sleep 30", "exit 3"}[rng.IntN(3)]
			w.do("PUT", fmt.Sprintf("/resourcegroups/rg/providers/Microsoft.BatchAI/workspaces/%s/experiments/exp/jobs/j%d", ws, rng.IntN(60)),
				map[string]any{"properties": map[string]any{
					"cluster":               map[string]any{"id": "/subscriptions/" + w.e.identity.SubscriptionID + path},
					"nodeCount":             1 + rng.IntN(2),
					"stdOutErrPathPrefix":   "$AZ_BATCHAI_MOUNT_ROOT/azfiles",
					"customToolkitSettings": map[string]any{"commandLine": command},
				}})
		case k < 55:
			op = "delete"
			path := cluster()
			if rng.IntN(4) == 0 {
				op = "failing delete"
				w.e.FailNextOperation(OperationFailure{PathContains: path[strings.LastIndex(path, "/workspaces/"):]})
			}
			w.do("DELETE", path, nil)
		case k < 58:
			op = "workspace delete"
			w.do("DELETE", "/resourcegroups/rg/providers/Microsoft.BatchAI/workspaces/wse", nil)
		case k < 61:
			op = "workspaces again"
			putWorkspaces()
			experiments()
		case k < 68:
			op = "preempt"
			id := "/subscriptions/" + w.e.identity.SubscriptionID + cluster()
			if _, err := w.e.PreemptLowPriority(id); err != nil && !isNotFound(err) && !strings.Contains(err.Error(), "not found") {
				t.Fatal(err)
			}
		case k < 75:
			op = "read"
			w.do("GET", cluster(), nil)
		case k < 77:
			op = "restart"
			if err := w.e.Close(); err != nil {
				t.Fatal(err)
			}
			w.open()
		default:
			op = "clock"
			w.clock.advance([]time.Duration{time.Second, 5 * time.Second, 12 * time.Second, 30 * time.Second, 3 * time.Minute}[rng.IntN(5)])
		}
		w.check(step, op)
	}
	t.Logf("answers: %v", w.seen)
}

// TestUsageCountersIgnoreARolledBackWrite: a write that fails after touching a cluster record leaves the
// counters as they were (they live in the same transaction).
func TestUsageCountersIgnoreARolledBackWrite(t *testing.T) {
	w := &usageWorld{t: t, dir: t.TempDir(), clock: &propClock{now: time.Date(2018, 6, 7, 0, 0, 0, 0, time.UTC)}}
	w.open()
	defer func() { _ = w.e.Close() }()
	w.do("PUT", "/resourcegroups/rg", map[string]any{"location": "eastus"})
	w.do("PUT", "/resourcegroups/rg/providers/Microsoft.BatchAI/workspaces/ws", map[string]any{"location": "eastus"})
	if status, body := w.do("PUT", "/resourcegroups/rg/providers/Microsoft.BatchAI/workspaces/ws/clusters/c1", map[string]any{
		"properties": map[string]any{"vmSize": "STANDARD_NC6", "scaleSettings": map[string]any{"manual": map[string]any{"targetNodeCount": 2}},
			"userAccountSettings": map[string]any{"adminUserName": "u", "adminUserPassword": "p4ssw0rd!"}},
	}); status != http.StatusAccepted {
		t.Fatalf("create: %d %s", status, body)
	}
	before := w.usageNow("eastus")
	boom := fmt.Errorf("boom")
	err := w.e.mutate(func(t *txn) error {
		c, err := t.clusterPath("rg", "ws", "c1")
		if err != nil {
			return err
		}
		if serr := c.Sim.Resize(api.ScaleSettings{Manual: &api.ManualScaleSettings{TargetNodeCount: api.Ptr(int32(5))}}, t.now, t.e.simConfig()); serr != nil {
			return serr
		}
		if err := t.saveCluster(c); err != nil {
			return err
		}
		return boom
	})
	if err != boom {
		t.Fatal(err)
	}
	if after := w.usageNow("eastus"); !after.Equal(before) || before.Dedicated["Standard NC Family"] != 12 {
		t.Errorf("after a rolled-back resize: %+v, before %+v", after, before)
	}
}

func (w *usageWorld) usageNow(loc string) sim.Tally {
	w.t.Helper()
	var got sim.Tally
	if err := w.e.read(func(t *txn) (err error) { got, err = t.usage(loc); return err }); err != nil {
		w.t.Fatal(err)
	}
	return got
}

// BenchmarkUsages is one Usages_List at N settled clusters: with counters its cost does not grow with N
// (it recounted every cluster before).
func BenchmarkUsages(b *testing.B) {
	for _, n := range []int{10, 500} {
		b.Run(fmt.Sprint("N=", n), func(b *testing.B) {
			w := &usageWorld{t: &testing.T{}, dir: b.TempDir(), clock: &propClock{now: time.Date(2018, 6, 7, 0, 0, 0, 0, time.UTC)}}
			w.open()
			defer func() { _ = w.e.Close() }()
			q := sim.DefaultQuota()
			q.Clusters, q.DedicatedVCPUs = 100_000, 100_000
			if err := w.e.SetQuota("eastus", q); err != nil {
				b.Fatal(err)
			}
			w.do("PUT", "/resourcegroups/rg", map[string]any{"location": "eastus"})
			w.do("PUT", "/resourcegroups/rg/providers/Microsoft.BatchAI/workspaces/ws", map[string]any{"location": "eastus"})
			for i := range n {
				if status, body := w.do("PUT", fmt.Sprintf("/resourcegroups/rg/providers/Microsoft.BatchAI/workspaces/ws/clusters/c%04d", i),
					map[string]any{"properties": map[string]any{"vmSize": "STANDARD_NC6",
						"scaleSettings":       map[string]any{"manual": map[string]any{"targetNodeCount": 1}},
						"userAccountSettings": map[string]any{"adminUserName": "u", "adminUserPassword": "p4ssw0rd!"}}}); status != 202 {
					b.Fatalf("create: %d %s", status, body)
				}
			}
			w.clock.advance(time.Hour)
			w.do("GET", "/providers/Microsoft.BatchAI/locations/eastus/usages", nil) // settles every cluster once
			b.ResetTimer()
			for b.Loop() {
				if status, _ := w.do("GET", "/providers/Microsoft.BatchAI/locations/eastus/usages", nil); status != 200 {
					b.Fatal(status)
				}
			}
		})
	}
}
