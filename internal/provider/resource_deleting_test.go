package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/emulatortest"
)

// TestAccClusterResource_deletingOutOfBand deletes the cluster behind Terraform's back and plans at once,
// while Azure still shows it with provisioning_state "deleting" (a real deletion takes minutes): the
// cluster is as good as gone, so the plan creates it again (a drift check exits 2, not 0), and the apply
// waits for the deletion to finish instead of failing with "already exists".
func TestAccClusterResource_deletingOutOfBand(t *testing.T) {
	t.Parallel()
	inst := testAccEmulatorInstance(t)
	info := inst.Info
	config := testAccClusterConfig(info, testAccClusterManual("Standard_NC6", 1))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckClusterDestroyed(t, info),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					// The node takes this long to leave, and the cluster stays "deleting" until it has.
					inst.Emulator.SetProvisioningDelay(3 * time.Second)
					if _, err := testAccClient(t, info).BeginDeleteCluster(testAccContext(t), testAccClusterID(info, "c1")); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccClusterAddr, plancheck.ResourceActionCreate),
				}},
				ConfigStateChecks: testAccClusterSteady(1),
			},
		},
	})
}

// TestAccWorkspaceResource_deletingOutOfBand is the workspace twin of the test above.
func TestAccWorkspaceResource_deletingOutOfBand(t *testing.T) {
	t.Parallel()
	info := testAccEmulatorInstance(t, func(c *emulator.Config) { c.OperationDelay = 3 * time.Second }).Info
	config := testAccProviderConfig(info) + testAccWorkspaceResourceOnly(info, "ws-deleting")
	id := api.WorkspaceID{SubscriptionID: info.SubscriptionID, ResourceGroup: info.ResourceGroup, Name: "ws-deleting"}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckWorkspaceDestroyed(t, info),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					if _, err := testAccClient(t, info).BeginDeleteWorkspace(testAccContext(t), id); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccWorkspaceAddr, plancheck.ResourceActionCreate),
				}},
				Check: testAccCheckWorkspaceInEmulator(t, info, id, nil),
			},
		},
	})
}

// TestWaitForClusterSteadyStopsOnDeletion: a cluster deleted while apply waits for it to become steady
// fails the wait at once, rather than after the wait has polled it until it disappears.
func TestWaitForClusterSteadyStopsOnDeletion(t *testing.T) {
	t.Parallel()
	inst := emulatortest.Start(t, func(c *emulator.Config) { c.ProvisioningDelay = 5 * time.Second })
	info := inst.Info
	c := testAccClient(t, info)
	ctx := testAccContext(t)
	ws, _ := testAccClusterSeedWorkspace(t, info, "")
	id := api.ClusterID{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Workspace: ws.Name, Name: "c1"}
	p, err := c.BeginCreateCluster(ctx, id, api.ClusterCreateParameters{Properties: &api.ClusterBaseProperties{
		VMSize:              api.Ptr("Standard_NC6"),
		ScaleSettings:       &api.ScaleSettings{Manual: &api.ManualScaleSettings{TargetNodeCount: api.Ptr(int32(1))}},
		UserAccountSettings: &api.UserAccountSettings{AdminUserName: api.Ptr("u"), AdminUserPassword: api.Ptr("p")},
	}})
	if err == nil {
		_, err = p.Wait(ctx)
	}
	if err == nil {
		_, err = c.BeginDeleteCluster(ctx, id)
	}
	if err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	_, err = waitForClusterSteady(wctx, c, id)
	if err == nil || !strings.Contains(err.Error(), "being deleted") {
		t.Fatalf("waitForClusterSteady = %v, want an error saying the cluster is being deleted", err)
	}
}
