# Terraform >= 1.12: import by identity, the file server's names instead of its ARM ID. subscription_id may be
# left out: the provider's is used. Azure never returns the admin password or SSH key, so the configuration needs
# neither for the import to plan no change (`terraform plan -generate-config-out` marks them `null # sensitive`);
# add one when Terraform may have to create the file server again (a replacement).
import {
  to = batchai_file_server.imported
  identity = {
    subscription_id     = "00000000-0000-0000-0000-000000000000"
    resource_group_name = "batchai-rg"
    workspace_name      = "research"
    name                = "nfs"
  }
}
