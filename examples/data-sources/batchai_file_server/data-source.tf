# A file server another configuration manages, mounted by this one's clusters and jobs.
data "batchai_workspace" "research" {
  name                = "research"
  resource_group_name = "batchai-rg"
}

data "batchai_file_server" "shared" {
  name         = "nfs"
  workspace_id = data.batchai_workspace.research.id
}

output "nfs_mount" {
  value = {
    file_server_id = data.batchai_file_server.shared.id # for mount_volumes { file_server { file_server_id = ... } }
    subnet_id      = data.batchai_file_server.shared.subnet_id
    internal_ip    = data.batchai_file_server.shared.internal_ip
    state          = data.batchai_file_server.shared.provisioning_state
  }
}
