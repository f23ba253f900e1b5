# Terraform >= 1.14, in a .tfquery.hcl file:
#   terraform query                                   # lists them
#   terraform query -generate-config-out=imported.tf  # writes resource and import blocks for each
list "batchai_workspace" "all" {
  provider = batchai
}

list "batchai_workspace" "research" {
  provider = batchai
  config {
    resource_group_name = "batchai-rg"
  }
}
