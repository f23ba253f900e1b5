# Terraform >= 1.12: import by identity, the job's names instead of its ARM ID. subscription_id may be left out:
# the provider's is used. Azure never returns the job's secrets, so the configuration needs none for the import
# to plan no change (`terraform plan -generate-config-out` marks them `null # sensitive`); an imported job is not
# run again unless it is replaced, and only then are its secrets needed.
import {
  to = batchai_job.imported
  identity = {
    subscription_id     = "00000000-0000-0000-0000-000000000000"
    resource_group_name = "batchai-rg"
    workspace_name      = "research"
    experiment_name     = "resnet"
    name                = "train"
  }
}
