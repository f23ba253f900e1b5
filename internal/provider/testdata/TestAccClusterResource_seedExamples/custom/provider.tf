# The emulator the test started; with real Azure this is just `provider "batchai" {}` plus ARM_* variables.
variable "metadata_host" { type = string }
variable "ca_certificate_file" { type = string }
variable "subscription_id" { type = string }
variable "tenant_id" { type = string }
variable "client_id" { type = string }
variable "client_secret" {
  type      = string
  sensitive = true
}
variable "resource_group_name" { type = string }

provider "batchai" {
  metadata_host       = var.metadata_host
  ca_certificate_file = var.ca_certificate_file
  subscription_id     = var.subscription_id
  tenant_id           = var.tenant_id
  client_id           = var.client_id
  client_secret       = var.client_secret
  use_cli             = false
  poll_interval       = "100ms"
}

resource "batchai_workspace" "ws" {
  name                = "seed"
  resource_group_name = var.resource_group_name
  location            = "eastus"
}
