package provider

import (
	"testing"
	"time"
)

// TestCreatePreflights: a passed preflight stands in for Create's checks once, only for the request it
// checked, only while fresh, and a later plan that did not pass replaces it.
func TestCreatePreflights(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := newCreatePreflights()
	p.now = func() time.Time { return now }
	const id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.BatchAI/workspaces/ws/clusters/c1"
	req := clusterQuotaRequest{location: "eastus", vmSize: "Standard_NC6", priority: "dedicated", nodes: 2, creating: true}
	asked := clusterQuotaRequest{vmSize: "STANDARD_NC6", priority: "dedicated", nodes: 2} // Create knows no location.

	p.record(id, req, true)
	if !p.take(id, asked) {
		t.Fatal("a fresh passed preflight for the same request was not taken")
	}
	if p.take(id, asked) {
		t.Fatal("a passed preflight was taken twice")
	}

	p.record(id, req, true)
	other := asked
	other.nodes = 3
	if p.take(id, other) {
		t.Fatal("a preflight of 2 nodes stood in for a create of 3")
	}

	p.record(id, req, true)
	p.record(id, req, false)
	if p.take(id, asked) {
		t.Fatal("a preflight that a later plan did not pass was taken")
	}

	p.record(id, req, true)
	now = now.Add(preflightFreshness + time.Second)
	if p.take(id, asked) {
		t.Fatal("a stale preflight was taken")
	}

	p.record(id, req, true)
	now = now.Add(preflightFreshness + time.Second)
	p.record(id+"2", req, true) // Sweeps the stale entry.
	if len(p.entries) != 1 {
		t.Fatalf("stale entries were kept: %v", p.entries)
	}

	var unconfigured *createPreflights
	unconfigured.record(id, req, true)
	if unconfigured.take(id, asked) {
		t.Fatal("a provider without a ledger trusted a preflight")
	}
}
