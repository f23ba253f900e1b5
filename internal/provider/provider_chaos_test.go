package provider

import (
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// chaosFaultRate is the chance that any ARM request of the chaos test gets a random fault (chaos.go).
const chaosFaultRate = 0.2

// chaosSeed fixes the faults' draws, so that a failing run can be replayed (with the same request order).
const chaosSeed = 20180501

// chaosLifecyclesEnv names the environment variable that sets how many lifecycles the chaos test runs
// (CONTRIBUTING.md); the default run keeps the provider package's tests short.
const chaosLifecyclesEnv = "BATCHAI_CHAOS_LIFECYCLES"

// chaosApplyTries bounds how many times one step of a lifecycle is applied before the test gives up.
const chaosApplyTries = 8

// TestAccProviderChaos runs lifecycles of a workspace and two clusters (create, resize, destroy) through the
// Terraform CLI while a fifth of the ARM requests get a random fault (resets, answers lost or cut short after
// the work was done, 429s, 5xx bursts, gateway errors on polls). Between the create and the resize a third
// cluster is created out of band (by the test's own client, without faults), and the resize's apply imports it
// with an import block and resizes it with the others. A step that fails is applied again, as a user would.
// After every command, failed or not, it counts orphans (in ARM, in no state) and losses (in the state, not in
// ARM): both must stay 0, the cluster created out of band excepted until its import has succeeded. The counts
// are logged for the record.
func TestAccProviderChaos(t *testing.T) {
	t.Parallel()
	lifecycles := 1
	if v := os.Getenv(chaosLifecyclesEnv); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q: want a positive number of lifecycles", chaosLifecyclesEnv, v)
		}
		lifecycles = n
	}
	inst := testAccEmulatorInstance(t, func(c *emulator.Config) { c.FaultRate, c.FaultSeed = chaosFaultRate, chaosSeed })
	info := inst.Info
	run := newCLIWorkdirWith(t, testAccProviderWithTiming(testAccFaultTiming), nil)
	orphans, losses, applies, firstTry, steps := 0, 0, 0, 0, 0
	// check compares ARM with the state without faults of its own (the test's client is not under test). A
	// destroy that failed counts like any other command: its deletions settle through reads when their waits fail
	// (deleteAndWait), so the state never keeps what ARM is deleting or has deleted.
	check := func(when string, unmanaged ...string) {
		t.Helper()
		if err := inst.Emulator.SetFaultRate(0); err != nil {
			t.Fatal(err)
		}
		defer func() {
			if err := inst.Emulator.SetFaultRate(chaosFaultRate); err != nil {
				t.Fatal(err)
			}
		}()
		o, l := armDiff(t, info, append(run.stateIDs(), unmanaged...))
		orphans, losses = orphans+len(o), losses+len(l)
		if len(o)+len(l) > 0 {
			t.Errorf("%s: %v", when, armStateError(o, l))
		}
	}
	// converge applies (or destroys) until the command succeeds, checking ARM against the state after each try.
	// unmanaged names what is in ARM and may not be in the state yet (a cluster being imported): it is not an
	// orphan, until the command has succeeded.
	converge := func(what string, command func() (string, error), unmanaged ...string) {
		t.Helper()
		steps++
		for try := 1; ; try++ {
			applies++
			out, err := command()
			if err == nil {
				unmanaged = nil
			}
			check(fmt.Sprintf("%s, try %d", what, try), unmanaged...)
			if err == nil {
				if try == 1 {
					firstTry++
				}
				return
			}
			if try == chaosApplyTries {
				t.Fatalf("%s failed %d times; the last time:\n%s", what, try, out)
			}
			t.Logf("%s, try %d failed (applied again): %.300s", what, try, out)
		}
	}
	imported := api.ClusterID{SubscriptionID: info.SubscriptionID, ResourceGroup: info.ResourceGroup, Workspace: "ws",
		Name: chaosImportedCluster}
	for i := 1; i <= lifecycles; i++ {
		run.writeConfig(chaosConfig(info, 1, ""))
		converge(fmt.Sprintf("lifecycle %d: apply with 1 node", i), run.apply)
		chaosCreateOutOfBand(t, inst.Emulator, testAccClient(t, info), imported)
		run.writeConfig(chaosConfig(info, 2, imported.String()))
		converge(fmt.Sprintf("lifecycle %d: import %s and apply with 2 nodes", i, imported.Name), run.apply, imported.String())
		// The import block has done its work; the destroy's configuration is the same without it.
		run.writeConfig(chaosConfig(info, 2, ""))
		converge(fmt.Sprintf("lifecycle %d: destroy", i), run.destroy)
	}
	check("at the end")
	requests := inst.Emulator.RequestCount("", "/subscriptions/")
	t.Logf("chaos: %d lifecycles (%d imports), %d steps, %d first-try successes, %d commands; %d ARM requests, "+
		"faults injected %v; orphans %d, losses %d",
		lifecycles, lifecycles, steps, firstTry, applies, requests, inst.Emulator.FaultCounts(), orphans, losses)
}

// chaosImportedCluster is the name of the cluster each lifecycle creates out of band and imports.
const chaosImportedCluster = "c3"

// chaosConfig is a workspace and two clusters of nodes nodes each. With importID it also holds the cluster
// created out of band, of nodes nodes too, and the import block that adopts it.
func chaosConfig(info emulator.Info, nodes int, importID string) string {
	hcl := testAccClusterFaultWorkspace(info)
	names := []string{"c1", "c2"}
	if importID != "" {
		names = append(names, chaosImportedCluster)
		hcl += fmt.Sprintf(`
import {
  to = batchai_cluster.%[1]s
  id = %[2]q
}
`, chaosImportedCluster, importID)
	}
	for _, name := range names {
		hcl += fmt.Sprintf(`
resource "batchai_cluster" %[1]q {
  name         = %[1]q
  workspace_id = batchai_workspace.test.id
%[2]s
}
`, name, testAccClusterManual("Standard_NC6", nodes))
	}
	return hcl
}

// chaosCreateOutOfBand creates the cluster id of one node, as the configuration's clusters are, with the test's
// own client and the faults off (the test's client is not under test): a cluster that someone created by hand.
func chaosCreateOutOfBand(t *testing.T, emu *emulator.Emulator, c *client.Client, id api.ClusterID) {
	t.Helper()
	if err := emu.SetFaultRate(0); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := emu.SetFaultRate(chaosFaultRate); err != nil {
			t.Fatal(err)
		}
	}()
	ctx := testAccContext(t)
	p, err := c.BeginCreateCluster(ctx, id, api.ClusterCreateParameters{Properties: &api.ClusterBaseProperties{
		VMSize:        api.Ptr("Standard_NC6"),
		ScaleSettings: &api.ScaleSettings{Manual: &api.ManualScaleSettings{TargetNodeCount: api.Ptr(int32(1))}},
		UserAccountSettings: &api.UserAccountSettings{AdminUserName: api.Ptr("azureuser"),
			AdminUserSSHPublicKey: api.Ptr(testAccClusterSSHKey)},
	}})
	if err == nil {
		_, err = p.Wait(ctx)
	}
	if err != nil {
		t.Fatalf("creating %s out of band: %v", id, err)
	}
}
