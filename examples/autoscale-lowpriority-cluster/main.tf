# Low-priority nodes that the service scales between 0 and 4:
# `az batchai cluster create --vm-size Standard_NC6 --vm-priority lowpriority --min 0 --max 4`.
# Idle, the cluster shrinks to zero nodes and costs nothing; node counts moving inside [0, 4] are never drift.

resource "batchai_workspace" "example" {
  name                = "autoscale-example"
  resource_group_name = var.resource_group_name
  location            = var.location
}

resource "batchai_cluster" "example" {
  name         = "autoscale"
  workspace_id = batchai_workspace.example.id
  vm_size      = "Standard_NC6"
  vm_priority  = "lowpriority"

  scale_settings {
    auto_scale {
      minimum_node_count = 0
      maximum_node_count = 4
      initial_node_count = 1 # only used at creation
    }
  }

  user_account {
    admin_user_name           = "azureuser"
    admin_user_ssh_public_key = var.admin_ssh_public_key
  }
}

output "allocation" {
  value = {
    state              = batchai_cluster.example.allocation_state
    current_node_count = batchai_cluster.example.current_node_count
  }
}
