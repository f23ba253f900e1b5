package sim

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// op is something that happens to a cluster at a point in time.
type op struct {
	at time.Duration
	do func(t *testing.T, c *Cluster, now time.Time, cfg Config)
}

// scenario exercises every kind of event: growth, retargeting, shrinking, auto-scale,
// preemption with replacements, and deletion.
var scenario = []op{
	{7 * sec, func(t *testing.T, c *Cluster, now time.Time, cfg Config) { resizeOrFail(t, c, manual(5), now, cfg) }},
	{9 * sec, func(t *testing.T, c *Cluster, now time.Time, cfg Config) { resizeOrFail(t, c, manual(3), now, cfg) }},
	{31 * sec, func(t *testing.T, c *Cluster, now time.Time, cfg Config) { c.PreemptNodes(2, now, cfg) }},
	{34 * sec, func(t *testing.T, c *Cluster, now time.Time, cfg Config) { resizeOrFail(t, c, auto(1, 2), now, cfg) }},
	{63 * sec, func(t *testing.T, c *Cluster, now time.Time, cfg Config) { c.Preempt(now, cfg) }},
	{95 * sec, func(t *testing.T, c *Cluster, now time.Time, cfg Config) { resizeOrFail(t, c, manual(6), now, cfg) }},
	{100 * sec, func(t *testing.T, c *Cluster, now time.Time, cfg Config) { resizeOrFail(t, c, manual(0), now, cfg) }},
	{103 * sec, func(t *testing.T, c *Cluster, now time.Time, cfg Config) { resizeOrFail(t, c, manual(4), now, cfg) }},
	{140 * sec, func(_ *testing.T, c *Cluster, now time.Time, _ Config) { c.BeginDelete(now) }},
}

func resizeOrFail(t *testing.T, c *Cluster, s api.ScaleSettings, now time.Time, cfg Config) {
	t.Helper()
	if err := c.Resize(s, now, cfg); err != nil {
		t.Fatalf("Resize: %v", err)
	}
}

// run plays the scenario, calling Advance every step (0: only at the operations and the end).
func run(t *testing.T, cfg Config, step time.Duration, end time.Duration) *Cluster {
	p := minimalProps(2)
	p.VMPriority = sptr("lowpriority")
	c := NewCluster(testClusterID, "demo_cluster", mustPrepare(t, p), t0, cfg)
	now := time.Duration(0)
	for _, o := range append(scenario, op{at: end}) {
		for step > 0 && now+step < o.at {
			now += step
			c.Advance(at(now), cfg)
		}
		now = o.at
		if o.do != nil {
			o.do(t, c, at(now), cfg)
		}
	}
	c.Advance(at(end), cfg)
	return c
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestAdvanceOneJumpEqualsManySteps(t *testing.T) {
	configs := []Config{
		{ProvisioningDelay: 10 * sec},
		{ProvisioningDelay: 10 * sec, AllocationDelay: 4 * sec},
		{ProvisioningDelay: 3 * sec, AllocationDelay: 0},
		{},
		{ProvisioningDelay: 10 * sec, PreemptionInterval: 25 * sec},
		{ProvisioningDelay: 4 * sec, AllocationDelay: 2 * sec, RegionalCapacity: 3, PreemptionInterval: 7 * sec},
	}
	for _, cfg := range configs {
		for _, end := range []time.Duration{36 * sec, 70 * sec, 110 * sec, 10 * time.Minute} {
			jump := run(t, cfg, 0, end)
			for _, step := range []time.Duration{time.Millisecond * 700, sec, 3 * sec} {
				if got, want := mustJSON(t, run(t, cfg, step, end)), mustJSON(t, jump); got != want {
					t.Errorf("cfg %+v, end %v, step %v:\nsteps %s\njump  %s", cfg, end, step, got, want)
				}
			}
		}
	}
	// The scenario ends with the cluster deleted and every node gone.
	if c := run(t, configs[0], 0, 10*time.Minute); !c.DeleteDone(at(10*time.Minute), configs[0]) {
		t.Errorf("not deleted: %+v", c.Nodes)
	}
}

func TestStateJSONRoundTrip(t *testing.T) {
	c := run(t, Config{ProvisioningDelay: 10 * sec, AllocationDelay: 2 * sec}, 0, 66*sec) // mid-preemption
	c.InheritSubnet("/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v/subnets/s")
	b := mustJSON(t, c)
	var restored Cluster
	if err := json.Unmarshal([]byte(b), &restored); err != nil {
		t.Fatal(err)
	}
	if again := mustJSON(t, &restored); again != b {
		t.Errorf("round trip changed the state\nbefore %s\nafter  %s", b, again)
	}
	// A restarted emulator continues exactly where it stopped, even after a long pause.
	later := at(time.Hour)
	if got, want := mustJSON(t, restored.View(later)), mustJSON(t, c.View(later)); got != want {
		t.Errorf("restored cluster diverged\ngot  %s\nwant %s", got, want)
	}
	c.Advance(later, c.Config)
	restored.Advance(later, restored.Config)
	if mustJSON(t, c) != mustJSON(t, &restored) {
		t.Error("restored cluster advanced differently")
	}
}
