package emulator_test

import (
	"strings"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/emulatortest"
)

// TestRestartKeepsStateAndCredentials: a new emulator on the same data directory has the same identity
// (tokens from before still verify), the same resources and the same operation records.
func TestRestartKeepsStateAndCredentials(t *testing.T) {
	c := newClient(t)
	c.createWorkspace("rg", "ws")
	c.createCluster("rg", "ws", "c1", clusterBody(1))
	r := c.must(202, "PUT", c.fileServer("rg", "ws", "fs")+apiVersion, fileServerBody())
	opURL := r.header.Get("Azure-AsyncOperation")
	c.waitOperation(opURL)
	before := c.inst.Info

	inst2 := c.inst.Restart(t)
	after := inst2.Info
	if after.TenantID != before.TenantID || after.SubscriptionID != before.SubscriptionID ||
		after.ClientID != before.ClientID || after.ClientSecret != before.ClientSecret || after.CACertificate != before.CACertificate {
		t.Fatalf("identity changed across restart: %+v vs %+v", before, after)
	}
	c2 := &client{t: t, inst: inst2, http: inst2.HTTPClient(), token: c.token} // the old token still verifies
	var cl api.Cluster
	c2.must(200, "GET", c2.cluster("rg", "ws", "c1")+apiVersion, nil).decode(t, &cl)
	if *cl.Name != "c1" || *cl.Properties.ScaleSettings.Manual.TargetNodeCount != 1 {
		t.Errorf("cluster after restart: %+v", cl)
	}
	c2.must(200, "GET", c2.fileServer("rg", "ws", "fs")+apiVersion, nil)
	var op api.OperationStatus
	c2.must(200, "GET", strings.Replace(opURL, before.Endpoint, after.Endpoint, 1), nil).decode(t, &op)
	if *op.Status != "Succeeded" {
		t.Errorf("operation after restart: %+v", op)
	}
	// The secrets were kept (a re-PUT with them is no change) but are still never returned.
	c2.must(200, "PUT", c2.cluster("rg", "ws", "c1")+apiVersion, clusterBody(1))
	c2.checkNoSecrets()
}

// TestLazyStateFollowsTheClock: with a controlled clock, nothing moves until time does, and a jump far
// ahead (as after a long restart) lands in the same state as many small steps.
func TestLazyStateFollowsTheClock(t *testing.T) {
	clock := emulatortest.NewPausedClock(time.Date(2018, 6, 7, 21, 16, 0, 0, time.UTC))
	c := newClient(t, emulatortest.WithClock(clock), func(cfg *emulator.Config) {
		cfg.ProvisioningDelay = time.Minute
		cfg.AllocationDelay = 10 * time.Second
		cfg.OperationDelay = 20 * time.Second
	})
	c.createWorkspace("rg", "ws")
	r := c.must(202, "PUT", c.cluster("rg", "ws", "c1")+apiVersion, clusterBody(2))
	async := r.header.Get("Azure-AsyncOperation")
	path := c.cluster("rg", "ws", "c1") + apiVersion
	get := func() api.ClusterProperties {
		var cl api.Cluster
		c.must(200, "GET", path, nil).decode(t, &cl)
		return *cl.Properties
	}
	var op api.OperationStatus
	c.must(200, "GET", async, nil).decode(t, &op)
	if p := get(); *op.Status != "InProgress" || *p.AllocationState != "resizing" || *p.CurrentNodeCount != 0 {
		t.Fatalf("at t0: %s %s %d", *op.Status, *p.AllocationState, *p.CurrentNodeCount)
	}
	if *op.StartTime != "2018-06-07T21:16:00.000Z" {
		t.Errorf("startTime %s", *op.StartTime)
	}
	clock.Advance(15 * time.Second)
	if p := get(); *p.CurrentNodeCount != 2 || *p.NodeStateCounts.PreparingNodeCount != 2 {
		t.Errorf("at +15s: %+v", p.NodeStateCounts)
	}
	clock.Advance(10 * time.Second)
	c.must(200, "GET", async, nil).decode(t, &op)
	if *op.Status != "Succeeded" || *op.EndTime != "2018-06-07T21:16:25.000Z" {
		t.Errorf("at +25s: %+v", op)
	}
	clock.Advance(24 * time.Hour)
	c.token = c.inst.Token(t) // the old one expired with the clock, as it would on Azure
	if p := get(); *p.AllocationState != "steady" || *p.NodeStateCounts.IdleNodeCount != 2 ||
		*p.AllocationStateTransitionTime != "2018-06-07T21:17:10.000Z" {
		t.Errorf("a day later: %s %+v at %s", *p.AllocationState, p.NodeStateCounts, *p.AllocationStateTransitionTime)
	}
}
