# az batchai job list -e resnet -w research -g batchai-rg -o table
data "batchai_workspace" "research" {
  name                = "research"
  resource_group_name = "batchai-rg"
}

data "batchai_jobs" "resnet" {
  experiment_id = "${data.batchai_workspace.research.id}/experiments/resnet"
}

output "failed_jobs" {
  value = [for j in data.batchai_jobs.resnet.jobs : "${j.name}: exit code ${coalesce(j.exit_code, -1)}" if j.execution_state == "failed"]
}
