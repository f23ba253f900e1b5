terraform {
  # 1.11 is the first release with write-only arguments, which the cluster's secrets can use.
  required_version = ">= 1.11.0"

  required_providers {
    batchai = {
      source  = "batchai-tf/batchai"
      version = ">= 0.1"
    }
  }
}
