# az batchai workspace show -n myworkspace -g myresourcegroup
data "batchai_workspace" "example" {
  name                = "myworkspace"
  resource_group_name = "myresourcegroup"
}

output "workspace" {
  value = {
    id       = data.batchai_workspace.example.id
    location = data.batchai_workspace.example.location
    state    = data.batchai_workspace.example.provisioning_state
  }
}
