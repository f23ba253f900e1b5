# Quickstart: a workspace and a small GPU cluster through the team module, then its nodes and SSH commands.
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
