# Terraform >= 1.12: import by identity, the experiment's names instead of its ARM ID. subscription_id may be
# left out: the provider's is used.
import {
  to = batchai_experiment.imported
  identity = {
    resource_group_name = "batchai-rg"
    workspace_name      = "research"
    name                = "resnet"
  }
}
