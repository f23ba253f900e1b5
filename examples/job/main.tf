# An experiment with a job that prints to stdout and succeeds, and its output read back:
#   terraform apply -var resource_group_name=<existing group> -var "admin_ssh_public_key=$(cat ~/.ssh/id_rsa.pub)"
# apply returns once the job has succeeded (a failed job fails the apply with its exit code and stderr), and
# writes what it printed to hello-stdout.txt here.

resource "batchai_workspace" "example" {
  name                = "job-example"
  resource_group_name = var.resource_group_name
  location            = var.location
}

resource "batchai_cluster" "example" {
  name         = "cpu"
  workspace_id = batchai_workspace.example.id
  vm_size      = "Standard_D1_v2"

  scale_settings {
    manual {
      target_node_count = 1
    }
  }

  user_account {
    admin_user_name           = "azureuser"
    admin_user_ssh_public_key = var.admin_ssh_public_key
  }
}

resource "batchai_experiment" "example" {
  name         = "hello"
  workspace_id = batchai_workspace.example.id
}

resource "batchai_job" "hello" {
  name                    = "hello"
  experiment_id           = batchai_experiment.example.id
  cluster_id              = batchai_cluster.example.id
  std_out_err_path_prefix = "$AZ_BATCHAI_MOUNT_ROOT/logs"

  custom_toolkit {
    command_line = "echo \"Hello from Batch AI: ${var.greeting}\""
  }
}

# What the job wrote: names and sizes (no download URLs, which are credentials), in state.
data "batchai_job_output_files" "hello" {
  job_id = batchai_job.hello.id
}

# What it printed, read through the file's download URL; neither is ever stored.
ephemeral "batchai_job_output_file" "stdout" {
  job_id       = batchai_job.hello.id
  path         = "stdout.txt"
  read_content = true
}

# Ephemeral values may go to a provisioner: this one saves stdout next to the configuration, once per run of the
# job, and the precondition checks that it greets.
resource "terraform_data" "stdout" {
  triggers_replace = batchai_job.hello.creation_time

  provisioner "local-exec" {
    command     = "printf '%s' \"$STDOUT\" > \"$DEST\""
    environment = { STDOUT = ephemeral.batchai_job_output_file.stdout.content, DEST = "${path.module}/hello-stdout.txt" }
  }

  lifecycle {
    precondition {
      condition     = startswith(ephemeral.batchai_job_output_file.stdout.content, "Hello from Batch AI")
      error_message = "The job's stdout.txt does not greet."
    }
  }
}

output "job" {
  value = {
    state     = batchai_job.hello.execution_state # succeeded
    exit_code = batchai_job.hello.exit_code       # 0
    files     = { for f in data.batchai_job_output_files.hello.files : f.name => f.content_length }
    stdout    = "${path.module}/hello-stdout.txt"
  }
}
