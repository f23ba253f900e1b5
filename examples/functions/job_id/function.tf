output "job_id" {
  # ".../workspaces/research/experiments/resnet/jobs/train-1"
  value = provider::batchai::job_id("00000000-0000-0000-0000-000000000000", "batchai-rg", "research", "resnet", "train-1")
}
