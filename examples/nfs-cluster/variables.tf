variable "resource_group_name" {
  description = "An existing resource group (with the emulator: $BATCHAI_EMULATOR_RESOURCE_GROUP)."
  type        = string
}

variable "location" {
  description = "Azure region of the workspace."
  type        = string
  default     = "eastus"
}

variable "admin_ssh_public_key" {
  description = "OpenSSH public key of the admin users, e.g. \"$(cat ~/.ssh/id_rsa.pub)\"."
  type        = string
}

variable "node_count" {
  description = "Nodes in the cluster; changing it resizes the cluster in place."
  type        = number
  default     = 1
}

variable "disk_size_in_gb" {
  description = "Size of each of the file server's two data disks. Changing it replaces the file server, and its data."
  type        = number
  default     = 10
}
