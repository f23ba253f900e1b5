package sim

import (
	"net/http"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

const sec = time.Second

func manual(n int32) api.ScaleSettings {
	return api.ScaleSettings{Manual: &api.ManualScaleSettings{TargetNodeCount: iptr(n)}}
}

func auto(minN, maxN int32) api.ScaleSettings {
	return api.ScaleSettings{AutoScale: &api.AutoScaleSettings{MinimumNodeCount: iptr(minN), MaximumNodeCount: iptr(maxN)}}
}

func mustResize(t *testing.T, c *Cluster, s api.ScaleSettings, now time.Time) {
	t.Helper()
	if err := c.Resize(s, now, cfg); err != nil {
		t.Fatalf("Resize: %v", err)
	}
}

func wantState(t *testing.T, c *Cluster, now time.Time, want state, transition time.Time) {
	t.Helper()
	c.Advance(now, cfg)
	if got := viewState(c, now); got != want {
		t.Errorf("at +%v: got %+v, want %+v", now.Sub(t0), got, want)
	}
	if !c.AllocationStateTransitionTime.Equal(transition) {
		t.Errorf("at +%v: allocationStateTransitionTime +%v, want +%v", now.Sub(t0),
			c.AllocationStateTransitionTime.Sub(t0), transition.Sub(t0))
	}
}

func TestNewClusterLifecycle(t *testing.T) {
	c := newCluster(t, minimalProps(2))
	if c.ProvisioningState != "succeeded" || !c.ProvisioningStateTransitionTime.Equal(t0) || !c.CreationTime.Equal(t0) || !c.Busy() {
		t.Errorf("new cluster: %s at %v, busy %v", c.ProvisioningState, c.ProvisioningStateTransitionTime, c.Busy())
	}
	wantState(t, c, t0, state{alloc: "resizing", current: 2, preparing: 2}, t0)
	wantState(t, c, at(10*sec-time.Nanosecond), state{alloc: "resizing", current: 2, preparing: 2}, t0)
	wantState(t, c, at(10*sec), state{alloc: "steady", current: 2, idle: 2}, at(10*sec))
	wantState(t, c, at(24*time.Hour), state{alloc: "steady", current: 2, idle: 2}, at(10*sec))
	if c.Busy() {
		t.Error("steady cluster is busy")
	}
	if n := c.Nodes[0]; n.State != NodeIdle || !n.Since.Equal(at(10*sec)) {
		t.Errorf("node 1: %+v", n)
	}
}

func TestNewClusterVariants(t *testing.T) {
	t.Run("zero target is steady at once", func(t *testing.T) {
		c := newCluster(t, minimalProps(0))
		wantState(t, c, t0, state{alloc: "steady"}, t0)
	})
	t.Run("zero delay is idle at once", func(t *testing.T) {
		c := NewCluster(testClusterID, "demo_cluster", mustPrepare(t, minimalProps(3)), t0, Config{})
		if got := viewState(c, t0); got != (state{alloc: "steady", current: 3, idle: 3}) {
			t.Errorf("got %+v", got)
		}
	})
	t.Run("allocation delay hides nodes at first, like the real service", func(t *testing.T) {
		slow := Config{ProvisioningDelay: 10 * sec, AllocationDelay: 5 * sec}
		c := NewCluster(testClusterID, "demo_cluster", mustPrepare(t, minimalProps(2)), t0, slow)
		steps := []struct {
			at   time.Duration
			want state
		}{
			{0, state{alloc: "resizing"}},
			{5 * sec, state{alloc: "resizing", current: 2, preparing: 2}},
			{15 * sec, state{alloc: "steady", current: 2, idle: 2}},
		}
		for _, s := range steps {
			c.Advance(at(s.at), slow)
			if got := viewState(c, at(s.at)); got != s.want {
				t.Errorf("+%v: got %+v, want %+v", s.at, got, s.want)
			}
			if s.at == 0 && len(c.RemoteLogins()) != 0 {
				t.Error("nodes being allocated have addresses")
			}
		}
		// Shrinking cancels allocations outright: nothing ever shows as leaving.
		c2 := NewCluster(testClusterID, "demo_cluster", mustPrepare(t, minimalProps(3)), t0, slow)
		if err := c2.Resize(manual(1), at(sec), slow); err != nil {
			t.Fatal(err)
		}
		if got := viewState(c2, at(sec)); got != (state{alloc: "resizing"}) || len(c2.Nodes) != 1 {
			t.Errorf("after cancel: %+v, %d nodes", got, len(c2.Nodes))
		}
	})
	t.Run("auto-scale starts at initialNodeCount clamped into [min, max]", func(t *testing.T) {
		for _, tc := range []struct {
			minN, maxN int32
			initial    *int32
			want       int
		}{{1, 4, iptr(7), 4}, {2, 5, nil, 2}, {0, 10, iptr(3), 3}, {0, 0, nil, 0}} {
			c := newCluster(t, autoProps(tc.minN, tc.maxN, tc.initial))
			c.Advance(at(time.Hour), cfg)
			if c.TargetNodes != tc.want || len(c.Nodes) != tc.want || c.Busy() {
				t.Errorf("%+v: target %d, %d nodes, busy %v", tc, c.TargetNodes, len(c.Nodes), c.Busy())
			}
		}
	})
}

func TestResize(t *testing.T) {
	c := newCluster(t, minimalProps(2))
	wantState(t, c, at(10*sec), state{alloc: "steady", current: 2, idle: 2}, at(10*sec))

	// Same target: nothing changes, not even the transition time.
	mustResize(t, c, manual(2), at(15*sec))
	wantState(t, c, at(15*sec), state{alloc: "steady", current: 2, idle: 2}, at(10*sec))

	// Up.
	mustResize(t, c, manual(4), at(20*sec))
	wantState(t, c, at(20*sec), state{alloc: "resizing", current: 4, preparing: 2, idle: 2}, at(20*sec))
	wantState(t, c, at(30*sec), state{alloc: "steady", current: 4, idle: 4}, at(30*sec))

	// Down: the newest idle nodes leave; leaving nodes still count until gone.
	mustResize(t, c, manual(1), at(40*sec))
	wantState(t, c, at(40*sec), state{alloc: "resizing", current: 4, idle: 1, leaving: 3}, at(40*sec))
	if c.Nodes[0].State != NodeIdle || c.Nodes[0].Seq != 1 {
		t.Errorf("the oldest node should stay: %+v", c.Nodes)
	}
	wantState(t, c, at(50*sec), state{alloc: "steady", current: 1, idle: 1}, at(50*sec))

	// Retarget during a resize: preparing nodes go first, and the transition time is kept.
	mustResize(t, c, manual(4), at(60*sec))
	mustResize(t, c, manual(2), at(65*sec))
	wantState(t, c, at(65*sec), state{alloc: "resizing", current: 4, idle: 1, preparing: 1, leaving: 2}, at(60*sec))
	wantState(t, c, at(70*sec), state{alloc: "resizing", current: 4, idle: 2, leaving: 2}, at(60*sec))
	wantState(t, c, at(75*sec), state{alloc: "steady", current: 2, idle: 2}, at(75*sec))
	if c.Nodes[1].Seq != 5 {
		t.Errorf("kept nodes: %+v", c.Nodes)
	}

	// Scale settings are replaced and defaulted.
	if got := *c.Props.ScaleSettings.Manual.NodeDeallocationOption; got != "requeue" {
		t.Errorf("nodeDeallocationOption = %s", got)
	}
	if err := c.Resize(api.ScaleSettings{}, at(80*sec), cfg); err == nil || err.Target != "properties.scaleSettings" {
		t.Errorf("invalid resize: %v", err)
	}
	if *c.Props.ScaleSettings.Manual.TargetNodeCount != 2 {
		t.Error("a rejected resize changed the settings")
	}
}

func TestManualAutoScaleSwitch(t *testing.T) {
	c := newCluster(t, minimalProps(3))
	c.Advance(at(10*sec), cfg)

	// To auto-scale: settle at the current count clamped into [min, max].
	mustResize(t, c, auto(0, 2), at(20*sec))
	if c.TargetNodes != 2 || *c.Props.ScaleSettings.AutoScale.InitialNodeCount != 0 || c.Props.ScaleSettings.Manual != nil {
		t.Errorf("target %d, scale %v", c.TargetNodes, toMap(t, c.Props.ScaleSettings))
	}
	wantState(t, c, at(30*sec), state{alloc: "steady", current: 2, idle: 2}, at(30*sec))

	mustResize(t, c, auto(1, 10), at(40*sec)) // 2 is inside [1, 10]: nothing to do
	wantState(t, c, at(40*sec), state{alloc: "steady", current: 2, idle: 2}, at(30*sec))

	mustResize(t, c, auto(5, 10), at(50*sec))
	wantState(t, c, at(60*sec), state{alloc: "steady", current: 5, idle: 5}, at(60*sec))

	// Left alone for a day (shorter than cfg's scale-down delay), an auto-scale cluster stays inside its bounds.
	wantState(t, c, at(24*time.Hour), state{alloc: "steady", current: 5, idle: 5}, at(60*sec))

	// Back to manual.
	mustResize(t, c, manual(1), at(25*time.Hour))
	wantState(t, c, at(25*time.Hour+10*sec), state{alloc: "steady", current: 1, idle: 1}, at(25*time.Hour+10*sec))
	if c.Props.ScaleSettings.AutoScale != nil {
		t.Error("autoScale kept after switching to manual")
	}
}

func TestPreempt(t *testing.T) {
	p := minimalProps(3)
	p.VMPriority = sptr("lowpriority")
	c := newCluster(t, p)
	c.Advance(at(10*sec), cfg)

	if n := c.Preempt(at(20*sec), cfg); n != 3 {
		t.Fatalf("preempted %d", n)
	}
	wantState(t, c, at(20*sec), state{alloc: "resizing", current: 3, leaving: 3}, at(20*sec))
	if len(c.RemoteLogins()) != 0 {
		t.Error("leaving nodes listed for login")
	}
	// Once gone, replacements are allocated toward the unchanged target, with fresh ids and ports.
	wantState(t, c, at(30*sec), state{alloc: "resizing", current: 3, preparing: 3}, at(20*sec))
	logins := c.RemoteLogins()
	if len(logins) != 3 || *logins[0].Port != 50003 || c.Nodes[0].Seq != 4 {
		t.Errorf("replacements: %+v", c.Nodes)
	}
	wantState(t, c, at(40*sec), state{alloc: "steady", current: 3, idle: 3}, at(40*sec))

	if n := c.PreemptNodes(1, at(50*sec), cfg); n != 1 || c.Nodes[2].State != NodeLeaving || !c.Nodes[2].Preempted {
		t.Errorf("PreemptNodes(1) = %d, nodes %+v", n, c.Nodes)
	}
	wantState(t, c, at(70*sec), state{alloc: "steady", current: 3, idle: 3}, at(70*sec))

	d := newCluster(t, minimalProps(2))
	d.Advance(at(10*sec), cfg)
	if n := d.Preempt(at(20*sec), cfg); n != 0 || d.Busy() {
		t.Errorf("dedicated cluster preempted: %d", n)
	}
}

func TestDelete(t *testing.T) {
	c := newCluster(t, minimalProps(2))
	c.Advance(at(10*sec), cfg)
	c.BeginDelete(at(20 * sec))
	if c.ProvisioningState != "deleting" || !c.ProvisioningStateTransitionTime.Equal(at(20*sec)) {
		t.Errorf("state %s at %v", c.ProvisioningState, c.ProvisioningStateTransitionTime)
	}
	if got := viewState(c, at(20*sec)); got != (state{alloc: "resizing", current: 2, leaving: 2}) {
		t.Errorf("deleting: %+v", got)
	}
	if c.DeleteDone(at(29*sec), cfg) {
		t.Error("done too early")
	}
	if err := c.Resize(manual(5), at(25*sec), cfg); err == nil || err.Status != http.StatusConflict {
		t.Errorf("resize while deleting: %v", err)
	}
	if err := CompareCreate(c, minimalProps(2)); err == nil || err.Status != http.StatusConflict {
		t.Errorf("PUT while deleting: %v", err)
	}
	if n := c.Preempt(at(25*sec), cfg); n != 0 {
		t.Errorf("preempted %d while deleting", n)
	}
	c.BeginDelete(at(26 * sec)) // a second DELETE changes nothing
	if !c.DeleteDone(at(30*sec), cfg) {
		t.Error("not done once the nodes left")
	}
	if !c.ProvisioningStateTransitionTime.Equal(at(20 * sec)) {
		t.Error("second BeginDelete moved the transition time")
	}

	empty := newCluster(t, minimalProps(0))
	empty.BeginDelete(t0)
	if !empty.DeleteDone(t0, cfg) {
		t.Error("an empty cluster deletes at once")
	}
}

func TestPreemptNodesBounds(t *testing.T) {
	p := minimalProps(2)
	p.VMPriority = sptr("lowpriority")
	c := newCluster(t, p)
	for _, n := range []int{-1, 0} {
		if got := c.PreemptNodes(n, at(sec), cfg); got != 0 {
			t.Errorf("PreemptNodes(%d) = %d", n, got)
		}
	}
	if got := c.PreemptNodes(5, at(sec), cfg); got != 2 {
		t.Errorf("PreemptNodes(5) = %d, want the 2 nodes there are", got)
	}
}
