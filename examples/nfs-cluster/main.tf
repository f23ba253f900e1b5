# The seed document's `--nfs-name nfsmount` in HCL: a Batch AI file server (an NFS server with two data disks)
# and a cluster that mounts it at $AZ_BATCHAI_MOUNT_ROOT/nfsmount on every node. The cluster joins the file
# server's subnet. Creating a file server takes minutes.

resource "batchai_workspace" "example" {
  name                = "nfs-example"
  resource_group_name = var.resource_group_name
  location            = var.location
}

# az batchai file-server create -n nfsmount -s Standard_D2_v2 --disk-count 2 --disk-size 10 -u nfsadmin -k ...
resource "batchai_file_server" "nfs" {
  name         = "nfsmount"
  workspace_id = batchai_workspace.example.id
  vm_size      = "Standard_D2_v2"

  user_account {
    admin_user_name           = "nfsadmin"
    admin_user_ssh_public_key = var.admin_ssh_public_key
  }

  data_disks {
    disk_size_in_gb      = var.disk_size_in_gb
    disk_count           = 2
    storage_account_type = "Standard_LRS"
  }
}

# az batchai cluster create -n nfs-cluster -s Standard_NC6 --target 1 --nfs-name nfsmount ...
resource "batchai_cluster" "example" {
  name         = "nfs-cluster"
  workspace_id = batchai_workspace.example.id
  vm_size      = "Standard_NC6"

  scale_settings {
    manual {
      target_node_count = var.node_count
    }
  }

  user_account {
    admin_user_name           = "azureuser"
    admin_user_ssh_public_key = var.admin_ssh_public_key
  }

  mount_volumes {
    file_server {
      file_server_id      = batchai_file_server.nfs.id
      relative_mount_path = "nfsmount"
      mount_options       = "rw"
    }
  }
}

output "nfs" {
  value = {
    mount_on_nodes = "$AZ_BATCHAI_MOUNT_ROOT/nfsmount"
    export         = "${batchai_file_server.nfs.internal_ip}:${batchai_file_server.nfs.mount_point}"
    ssh            = "ssh nfsadmin@${batchai_file_server.nfs.public_ip}"
    subnet_id      = batchai_cluster.example.subnet_id # the file server's
  }
}
