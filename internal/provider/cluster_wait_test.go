package provider

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/emulatortest"
)

// TestWaitForClusterSteadyStopsOnDeletion: a cluster deleted while apply waits for it to become steady
// fails the wait at once, rather than after the wait has polled it until it disappears. The emulator's clock
// stands still from the delete on, so the cluster stays "deleting" for as long as the wait looks at it.
func TestWaitForClusterSteadyStopsOnDeletion(t *testing.T) {
	t.Parallel()
	clock := emulatortest.NewClock()
	inst := emulatortest.Start(t, emulatortest.WithClock(clock))
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
		clock.Pause()
		_, err = c.BeginDeleteCluster(ctx, id)
	}
	if err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	_, err = waitForClusterSteady(wctx, c, defaultTiming, id)
	if err == nil || !strings.Contains(err.Error(), "being deleted") {
		t.Fatalf("waitForClusterSteady = %v, want an error saying the cluster is being deleted", err)
	}
}

func TestClusterNodeCeiling(t *testing.T) {
	for name, tc := range map[string]struct {
		props   *api.ClusterProperties
		ceiling int
		steady  bool
	}{
		"no properties": {nil, 0, false},
		"manual steady": {&api.ClusterProperties{AllocationState: api.Ptr("steady"),
			ScaleSettings: &api.ScaleSettings{Manual: &api.ManualScaleSettings{TargetNodeCount: api.Ptr[int32](3)}}}, 3, true},
		"auto resizing": {&api.ClusterProperties{AllocationState: api.Ptr("resizing"),
			ScaleSettings: &api.ScaleSettings{AutoScale: &api.AutoScaleSettings{MinimumNodeCount: api.Ptr[int32](0), MaximumNodeCount: api.Ptr[int32](4)}}}, 4, false},
	} {
		ceiling, steady := clusterNodeCeiling(api.Cluster{Properties: tc.props})
		if ceiling != tc.ceiling || steady != tc.steady {
			t.Errorf("%s: got (%d, %v), want (%d, %v)", name, ceiling, steady, tc.ceiling, tc.steady)
		}
	}
}

// TestWaitForClusterSteadyNotFoundGrace: right after a create, ARM may answer 404 for a cluster that exists
// (the emulator's ConsistencyLag). Within timing.notFoundGrace the wait reads on; past it, it believes the
// 404. The grace is injected, so the test takes milliseconds, not the 30 s of a real provider.
func TestWaitForClusterSteadyNotFoundGrace(t *testing.T) {
	t.Parallel()
	const lag = 3 // 404s before the cluster shows
	for name, tc := range map[string]struct {
		grace   time.Duration
		believe bool
	}{
		"a lag within the grace is waited out": {grace: time.Minute},
		"a 404 past the grace is believed":     {grace: time.Nanosecond, believe: true},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			inst := emulatortest.Start(t, func(c *emulator.Config) { c.ConsistencyLag = lag })
			c := testAccClient(t, inst.Info)
			ctx := testAccContext(t)
			ws, _ := testAccClusterSeedWorkspace(t, inst.Info, "")
			id := api.ClusterID{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Workspace: ws.Name, Name: "c1"}
			if _, err := c.BeginCreateCluster(ctx, id, api.ClusterCreateParameters{Properties: &api.ClusterBaseProperties{
				VMSize:              api.Ptr("Standard_NC6"),
				ScaleSettings:       &api.ScaleSettings{Manual: &api.ManualScaleSettings{TargetNodeCount: api.Ptr(int32(1))}},
				UserAccountSettings: &api.UserAccountSettings{AdminUserName: api.Ptr("u"), AdminUserPassword: api.Ptr("p")},
			}}); err != nil {
				t.Fatal(err)
			}
			before := inst.Emulator.RequestCount(http.MethodGet, "/clusters/c1")
			cl, err := waitForClusterSteady(ctx, c, timing{notFoundGrace: tc.grace}.withDefaults(), id)
			reads := inst.Emulator.RequestCount(http.MethodGet, "/clusters/c1") - before
			switch {
			case tc.believe && (!client.IsNotFound(err) || reads > lag):
				t.Errorf("after %d reads: %v, want the 404 believed before the lag of %d ran out", reads, err, lag)
			case !tc.believe && (err != nil || api.Deref(api.Deref(cl.Properties).AllocationState) != api.AllocationStateSteady):
				t.Errorf("after %d reads: %v, want a steady cluster", reads, err)
			case !tc.believe && reads <= lag:
				t.Errorf("%d reads: the lag of %d 404s was not seen", reads, lag)
			}
		})
	}
}
