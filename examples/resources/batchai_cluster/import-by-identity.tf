# Terraform >= 1.12: import by identity, the cluster's names instead of its ARM ID. subscription_id may be left
# out: the provider's is used. Without a batchai_cluster.imported block in the configuration,
# `terraform plan -generate-config-out=imported.tf` writes one. Azure never returns the cluster's secrets, so
# the configuration needs none for the import to plan no change (the generated one marks them
# `null # sensitive`); add them when Terraform may have to create the cluster again (a replacement).
import {
  to = batchai_cluster.imported
  identity = {
    subscription_id     = "00000000-0000-0000-0000-000000000000"
    resource_group_name = "batchai-rg"
    workspace_name      = "research"
    name                = "gpu"
  }
}
