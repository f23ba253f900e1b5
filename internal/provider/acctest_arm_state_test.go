package provider

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// The one check of every fault test: what ARM holds equals what the state holds. An orphan is a workspace,
// cluster, file server, experiment or job in Azure that no state tracks (nobody will ever delete it); a lost resource is one the state tracks
// that Azure does not have. Resources being deleted are as good as gone (Read drops them too) and count as
// absent.

// armDiff lists the emulator's workspaces and everything in them (with the test's own client: list calls see a write at
// once, whatever the consistency lag) and compares their IDs, case-insensitively, with stateIDs.
func armDiff(t *testing.T, info emulator.Info, stateIDs []string) (orphans, lost []string) {
	t.Helper()
	c := testAccClient(t, info)
	ctx := testAccContext(t)
	var inARM []string
	workspaces, err := c.ListWorkspaces(ctx)
	if err != nil {
		t.Fatalf("listing the emulator's workspaces: %v", err)
	}
	for _, ws := range workspaces {
		if isDeleting(api.Deref(ws.Properties).ProvisioningState) {
			continue
		}
		id, err := api.ParseWorkspaceID(api.Deref(ws.ID))
		if err != nil {
			t.Fatal(err)
		}
		inARM = append(inARM, id.String())
		clusters, err := c.ListClusters(ctx, id)
		if err != nil {
			t.Fatalf("listing the clusters of %s: %v", id, err)
		}
		for _, cl := range clusters {
			if !isDeleting(api.Deref(cl.Properties).ProvisioningState) {
				inARM = append(inARM, api.Deref(cl.ID))
			}
		}
		fileServers, err := c.ListFileServers(ctx, id)
		if err != nil {
			t.Fatalf("listing the file servers of %s: %v", id, err)
		}
		for _, fs := range fileServers {
			if !isDeleting(api.Deref(fs.Properties).ProvisioningState) {
				inARM = append(inARM, api.Deref(fs.ID))
			}
		}
		experiments, err := c.ListExperiments(ctx, id)
		if err != nil {
			t.Fatalf("listing the experiments of %s: %v", id, err)
		}
		for _, x := range experiments {
			if isDeleting(api.Deref(x.Properties).ProvisioningState) {
				continue
			}
			inARM = append(inARM, api.Deref(x.ID))
			xid, err := api.ParseExperimentID(api.Deref(x.ID))
			if err != nil {
				t.Fatal(err)
			}
			jobs, err := c.ListJobs(ctx, xid)
			if err != nil {
				t.Fatalf("listing the jobs of %s: %v", xid, err)
			}
			for _, j := range jobs {
				if !isDeleting(api.Deref(j.Properties).ProvisioningState) {
					inARM = append(inARM, api.Deref(j.ID))
				}
			}
		}
	}
	norm := func(ids []string) []string {
		out := make([]string, 0, len(ids))
		for _, id := range ids {
			out = append(out, strings.ToLower(id))
		}
		slices.Sort(out)
		return out
	}
	arm, state := norm(inARM), norm(stateIDs)
	for _, id := range arm {
		if !slices.Contains(state, id) {
			orphans = append(orphans, id)
		}
	}
	for _, id := range state {
		if !slices.Contains(arm, id) {
			lost = append(lost, id)
		}
	}
	return orphans, lost
}

// armTrackedTypes are the resource types whose instances armDiff compares with what ARM holds.
var armTrackedTypes = map[string]bool{
	"batchai_workspace": true, "batchai_cluster": true, "batchai_file_server": true, "batchai_experiment": true,
	"batchai_job": true,
}

// armStateError says what differs, or is nil.
func armStateError(orphans, lost []string) error {
	if len(orphans) == 0 && len(lost) == 0 {
		return nil
	}
	return fmt.Errorf("ARM and the state differ: %d orphan(s) in ARM that no state tracks %q; %d lost resource(s) in "+
		"the state that ARM does not hold %q", len(orphans), orphans, len(lost), lost)
}

// checkARMMatchesState fails t unless ARM holds exactly the workspaces and clusters of stateIDs.
func checkARMMatchesState(t *testing.T, info emulator.Info, stateIDs []string) {
	t.Helper()
	if err := armStateError(armDiff(t, info, stateIDs)); err != nil {
		t.Fatal(err)
	}
}

// testAccCheckARMMatchesState is checkARMMatchesState for a terraform-plugin-testing step (Check or CheckDestroy),
// over the workspaces and clusters of its state.
func testAccCheckARMMatchesState(t *testing.T, info emulator.Info) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		return armStateError(armDiff(t, info, terraformStateIDs(s)))
	}
}

// testAccCheckARMEmpty is the CheckDestroy of the fault tests: after the destroy (whose state CheckDestroy is
// given is the one from before it), ARM holds none of armTrackedTypes at all.
func testAccCheckARMEmpty(t *testing.T, info emulator.Info) resource.TestCheckFunc {
	return func(*terraform.State) error {
		return armStateError(armDiff(t, info, nil))
	}
}

// terraformStateIDs are the ids of every resource of armTrackedTypes in a terraform-plugin-testing state.
func terraformStateIDs(s *terraform.State) []string {
	var ids []string
	if s == nil || s.RootModule() == nil {
		return nil
	}
	for _, rs := range s.RootModule().Resources {
		if armTrackedTypes[rs.Type] && rs.Primary != nil {
			ids = append(ids, rs.Primary.ID)
		}
	}
	return ids
}

// TestARMDiffSeesOrphansAndLosses: the check can fail. A workspace created behind the state's back is an
// orphan, an ID the state holds that ARM lacks is lost, and equal sets pass.
func TestARMDiffSeesOrphansAndLosses(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	ws, _ := testAccClusterSeedWorkspace(t, info, "")
	ghost := api.ClusterID{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Workspace: ws.Name, Name: "ghost"}
	orphans, lost := armDiff(t, info, []string{ghost.String()})
	if len(orphans) != 1 || !strings.EqualFold(orphans[0], ws.String()) || len(lost) != 1 || !strings.EqualFold(lost[0], ghost.String()) {
		t.Errorf("orphans %q, lost %q; want the workspace orphaned and the ghost cluster lost", orphans, lost)
	}
	if err := armStateError(armDiff(t, info, []string{strings.ToUpper(ws.String())})); err != nil {
		t.Errorf("the same workspace in another letter case: %v", err)
	}
}
