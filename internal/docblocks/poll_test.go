package docblocks

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestPollIntervalBelowOneSecond applies a cluster with poll_interval = "500ms" through the installed provider
// binary. azcore refuses a poll frequency under a second outside test binaries (in-process acceptance tests
// cannot see it): the provider used to accept the value at plan time, send the create, and fail while waiting
// for it, leaving a tainted cluster. The provider now polls itself, so the value is honored.
func TestPollIntervalBelowOneSecond(t *testing.T) {
	b := installed(t)
	_, _, env := docEmulator(t)
	env = b.env(env...)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "main.tf"), `terraform {
  required_providers {
    batchai = {
      source = "batchai-tf/batchai"
    }
  }
}

provider "batchai" {
  poll_interval = "500ms"
}

resource "batchai_workspace" "ws" {
  name                = "poll"
  resource_group_name = "myresourcegroup"
  location            = "eastus"
}

resource "batchai_cluster" "c" {
  name         = "c"
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
`)
	b.mustRun(t, dir, env, "init", "-input=false", "-no-color")
	out, code := b.run(t, dir, env, "apply", "-auto-approve", "-input=false", "-no-color")
	t.Cleanup(func() { b.mustRun(t, dir, env, "destroy", "-auto-approve", "-input=false", "-no-color") })
	if code != 0 || strings.Contains(out, "tainted") {
		t.Fatalf("apply with poll_interval = \"500ms\" exited %d:\n%s", code, out)
	}
	if !strings.Contains(out, "Apply complete! Resources: 2 added") {
		t.Errorf("apply output:\n%s", out)
	}
}
