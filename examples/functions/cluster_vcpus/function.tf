variable "node_count" {
  type    = number
  default = 4

  validation {
    # The subscription's "Standard NC Family Cluster Dedicated vCPUs" limit, from `az batchai list-usages`.
    condition     = provider::batchai::cluster_vcpus("Standard_NC6", var.node_count) <= 48
    error_message = "The cluster would need more than the 48 NC-family vCPUs of the quota."
  }
}
