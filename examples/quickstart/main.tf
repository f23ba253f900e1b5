# Quickstart: a workspace and a small GPU cluster through the team module, its nodes and SSH commands, and one job
# that prints a line (read back through the batchai_job_output_file ephemeral resource).
#
#   make demo                      # builds, starts the emulator, applies this folder and prints the nodes
#   make demo-destroy              # destroys it again and stops the emulator
#
# By hand: export the emulator's ARM_* variables (or real Azure credentials), then
#   terraform apply -var resource_group_name=<existing group> -var "admin_ssh_public_key=$(cat ~/.ssh/id_rsa.pub)"

module "batchai" {
  source = "../modules/batchai-cluster"

  resource_group_name  = var.resource_group_name
  location             = var.location
  workspace_name       = var.workspace_name
  cluster_name         = "quickstart"
  vm_size              = "STANDARD_NC6"
  node_count           = var.node_count
  admin_user_name      = var.admin_user_name
  admin_ssh_public_key = var.admin_ssh_public_key

  tags = {
    purpose = "quickstart"
  }
}

# One job on the cluster, like `az batchai job create`: it prints a line, and apply waits until it has succeeded
# (a failed job would fail the apply with its exit code and stderr). make demo prints what it wrote.
resource "batchai_experiment" "quickstart" {
  name         = "quickstart"
  workspace_id = module.batchai.workspace_id
}

resource "batchai_job" "hello" {
  name                    = "hello"
  experiment_id           = batchai_experiment.quickstart.id
  cluster_id              = module.batchai.cluster_id
  std_out_err_path_prefix = "$AZ_BATCHAI_MOUNT_ROOT/logs"

  custom_toolkit {
    command_line = "echo \"Hello from a Batch AI job on cluster ${module.batchai.cluster_name}\""
  }
}

# The job's stdout, read through its download URL: an ephemeral resource, so neither the URL (a credential) nor
# the content is stored in state. A provisioner may use ephemeral values: it saves stdout in this folder, once per
# run of the job.
ephemeral "batchai_job_output_file" "hello_stdout" {
  job_id       = batchai_job.hello.id
  path         = "stdout.txt"
  read_content = true
}

resource "terraform_data" "hello_stdout" {
  triggers_replace = batchai_job.hello.creation_time

  provisioner "local-exec" {
    command     = "printf '%s' \"$STDOUT\" > \"$DEST\""
    environment = { STDOUT = ephemeral.batchai_job_output_file.hello_stdout.content, DEST = "${path.module}/hello-stdout.txt" }
  }
}
