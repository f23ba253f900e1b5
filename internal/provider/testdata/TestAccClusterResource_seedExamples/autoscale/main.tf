# az batchai cluster create \
#     --name mycluster --workspace <WORKSPACE> --resource-group <RESOURCE GROUP> \
#     --vm-size Standard_NC6 \
#     --vm-priority lowpriority \
#     --max 4 \
#     --min 0 \
#     --use-auto-storage
#
# Low-priority nodes scaling between 0 and 4. --use-auto-storage created a storage account "bai<12 letters>"
# in the resource group "batchaiautostorage" with the share "batchaishare" and the container
# "batchaicontainer", mounted at $AZ_BATCHAI_MOUNT_ROOT/autoafs and /autobfs: here the account is an input
# and both mounts are explicit. The key is write-only: Azure gets it, the state never holds it.

variable "ssh_public_key" { type = string }
variable "storage_account_name" { type = string }
variable "storage_account_key" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "batchai_cluster" "mycluster" {
  name         = "mycluster"
  workspace_id = batchai_workspace.ws.id
  vm_size      = "Standard_NC6"
  vm_priority  = "lowpriority"

  scale_settings {
    auto_scale {
      minimum_node_count = 0
      maximum_node_count = 4
    }
  }

  user_account {
    admin_user_name           = "azureuser"
    admin_user_ssh_public_key = var.ssh_public_key # the CLI's default: ~/.ssh/id_rsa.pub
  }

  mount_volumes {
    azure_file_share {
      account_name           = var.storage_account_name
      azure_file_url         = "https://${var.storage_account_name}.file.core.windows.net/batchaishare"
      account_key_wo         = var.storage_account_key
      account_key_wo_version = 1
      relative_mount_path    = "autoafs"
    }
    azure_blob_file_system {
      account_name           = var.storage_account_name
      container_name         = "batchaicontainer"
      account_key_wo         = var.storage_account_key
      account_key_wo_version = 1
      relative_mount_path    = "autobfs"
    }
  }
}
