package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/vmsize"
)

// sized makes a cluster with its own ID (the quota code tells clusters apart by ID).
func sized(t *testing.T, vmSize, priority string, target int32) *Cluster {
	t.Helper()
	p := minimalProps(target)
	p.VMSize, p.VMPriority = sptr(vmSize), sptr(priority)
	sizedSeq++
	name := fmt.Sprintf("c%d", sizedSeq)
	return NewCluster(strings.TrimSuffix(testClusterID, "demo_cluster")+name, name, mustPrepare(t, p), t0, cfg)
}

var sizedSeq int

func TestDefaultQuota(t *testing.T) {
	q := DefaultQuota()
	if q.Clusters != 20 || q.DedicatedVCPUs != 48 || q.LowPriorityVCPUs != 48 {
		t.Errorf("quota = %+v", q)
	}
	if v, ok := q.FamilyDedicatedVCPUs["Standard NCv3 Family"]; !ok || v != 0 {
		t.Errorf("NCv3 dedicated = %v, %v", v, ok)
	}
	q.FamilyLowPriorityVCPUs["Standard ND Family"] = 10
	if DefaultQuota().FamilyLowPriorityVCPUs["Standard ND Family"] != 0 || q.FamilyDedicatedVCPUs["Standard ND Family"] != 0 {
		t.Error("DefaultQuota maps are shared")
	}
}

func TestUsages(t *testing.T) {
	clusters := []*Cluster{
		sized(t, "STANDARD_NC6", "dedicated", 2),     // 12
		sized(t, "Standard_NC6", "lowpriority", 3),   // 18 low priority
		sized(t, "Standard_D4_v2", "dedicated", 1),   // 8
		sized(t, "Standard_D4_v2", "lowpriority", 0), // nothing
	}
	q := DefaultQuota()
	got := map[string][3]any{}
	for _, u := range Usages(q, clusters) {
		if *u.Unit != "Count" {
			t.Errorf("unit %s", *u.Unit)
		}
		got[*u.Name.Value] = [3]any{*u.CurrentValue, *u.Limit, *u.Name.LocalizedValue}
	}
	if len(got) != 1+2*(1+len(vmsize.Families())) {
		t.Errorf("%d lines", len(got))
	}
	want := map[string][3]any{
		"Clusters":                                      {int32(4), int64(20), "Clusters"},
		"Total Cluster Dedicated Regional vCPUs":        {int32(20), int64(48), "Total Cluster Dedicated Regional vCPUs"},
		"Standard NC Family Cluster Dedicated vCPUs":    {int32(12), int64(48), "Standard NC Family Cluster Dedicated vCPUs"},
		"Standard Dv2 Family Cluster Dedicated vCPUs":   {int32(8), int64(48), "Standard Dv2 Family Cluster Dedicated vCPUs"},
		"Standard NCv3 Family Cluster Dedicated vCPUs":  {int32(0), int64(0), "Standard NCv3 Family Cluster Dedicated vCPUs"},
		"Total Cluster LowPriority Regional vCPUs":      {int32(18), int64(48), "Total Cluster Low Priority Regional vCPUs"},
		"Standard NC Family Cluster LowPriority vCPUs":  {int32(18), int64(48), "Standard NC Family Cluster Low Priority vCPUs"},
		"Standard Dv2 Family Cluster LowPriority vCPUs": {int32(0), int64(48), "Standard Dv2 Family Cluster Low Priority vCPUs"},
		"Standard ND Family Cluster LowPriority vCPUs":  {int32(0), int64(0), "Standard ND Family Cluster Low Priority vCPUs"},
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s = %v, want %v", name, got[name], w)
		}
	}
	// Every line of Microsoft's example exists, under the same value and localized names.
	var ex api.ListUsagesResult
	if err := json.Unmarshal(exampleJSON(t, "ListUsages.json", "200"), &ex); err != nil {
		t.Fatal(err)
	}
	for _, u := range ex.Value {
		if g, ok := got[*u.Name.Value]; !ok || g[2] != *u.Name.LocalizedValue {
			t.Errorf("example line %q (%q) missing or named differently: %v", *u.Name.Value, *u.Name.LocalizedValue, g)
		}
	}
}

