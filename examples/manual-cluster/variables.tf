variable "resource_group_name" {
  description = "An existing resource group."
  type        = string
}

variable "location" {
  description = "Azure region of the workspace."
  type        = string
  default     = "eastus"
}

variable "node_count" {
  description = "Nodes in the cluster; changing it resizes the cluster in place."
  type        = number
  default     = 1
}

variable "admin_ssh_public_key" {
  description = "OpenSSH public key of the admin user, e.g. \"$(cat ~/.ssh/id_rsa.pub)\"."
  type        = string
}
