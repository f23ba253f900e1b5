terraform {
  required_version = ">= 1.11.0"

  required_providers {
    batchai = {
      source = "batchai-tf/batchai"
    }
  }
}

# Every setting comes from the environment: the ARM_* variables printed by the emulator (or your Azure
# credentials; see the provider documentation).
provider "batchai" {}
