# Terraform >= 1.14, in a .tfquery.hcl file:
#   terraform query                                   # lists them
#   terraform query -generate-config-out=imported.tf  # writes resource and import blocks for each
list "batchai_job" "all" {
  provider = batchai
}

# The jobs of one experiment (experiment_name needs workspace_name, which needs resource_group_name).
list "batchai_job" "resnet" {
  provider = batchai
  config {
    resource_group_name = "batchai-rg"
    workspace_name      = "research"
    experiment_name     = "resnet"
  }
}
