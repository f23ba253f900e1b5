# Terraform >= 1.14. Stop a job and keep it (destroying a batchai_job terminates it too, then deletes it):
#   terraform apply -invoke=action.batchai_job_terminate.train
# A job that has already ended is left as it is, with a message.
action "batchai_job_terminate" "train" {
  config {
    resource_group_name = "batchai-rg"
    workspace_name      = "research"
    experiment_name     = "resnet"
    job_name            = "train"
    timeout             = "10m"
  }
}

# Or by the ID of a job this configuration manages: job_id = batchai_job.<name>.id.
