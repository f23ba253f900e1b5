# Terraform >= 1.12: import by identity, the workspace's names instead of its ARM ID. subscription_id may be
# left out: the provider's is used. Without a batchai_workspace.imported block in the configuration,
# `terraform plan -generate-config-out=imported.tf` writes one. `terraform query -generate-config-out` writes
# such pairs for every workspace it finds (see the guide "Find what Terraform does not manage").
import {
  to = batchai_workspace.imported
  identity = {
    resource_group_name = "batchai-rg"
    name                = "research"
  }
}
