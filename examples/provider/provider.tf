terraform {
  required_providers {
    batchai = {
      source  = "batchai-tf/batchai"
      version = "~> 0.1"
    }
  }
}

# Real Azure with a service principal. The secret is best left out of the configuration:
# export ARM_CLIENT_SECRET=... (every argument has an ARM_* environment variable, as in azurerm).
provider "batchai" {
  subscription_id = "00000000-0000-0000-0000-000000000000"
  tenant_id       = "11111111-1111-1111-1111-111111111111"
  client_id       = "22222222-2222-2222-2222-222222222222"
}
