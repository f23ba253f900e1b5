variable "resource_group_name" {
  description = "An existing resource group (with the emulator: $BATCHAI_EMULATOR_RESOURCE_GROUP)."
  type        = string
}

variable "location" {
  description = "Azure region of the workspace."
  type        = string
  default     = "eastus"
}

variable "workspace_name" {
  description = "Name of the workspace to create."
  type        = string
  default     = "quickstart"
}

variable "node_count" {
  description = "Nodes in the cluster. Change it and plan: the cluster is resized in place, not replaced."
  type        = number
  default     = 2
}

variable "admin_user_name" {
  description = "Admin account on the nodes."
  type        = string
  default     = "batchai"
}

variable "admin_ssh_public_key" {
  description = "OpenSSH public key for the admin account, e.g. \"$(cat ~/.ssh/id_rsa.pub)\"."
  type        = string
}
