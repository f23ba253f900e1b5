output "experiment_id" {
  # ".../workspaces/research/experiments/resnet"
  value = provider::batchai::experiment_id("00000000-0000-0000-0000-000000000000", "batchai-rg", "research", "resnet")
}
