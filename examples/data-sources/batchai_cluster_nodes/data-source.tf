# az batchai cluster node list -c mycluster -w myworkspace -g myresourcegroup, then ssh user@ip -p port
data "batchai_workspace" "example" {
  name                = "myworkspace"
  resource_group_name = "myresourcegroup"
}

data "batchai_cluster" "example" {
  name         = "mycluster"
  workspace_id = data.batchai_workspace.example.id
}

data "batchai_cluster_nodes" "example" {
  cluster_id = data.batchai_cluster.example.id # or batchai_cluster.<name>.id

  # Optional: wait until at least 2 nodes are listed, for up to the read timeout.
  wait_for_node_count = 2
  timeouts {
    read = "20m"
  }

  # With a batchai_cluster resource in the same configuration, also add
  #   depends_on = [batchai_cluster.<name>]
  # so that the nodes are read after a pending resize is applied, not before it.
}

output "ssh_commands" {
  value = data.batchai_cluster_nodes.example.nodes[*].ssh_command # ["ssh azureuser@13.84.190.124 -p 50000", ...]
}

output "nodes" {
  value = {
    for n in data.batchai_cluster_nodes.example.nodes : n.node_id => "${n.ip_address}:${n.port}"
  }
}
