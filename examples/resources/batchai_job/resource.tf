# The workspace and the cluster exist already (another configuration manages them); the cluster has an Azure
# Files share mounted at afs.
data "batchai_workspace" "research" {
  name                = "research"
  resource_group_name = "batchai-rg"
}

data "batchai_cluster" "gpu" {
  name         = "gpu"
  workspace_id = data.batchai_workspace.research.id
}

resource "batchai_experiment" "resnet" {
  name         = "resnet"
  workspace_id = data.batchai_workspace.research.id
}

variable "code_version" {
  description = "A version of the training code: changing it runs the job again."
  type        = string
  default     = "v1"
}

variable "tracking_api_key" {
  type      = string
  sensitive = true
  ephemeral = true # write-only below: sent to Azure, never stored in state (Terraform >= 1.11)
}

# az batchai job create -n train -e resnet -c gpu -f job.json: a TensorFlow script in a container, reading its
# code and data from the cluster's share and writing its model to an output directory. apply waits until it
# has finished (wait_for_completion); a failed job fails the apply with its exit code and the end of its stderr.
resource "batchai_job" "example" {
  name                    = "train"
  experiment_id           = batchai_experiment.resnet.id
  cluster_id              = data.batchai_cluster.gpu.id
  node_count              = 1
  std_out_err_path_prefix = "$AZ_BATCHAI_MOUNT_ROOT/afs"
  max_wall_clock_time     = "PT6H"

  container {
    image = "tensorflow/tensorflow:1.8.0-gpu-py3"
  }

  tensorflow {
    python_script_file_path  = "$AZ_BATCHAI_INPUT_SCRIPTS/mnist.py"
    master_command_line_args = "--data_dir=$AZ_BATCHAI_INPUT_DATA --model_dir=$AZ_BATCHAI_OUTPUT_MODELS"
  }

  input_directory {
    id   = "SCRIPTS"
    path = "$AZ_BATCHAI_MOUNT_ROOT/afs/scripts"
  }
  input_directory {
    id   = "DATA"
    path = "$AZ_BATCHAI_MOUNT_ROOT/afs/data"
  }
  output_directory {
    id          = "MODELS"
    path_prefix = "$AZ_BATCHAI_MOUNT_ROOT/afs"
    path_suffix = "models"
  }

  environment_variables = { EPOCHS = "10" }
  secrets_wo            = { TRACKING_API_KEY = var.tracking_api_key }
  secrets_wo_version    = 1

  # A job runs once. Every argument replaces it (runs it again), and so does a new code_version:
  # `terraform apply -replace=batchai_job.example` re-runs it unchanged.
  lifecycle {
    replace_triggered_by = [terraform_data.training_code]
  }
}

resource "terraform_data" "training_code" {
  input = var.code_version
}

output "train" {
  value = {
    state     = batchai_job.example.execution_state # succeeded, once apply returns
    exit_code = batchai_job.example.exit_code
    took      = "${batchai_job.example.start_time} .. ${batchai_job.example.end_time}"
  }
}
