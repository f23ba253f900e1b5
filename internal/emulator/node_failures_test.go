package emulator_test

import (
	"strings"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/emulatortest"
)

// clockedClient is an emulator on a settable clock with round delays: nothing moves until the test
// advances time.
func clockedClient(t *testing.T, opts ...func(*emulator.Config)) (*client, *emulatortest.Clock) {
	t.Helper()
	clock := emulatortest.NewPausedClock(time.Date(2021, 2, 22, 11, 8, 36, 0, time.UTC))
	c := newClient(t, append([]func(*emulator.Config){emulatortest.WithClock(clock), func(cfg *emulator.Config) {
		cfg.ProvisioningDelay = 10 * time.Second
		cfg.AllocationDelay = -1
		cfg.OperationDelay = 2 * time.Second
	}}, opts...)...)
	return c, clock
}

// getCluster reads cluster name of rg/ws.
func (c *client) getCluster(name string) api.Cluster {
	c.t.Helper()
	var cl api.Cluster
	c.must(200, "GET", c.cluster("rg", "ws", name)+apiVersion, nil).decode(c.t, &cl)
	return cl
}

func TestFailedSetupTaskLeavesNodesUnusable(t *testing.T) {
	c, clock := clockedClient(t)
	c.createWorkspace("rg", "ws")
	body := clusterBody(2)
	obj(body["properties"])["nodeSetup"] = map[string]any{"setupTask": map[string]any{
		"commandLine":         "echo installing; echo 'E: Unable to locate package' >&2; exit 3",
		"stdOutErrPathPrefix": "$AZ_BATCHAI_MOUNT_ROOT/afs",
	}}
	c.must(202, "PUT", c.cluster("rg", "ws", "c1")+apiVersion, body)
	if cl := c.getCluster("c1"); *cl.Properties.NodeStateCounts.PreparingNodeCount != 2 || len(cl.Properties.Errors) != 0 {
		t.Fatalf("right after the create: %+v, errors %+v", cl.Properties.NodeStateCounts, cl.Properties.Errors)
	}
	clock.Advance(10 * time.Second)
	cl := c.getCluster("c1")
	p := cl.Properties
	if *p.AllocationState != api.AllocationStateSteady || *p.CurrentNodeCount != 2 || *p.NodeStateCounts.UnusableNodeCount != 2 ||
		*p.NodeStateCounts.IdleNodeCount != 0 || *p.ProvisioningState != api.ProvisioningStateSucceeded {
		t.Fatalf("after setup: %s, %d nodes, %+v", *p.AllocationState, *p.CurrentNodeCount, p.NodeStateCounts)
	}
	if len(p.Errors) != 2 {
		t.Fatalf("errors: %+v", p.Errors)
	}
	for _, e := range p.Errors {
		if *e.Code != "SetupTaskFailed" || !strings.Contains(*e.Message, "exit code 3") || !strings.Contains(*e.Message, *p.NodeSetup.SetupTask.StdOutErrPathSuffix) {
			t.Errorf("error: %s: %s", *e.Code, *e.Message)
		}
	}
	// The unusable nodes can still be reached to find out what went wrong.
	var logins api.RemoteLoginInformationListResult
	c.must(200, "POST", c.cluster("rg", "ws", "c1")+"/listRemoteLoginInformation"+apiVersion, nil).decode(t, &logins)
	if len(logins.Value) != 2 {
		t.Errorf("remote logins: %+v", logins.Value)
	}
	c.checkNoSecrets()
}

func TestRegionalCapacityKnob(t *testing.T) {
	c, clock := clockedClient(t, func(cfg *emulator.Config) { cfg.RegionalCapacity = 2 })
	c.createWorkspace("rg", "ws")
	c.must(202, "PUT", c.cluster("rg", "ws", "big")+apiVersion, clusterBody(5))
	clock.Advance(10 * time.Second)
	p := c.getCluster("big").Properties
	if *p.AllocationState != api.AllocationStateSteady || *p.CurrentNodeCount != 2 || *p.ScaleSettings.Manual.TargetNodeCount != 5 {
		t.Fatalf("allocation short of the target: %s, %d nodes", *p.AllocationState, *p.CurrentNodeCount)
	}
	if len(p.Errors) != 1 || *p.Errors[0].Code != "AllocationFailed" || !strings.Contains(*p.Errors[0].Message, "only 2 of the 5") {
		t.Fatalf("errors: %+v", p.Errors)
	}
	// A cluster within the capacity is not affected.
	c.must(202, "PUT", c.cluster("rg", "ws", "small")+apiVersion, clusterBody(2))
	clock.Advance(10 * time.Second)
	if p := c.getCluster("small").Properties; *p.CurrentNodeCount != 2 || len(p.Errors) != 0 {
		t.Errorf("small cluster: %d nodes, errors %+v", *p.CurrentNodeCount, p.Errors)
	}
}

func TestPreemptionIntervalKnob(t *testing.T) {
	c, clock := clockedClient(t, func(cfg *emulator.Config) { cfg.PreemptionInterval = time.Minute })
	c.createWorkspace("rg", "ws")
	body := clusterBody(2)
	obj(body["properties"])["vmPriority"] = "lowpriority"
	c.must(202, "PUT", c.cluster("rg", "ws", "low")+apiVersion, body)
	c.must(202, "PUT", c.cluster("rg", "ws", "dedicated")+apiVersion, clusterBody(1))
	clock.Advance(10 * time.Second)
	first := c.getCluster("low")
	if *first.Properties.NodeStateCounts.IdleNodeCount != 2 {
		t.Fatalf("not idle: %+v", first.Properties.NodeStateCounts)
	}
	clock.Advance(time.Minute) // the nodes became idle a minute ago: Azure takes them back
	if n := c.getCluster("low").Properties.NodeStateCounts; *n.LeavingNodeCount != 2 {
		t.Fatalf("not preempted after the interval: %+v", n)
	}
	clock.Advance(20 * time.Second) // gone, and replacements prepared
	var logins api.RemoteLoginInformationListResult
	c.must(200, "POST", c.cluster("rg", "ws", "low")+"/listRemoteLoginInformation"+apiVersion, nil).decode(t, &logins)
	if len(logins.Value) != 2 || *logins.Value[0].NodeID == "" || strings.HasSuffix(*logins.Value[0].NodeID, "_1-20210222t110836z") {
		t.Errorf("replacement nodes: %+v", logins.Value)
	}
	if n := c.getCluster("dedicated").Properties.NodeStateCounts; *n.IdleNodeCount != 1 || *n.LeavingNodeCount != 0 {
		t.Errorf("a dedicated node was preempted: %+v", n)
	}
}
