resource "batchai_workspace" "example" {
  name                = "research"
  resource_group_name = "batchai-rg"
  location            = "eastus"
}

variable "ssh_public_key" {
  description = "OpenSSH RSA public key of the file server's admin user, e.g. the content of ~/.ssh/id_rsa.pub."
  type        = string
}

# az batchai file-server create -n nfs -w research -g batchai-rg -s Standard_D2_v2 \
#   --disk-count 2 --disk-size 10 --storage-sku Standard_LRS -u nfsadmin -k ~/.ssh/id_rsa.pub
# Creating a file server takes minutes; there is no update: every change replaces it (and its data).
resource "batchai_file_server" "example" {
  name         = "nfs"
  workspace_id = batchai_workspace.example.id
  vm_size      = "Standard_D2_v2"

  user_account {
    admin_user_name           = "nfsadmin"
    admin_user_ssh_public_key = var.ssh_public_key
  }

  data_disks {
    disk_size_in_gb      = 10
    disk_count           = 2 # RAID 0
    storage_account_type = "Standard_LRS"
  }

  # SSH only from the office; without it, every source may connect.
  public_ips_to_allow = ["203.0.113.0/24"]
}

# The cluster mounts it at $AZ_BATCHAI_MOUNT_ROOT/nfs (the CLI's --nfs), and joins its subnet.
resource "batchai_cluster" "example" {
  name         = "gpu"
  workspace_id = batchai_workspace.example.id
  vm_size      = "Standard_NC6"

  scale_settings {
    manual {
      target_node_count = 1
    }
  }

  user_account {
    admin_user_name           = "azureuser"
    admin_user_ssh_public_key = var.ssh_public_key
  }

  mount_volumes {
    file_server {
      file_server_id      = batchai_file_server.example.id
      relative_mount_path = "nfs"
      mount_options       = "rw"
    }
  }
}

output "nfs" {
  value = {
    mount_point = batchai_file_server.example.mount_point # /mnt/data, the NFS export
    internal_ip = batchai_file_server.example.internal_ip # what the nodes mount it from
    ssh         = "ssh nfsadmin@${batchai_file_server.example.public_ip}"
  }
}
