# az batchai job show -n train -e resnet -w research -g batchai-rg
data "batchai_workspace" "research" {
  name                = "research"
  resource_group_name = "batchai-rg"
}

data "batchai_job" "train" {
  name          = "train"
  experiment_id = "${data.batchai_workspace.research.id}/experiments/resnet"
}

locals {
  segment = data.batchai_job.train.job_output_directory_path_segment
  # Where $AZ_BATCHAI_OUTPUT_<id> of each output directory is: <path_prefix>/<segment>/outputs/<path_suffix>.
  outputs = { for d in data.batchai_job.train.output_directories : d.id => join("/", compact([d.path_prefix, local.segment, "outputs", d.path_suffix])) }
}

output "train" {
  value = {
    state      = data.batchai_job.train.execution_state # queued, running, terminating, succeeded or failed
    exit_code  = data.batchai_job.train.exit_code       # null until the job has ended
    errors     = data.batchai_job.train.errors[*].message
    node_hours = data.batchai_job.train.total_job_node_hours
    outputs    = local.outputs
  }
}
