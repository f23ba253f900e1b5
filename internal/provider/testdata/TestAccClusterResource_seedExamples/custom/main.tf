# az batchai cluster create \
#     --name mycluster --workspace <WORKSPACE> --resource-group <RESOURCE GROUP> \
#     --vm-size Standard_NC6 \
#     --image UbuntuDSVM \
#     --config-file cluster.json \
#     --setup-task 'apt install unzip -y' \
#     --storage-account-name <STORAGE ACCOUNT NAME> \
#     --nfs-name nfsmount --afs-name afsmount --bfs-name bfsmount \
#     --user-name adminuser --ssh-key id_rsa.pub --password secretpassword
#
# A Data Science VM image, a setup task installing unzip, Azure Files, Blob and NFS mounts, and an admin with
# both an SSH key and a password. What cluster.json held (in the seed, "additional setup") maps to the other
# arguments of batchai_cluster; here it sets one node and the setup task's output folder, which the CLI
# requires with --setup-task (--setup-task-output). The password and the storage key are write-only.

variable "ssh_public_key" { type = string }
variable "admin_password" {
  type      = string
  sensitive = true
  ephemeral = true
}
variable "storage_account_name" { type = string }
variable "storage_account_key" {
  type      = string
  sensitive = true
  ephemeral = true
}
variable "file_server_id" { type = string } # the Batch AI file server "nfsmount" refers to

resource "batchai_cluster" "mycluster" {
  name         = "mycluster"
  workspace_id = batchai_workspace.ws.id
  vm_size      = "Standard_NC6"

  image_reference = { # --image UbuntuDSVM
    publisher = "microsoft-ads"
    offer     = "linux-data-science-vm-ubuntu"
    sku       = "linuxdsvmubuntu"
  }

  scale_settings {
    manual {
      target_node_count = 1
    }
  }

  user_account {
    admin_user_name                = "adminuser"
    admin_user_ssh_public_key      = var.ssh_public_key
    admin_user_password_wo         = var.admin_password
    admin_user_password_wo_version = 1
  }

  setup_task {
    command_line            = "apt install unzip -y"
    std_out_err_path_prefix = "$AZ_BATCHAI_MOUNT_ROOT/afsmount"
  }

  mount_volumes {
    azure_file_share {
      account_name           = var.storage_account_name
      azure_file_url         = "https://${var.storage_account_name}.file.core.windows.net/afsmount"
      account_key_wo         = var.storage_account_key
      account_key_wo_version = 1
      relative_mount_path    = "afsmount"
    }
    azure_blob_file_system {
      account_name           = var.storage_account_name
      container_name         = "bfsmount"
      account_key_wo         = var.storage_account_key
      account_key_wo_version = 1
      relative_mount_path    = "bfsmount"
    }
    file_server {
      file_server_id      = var.file_server_id
      relative_mount_path = "nfsmount"
      mount_options       = "rw"
    }
  }
}
