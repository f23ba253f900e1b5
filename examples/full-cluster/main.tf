# A fully configured cluster, the CLI's
#   az batchai cluster create -n full -w ... -g ... -s Standard_NC6 -i UbuntuDSVM \
#     --setup-task 'apt install unzip -y' --setup-task-output '$AZ_BATCHAI_MOUNT_ROOT/afs' \
#     --storage-account-name <account> --afs-name afsshare --bfs-name bfscontainer --nfs <file server> \
#     -u adminuser -k id_rsa.pub -p <password>
# Secrets use the write-only forms (Terraform >= 1.11): they reach Azure but never the state. Bump a *_wo_version
# to send a new value.

resource "batchai_workspace" "example" {
  name                = "full-example"
  resource_group_name = var.resource_group_name
  location            = var.location
}

resource "batchai_cluster" "example" {
  name         = "full"
  workspace_id = batchai_workspace.example.id
  vm_size      = "Standard_NC6"
  vm_priority  = "dedicated"
  subnet_id    = var.subnet_id # null: no virtual network (or the file server's subnet)

  # --image UbuntuDSVM
  image_reference = {
    publisher = "microsoft-ads"
    offer     = "linux-data-science-vm-ubuntu"
    sku       = "linuxdsvmubuntu"
    version   = "latest"
  }

  scale_settings {
    manual {
      target_node_count        = 1
      node_deallocation_option = "requeue"
    }
  }

  user_account {
    admin_user_name                = "adminuser"
    admin_user_ssh_public_key      = var.admin_ssh_public_key
    admin_user_password_wo         = var.admin_password
    admin_user_password_wo_version = 1
  }

  setup_task {
    command_line            = "apt install unzip -y"
    std_out_err_path_prefix = "$AZ_BATCHAI_MOUNT_ROOT/afs"
    environment_variables = {
      DEBIAN_FRONTEND = "noninteractive"
    }
  }

  mount_volumes {
    # --storage-account-name/--storage-account-key with --afs-name
    azure_file_share {
      account_name           = var.storage_account_name
      azure_file_url         = "https://${var.storage_account_name}.file.core.windows.net/afsshare"
      account_key_wo         = var.storage_account_key
      account_key_wo_version = 1
      relative_mount_path    = "afs"
    }

    # --bfs-name
    azure_blob_file_system {
      account_name           = var.storage_account_name
      container_name         = "bfscontainer"
      account_key_wo         = var.storage_account_key
      account_key_wo_version = 1
      relative_mount_path    = "bfs"
    }

    # --nfs (a Batch AI file server), mounted read-write as the CLI does
    dynamic "file_server" {
      for_each = var.file_server_id == null ? [] : [var.file_server_id]
      content {
        file_server_id      = file_server.value
        relative_mount_path = "nfs"
        mount_options       = "rw"
      }
    }
  }

  # Node metrics in Application Insights (config file only in the CLI).
  dynamic "performance_counters" {
    for_each = var.app_insights_component_id == null ? [] : [var.app_insights_component_id]
    content {
      app_insights_component_id      = performance_counters.value
      instrumentation_key_wo         = var.app_insights_instrumentation_key
      instrumentation_key_wo_version = 1
    }
  }
}

# az batchai cluster show ... --query "nodeSetup.mountVolumes.azureFileShares[0].accountName"
output "storage_account_name" {
  value = batchai_cluster.example.mount_volumes.azure_file_share[0].account_name
}

output "setup_task_output" {
  description = "Where the setup task writes its stdout and stderr on each node."
  value       = "${batchai_cluster.example.setup_task.std_out_err_path_prefix}/${batchai_cluster.example.setup_task.std_out_err_path_suffix}"
}
