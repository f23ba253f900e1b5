# az batchai cluster list -w myworkspace -g myresourcegroup
data "batchai_workspace" "example" {
  name                = "myworkspace"
  resource_group_name = "myresourcegroup"
}

data "batchai_clusters" "example" {
  workspace_id = data.batchai_workspace.example.id
}

# One line per cluster, like the CLI's table: name, VM size, state and node counts.
output "clusters" {
  value = {
    for c in data.batchai_clusters.example.clusters :
    c.name => "${c.vm_size} ${c.allocation_state}: ${c.current_node_count} nodes (${c.node_state_counts.idle} idle, ${c.node_state_counts.running} running)"
  }
}
