# The workspace of a cluster known only by its ID, e.g. from a data source or a variable.
locals {
  cluster = provider::batchai::parse_resource_id(var.cluster_id)
}

output "workspace_of_cluster" {
  value = provider::batchai::workspace_id(local.cluster.subscription_id, local.cluster.resource_group_name, local.cluster.workspace_name)
}

variable "cluster_id" {
  type    = string
  default = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/batchai-rg/providers/Microsoft.BatchAI/workspaces/research/clusters/gpu"

  validation {
    condition     = provider::batchai::parse_resource_id(var.cluster_id).kind == "cluster"
    error_message = "cluster_id must be the ID of a Batch AI cluster."
  }
}
