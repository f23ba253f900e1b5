# Inputs are validated here, at plan time, so that a team using the module gets a one-line error naming the
# variable instead of a failed apply minutes later. The rules follow the Batch AI 2018-05-01 API.

variable "resource_group_name" {
  description = "Resource group that holds the workspace. It must exist already."
  type        = string

  validation {
    condition     = can(regex("^[-\\w._]{1,90}$", var.resource_group_name))
    error_message = "resource_group_name must be 1-90 characters: letters, digits, '-', '_' and '.'."
  }
}

variable "location" {
  description = "Azure region of the workspace, e.g. \"eastus\" or \"East US\"."
  type        = string
  default     = "eastus"

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9 ]*$", var.location))
    error_message = "location must be an Azure region name such as \"eastus\" or \"West Europe\"."
  }
}

variable "workspace_name" {
  description = "Name of the Batch AI workspace the module creates."
  type        = string

  validation {
    condition     = can(regex("^[-\\w]{1,64}$", var.workspace_name))
    error_message = "workspace_name must be 1-64 characters: letters, digits, '-' and '_'."
  }
}

variable "cluster_name" {
  description = "Name of the cluster inside the workspace."
  type        = string
  default     = "gpu-cluster"

  validation {
    condition     = can(regex("^[-\\w]{1,64}$", var.cluster_name))
    error_message = "cluster_name must be 1-64 characters: letters, digits, '-' and '_'."
  }
}

variable "vm_size" {
  description = "VM size of every node. Batch AI supports all sizes except STANDARD_A0 and the premium-storage series (GS, DS, DSv2)."
  type        = string
  default     = "STANDARD_NC6"

  validation {
    condition     = can(regex("^(?i)standard_[a-z0-9_]+$", var.vm_size)) && !can(regex("^(?i)standard_(a0|gs[0-9]|ds[0-9])", var.vm_size))
    error_message = "vm_size must be an Azure VM size such as STANDARD_NC6; STANDARD_A0 and the GS, DS and DSv2 series are not supported by Batch AI."
  }
}

variable "vm_priority" {
  description = "\"dedicated\" nodes, or \"lowpriority\" nodes (much cheaper, but Azure may take them back)."
  type        = string
  default     = "dedicated"

  validation {
    condition     = contains(["dedicated", "lowpriority"], var.vm_priority)
    error_message = "vm_priority must be \"dedicated\" or \"lowpriority\"."
  }
}

variable "node_count" {
  description = "Number of nodes of a manually scaled cluster. 0 keeps the cluster but stops paying for nodes. Ignored when auto_scale is set."
  type        = number
  default     = 1

  validation {
    condition     = var.node_count >= 0 && floor(var.node_count) == var.node_count
    error_message = "node_count must be a whole number >= 0."
  }
}

variable "node_deallocation_option" {
  description = "What happens to running jobs when a manual resize removes nodes: requeue, terminate or waitforjobcompletion."
  type        = string
  default     = "requeue"

  validation {
    condition     = contains(["requeue", "terminate", "waitforjobcompletion"], var.node_deallocation_option)
    error_message = "node_deallocation_option must be one of requeue, terminate, waitforjobcompletion."
  }
}

variable "auto_scale" {
  description = "Let the service scale between minimum_node_count and maximum_node_count (starting at initial_node_count) instead of using node_count. null (the default) means manual scaling."
  type = object({
    minimum_node_count = number
    maximum_node_count = number
    initial_node_count = optional(number, 0)
  })
  default = null

  validation {
    # A conditional, not ||: Terraform evaluates both sides of || and null has no attributes.
    condition = var.auto_scale == null ? true : (
      var.auto_scale.minimum_node_count >= 0 &&
      var.auto_scale.minimum_node_count <= var.auto_scale.maximum_node_count &&
      var.auto_scale.initial_node_count >= 0
    )
    error_message = "auto_scale needs 0 <= minimum_node_count <= maximum_node_count and initial_node_count >= 0."
  }
}

variable "admin_user_name" {
  description = "Admin account created on every node; the SSH commands log in as this user."
  type        = string
  default     = "batchai"

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_-]{0,31}$", var.admin_user_name)) && var.admin_user_name != "root"
    error_message = "admin_user_name must be a Linux user name (lower case, up to 32 characters) other than root."
  }
}

