package client_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/emulatortest"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/sim"
)

// These tests run the client against the in-process emulator over HTTPS with azidentity tokens:
// the same path the provider takes.

func newEmulatorClient(t *testing.T, opts ...func(*emulator.Config)) (*client.Client, *emulatortest.Instance) {
	t.Helper()
	inst := emulatortest.Start(t, opts...)
	c, err := client.New(client.Options{
		Endpoint: inst.Endpoint, Audience: inst.Audience, SubscriptionID: inst.SubscriptionID,
		Credential: inst.Credential(t), Transport: inst.HTTPClient(), PollFrequency: 10 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, inst
}

func createWorkspace(t *testing.T, ctx context.Context, c *client.Client, inst *emulatortest.Instance, name string) api.WorkspaceID {
	t.Helper()
	id := api.WorkspaceID{SubscriptionID: inst.SubscriptionID, ResourceGroup: inst.ResourceGroup, Name: name}
	p, err := c.BeginCreateWorkspace(ctx, id, api.WorkspaceCreateParameters{Location: api.Ptr("East US")})
	if err == nil {
		_, err = p.Wait(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func manualCluster(nodes int32) api.ClusterCreateParameters {
	return api.ClusterCreateParameters{Properties: &api.ClusterBaseProperties{
		VMSize:              api.Ptr("STANDARD_NC6"),
		ScaleSettings:       &api.ScaleSettings{Manual: &api.ManualScaleSettings{TargetNodeCount: api.Ptr(nodes)}},
		UserAccountSettings: &api.UserAccountSettings{AdminUserName: api.Ptr("admin"), AdminUserPassword: api.Ptr("S3cret-pw!")},
	}}
}

func TestEmulatorWorkspaceLifecycle(t *testing.T) {
	c, inst := newEmulatorClient(t, func(cfg *emulator.Config) { cfg.PageSize = 1 })
	ctx := t.Context()
	for _, n := range []string{"ws-a", "ws-b", "ws-c"} {
		createWorkspace(t, ctx, c, inst, n)
	}
	ws, err := c.GetWorkspace(ctx, api.WorkspaceID{SubscriptionID: inst.SubscriptionID, ResourceGroup: inst.ResourceGroup, Name: "ws-b"})
	if err != nil || api.Deref(ws.Location) != "eastus" || api.Deref(ws.Type) != api.TypeWorkspace {
		t.Fatalf("get: %+v %v", ws, err)
	}
	list, err := c.ListWorkspacesByResourceGroup(ctx, inst.SubscriptionID, inst.ResourceGroup)
	if err != nil || len(list) != 3 {
		t.Fatalf("paged list (1 per page) gave %d workspaces: %v", len(list), err)
	}
	if n := inst.Emulator.RequestCount("GET", "/workspaces"); n < 3 {
		t.Errorf("%d GETs for three one-item pages", n)
	}
	all, err := c.ListWorkspacesBySubscription(ctx, inst.SubscriptionID)
	if err != nil || len(all) != 3 {
		t.Fatalf("paged list of the subscription gave %d workspaces: %v", len(all), err)
	}
	if _, err := c.ListWorkspacesBySubscription(ctx, inst.OtherSubscriptionID); client.ErrorCode(err) != "AuthorizationFailed" {
		t.Errorf("listing a subscription without a role: %v, want AuthorizationFailed", err)
	}
	id := api.WorkspaceID{SubscriptionID: inst.SubscriptionID, ResourceGroup: inst.ResourceGroup, Name: "ws-a"}
	updated, err := c.UpdateWorkspace(ctx, id, api.WorkspaceUpdateParameters{Tags: map[string]string{"team": "ml"}})
	if err != nil || updated.Tags["team"] != "ml" {
		t.Fatalf("update: %+v %v", updated, err)
	}
	p, err := c.BeginDeleteWorkspace(ctx, id)
	if err == nil {
		_, err = p.Wait(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetWorkspace(ctx, id); !client.IsNotFound(err) {
		t.Fatalf("after delete: %v", err)
	}
	// Deleting again is a 204, which is success.
	p, err = c.BeginDeleteWorkspace(ctx, id)
	if err == nil {
		_, err = p.Wait(ctx)
	}
	if err != nil {
		t.Fatalf("second delete: %v", err)
	}
}

func TestEmulatorClusterQuotaFailureIsAnLROError(t *testing.T) {
	c, inst := newEmulatorClient(t)
	ctx := t.Context()
	if err := inst.Emulator.SetQuota("eastus", sim.Quota{Clusters: 5, DedicatedVCPUs: 12, LowPriorityVCPUs: 12}); err != nil {
		t.Fatal(err)
	}
	ws := createWorkspace(t, ctx, c, inst, "ws")
	id := api.ClusterID{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Workspace: ws.Name, Name: "big"}
	p, err := c.BeginCreateCluster(ctx, id, manualCluster(4)) // 4 x 6 vCPUs > 12
	if err != nil {
		t.Fatalf("the PUT itself should be accepted: %v", err)
	}
	_, err = p.Wait(ctx)
	var e *client.Error
	if !errors.As(err, &e) || e.Code != "QuotaExceeded" || !strings.Contains(e.Message, "24") || !strings.Contains(e.Message, "12") {
		t.Fatalf("want a QuotaExceeded error naming 24 requested and 12 allowed vCPUs, got %v", err)
	}
	cl, err := c.GetCluster(ctx, id)
	if err != nil || api.Deref(cl.Properties.ProvisioningState) != api.ProvisioningStateFailed {
		t.Fatalf("the failed cluster should remain, failed: %+v %v", cl.Properties, err)
	}
}

func TestEmulatorThrottlingAndServerErrorsAreRetried(t *testing.T) {
	c, inst := newEmulatorClient(t)
	ctx := t.Context()
	ws := createWorkspace(t, ctx, c, inst, "ws")
	inst.Emulator.InjectFault(emulator.Fault{Method: "GET", PathContains: "/workspaces/ws", Status: 429, RetryAfter: 20 * time.Millisecond, Times: 2})
	inst.Emulator.InjectFault(emulator.Fault{Method: "GET", PathContains: "/workspaces/ws", Status: 503, RetryAfter: 10 * time.Millisecond})
	if _, err := c.GetWorkspace(ctx, ws); err != nil {
		t.Fatalf("three transient failures should be retried: %v", err)
	}
	if n := inst.Emulator.RequestCount("GET", "/workspaces/ws"); n != 4 {
		t.Errorf("want 4 GETs (3 failed + 1), the emulator saw %d", n)
	}
}

func TestEmulatorClusterResizeAndNodes(t *testing.T) {
	c, inst := newEmulatorClient(t)
	ctx := t.Context()
	ws := createWorkspace(t, ctx, c, inst, "ws")
	id := api.ClusterID{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Workspace: ws.Name, Name: "c1"}
	p, err := c.BeginCreateCluster(ctx, id, manualCluster(2))
	if err == nil {
		_, err = p.Wait(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	waitSteady := func(want int32) api.Cluster {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			cl, err := c.GetCluster(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if api.Deref(cl.Properties.AllocationState) == api.AllocationStateSteady && api.Deref(cl.Properties.CurrentNodeCount) == want {
				return cl
			}
			if time.Now().After(deadline) {
				t.Fatalf("never steady at %d nodes: %+v", want, cl.Properties)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitSteady(2)
	nodes, err := c.ListRemoteLoginInformation(ctx, id)
	if err != nil || len(nodes) != 2 || api.Deref(nodes[0].Port) < 50000 || api.Deref(nodes[0].IPAddress) != api.Deref(nodes[1].IPAddress) {
		t.Fatalf("nodes %+v %v", nodes, err)
	}
	_, err = c.UpdateCluster(ctx, id, api.ClusterUpdateParameters{Properties: &api.ClusterUpdateProperties{
		ScaleSettings: &api.ScaleSettings{Manual: &api.ManualScaleSettings{TargetNodeCount: api.Ptr(int32(0))}}}})
	if err != nil {
		t.Fatal(err)
	}
	cl := waitSteady(0)
	if u := cl.Properties.UserAccountSettings; u == nil || u.AdminUserPassword != nil {
		t.Fatalf("the password came back: %+v", u)
	}
	dp, err := c.BeginDeleteCluster(ctx, id)
	if err == nil {
		_, err = dp.Wait(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetCluster(ctx, id); !client.IsNotFound(err) || client.ErrorCode(err) != "ClusterNotFound" {
		t.Fatalf("after delete: %v", err)
	}
}

// TestPollerResultRead: a create that answers at once (a workspace's PUT) gives a result that is its own
// answer, not a read; one that runs as an operation (a cluster's) gives azcore's final read after the polls.
func TestPollerResultRead(t *testing.T) {
	c, inst := newEmulatorClient(t)
	ctx := t.Context()
	wsID := api.WorkspaceID{SubscriptionID: inst.SubscriptionID, ResourceGroup: inst.ResourceGroup, Name: "ws"}
	wp, err := c.BeginCreateWorkspace(ctx, wsID, api.WorkspaceCreateParameters{Location: api.Ptr("eastus")})
	if err == nil {
		_, err = wp.Wait(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	if wp.ResultRead() {
		t.Error("the workspace's synchronous create counts as a read after polls")
	}
	id := api.ClusterID{SubscriptionID: wsID.SubscriptionID, ResourceGroup: wsID.ResourceGroup, Workspace: wsID.Name, Name: "c1"}
	cp, err := c.BeginCreateCluster(ctx, id, manualCluster(0))
	var cl api.Cluster
	if err == nil {
		cl, err = cp.Wait(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	if !cp.ResultRead() || cl.ID == nil {
		t.Errorf("the cluster's create: ResultRead %v, result ID %v; want true and the cluster's ID", cp.ResultRead(), cl.ID)
	}
}
