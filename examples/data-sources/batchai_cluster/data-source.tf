# az batchai cluster show -n mycluster -w myworkspace -g myresourcegroup
data "batchai_cluster" "example" {
  name         = "mycluster"
  workspace_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/myresourcegroup/providers/Microsoft.BatchAI/workspaces/myworkspace"
}

# az batchai cluster show ... --query "nodeSetup.mountVolumes.azureFileShares[0].{storageAccountName:accountName}"
output "storage_account_name" {
  value = data.batchai_cluster.example.mount_volumes.azure_file_share[0].account_name
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
