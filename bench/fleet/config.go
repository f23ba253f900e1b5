package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// The configurations the benchmark plans and applies. The batchai side is N clusters as a platform team writes
// them: a VM size, a manual node count, an admin account, a setup task and an Azure Files mount, each with
// their secrets (the classic Sensitive forms), in one workspace. The floor is N terraform_data resources:
// built into Terraform, with no provider process, so it is what Terraform core alone costs for N resources.

// providerAddress is the provider's address (main.go); dev_overrides points it at the wrapper.
const providerAddress = "registry.terraform.io/batchai-tf/batchai"

// benchSSHKey is an OpenSSH RSA public key line of the shape the provider checks (the key is no real key).
const benchSSHKey = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7fleetbenchfleetbenchfleetbenchfleetbench bench@fleet"

const terraformBlock = `terraform {
  required_providers {
    batchai = {
      source = "batchai-tf/batchai"
    }
  }
}
`

// clusterConfig is n clusters in workspaceID; pollInterval is the provider's poll_interval.
func clusterConfig(n int, workspaceID, pollInterval string) string {
	return terraformBlock + fmt.Sprintf(`
provider "batchai" {
  poll_interval = %q
}

resource "batchai_cluster" "c" {
  count        = %d
  name         = format("c%%04d", count.index)
  workspace_id = %q
  vm_size      = "Standard_D1_v2"

  scale_settings {
    manual {
      target_node_count = 1
    }
  }

  user_account {
    admin_user_name           = "azureuser"
    admin_user_ssh_public_key = %q
    admin_user_password       = "Fleet-bench-pw-1"
  }

  setup_task {
    command_line            = "echo ready"
    std_out_err_path_prefix = "$AZ_BATCHAI_MOUNT_ROOT/logs"
    environment_variables = {
      STAGE = "bench"
    }
  }

  mount_volumes {
    azure_file_share {
      account_name        = "fleetbench"
      azure_file_url      = "https://fleetbench.file.core.windows.net/logs"
      account_key         = "ZmxlZXQtYmVuY2gta2V5"
      relative_mount_path = "logs"
    }
  }
}
`, pollInterval, n, workspaceID, benchSSHKey)
}

// floorConfig is n terraform_data resources.
func floorConfig(n int) string {
	return fmt.Sprintf(`resource "terraform_data" "c" {
  count = %d
  input = {
    name = format("c%%04d", count.index)
  }
}
`, n)
}

// workspaceConfig is the one workspace every cluster lives in, created once per emulator.
func workspaceConfig(resourceGroup string) string {
	return terraformBlock + fmt.Sprintf(`
resource "batchai_workspace" "fleet" {
  name                = "fleet"
  resource_group_name = %q
  location            = "eastus"
}

output "id" {
  value = batchai_workspace.fleet.id
}
`, resourceGroup)
}

// cliConfig is the Terraform CLI configuration: the provider from the wrapper's folder, nothing downloaded.
func cliConfig(pluginDir string) string {
	return fmt.Sprintf(`provider_installation {
  dev_overrides {
    %q = %q
  }
  direct {}
}
`, providerAddress, pluginDir)
}

// writeRoot writes main.tf into a new folder dir.
func writeRoot(dir, config string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600)
}
