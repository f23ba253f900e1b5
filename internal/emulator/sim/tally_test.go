package sim

import (
	"testing"
	"time"
)

// TestTally: a cluster's share counts it once with its vCPUs under its priority and family; shares add up
// to TallyOf and subtract back to nothing.
func TestTally(t *testing.T) {
	a := sized(t, "STANDARD_NC6", "dedicated", 2)   // 12 NC dedicated
	b := sized(t, "Standard_NC6", "lowpriority", 3) // 18 NC low priority
	c := sized(t, "Standard_D4_v2", "dedicated", 1) // 8 Dv2 dedicated
	all := TallyOf([]*Cluster{a, b, c})
	if all.Clusters != 3 || all.Dedicated["Standard NC Family"] != 12 || all.Dedicated["Standard Dv2 Family"] != 8 ||
		all.LowPriority["Standard NC Family"] != 18 {
		t.Fatalf("TallyOf = %+v", all)
	}
	if total, nc := all.used("dedicated", "Standard NC Family"); total != 20 || nc != 12 {
		t.Errorf("used(dedicated, NC) = %d, %d", total, nc)
	}
	sum := a.Tally()
	sum.Add(b.Tally())
	sum.Add(c.Tally())
	if !sum.Equal(all) {
		t.Errorf("sum of shares %+v, TallyOf %+v", sum, all)
	}
	for _, x := range []*Cluster{b, a, c} {
		sum.Sub(x.Tally())
	}
	if !sum.Equal(Tally{}) || sum.Dedicated != nil || sum.LowPriority != nil {
		t.Errorf("subtracting every share left %+v", sum)
	}
	if u := UsagesOf(DefaultQuota(), all); len(u) != len(Usages(DefaultQuota(), []*Cluster{a, b, c})) ||
		*u[0].CurrentValue != 3 || *u[1].CurrentValue != 20 {
		t.Errorf("UsagesOf: %v", u)
	}
}

// TestNextEvent: a resizing cluster has a pending event; a steady one has none.
func TestNextEvent(t *testing.T) {
	c := sized(t, "STANDARD_NC6", "dedicated", 1)
	if at, ok := c.NextEvent(); !ok || !at.After(t0) {
		t.Errorf("a new cluster allocating a node: next event %v, %v", at, ok)
	}
	c.Advance(t0.Add(24*time.Hour), cfg)
	if at, ok := c.NextEvent(); ok {
		t.Errorf("a steady cluster has a next event at %v", at)
	}
}
