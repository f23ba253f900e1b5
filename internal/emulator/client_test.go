package emulator_test

import (
	"context"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	armclient "github.com/batchai-tf/terraform-provider-batchai/internal/client"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/emulatortest"
)

// TestWithAzcoreClient drives the emulator with the project's azcore-based client: azidentity tokens,
// azcore's LRO pollers (Azure-AsyncOperation), paging and error parsing, as the provider will.
func TestWithAzcoreClient(t *testing.T) {
	inst := emulatortest.Start(t, func(c *emulator.Config) { c.PageSize = 2 })
	cl, err := armclient.New(armclient.Options{
		Endpoint: inst.Endpoint, Audience: inst.Audience, SubscriptionID: inst.SubscriptionID,
		Credential: inst.Credential(t), Transport: inst.HTTPClient(), PollFrequency: 10 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()

	if _, err := cl.CreateResourceGroup(ctx, "rg", "eastus"); err != nil {
		t.Fatal(err)
	}
	wsID := api.WorkspaceID{SubscriptionID: inst.SubscriptionID, ResourceGroup: "rg", Name: "ws"}
	wp, err := cl.BeginCreateWorkspace(ctx, wsID, api.WorkspaceCreateParameters{Location: api.Ptr("eastus")})
	if err != nil {
		t.Fatal(err)
	}
	ws, err := wp.Wait(ctx)
	if err != nil || *ws.Properties.ProvisioningState != "succeeded" {
		t.Fatalf("workspace: %+v %v", ws, err)
	}

	var body api.ClusterCreateParameters
	body.Properties = &api.ClusterBaseProperties{
		VMSize:        api.Ptr("STANDARD_NC6"),
		ScaleSettings: &api.ScaleSettings{Manual: &api.ManualScaleSettings{TargetNodeCount: api.Ptr(int32(2))}},
		UserAccountSettings: &api.UserAccountSettings{
			AdminUserName: api.Ptr("admin"), AdminUserPassword: api.Ptr("SENTINEL-PW"),
		},
	}
	id := api.ClusterID{SubscriptionID: inst.SubscriptionID, ResourceGroup: "rg", Workspace: "ws", Name: "c1"}
	cp, err := cl.BeginCreateCluster(ctx, id, body)
	if err != nil {
		t.Fatal(err)
	}
	c, err := cp.Wait(ctx)
	if err != nil || *c.Name != "c1" || c.Properties.UserAccountSettings.AdminUserPassword != nil {
		t.Fatalf("cluster: %+v %v", c, err)
	}
	c, err = cl.UpdateCluster(ctx, id, api.ClusterUpdateParameters{Properties: &api.ClusterUpdateProperties{
		ScaleSettings: &api.ScaleSettings{Manual: &api.ManualScaleSettings{TargetNodeCount: api.Ptr(int32(3))}}}})
	if err != nil || *c.Properties.ScaleSettings.Manual.TargetNodeCount != 3 {
		t.Fatalf("update: %v", err)
	}
	for _, n := range []string{"c2", "c3"} {
		id2 := id
		id2.Name = n
		p, err := cl.BeginCreateCluster(ctx, id2, body)
		if err == nil {
			_, err = p.Wait(ctx)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	list, err := cl.ListClusters(ctx, wsID)
	if err != nil || len(list) != 3 {
		t.Fatalf("list (2 per page): %d %v", len(list), err)
	}
	for deadline := time.Now().Add(waitDeadline); ; time.Sleep(waitStep) {
		c, err = cl.GetCluster(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if *c.Properties.AllocationState == "steady" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("c1 not steady after %s: %+v", waitDeadline, c.Properties)
		}
	}
	logins, err := cl.ListRemoteLoginInformation(ctx, id)
	if err != nil || len(logins) != 3 {
		t.Fatalf("logins (POST then GET pages): %d %v", len(logins), err)
	}
	usages, err := cl.ListUsages(ctx, "eastus")
	if err != nil || len(usages) == 0 {
		t.Fatalf("usages: %v", err)
	}
	ops, err := cl.ListOperations(ctx)
	if err != nil || len(ops) != 26 {
		t.Fatalf("operations: %d %v", len(ops), err)
	}

	// Beyond quota: accepted, then the operation fails with the service's error.
	big := id
	big.Name = "big"
	body.Properties.ScaleSettings.Manual.TargetNodeCount = api.Ptr(int32(100))
	bp, err := cl.BeginCreateCluster(ctx, big, body)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bp.Wait(ctx); armclient.ErrorCode(err) != "QuotaExceeded" {
		t.Errorf("quota failure: %v", err)
	}

	dp, err := cl.BeginDeleteCluster(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dp.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.GetCluster(ctx, id); !armclient.IsNotFound(err) || armclient.ErrorCode(err) != "ClusterNotFound" {
		t.Errorf("after delete: %v", err)
	}
	// Deleting what is gone succeeds (204).
	if dp, err = cl.BeginDeleteCluster(ctx, id); err == nil {
		_, err = dp.Wait(ctx)
	}
	if err != nil {
		t.Errorf("second delete: %v", err)
	}
	gp, err := cl.BeginDeleteResourceGroup(ctx, "rg")
	if err == nil {
		_, err = gp.Wait(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.GetResourceGroup(ctx, "rg"); armclient.ErrorCode(err) != "ResourceGroupNotFound" {
		t.Errorf("group after delete: %v", err)
	}
}
