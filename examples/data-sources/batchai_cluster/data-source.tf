# az batchai cluster show -n mycluster -w myworkspace -g myresourcegroup
data "batchai_workspace" "example" {
  name                = "myworkspace"
  resource_group_name = "myresourcegroup"
}

data "batchai_cluster" "example" {
  name         = "mycluster"
  workspace_id = data.batchai_workspace.example.id
}

# az batchai cluster show ... --query "nodeSetup.mountVolumes.azureFileShares[].accountName"
# mount_volumes is null on a cluster without mounts, and each kind of mount is a list.
output "storage_account_names" {
  value = data.batchai_cluster.example.mount_volumes == null ? [] : data.batchai_cluster.example.mount_volumes.azure_file_share[*].account_name
}

# The state columns of `az batchai cluster show -o table`.
output "state" {
  value = {
    vm_size            = data.batchai_cluster.example.vm_size
    allocation_state   = data.batchai_cluster.example.allocation_state # steady or resizing
    current_node_count = data.batchai_cluster.example.current_node_count
    idle               = data.batchai_cluster.example.node_state_counts.idle
    running            = data.batchai_cluster.example.node_state_counts.running
    preparing          = data.batchai_cluster.example.node_state_counts.preparing
    leaving            = data.batchai_cluster.example.node_state_counts.leaving
    unusable           = data.batchai_cluster.example.node_state_counts.unusable
    errors             = data.batchai_cluster.example.errors[*].message
  }
}
