package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/emulatortest"
)

// The batchai_cluster_resize action, through `terraform apply -invoke` (terraform-plugin-testing has no action
// mode) under a CLI that has actions.

// testAccResizeEmulator starts an emulator whose nodes take long enough to come and go for a resize to be seen
// in progress (several polls at testAccPollInterval).
func testAccResizeEmulator(t *testing.T) (*emulatortest.Instance, emulator.Info) {
	t.Helper()
	testAccSkipUnlessCLISupports(t, cliFeatureActions)
	inst := testAccEmulatorInstance(t, func(c *emulator.Config) { c.ProvisioningDelay = 800 * time.Millisecond })
	return inst, inst.Info
}

// testAccGetCluster reads a cluster from the emulator.
func testAccGetCluster(t *testing.T, info emulator.Info, id api.ClusterID) api.ClusterProperties {
	t.Helper()
	cl, err := testAccClient(t, info).GetCluster(testAccContext(t), id)
	if err != nil {
		t.Fatalf("reading %s: %v", id, err)
	}
	return api.Deref(cl.Properties)
}

// TestAccClusterResizeAction_invoke parks a cluster made outside Terraform at zero nodes, then switches it to
// auto-scale, each with `terraform apply -invoke`: the action waits until the cluster is steady, reports its
// progress, and leaves nothing in state.
func TestAccClusterResizeAction_invoke(t *testing.T) {
	t.Parallel()
	_, info := testAccResizeEmulator(t)
	ws, _ := testAccClusterSeedWorkspace(t, info, "")
	id := api.ClusterID{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Workspace: ws.Name, Name: "gpu"}
	testAccSeedCluster(t, info, id, "Standard_NC6", 2)
	w := newCLIWorkdir(t, map[string]string{"main.tf": testAccProviderConfig(info) + fmt.Sprintf(`
action "batchai_cluster_resize" "park" {
  config {
    cluster_id               = %[1]q
    target_node_count        = 0
    node_deallocation_option = "waitforjobcompletion"
  }
}

action "batchai_cluster_resize" "elastic" {
  config {
    cluster_id = %[1]q
    auto_scale = {
      minimum_node_count = 1
      maximum_node_count = 3
    }
    timeout = "10m"
  }
}
`, id.String())})

	out := w.mustRun("apply", "-no-color", "-input=false", "-auto-approve", "-invoke=action.batchai_cluster_resize.park")
	for _, want := range []string{
		"Resizing cluster gpu from manual, 2 node(s) (requeue) to manual, 0 node(s) (waitforjobcompletion).",
		"Cluster gpu: resizing, 2 node(s)",
		"Cluster gpu is steady with 0 node(s).",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the output of -invoke lacks %q:\n%s", want, out)
		}
	}
	p := testAccGetCluster(t, info, id)
	if api.Deref(p.AllocationState) != api.AllocationStateSteady || api.Deref(p.CurrentNodeCount) != 0 ||
		p.ScaleSettings == nil || p.ScaleSettings.Manual == nil || api.Deref(p.ScaleSettings.Manual.TargetNodeCount) != 0 ||
		api.Deref(p.ScaleSettings.Manual.NodeDeallocationOption) != api.DeallocationWaitForJobCompletion {
		t.Errorf("after the park: %s with %d nodes, scale settings %s", api.Deref(p.AllocationState),
			api.Deref(p.CurrentNodeCount), describeScale(p.ScaleSettings))
	}

	out = w.mustRun("apply", "-no-color", "-input=false", "-auto-approve", "-invoke=action.batchai_cluster_resize.elastic")
	if !strings.Contains(out, "to auto-scale between 1 and 3 nodes.") || !strings.Contains(out, "Cluster gpu is steady with 1 node(s).") {
		t.Errorf("the output of the auto-scale -invoke:\n%s", out)
	}
	p = testAccGetCluster(t, info, id)
	if p.ScaleSettings == nil || p.ScaleSettings.AutoScale == nil || api.Deref(p.ScaleSettings.AutoScale.MaximumNodeCount) != 3 ||
		api.Deref(p.CurrentNodeCount) != 1 {
		t.Errorf("after the switch to auto-scale: %d nodes, scale settings %s", api.Deref(p.CurrentNodeCount), describeScale(p.ScaleSettings))
	}
	if state := w.mustRun("state", "list"); strings.TrimSpace(state) != "" {
		t.Errorf("an action must leave nothing in state, found:\n%s", state)
	}
}

