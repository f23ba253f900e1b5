variable "resource_group_name" {
  description = "An existing resource group."
  type        = string
}

variable "location" {
  description = "Azure region of the workspace."
  type        = string
  default     = "eastus"
}

variable "admin_ssh_public_key" {
  description = "OpenSSH public key of the admin user, e.g. \"$(cat ~/.ssh/id_rsa.pub)\"."
  type        = string
}
