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

variable "admin_password" {
  description = "Password of the admin user. Ephemeral: it is sent to Azure and never stored."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "storage_account_name" {
  description = "Storage account holding the afsshare file share and the bfscontainer blob container."
  type        = string
}

variable "storage_account_key" {
  description = "Key of that storage account. Ephemeral: it is sent to Azure and never stored."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "subnet_id" {
  description = "ARM ID of a subnet for the nodes, or null."
  type        = string
  default     = null
}

variable "file_server_id" {
  description = "ARM ID of a Batch AI file server to mount at $AZ_BATCHAI_MOUNT_ROOT/nfs, or null."
  type        = string
  default     = null
}

variable "app_insights_component_id" {
  description = "ARM ID of an Application Insights component for node performance counters, or null."
  type        = string
  default     = null
}

variable "app_insights_instrumentation_key" {
  description = "Instrumentation key of that component (needed with app_insights_component_id)."
  type        = string
  default     = null
  sensitive   = true
  ephemeral   = true
}
