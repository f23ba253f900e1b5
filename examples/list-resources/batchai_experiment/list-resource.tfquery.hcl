# Terraform >= 1.14, in a .tfquery.hcl file:
#   terraform query                                   # lists them
#   terraform query -generate-config-out=imported.tf  # writes resource and import blocks for each
list "batchai_experiment" "all" {
  provider = batchai
}

list "batchai_experiment" "research" {
  provider = batchai
  config {
    resource_group_name = "batchai-rg"
    workspace_name      = "research"
  }
}
