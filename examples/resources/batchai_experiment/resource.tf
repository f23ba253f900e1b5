resource "batchai_workspace" "example" {
  name                = "research"
  resource_group_name = "batchai-rg"
  location            = "eastus"
}

# az batchai experiment create -n resnet -w research -g batchai-rg
# An experiment is a folder of jobs. Destroying it deletes every job in it, including jobs Terraform does not
# manage (and a running job stops).
resource "batchai_experiment" "example" {
  name         = "resnet"
  workspace_id = batchai_workspace.example.id
}
