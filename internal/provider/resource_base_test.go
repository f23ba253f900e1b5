package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/emulatortest"
)

// TestAccClusterResource_deletingOutOfBand deletes the cluster behind Terraform's back and plans while Azure
// still shows it with provisioning_state "deleting" (a real deletion takes minutes): the cluster is as good as
// gone, so the plan creates it again (a drift check exits 2, not 0), and the apply waits for the deletion to
// finish instead of failing with "already exists".
//
// The emulator's clock stands still from the deletion until the plan has been made, so that the plan meets the
// cluster being deleted however slow the machine is (with a wall-clock delay instead, a loaded machine could
// plan after the deletion ended, and the test passed without testing anything); the apply then waits for it.
func TestAccClusterResource_deletingOutOfBand(t *testing.T) {
	t.Parallel()
	clock := emulatortest.NewClock()
	inst := testAccEmulatorInstance(t, emulatortest.WithClock(clock))
	info := inst.Info
	id := testAccClusterID(info, "c1")
	config := testAccClusterConfig(info, testAccClusterManual("Standard_NC6", 1))
	var planned testAccMilestone
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckClusterDestroyed(t, info),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					testAccResumeClockAt(t, clock, &planned, "the plan after the deletion", func() {
						if _, err := testAccClient(t, info).BeginDeleteCluster(testAccContext(t), id); err != nil {
							t.Fatal(err)
						}
					})
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					testAccExpectDeleting(func(ctx context.Context) (*string, error) {
						return clusterProvisioningState(testAccClient(t, info), id)(ctx)
					}),
					planned.planCheck(),
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
	clock := emulatortest.NewClock()
	info := testAccEmulatorInstance(t, emulatortest.WithClock(clock)).Info
	config := testAccProviderConfig(info) + testAccWorkspaceResourceOnly(info, "ws-deleting")
	id := api.WorkspaceID{SubscriptionID: info.SubscriptionID, ResourceGroup: info.ResourceGroup, Name: "ws-deleting"}
	var planned testAccMilestone
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckWorkspaceDestroyed(t, info),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					testAccResumeClockAt(t, clock, &planned, "the plan after the deletion", func() {
						if _, err := testAccClient(t, info).BeginDeleteWorkspace(testAccContext(t), id); err != nil {
							t.Fatal(err)
						}
					})
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					testAccExpectDeleting(func(ctx context.Context) (*string, error) {
						return workspaceProvisioningState(testAccClient(t, info), id)(ctx)
					}),
					planned.planCheck(),
					plancheck.ExpectResourceAction(testAccWorkspaceAddr, plancheck.ResourceActionCreate),
				}},
				Check: testAccCheckWorkspaceInEmulator(t, info, id, nil),
			},
		},
	})
}

// testAccExpectDeleting is a plan check that the resource (whose provisioning state get reads) is still being
// deleted once the plan has been made: the plan met the deletion, not its end.
func testAccExpectDeleting(get func(context.Context) (*string, error)) plancheck.PlanCheck {
	return planCheckFunc(func(ctx context.Context) error {
		state, err := get(ctx)
		if err != nil || !isDeleting(state) {
			return fmt.Errorf("after the plan the resource reads %q (%v), want it still being deleted: the plan did not meet the deletion",
				api.Deref(state), err)
		}
		return nil
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

// TestSettleDelete: after a deletion's wait failed before the operation's end, reads decide. "deleting" is
// waited for and a failed read is repeated until a 404 says the deletion is done; a resource found not being
// deleted, or still being deleted when ctx ends, is an error that keeps the wait's error and says what was seen.
func TestSettleDelete(t *testing.T) {
	t.Parallel()
	waitErr := errors.New("polling the operation: 400 NoRegisteredProviderFound")
	gone := &client.Error{StatusCode: http.StatusNotFound, Code: "ResourceNotFound", Message: "not found"}
	reads := func(answers ...any) func(context.Context) (*string, error) {
		n := 0
		return func(context.Context) (*string, error) {
			a := answers[min(n, len(answers)-1)]
			n++
			if err, ok := a.(error); ok {
				return nil, err
			}
			state, _ := a.(string)
			return api.Ptr(state), nil
		}
	}
	deleting := api.ProvisioningStateDeleting
	if err := settleDelete(context.Background(), time.Millisecond,
		reads(deleting, errors.New("503 after the retries"), deleting, gone), waitErr); err != nil {
		t.Errorf("deleting, a failed read, deleting, then 404: %v, want nil", err)
	}
	err := settleDelete(context.Background(), time.Millisecond, reads(deleting, api.ProvisioningStateSucceeded), waitErr)
	if !errors.Is(err, waitErr) || !strings.Contains(err.Error(), `not being deleted (its provisioning_state is "succeeded")`) {
		t.Errorf("found not being deleted: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	err = settleDelete(ctx, time.Millisecond, reads(deleting), waitErr)
	if !errors.Is(err, waitErr) || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "still being deleted") {
		t.Errorf("still deleting when ctx ends: %v", err)
	}
}
