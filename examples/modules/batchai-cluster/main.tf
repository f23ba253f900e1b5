resource "batchai_workspace" "this" {
  name                = var.workspace_name
  resource_group_name = var.resource_group_name
  location            = var.location
  tags                = var.tags
}

# An optional file server, mounted by the cluster (the CLI's --nfs). Creating one takes minutes.
resource "batchai_file_server" "this" {
  count = var.file_server == null ? 0 : 1

  name                = var.file_server.name
  workspace_id        = batchai_workspace.this.id
  vm_size             = var.file_server.vm_size
  public_ips_to_allow = var.file_server.public_ips_to_allow

  user_account {
    admin_user_name           = var.admin_user_name
    admin_user_ssh_public_key = trimspace(var.admin_ssh_public_key)
  }

  data_disks {
    disk_size_in_gb      = var.file_server.disk_size_in_gb
    disk_count           = var.file_server.disk_count
    storage_account_type = var.file_server.storage_account_type
  }

  lifecycle {
    precondition {
      condition     = var.existing_file_server == null
      error_message = "Set file_server (to create one) or existing_file_server (to mount one), not both."
    }
  }
}

locals {
  # The file servers the cluster mounts: the module's own, or an existing one.
  nfs_mounts = concat(
    [for fs in batchai_file_server.this : { id = fs.id, path = var.file_server.relative_mount_path }],
    var.existing_file_server == null ? [] : [{ id = var.existing_file_server.id, path = var.existing_file_server.relative_mount_path }],
  )
}

resource "batchai_cluster" "this" {
  name         = var.cluster_name
  workspace_id = batchai_workspace.this.id
  vm_size      = var.vm_size
  vm_priority  = var.vm_priority

  # Exactly one scale mode. Changing the counts, or switching modes, is an in-place update (PATCH), never a
  # replacement, so `node_count = 0` is the cheap way to park the cluster.
  scale_settings {
    dynamic "manual" {
      for_each = var.auto_scale == null ? [1] : []
      content {
        target_node_count        = var.node_count
        node_deallocation_option = var.node_deallocation_option
      }
    }
    dynamic "auto_scale" {
      for_each = var.auto_scale == null ? [] : [var.auto_scale]
      content {
        minimum_node_count = auto_scale.value.minimum_node_count
        maximum_node_count = auto_scale.value.maximum_node_count
        initial_node_count = auto_scale.value.initial_node_count
      }
    }
  }

  # null lets the service choose its default image, which then shows in state without a diff.
  image_reference = var.image

  user_account {
    admin_user_name           = var.admin_user_name
    admin_user_ssh_public_key = trimspace(var.admin_ssh_public_key)
  }

  # Without a subnet of its own, the cluster joins the (first) file server's subnet.
  dynamic "mount_volumes" {
    for_each = length(local.nfs_mounts) > 0 ? [1] : []
    content {
      dynamic "file_server" {
        for_each = local.nfs_mounts
        content {
          file_server_id      = file_server.value.id
          relative_mount_path = file_server.value.path
          mount_options       = "rw"
        }
      }
    }
  }

  dynamic "setup_task" {
    for_each = var.setup_task == null ? [] : [var.setup_task]
    content {
      command_line            = setup_task.value.command_line
      std_out_err_path_prefix = setup_task.value.std_out_err_path_prefix
      environment_variables   = setup_task.value.environment_variables
    }
  }
}

# The nodes are read after the cluster's changes are applied: depends_on defers the read to apply whenever the
# cluster has a pending change (a resize), instead of waiting at plan time for nodes that do not exist yet.
data "batchai_cluster_nodes" "this" {
  cluster_id = batchai_cluster.this.id

  # Manual: every requested node. Auto-scale: the minimum the service keeps.
  wait_for_node_count = var.wait_for_nodes ? (var.auto_scale == null ? var.node_count : var.auto_scale.minimum_node_count) : null

  timeouts {
    read = var.nodes_timeout
  }

  depends_on = [batchai_cluster.this]
}
