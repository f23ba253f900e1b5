# A manually scaled cluster: `az batchai cluster create --vm-size Standard_NC6 --target 1 --generate-ssh-keys`.
# Change node_count and apply to resize it in place (`az batchai cluster resize`); 0 parks it at no cost.

resource "batchai_workspace" "example" {
  name                = "manual-example"
  resource_group_name = var.resource_group_name
  location            = var.location
}

resource "batchai_cluster" "example" {
  name         = "manual"
  workspace_id = batchai_workspace.example.id
  vm_size      = "Standard_NC6"

  scale_settings {
    manual {
      target_node_count        = var.node_count
      node_deallocation_option = "waitforjobcompletion"
    }
  }

  user_account {
    admin_user_name           = "azureuser"
    admin_user_ssh_public_key = var.admin_ssh_public_key
  }
}

data "batchai_cluster_nodes" "example" {
  cluster_id = batchai_cluster.example.id

  # Read after a resize is applied, not before (see the batchai_cluster_nodes documentation).
  depends_on = [batchai_cluster.example]
}

output "ssh_commands" {
  value = data.batchai_cluster_nodes.example.nodes[*].ssh_command
}
