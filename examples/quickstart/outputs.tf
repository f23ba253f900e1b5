output "workspace_id" {
  description = "ARM ID of the workspace."
  value       = module.batchai.workspace_id
}

output "cluster_id" {
  description = "ARM ID of the cluster."
  value       = module.batchai.cluster_id
}

output "nodes" {
  description = "The cluster's nodes: node_id, ip_address, port and ssh_command."
  value       = module.batchai.nodes
}

output "ssh_commands" {
  description = "One SSH command per node."
  value       = module.batchai.ssh_commands
}

# The same nodes as a table for people: `terraform output -raw nodes_table`.
output "nodes_table" {
  description = "The nodes as a plain-text table."
  value = join("\n", concat(
    [format("%-36s  %-15s  %-5s  %s", "NODE ID", "IP ADDRESS", "PORT", "SSH COMMAND")],
    [for n in module.batchai.nodes : format("%-36s  %-15s  %-5d  %s", n.node_id, n.ip_address, n.port, n.ssh_command)],
  ))
}

output "hello_job" {
  description = "The job: its execution state and exit code, and where its stdout was saved."
  value = {
    state       = batchai_job.hello.execution_state
    exit_code   = batchai_job.hello.exit_code
    stdout_file = "${path.module}/hello-stdout.txt"
  }
}
