# az batchai cluster create \
#     --name mycluster --workspace <WORKSPACE> --resource-group <RESOURCE GROUP> \
#     --vm-size Standard_NC6 \
#     --target 1 \
#     --generate-ssh-keys
#
# One Standard_NC6 node with SSH access, on the default Ubuntu Server image. --generate-ssh-keys made
# ~/.ssh/id_rsa(.pub); here the public key is an input (e.g. tls_private_key or file("~/.ssh/id_rsa.pub")).

variable "ssh_public_key" { type = string }

resource "batchai_cluster" "mycluster" {
  name         = "mycluster"
  workspace_id = batchai_workspace.ws.id
  vm_size      = "Standard_NC6"

  scale_settings {
    manual {
      target_node_count = 1
    }
  }

  user_account {
    admin_user_name           = "azureuser" # the CLI defaults to the current user's name
    admin_user_ssh_public_key = var.ssh_public_key
  }
}
