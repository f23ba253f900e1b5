package provider

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
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

// TestCreatePreflightsTurns: creates of one cluster ID take turns from their checks to their PUT's answer, and
// one that another came before never trusts a plan's preflight, even one that passed after the first began.
func TestCreatePreflightsTurns(t *testing.T) {
	p := newCreatePreflights()
	const id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.BatchAI/workspaces/ws/clusters/c1"
	req := clusterQuotaRequest{vmSize: "Standard_NC6", priority: "dedicated", nodes: 0}

	p.record(id, req, true)
	end, err := p.begin(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if !p.take(id, req) {
		t.Fatal("the first create of an ID did not trust its passed preflight")
	}

	// While the first holds its turn, another waits: here within a context that is already done.
	done, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := p.begin(done, strings.ToUpper(id)); err == nil || !strings.Contains(err.Error(), "another create of this cluster") {
		t.Fatalf("a second create of the ID did not wait for the first's turn: %v", err)
	}

	// A second create that waits gets its turn only once the first's PUT is answered.
	var firstEnded atomic.Bool
	second := make(chan error, 1)
	go func() {
		end2, err := p.begin(t.Context(), id)
		if err == nil && !firstEnded.Load() {
			err = fmt.Errorf("the second create's turn came before the first one ended")
		}
		end2()
		second <- err
	}()
	p.record(id, req, true) // The second create's plan: it found no cluster before the first's PUT.
	firstEnded.Store(true)
	end()
	end() // Ending twice is harmless.
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	if p.take(id, req) {
		t.Fatal("a create that another create of the ID came before trusted a plan's preflight")
	}

	var unconfigured *createPreflights
	if end, err := unconfigured.begin(t.Context(), id); err != nil {
		t.Fatal(err)
	} else {
		end()
	}
}

// TestAccCluster_sameNameTwiceInOneApply: two resources that name the same cluster in one workspace both plan
// a create (nothing of that name exists yet) and are applied in parallel. Only one may send a PUT: the other
// must find that cluster and fail as already existing, rather than adopt it (a PUT is create-or-update, and the
// emulator, like the service, answers an identical second PUT with the cluster).
func TestAccCluster_sameNameTwiceInOneApply(t *testing.T) {
	t.Parallel()
	inst := testAccEmulatorInstance(t)
	ws, _ := testAccClusterSeedWorkspace(t, inst.Info, "")
	cluster := fmt.Sprintf(`
  name         = "c1"
  workspace_id = %q
%s
`, ws.String(), testAccClusterManual("Standard_NC6", 0))
	w := newCLIWorkdir(t, map[string]string{"main.tf": testAccProviderConfig(inst.Info) +
		"resource \"batchai_cluster\" \"a\" {" + cluster + "}\n" +
		"resource \"batchai_cluster\" \"b\" {" + cluster + "}\n"})

	out, err := w.apply()
	if err == nil || !strings.Contains(out, "Batch AI Cluster Already Exists") {
		t.Fatalf("applying two resources for one cluster: err %v; want one to fail as already existing:\n%s", err, out)
	}
	if n := inst.Emulator.RequestCount("PUT", "/clusters/c1"); n != 1 {
		t.Errorf("%d PUTs of the cluster were sent; want 1", n)
	}
	if st := w.state(); len(st) != 1 {
		t.Errorf("the state holds %d resources; want the one that created the cluster", len(st))
	}
}

// TestAccCluster_createdBetweenPlanAndApply: a saved plan found no cluster of its name; someone else creates
// one, with the very same arguments, before the plan is applied. The apply must not trust that plan's finding:
// it fails as already existing without sending a PUT (which, identical, would have answered with the other
// party's cluster and made it Terraform's).
func TestAccCluster_createdBetweenPlanAndApply(t *testing.T) {
	t.Parallel()
	inst := testAccEmulatorInstance(t)
	ws, _ := testAccClusterSeedWorkspace(t, inst.Info, "")
	w := newCLIWorkdir(t, map[string]string{"main.tf": testAccClusterInWorkspaceConfig(inst.Info, ws, testAccClusterManual("Standard_NC6", 0))})
	w.mustRun("plan", "-out=tfplan", "-input=false", "-no-color")

	c, ctx := testAccClient(t, inst.Info), testAccContext(t)
	p, err := c.BeginCreateCluster(ctx, ws.Cluster("c1"), api.ClusterCreateParameters{Properties: &api.ClusterBaseProperties{
		VMSize:        api.Ptr("Standard_NC6"),
		ScaleSettings: &api.ScaleSettings{Manual: &api.ManualScaleSettings{TargetNodeCount: api.Ptr(int32(0))}},
		UserAccountSettings: &api.UserAccountSettings{AdminUserName: api.Ptr("azureuser"),
			AdminUserSSHPublicKey: api.Ptr(testAccClusterSSHKey)},
	}})
	if err == nil {
		_, err = p.Wait(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}

	out, err := w.runErr("apply", "-input=false", "-no-color", "tfplan")
	if err == nil || !strings.Contains(out, "Batch AI Cluster Already Exists") {
		t.Fatalf("applying a plan made before the cluster was created elsewhere: err %v; want already exists:\n%s", err, out)
	}
	if n := inst.Emulator.RequestCount("PUT", "/clusters/c1"); n != 1 {
		t.Errorf("%d PUTs of the cluster were sent; want only the other party's", n)
	}
	if st := w.state(); len(st) != 0 {
		t.Errorf("the state holds %d resources; want none", len(st))
	}
}
