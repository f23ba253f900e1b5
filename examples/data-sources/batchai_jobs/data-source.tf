# az batchai job list -e resnet -w research -g batchai-rg -o table
data "batchai_jobs" "resnet" {
  experiment_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/batchai-rg/providers/Microsoft.BatchAI/workspaces/research/experiments/resnet"
}

output "failed_jobs" {
  value = [for j in data.batchai_jobs.resnet.jobs : "${j.name}: exit code ${coalesce(j.exit_code, -1)}" if j.execution_state == "failed"]
}
