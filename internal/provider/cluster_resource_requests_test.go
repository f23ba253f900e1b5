package provider

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// requestKinds sorts the ARM requests the emulator received between two snapshots (emulator.RequestCounts) by
// kind: "PUT cluster", "GET cluster", "GET workspace", "GET usages", "GET poll" (a long-running operation's
// status), or "other METHOD path". Requests outside ARM's Batch AI paths (metadata, tokens) are left out: the
// provider's sign-in is not the create's.
func requestKinds(before, after map[string]int) map[string]int {
	kinds := map[string]int{}
	for key, n := range after {
		n -= before[key]
		method, p, _ := strings.Cut(key, " ")
		if n == 0 || !strings.Contains(p, "/providers/microsoft.batchai/") {
			continue
		}
		_, rest, _ := strings.Cut(p, "/providers/microsoft.batchai/")
		segs := strings.Split(rest, "/")
		switch {
		case strings.Contains(rest, "operation"):
			kinds[method+" poll"] += n
		case len(segs) >= 3 && segs[len(segs)-1] == "usages":
			kinds[method+" usages"] += n
		case len(segs) == 4 && segs[0] == "workspaces" && segs[2] == "clusters":
			kinds[method+" cluster"] += n
		case len(segs) == 2 && segs[0] == "workspaces":
			kinds[method+" workspace"] += n
		default:
			kinds["other "+key] += n
		}
	}
	return kinds
}

// describeKinds lists request counts by kind, in a stable order, for failure messages.
func describeKinds(kinds map[string]int) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(kinds)) {
		fmt.Fprintf(&b, "\n  %-14s %d", k, kinds[k])
	}
	return b.String()
}

// testAccClusterInWorkspaceConfig is the provider and the cluster c1 with body in ws, a workspace made
// through the API (testAccClusterSeedWorkspace).
func testAccClusterInWorkspaceConfig(info emulator.Info, ws api.WorkspaceID, body string) string {
	return testAccProviderConfig(info) + fmt.Sprintf(`
resource "batchai_cluster" "test" {
  name         = "c1"
  workspace_id = %q
%s
}
`, ws.String(), body)
}

// TestAccCluster_createRequests counts, through the CLI, what the create of one cluster in an existing
// workspace sends. `terraform plan` checks the quota (workspace, cluster, usages: 3 reads); applying that
// plan sends exactly 1 PUT and 4 other requests plus the operation's polls: the apply-time plan's preflight
// (the workspace for its location, the cluster's 404, the usages), which Create trusts instead of checking
// again, and the poller's final read, which shows the cluster succeeded and steady and so ends the wait.
func TestAccCluster_createRequests(t *testing.T) {
	t.Parallel()
	inst := testAccEmulatorInstance(t)
	ws, _ := testAccClusterSeedWorkspace(t, inst.Info, "")
	w := newCLIWorkdir(t, map[string]string{"main.tf": testAccClusterInWorkspaceConfig(inst.Info, ws, testAccClusterManual("Standard_NC6", 0))})

	check := func(phase string, before map[string]int, want map[string]int, anyPolls bool) {
		t.Helper()
		got := requestKinds(before, inst.Emulator.RequestCounts())
		polls := got["GET poll"]
		if anyPolls {
			delete(got, "GET poll")
		}
		if !maps.Equal(got, want) {
			t.Errorf("%s sent, by kind:%s\nwant:%s", phase, describeKinds(got), describeKinds(want))
		} else {
			t.Logf("%s sent, by kind:%s\n  (and %d poll(s))", phase, describeKinds(got), polls)
		}
	}

	before := inst.Emulator.RequestCounts()
	w.mustRun("plan", "-out=tfplan", "-input=false", "-no-color")
	check("plan", before, map[string]int{"GET workspace": 1, "GET cluster": 1, "GET usages": 1}, false)

	before = inst.Emulator.RequestCounts()
	w.mustRun("apply", "-input=false", "-no-color", "tfplan")
	check("apply", before, map[string]int{"PUT cluster": 1, "GET workspace": 1, "GET cluster": 2, "GET usages": 1}, true)

	// The state recorded from the poller's final read is the cluster as it is: nothing left to change.
	st := w.state()["batchai_cluster.test"]
	if st.Values["provisioning_state"] != "succeeded" || st.Values["allocation_state"] != "steady" {
		t.Fatalf("state after the create: provisioning_state %v, allocation_state %v; want succeeded and steady",
			st.Values["provisioning_state"], st.Values["allocation_state"])
	}
	if changes, out := w.plan(); changes {
		t.Fatalf("the plan after the create has changes:\n%s", out)
	}
}
