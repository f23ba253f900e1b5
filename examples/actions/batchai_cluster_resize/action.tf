# Terraform >= 1.14. Park a cluster at zero nodes, letting running jobs finish first:
#   terraform apply -invoke=action.batchai_cluster_resize.park
action "batchai_cluster_resize" "park" {
  config {
    cluster_id               = batchai_cluster.gpu.id
    target_node_count        = 0
    node_deallocation_option = "waitforjobcompletion"
  }
}

# Or hand the node count to the service: auto-scale between 0 and 4 nodes.
#   terraform apply -invoke=action.batchai_cluster_resize.elastic
action "batchai_cluster_resize" "elastic" {
  config {
    cluster_id = batchai_cluster.gpu.id
    auto_scale = {
      minimum_node_count = 0
      maximum_node_count = 4
    }
    timeout = "45m"
  }
}

resource "batchai_workspace" "research" {
  name                = "research"
  resource_group_name = "batchai-rg"
  location            = "eastus"
}

resource "batchai_cluster" "gpu" {
  name         = "gpu"
  workspace_id = batchai_workspace.research.id
  vm_size      = "Standard_NC6"

  scale_settings {
    manual {
      target_node_count = 2
    }
  }

  user_account {
    admin_user_name           = "azureuser"
    admin_user_ssh_public_key = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDExampleKey user@example"
  }

  # The actions above change the node count: without this, the next plan would put it back to 2.
  lifecycle {
    ignore_changes = [scale_settings]
  }
}
