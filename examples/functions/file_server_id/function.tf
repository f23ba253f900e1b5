output "file_server_id" {
  # ".../workspaces/research/fileServers/nfs"
  value = provider::batchai::file_server_id("00000000-0000-0000-0000-000000000000", "batchai-rg", "research", "nfs")
}
