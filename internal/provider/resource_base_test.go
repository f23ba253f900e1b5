package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
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

// TestPollUntil: the one polling loop ends with the poll's outcome when the poll is done, with a failed
// poll's error while ctx lives, and with expired(ctx.Err()) once ctx has ended, between polls or during one.
func TestPollUntil(t *testing.T) {
	t.Parallel()
	expired := func(err error) error { return fmt.Errorf("expired: %w", err) }
	boom := errors.New("boom")
	polls := 0
	if err := pollUntil(context.Background(), time.Millisecond, func(context.Context) (bool, error) {
		polls++
		return polls == 3, nil
	}, expired); err != nil || polls != 3 {
		t.Errorf("done on the third poll: %v after %d polls", err, polls)
	}
	if err := pollUntil(context.Background(), time.Millisecond, func(context.Context) (bool, error) {
		return true, boom
	}, expired); !errors.Is(err, boom) {
		t.Errorf("a done poll's error: %v", err)
	}
	if err := pollUntil(context.Background(), time.Millisecond, func(context.Context) (bool, error) {
		return false, boom
	}, expired); !errors.Is(err, boom) || strings.Contains(err.Error(), "expired") {
		t.Errorf("a failed poll while ctx lives: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := pollUntil(ctx, time.Hour, func(context.Context) (bool, error) {
		cancel() // the call fails because the apply ends under it
		return false, boom
	}, expired); !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "expired") {
		t.Errorf("a poll failed by ctx's end: %v", err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := pollUntil(ctx, time.Hour, func(context.Context) (bool, error) { return false, nil }, expired); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("ctx ending between polls: %v", err)
	}
}
