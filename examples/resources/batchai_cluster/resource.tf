resource "batchai_workspace" "example" {
  name                = "research"
  resource_group_name = "batchai-rg"
  location            = "eastus"
}

variable "ssh_public_key" {
  description = "OpenSSH RSA public key of the admin user, e.g. the content of ~/.ssh/id_rsa.pub."
  type        = string
}

variable "storage_account_key" {
  type      = string
  sensitive = true
  ephemeral = true # write-only below: sent to Azure, never stored in state (Terraform >= 1.11)
}

# `az batchai cluster create -n gpu -s Standard_NC6 --target 2 -u azureuser -k ~/.ssh/id_rsa.pub
#   --setup-task 'apt install unzip -y' --setup-task-output '$AZ_BATCHAI_MOUNT_ROOT/afs' --afs-name data`
resource "batchai_cluster" "example" {
  name         = "gpu"
  workspace_id = batchai_workspace.example.id
  vm_size      = "Standard_NC6"

  # Changing the node count (or switching to auto_scale) is an in-place update; apply waits until the
  # nodes are allocated (wait_for_steady_state, on by default).
  scale_settings {
    manual {
      target_node_count = 2
    }
  }

  user_account {
    admin_user_name           = "azureuser"
    admin_user_ssh_public_key = var.ssh_public_key
  }

  setup_task {
    command_line            = "apt install unzip -y"
    std_out_err_path_prefix = "$AZ_BATCHAI_MOUNT_ROOT/afs"
  }

  mount_volumes {
    azure_file_share {
      account_name           = "batchaistorage"
      azure_file_url         = "https://batchaistorage.file.core.windows.net/data"
      account_key_wo         = var.storage_account_key
      account_key_wo_version = 1 # bump to send a new key (replaces the cluster)
      relative_mount_path    = "afs"
    }
  }
}

# A low-priority cluster that the service scales between 0 and 4 nodes: node counts moving inside the
# bounds are never drift.
resource "batchai_cluster" "autoscale" {
  name         = "cpu-autoscale"
  workspace_id = batchai_workspace.example.id
  vm_size      = "Standard_D2_v2"
  vm_priority  = "lowpriority"

  scale_settings {
    auto_scale {
      minimum_node_count = 0
      maximum_node_count = 4
    }
  }

  user_account {
    admin_user_name           = "azureuser"
    admin_user_ssh_public_key = var.ssh_public_key
  }
}