variable "admin_ssh_public_key" {
  description = "OpenSSH RSA public key allowed to log in as admin_user_name, e.g. file(\"~/.ssh/id_rsa.pub\")."
  type        = string

  # Batch AI's Linux nodes accept OpenSSH RSA keys only.
  validation {
    condition     = can(regex("^ssh-rsa [A-Za-z0-9+/]+=*( .*)?$", trimspace(var.admin_ssh_public_key)))
    error_message = "admin_ssh_public_key must be an OpenSSH RSA public key line (ssh-rsa AAAA..., as in ~/.ssh/id_rsa.pub)."
  }
}

variable "image" {
  description = "Image of the nodes: a marketplace image, optionally with a custom image built from it (virtual_machine_image_id). null (the default) lets Batch AI choose (Canonical UbuntuServer 16.04-LTS)."
  type = object({
    publisher                = string
    offer                    = string
    sku                      = string
    version                  = optional(string, "latest")
    virtual_machine_image_id = optional(string)
  })
  default = null
}

variable "setup_task" {
  description = "Command run as root on every node after allocation, with its output written under std_out_err_path_prefix. null means none."
  type = object({
    command_line            = string
    std_out_err_path_prefix = string
    environment_variables   = optional(map(string), {})
  })
  default = null

  validation {
    condition     = var.setup_task == null || (trimspace(try(var.setup_task.command_line, "")) != "" && trimspace(try(var.setup_task.std_out_err_path_prefix, "")) != "")
    error_message = "setup_task needs a non-empty command_line and std_out_err_path_prefix."
  }
}

variable "tags" {
  description = "Tags of the workspace (clusters have no tags in Batch AI)."
  type        = map(string)
  default     = {}
}

variable "wait_for_nodes" {
  description = "Wait, during apply, until the nodes are listed so that the nodes and ssh_commands outputs are complete."
  type        = bool
  default     = true
}

variable "nodes_timeout" {
  description = "How long to wait for the nodes to be listed (a Go duration such as \"20m\")."
  type        = string
  default     = "20m"

  validation {
    condition     = can(regex("^([0-9]+h)?([0-9]+m)?([0-9]+s)?$", var.nodes_timeout)) && var.nodes_timeout != ""
    error_message = "nodes_timeout must be a duration such as \"90s\", \"20m\" or \"1h30m\"."
  }
}

variable "file_server" {
  description = "Create a Batch AI file server (an NFS server on its own VM) that the cluster mounts at $AZ_BATCHAI_MOUNT_ROOT/<relative_mount_path>, with the same admin user and SSH key. null (the default) creates none. Changing it replaces the file server, and its data."
  type = object({
    name                 = optional(string, "nfs")
    vm_size              = optional(string, "Standard_D2_v2")
    disk_count           = optional(number, 2)
    disk_size_in_gb      = optional(number, 10)
    storage_account_type = optional(string, "Standard_LRS")
    relative_mount_path  = optional(string, "nfs")
    public_ips_to_allow  = optional(list(string))
  })
  default = null

  validation {
    condition = var.file_server == null ? true : (
      can(regex("^[-\\w]{1,64}$", var.file_server.name)) &&
      var.file_server.disk_count >= 1 && var.file_server.disk_count <= 64 &&
      var.file_server.disk_size_in_gb >= 1 && var.file_server.disk_size_in_gb <= 4095 &&
      contains(["Standard_LRS", "Premium_LRS"], var.file_server.storage_account_type)
    )
    error_message = "file_server needs a name of 1-64 letters, digits, '-' and '_', 1 to 64 disks of 1 to 4095 GB, and storage_account_type Standard_LRS or Premium_LRS."
  }
}

variable "existing_file_server" {
  description = "Mount a file server the module does not manage instead, e.g. { id = data.batchai_file_server.shared.id }, at $AZ_BATCHAI_MOUNT_ROOT/<relative_mount_path>. null (the default) mounts none."
  type = object({
    id                  = string
    relative_mount_path = optional(string, "nfs")
  })
  default = null

  validation {
    condition     = var.existing_file_server == null ? true : can(regex("(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft.BatchAI/workspaces/[^/]+/fileServers/[^/]+$", var.existing_file_server.id))
    error_message = "existing_file_server.id must be the ARM ID of a Batch AI file server (.../workspaces/{workspace}/fileServers/{name})."
  }
}