func TestCheckQuota(t *testing.T) {
	q := DefaultQuota()
	q.Location = "eastus"
	others := []*Cluster{
		sized(t, "STANDARD_NC6", "dedicated", 4),   // 24
		sized(t, "Standard_D4_v2", "dedicated", 1), // 8
		sized(t, "Standard_NC12", "lowpriority", 4),
	}
	// 32 dedicated vCPUs used, 48 low-priority used.
	cases := []struct {
		name     string
		size     string
		priority string
		nodes    int
		mention  []string // nil: accepted
	}{
		{"fits exactly", "STANDARD_NC6", "dedicated", 2, nil},
		{"zero always fits", "Standard_NC24", "lowpriority", 0, nil},
		{"regional dedicated", "STANDARD_NC6", "dedicated", 3,
			[]string{"Total Cluster Dedicated Regional vCPUs", "eastus", "STANDARD_NC6", "dedicated", "requested: 18 vCPUs",
				"3 nodes x 6 vCPUs", "current usage: 32 vCPUs", "limit: 48 vCPUs", "additional required: 2 vCPUs"}},
		{"empty priority means dedicated", "Standard_D2_v3", "", 9,
			[]string{"Total Cluster Dedicated Regional vCPUs", "dedicated", "requested: 18 vCPUs"}},
		{"low priority is separate", "Standard_NC6", "lowpriority", 1,
			[]string{"Total Cluster Low Priority Regional vCPUs", "lowpriority", "current usage: 48 vCPUs"}},
		{"family with zero limit", "Standard_NC6s_v3", "dedicated", 1,
			[]string{"Standard NCv3 Family Cluster Dedicated vCPUs", "limit: 0 vCPUs", "current usage: 0 vCPUs", "Standard_NC6s_v3"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckQuota(q, others, tc.size, tc.priority, tc.nodes)
			if tc.mention == nil {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			if err.Status != http.StatusConflict || err.Code != CodeQuotaExceeded || err.Target != "properties.scaleSettings" {
				t.Errorf("got %v", err)
			}
			for _, m := range tc.mention {
				if !strings.Contains(err.Message, m) {
					t.Errorf("message %q lacks %q", err.Message, m)
				}
			}
		})
	}
	// Family limits above the regional one still stop at the regional one; a raised family
	// limit lets the family through.
	q.FamilyDedicatedVCPUs = map[string]int{"Standard NCv3 Family": 12}
	if err := CheckQuota(q, others, "Standard_NC6s_v3", "dedicated", 2); err != nil {
		t.Errorf("raised family limit: %v", err)
	}
	if err := CheckQuota(q, others, "Standard_NC6", "dedicated", 1); err != nil {
		t.Errorf("unlisted family: %v", err)
	}
	if err := CheckQuota(q, nil, "Standard_A0", "dedicated", 1); err == nil || err.Status != 400 {
		t.Errorf("bad size: %v", err)
	}
	if err := CheckQuota(q, nil, "Standard_NC6", "spot", 1); err == nil || err.Target != "properties.vmPriority" {
		t.Errorf("bad priority: %v", err)
	}
}

func TestCheckClusterCountAndCreate(t *testing.T) {
	q := Quota{Location: "westus", Clusters: 2, DedicatedVCPUs: 12, LowPriorityVCPUs: 12}
	one := []*Cluster{sized(t, "STANDARD_NC6", "dedicated", 1)}
	if err := CheckCreate(q, one, mustPrepare(t, minimalProps(1))); err != nil {
		t.Errorf("fits: %v", err)
	}
	err := CheckCreate(q, one, mustPrepare(t, minimalProps(2)))
	if err == nil || !strings.Contains(err.Message, "requested: 12 vCPUs") || !strings.Contains(err.Message, "westus") {
		t.Errorf("vCPUs: %v", err)
	}
	// autoScale: the initial target, clamped into [min, max], is what is allocated.
	if err := CheckCreate(q, one, mustPrepare(t, autoProps(0, 5, iptr(1)))); err != nil {
		t.Errorf("auto fits: %v", err)
	}
	if err := CheckCreate(q, one, mustPrepare(t, autoProps(2, 5, nil))); err == nil {
		t.Error("auto minimum over quota accepted")
	}
	two := append(one, sized(t, "STANDARD_NC6", "dedicated", 0))
	err = CheckCreate(q, two, mustPrepare(t, minimalProps(0)))
	if err == nil || err.Status != http.StatusConflict || !strings.Contains(err.Message, "Clusters") ||
		!strings.Contains(err.Message, "current usage: 2 clusters, limit: 2 clusters") {
		t.Errorf("cluster count: %v", err)
	}
}

func TestCheckResize(t *testing.T) {
	q := Quota{Location: "eastus", Clusters: 20, DedicatedVCPUs: 30, LowPriorityVCPUs: 30}
	c := sized(t, "STANDARD_NC6", "dedicated", 3) // 18
	other := sized(t, "STANDARD_NC6", "dedicated", 1)
	all := []*Cluster{c, other} // c itself is skipped
	manual := func(n int32) api.ScaleSettings {
		return api.ScaleSettings{Manual: &api.ManualScaleSettings{TargetNodeCount: iptr(n)}}
	}
	if err := c.CheckResize(q, all, manual(4)); err != nil {
		t.Errorf("4 nodes fit (24+6): %v", err)
	}
	err := c.CheckResize(q, all, manual(5))
	if err == nil || !strings.Contains(err.Message, "requested: 30 vCPUs") || !strings.Contains(err.Message, "current usage: 6 vCPUs") {
		t.Errorf("5 nodes: %v", err)
	}
	q.DedicatedVCPUs = 6 // quota lowered below what c holds: shrinking is still fine
	if err := c.CheckResize(q, all, manual(1)); err != nil {
		t.Errorf("shrink: %v", err)
	}
	if err := c.CheckResize(q, all, manual(-1)); err == nil || err.Status != 400 {
		t.Errorf("invalid scale: %v", err)
	}
}

func TestVCPUsCountHeldAndAllocatingNodes(t *testing.T) {
	c := sized(t, "Standard_NC12", "dedicated", 3)
	if d, lp := c.VCPUs(); d != 36 || lp != 0 {
		t.Errorf("allocating: %d/%d", d, lp)
	}
	c.Advance(at(cfg.ProvisioningDelay), cfg)
	if err := c.Resize(api.ScaleSettings{Manual: &api.ManualScaleSettings{TargetNodeCount: iptr(1)}}, at(20e9), cfg); err != nil {
		t.Fatal(err)
	}
	if d, _ := c.VCPUs(); d != 36 {
		t.Errorf("leaving nodes still count: %d", d)
	}
	c.Advance(at(60e9), cfg)
	if d, _ := c.VCPUs(); d != 12 {
		t.Errorf("after leaving: %d", d)
	}
	lp := sized(t, "Standard_NC12", "LowPriority", 2)
	if d, l := lp.VCPUs(); d != 0 || l != 24 {
		t.Errorf("low priority: %d/%d", d, l)
	}
}
