output "workspace_id" {
  # "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/batchai-rg/providers/Microsoft.BatchAI/workspaces/research"
  value = provider::batchai::workspace_id("00000000-0000-0000-0000-000000000000", "batchai-rg", "research")
}
