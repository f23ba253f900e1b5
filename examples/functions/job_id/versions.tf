# Provider functions (provider::batchai::...) need the provider in required_providers.
terraform {
  required_providers {
    batchai = {
      source = "batchai-tf/batchai"
    }
  }
}
