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
  description = "OpenSSH public key of the admin user, e.g. \"$(cat ~/.ssh/id_rsa.pub)\"."
  type        = string
}

variable "greeting" {
  description = "What the job prints. Changing it runs the job again (every argument of a job replaces it)."
  type        = string
  default     = "hello, world"
}