// TestAccClusterResizeAction_fightsTheConfiguration shows why a managed cluster that the action resizes needs
// `ignore_changes = [scale_settings]`: without it the next plan puts the configured node count back; with it,
// the plan is empty. It also triggers the action from the lifecycle of another resource (action_trigger).
func TestAccClusterResizeAction_fightsTheConfiguration(t *testing.T) {
	t.Parallel()
	_, info := testAccResizeEmulator(t)
	config := func(lifecycle string) string {
		return testAccClusterConfig(info, testAccClusterManual("Standard_NC6", 1)+lifecycle) + `
action "batchai_cluster_resize" "park" {
  config {
    cluster_id        = batchai_cluster.test.id
    target_node_count = 0
  }
}

variable "parked_at" {
  type    = string
  default = "never"
}

resource "terraform_data" "park" {
  input = var.parked_at
  lifecycle {
    action_trigger {
      events  = [after_update]
      actions = [action.batchai_cluster_resize.park]
    }
  }
}
`
	}
	w := newCLIWorkdir(t, map[string]string{"main.tf": config("")})
	w.mustRun("apply", "-no-color", "-input=false", "-auto-approve")
	out := w.mustRun("apply", "-no-color", "-input=false", "-auto-approve", "-var=parked_at=tonight")
	if !strings.Contains(out, "Cluster c1 is steady with 0 node(s).") {
		t.Fatalf("action_trigger did not run the resize:\n%s", out)
	}
	if n := api.Deref(testAccGetCluster(t, info, testAccClusterID(info, "c1")).CurrentNodeCount); n != 0 {
		t.Fatalf("after the triggered resize the cluster has %d nodes, want 0", n)
	}
	plan, code := w.run("plan", "-no-color", "-input=false", "-detailed-exitcode", "-var=parked_at=tonight")
	if code != 2 || !strings.Contains(plan, "target_node_count        = 0 -> 1") {
		t.Fatalf("without ignore_changes the plan must put the configured node count back (exit 2), got exit %d:\n%s", code, plan)
	}
	w.write("main.tf", config("\n  lifecycle {\n    ignore_changes = [scale_settings]\n  }\n"))
	if plan, code := w.run("plan", "-no-color", "-input=false", "-detailed-exitcode", "-var=parked_at=tonight"); code != 0 {
		t.Fatalf("with ignore_changes = [scale_settings] the plan must be empty, got exit %d:\n%s", code, plan)
	}
	w.mustRun("destroy", "-no-color", "-input=false", "-auto-approve", "-var=parked_at=tonight")
}

// TestAccClusterResizeAction_refused: a resize beyond the quota fails at plan time without a request, a missing
// cluster is named, and the configuration needs exactly one of target_node_count and auto_scale.
func TestAccClusterResizeAction_refused(t *testing.T) {
	t.Parallel()
	inst, info := testAccResizeEmulator(t)
	ws, _ := testAccClusterSeedWorkspace(t, info, "")
	id := api.ClusterID{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Workspace: ws.Name, Name: "small"}
	testAccSeedCluster(t, info, id, "Standard_NC6", 0)
	missing := id
	missing.Name = "missing"
	w := newCLIWorkdir(t, map[string]string{"main.tf": testAccProviderConfig(info) + fmt.Sprintf(`
action "batchai_cluster_resize" "huge" {
  config {
    cluster_id        = %[1]q
    target_node_count = 5000
  }
}

action "batchai_cluster_resize" "missing" {
  config {
    cluster_id        = %[2]q
    target_node_count = 1
  }
}
`, id.String(), missing.String())})
	out, code := w.run("apply", "-no-color", "-input=false", "-auto-approve", "-invoke=action.batchai_cluster_resize.huge")
	if code == 0 || !expectError("Insufficient Batch AI Quota", "target_node_count asks for more than", "5000 dedicated node(s) of Standard_NC6").MatchString(out) {
		t.Errorf("a resize beyond the quota: exit %d:\n%s", code, out)
	}
	if n := inst.Emulator.RequestCount("PATCH", "/clusters/"); n != 0 {
		t.Errorf("the refused resize sent %d PATCH request(s)", n)
	}
	out, code = w.run("apply", "-no-color", "-input=false", "-auto-approve", "-invoke=action.batchai_cluster_resize.missing")
	if code == 0 || !expectError("Batch AI Cluster Not Found", `The cluster "missing" does not exist in workspace "ws"`).MatchString(out) {
		t.Errorf("a missing cluster: exit %d:\n%s", code, out)
	}

	for name, tc := range map[string]struct{ body, want string }{
		"neither": {"", "needs exactly one of `target_node_count` or `auto_scale`"},
		"both":    {"target_node_count = 1\n    auto_scale = { minimum_node_count = 0, maximum_node_count = 2 }", "takes exactly one of"},
		"bounds":  {"auto_scale = { minimum_node_count = 3, maximum_node_count = 2 }", "maximum_node_count"},
		"option":  {"auto_scale = { minimum_node_count = 0, maximum_node_count = 2 }\n    node_deallocation_option = \"requeue\"", "target_node_count"},
		"timeout": {"target_node_count = 1\n    timeout = \"soon\"", "must be a duration greater than zero"},
		"id":      {"target_node_count = 1\n    cluster_id = \"/subscriptions/s/resourceGroups/rg\"", "Invalid Batch AI Cluster ID"},
	} {
		cluster := fmt.Sprintf("cluster_id = %q\n    ", id.String())
		if strings.Contains(tc.body, "cluster_id") {
			cluster = ""
		}
		w.write("main.tf", testAccProviderConfig(info)+fmt.Sprintf(`
action "batchai_cluster_resize" "bad" {
  config {
    %s%s
  }
}
`, cluster, tc.body))
		if out, code := w.run("validate", "-no-color"); code == 0 || !expectError(tc.want).MatchString(out) {
			t.Errorf("%s: terraform validate exited %d, want an error with %q:\n%s", name, code, tc.want, out)
		}
	}
}
