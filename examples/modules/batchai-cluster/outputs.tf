output "workspace_id" {
  description = "ARM ID of the workspace."
  value       = batchai_workspace.this.id
}

output "cluster_id" {
  description = "ARM ID of the cluster."
  value       = batchai_cluster.this.id
}

output "cluster_name" {
  description = "Name of the cluster."
  value       = batchai_cluster.this.name
}

output "admin_user_name" {
  description = "Admin account on every node."
  value       = var.admin_user_name
}

output "allocation_state" {
  description = "\"steady\" or \"resizing\" as of the last apply or refresh."
  value       = batchai_cluster.this.allocation_state
}

output "current_node_count" {
  description = "Nodes allocated as of the last apply or refresh."
  value       = batchai_cluster.this.current_node_count
}

output "nodes" {
  description = "One object per node: node_id, ip_address, port and ssh_command."
  value = [for n in data.batchai_cluster_nodes.this.nodes : {
    node_id     = n.node_id
    ip_address  = n.ip_address
    port        = n.port
    ssh_command = n.ssh_command
  }]
}

output "ssh_commands" {
  description = "A ready-to-use SSH command per node (\"ssh <admin>@<ip> -p <port>\")."
  value       = data.batchai_cluster_nodes.this.nodes[*].ssh_command
}

output "file_server_id" {
  description = "ARM ID of the file server the module created (null without file_server): for a job's mount_volumes."
  value       = one(batchai_file_server.this[*].id)
}

output "file_server" {
  description = "The created file server's mount point (the NFS export), internal and public IP; null without file_server."
  value = var.file_server == null ? null : {
    mount_point = batchai_file_server.this[0].mount_point
    internal_ip = batchai_file_server.this[0].internal_ip
    public_ip   = batchai_file_server.this[0].public_ip
  }
}

output "nfs_path" {
  description = "Where the nodes see the mounted file server (null without one), e.g. for a job's std_out_err_path_prefix."
  value       = length(local.nfs_mounts) > 0 ? "$AZ_BATCHAI_MOUNT_ROOT/${local.nfs_mounts[0].path}" : null
}
