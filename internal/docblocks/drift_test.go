package docblocks

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/emulatortest"
)

// driftConfig is a workspace with a manual cluster and a low-priority auto-scaled one; outputs is appended.
func driftConfig(workspace, outputs string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    batchai = {
      source = "batchai-tf/batchai"
    }
  }
}

resource "batchai_workspace" "ws" {
  name                = %[1]q
  resource_group_name = "myresourcegroup"
  location            = "eastus"
}

resource "batchai_cluster" "manual" {
  name         = "manual"
  workspace_id = batchai_workspace.ws.id
  vm_size      = "Standard_NC6"
  scale_settings {
    manual {
      target_node_count = 1
    }
  }
  user_account {
    admin_user_name           = "azureuser"
    admin_user_ssh_public_key = file("~/.ssh/id_rsa.pub")
  }
}

resource "batchai_cluster" "auto" {
  name         = "auto"
  workspace_id = batchai_workspace.ws.id
  vm_size      = "Standard_NC6"
  vm_priority  = "lowpriority"
  scale_settings {
    auto_scale {
      minimum_node_count = 0
      maximum_node_count = 4
      initial_node_count = 2
    }
  }
  user_account {
    admin_user_name           = "azureuser"
    admin_user_ssh_public_key = file("~/.ssh/id_rsa.pub")
  }
}
%[2]s`, workspace, outputs)
}

// TestDriftGuide holds the guide "Drift detection in CI" to what it says, with its own pipeline step (the
// `run` snippet of the page): right after an apply the step passes; when only observed values move (Azure
// pre-empts low-priority nodes and allocates replacements) it still passes, while `plan -refresh-only
// -detailed-exitcode` exits 2 and names them, and an output exposing one makes the step fail; a cluster
// resized outside Terraform makes the step fail with the plan that would resize it back.
func TestDriftGuide(t *testing.T) {
	b := installed(t)
	page := filepath.Join(b.root, "docs", "guides", "drift-detection-in-ci.md")
	data, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := Parse("docs/guides/drift-detection-in-ci.md", data)
	if err != nil {
		t.Fatal(err)
	}
	var step []Block
	for _, blk := range blocks {
		if blk.Run {
			step = append(step, blk)
		}
	}
	if len(step) != 1 {
		t.Fatalf("want the guide's one pipeline step (a `run` snippet), found %d", len(step))
	}

	clk := emulatortest.NewClock()
	inst, c, env := docEmulator(t, emulatortest.WithClock(clk))
	env = b.env(env...)
	plain, withOutput := t.TempDir(), t.TempDir()
	writeFile(t, filepath.Join(plain, "main.tf"), driftConfig("drift", ""))
	writeFile(t, filepath.Join(withOutput, "main.tf"), driftConfig("drift-outputs", `
output "auto_allocation" {
  value = batchai_cluster.auto.allocation_state
}
`))
	writeFile(t, filepath.Join(plain, "pipeline.sh"), step[0].Text)
	writeFile(t, filepath.Join(withOutput, "pipeline.sh"), step[0].Text)
	pipeline := func(dir string) (string, int) { return runCommand(t, dir, env, "bash", "pipeline.sh") }
	for _, dir := range []string{plain, withOutput} {
		b.mustRun(t, dir, env, "init", "-input=false", "-no-color")
		b.mustRun(t, dir, env, "apply", "-auto-approve", "-input=false", "-no-color")
		t.Cleanup(func() {
			clk.Advance(15 * time.Minute) // the pre-empted nodes' replacements are ready: nothing to wait for
			b.mustRun(t, dir, env, "destroy", "-auto-approve", "-input=false", "-no-color")
		})
	}
	if out, code := pipeline(plain); code != 0 || !strings.Contains(out, "No drift.") {
		t.Fatalf("right after apply the pipeline step exited %d:\n%s", code, out)
	}

	// Azure takes the low-priority nodes back; their replacements take a while to be ready.
	inst.Emulator.SetProvisioningDelay(10 * time.Minute)
	for _, ws := range []string{"drift", "drift-outputs"} {
		id := api.ClusterID{SubscriptionID: inst.SubscriptionID, ResourceGroup: "myresourcegroup", Workspace: ws, Name: "auto"}
		if n, err := inst.Emulator.PreemptLowPriority(id.String()); err != nil || n != 2 {
			t.Fatalf("pre-empting %s: %d nodes, %v", id, n, err)
		}
	}
	if out, code := pipeline(plain); code != 0 || !strings.Contains(out, "No drift.") {
		t.Errorf("observed values moved and the pipeline step exited %d (the guide says they never show as drift):\n%s", code, out)
	}
	out, code := b.run(t, plain, env, "plan", "-refresh-only", "-detailed-exitcode", "-input=false", "-no-color")
	if code != 2 || !strings.Contains(out, "Objects have changed outside of") || !strings.Contains(out, "allocation_state") {
		t.Errorf("plan -refresh-only exited %d; the guide says it exits 2 and names the observed values:\n%s", code, out)
	}
	if out, code := pipeline(withOutput); code != 2 || !strings.Contains(out, "Changes to Outputs") {
		t.Errorf("with an output of allocation_state the pipeline step exited %d; the guide says 2:\n%s", code, out)
	}

	// Someone resizes the manual cluster by hand: drift, and the plan resizes it back in place.
	inst.Emulator.SetProvisioningDelay(emulatortest.ProvisioningDelay)
	clk.Advance(15 * time.Minute) // within the lifetime of the test's token
	id := api.ClusterID{SubscriptionID: inst.SubscriptionID, ResourceGroup: "myresourcegroup", Workspace: "drift", Name: "manual"}
	if _, err := c.UpdateCluster(testContext(t), id, api.ClusterUpdateParameters{Properties: &api.ClusterUpdateProperties{
		ScaleSettings: &api.ScaleSettings{Manual: &api.ManualScaleSettings{TargetNodeCount: api.Ptr(int32(3))}}}}); err != nil {
		t.Fatal(err)
	}
	out, code = pipeline(plain)
	if code != 2 || !strings.Contains(out, "Drift detected") || !regexp.MustCompile(`target_node_count\s+= 3 -> 1`).MatchString(out) ||
		!strings.Contains(out, "will be updated in-place") {
		t.Errorf("after an out-of-band resize the pipeline step exited %d; the guide says 2 with an in-place update:\n%s", code, out)
	}
}
