package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// TestAccWorkspaceResource_lostAnswers loses the answer of each write after the service processed it, with
// every retry refused: the create's PUT (before the one recovery of every create, the workspace existed in
// ARM and not in the state), the tags' PATCH and the DELETE. Every apply succeeds, and ARM equals the state.
func TestAccWorkspaceResource_lostAnswers(t *testing.T) {
	t.Parallel()
	inst := testAccEmulatorInstance(t)
	info := inst.Info
	id := api.WorkspaceID{SubscriptionID: info.SubscriptionID, ResourceGroup: info.ResourceGroup, Name: "ws-lost"}
	lose := func(method string) func() {
		return func() { testAccLoseAnswer(inst.Emulator, method, "/workspaces/ws-lost") }
	}
	dropped := func(n int) resource.TestCheckFunc {
		return func(*terraform.State) error {
			if got := inst.Emulator.FaultCounts()[emulator.FaultDrop]; got != n {
				return fmt.Errorf("%d answers were dropped, want %d: the test did not lose what it meant to", got, n)
			}
			return nil
		}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFaultProviderFactories(),
		CheckDestroy:             testAccCheckARMEmpty(t, info),
		Steps: []resource.TestStep{
			{
				PreConfig: lose("PUT"),
				Config:    testAccWorkspaceConfig(info, "ws-lost", "eastus", "{}"),
				Check:     resource.ComposeAggregateTestCheckFunc(dropped(1), testAccCheckARMMatchesState(t, info)),
			},
			{
				PreConfig: lose("PATCH"),
				Config:    testAccWorkspaceConfig(info, "ws-lost", "eastus", `{ team = "ml" }`),
				Check: resource.ComposeAggregateTestCheckFunc(dropped(2), testAccCheckARMMatchesState(t, info),
					testAccCheckWorkspaceInEmulator(t, info, id, map[string]string{"team": "ml"}),
					resource.TestCheckResourceAttr(testAccWorkspaceAddr, "tags.team", "ml")),
			},
			{
				PreConfig: lose("DELETE"),
				Config:    testAccWorkspaceConfig(info, "ws-lost", "eastus", `{ team = "ml" }`),
				Destroy:   true,
				Check:     dropped(3),
			},
		},
	})
}

// TestAccWorkspaceResource_readAfterWriteLag: every write makes the next 1, 2 or 3 reads of the workspace answer
// 404 (ARM's replicas lagging). The create and the tag update read it back until it shows, so the refresh after
// each apply never drops it (before, the refresh after the create read the 404 and the next plan created the
// workspace again).
func TestAccWorkspaceResource_readAfterWriteLag(t *testing.T) {
	t.Parallel()
	for lag := 1; lag <= 3; lag++ {
		t.Run(fmt.Sprintf("lag %d", lag), func(t *testing.T) {
			t.Parallel()
			info := testAccEmulatorInstance(t, func(c *emulator.Config) { c.ConsistencyLag = lag }).Info
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccFaultProviderFactories(),
				CheckDestroy:             testAccCheckARMEmpty(t, info),
				Steps: []resource.TestStep{
					{Config: testAccWorkspaceConfig(info, "ws-lag", "eastus", "{}"), Check: testAccCheckARMMatchesState(t, info)},
					{Config: testAccWorkspaceConfig(info, "ws-lag", "eastus", `{ env = "lag" }`), Check: testAccCheckARMMatchesState(t, info)},
				},
			})
		})
	}
}
