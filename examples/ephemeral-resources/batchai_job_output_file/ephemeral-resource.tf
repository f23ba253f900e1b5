data "batchai_workspace" "research" {
  name                = "research"
  resource_group_name = "batchai-rg"
}

# az batchai job file stream -j train -f stdout.txt: the file's download URL (a SAS credential, valid for
# link_expiry_in_minutes) and, for a small text file, its content. Neither is ever stored in state or plans.
ephemeral "batchai_job_output_file" "stdout" {
  job_id                 = "${data.batchai_workspace.research.id}/experiments/resnet/jobs/train"
  path                   = "stdout.txt"
  link_expiry_in_minutes = 30
  read_content           = true
}

# Ephemeral values go where nothing is stored: a check, a write-only argument, an ephemeral output.
resource "terraform_data" "training_finished" {
  input = "checked"
  lifecycle {
    precondition {
      condition     = strcontains(ephemeral.batchai_job_output_file.stdout.content, "training finished")
      error_message = "The job's stdout does not say that training finished."
    }
  }
}
