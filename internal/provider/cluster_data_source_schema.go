package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The computed attributes that describe a cluster in the batchai_cluster and batchai_clusters data sources
// (their required arguments are in cluster_data_source.go and clusters_data_source.go).
// They mirror the resource's blocks minus the secrets the API never returns, as nested attributes (a data
// source has no configurable blocks), so `data.batchai_cluster.x.mount_volumes.azure_file_share[0].account_name`
// reads exactly like the resource's `batchai_cluster.x.mount_volumes.azure_file_share[0].account_name`.

func computedString(description string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: description}
}

func computedInt64(description string) schema.Int64Attribute {
	return schema.Int64Attribute{Computed: true, MarkdownDescription: description}
}

func computedObject(description string, attrs map[string]schema.Attribute) schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{Computed: true, MarkdownDescription: description, Attributes: attrs}
}

func computedList(description string, attrs map[string]schema.Attribute) schema.ListNestedAttribute {
	return schema.ListNestedAttribute{
		Computed: true, MarkdownDescription: description,
		NestedObject: schema.NestedAttributeObject{Attributes: attrs},
	}
}

func keyVaultSecretReferenceDataSourceAttribute(what string) schema.SingleNestedAttribute {
	return computedObject(what+" as a Key Vault reference, when it is given that way (null otherwise).",
		map[string]schema.Attribute{
			"source_vault_id": computedString("The ARM ID of the Key Vault."),
			"secret_url":      computedString("The URL of the secret in that vault."),
		})
}

// clusterStateDataSourceAttributes are the cluster's read-only state: what `az batchai cluster list` shows
// in its table and what a monitoring check needs. Both data sources use them.
func clusterStateDataSourceAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":          computedString("The ARM ID of the cluster."),
		"vm_size":     computedString("The VM size of every node, as the service spells it (e.g. `STANDARD_NC6`)."),
		"vm_priority": computedString("`dedicated` or `lowpriority`."),
		"allocation_state": computedString("`steady` when no nodes are being added or removed, `resizing` " +
			"while they are."),
		"allocation_state_transition_time": computedString("When the cluster entered its allocation state (RFC 3339)."),
		"current_node_count":               computedInt64("The number of nodes the cluster has now."),
		"node_state_counts": computedObject("The number of nodes in each state (the CLI table's Idle, "+
			"Running, Preparing, Leaving and Unusable columns).", map[string]schema.Attribute{
			"idle":      computedInt64("Nodes ready for jobs."),
			"running":   computedInt64("Nodes running a job."),
			"preparing": computedInt64("Nodes being set up (allocation, setup task, mounts)."),
			"unusable":  computedInt64("Nodes that failed and cannot run jobs."),
			"leaving":   computedInt64("Nodes leaving the cluster."),
		}),
		"provisioning_state": computedString("`creating`, `succeeded`, `failed` or `deleting`."),
		"provisioning_state_transition_time": computedString("When the cluster entered its provisioning " +
			"state (RFC 3339)."),
		"creation_time": computedString("When the cluster was created (RFC 3339)."),
	}
}

// clusterDataSourceAttributes are everything `az batchai cluster show` shows, secrets excepted.
func clusterDataSourceAttributes() map[string]schema.Attribute {
	attrs := clusterStateDataSourceAttributes()
	attrs["scale_settings"] = computedObject("How the cluster is scaled: exactly one of `manual` and "+
		"`auto_scale` is set, the other is null.", map[string]schema.Attribute{
		"manual": computedObject("A fixed node count.", map[string]schema.Attribute{
			"target_node_count": computedInt64("The requested number of nodes."),
			"node_deallocation_option": computedString("What a downscale does to running jobs: `requeue`, " +
				"`terminate` or `waitforjobcompletion`."),
		}),
		"auto_scale": computedObject("The service scales between a minimum and a maximum.", map[string]schema.Attribute{
			"minimum_node_count": computedInt64("The least nodes the cluster keeps."),
			"maximum_node_count": computedInt64("The most nodes the cluster grows to."),
			"initial_node_count": computedInt64("The node count the cluster was created with."),
		}),
	})
	attrs["image_reference"] = computedObject("The OS image of the nodes (the service's default, "+
		"`Canonical` `UbuntuServer` `16.04-LTS`, when none was given).", map[string]schema.Attribute{
		"publisher":                computedString("The image publisher."),
		"offer":                    computedString("The image offer."),
		"sku":                      computedString("The image SKU."),
		"version":                  computedString("The image version."),
		"virtual_machine_image_id": computedString("The ARM ID of the custom image, or null."),
	})
	attrs["user_account"] = computedObject("The administrator account of the nodes. The service never "+
		"returns its SSH key or password.", map[string]schema.Attribute{
		"admin_user_name": computedString("The administrator's user name, for `ssh <admin_user_name>@<ip> -p <port>`."),
	})
	attrs["subnet_id"] = computedString("The ARM ID of the subnet the nodes are in, or null.")
	attrs["setup_task"] = computedObject("The command run on every node after allocation, or null. Secret "+
		"environment variable values are never returned.", map[string]schema.Attribute{
		"command_line": computedString("The command line."),
		"environment_variables": schema.MapAttribute{
			Computed: true, ElementType: types.StringType,
			MarkdownDescription: "Environment variables of the command, by name.",
		},
		"secret_reference": computedList("Secret environment variables read from Key Vault.", map[string]schema.Attribute{
			"name":            computedString("The environment variable name."),
			"source_vault_id": computedString("The ARM ID of the Key Vault."),
			"secret_url":      computedString("The URL of the secret in that vault."),
		}),
		"std_out_err_path_prefix": computedString("Where the task's output goes."),
		"std_out_err_path_suffix": computedString("The path the service appends to the prefix: the output " +
			"is in `<prefix>/<suffix>`."),
	})
	attrs["mount_volumes"] = computedObject("The file systems mounted on every node under "+
		"`$AZ_BATCHAI_MOUNT_ROOT`, or null. The CLI's `--query \"nodeSetup.mountVolumes.azureFileShares[0].accountName\"` "+
		"is `mount_volumes.azure_file_share[0].account_name`. Storage keys are never returned.", map[string]schema.Attribute{
		"azure_file_share": computedList("Azure Files shares.", map[string]schema.Attribute{
			"account_name":                 computedString("The storage account name."),
			"azure_file_url":               computedString("The URL of the share."),
			"account_key_secret_reference": keyVaultSecretReferenceDataSourceAttribute("The storage account key"),
			"relative_mount_path":          computedString("The mount path, relative to `$AZ_BATCHAI_MOUNT_ROOT`."),
			"file_mode":                    computedString("The octal permissions of files."),
			"directory_mode":               computedString("The octal permissions of directories."),
		}),
		"azure_blob_file_system": computedList("Blob containers mounted with blobfuse.", map[string]schema.Attribute{
			"account_name":                 computedString("The storage account name."),
			"container_name":               computedString("The blob container name."),
			"account_key_secret_reference": keyVaultSecretReferenceDataSourceAttribute("The storage account key"),
			"relative_mount_path":          computedString("The mount path, relative to `$AZ_BATCHAI_MOUNT_ROOT`."),
			"mount_options":                computedString("Options passed to blobfuse."),
		}),
		"file_server": computedList("Batch AI file servers (NFS).", map[string]schema.Attribute{
			"file_server_id":      computedString("The ARM ID of the file server."),
			"relative_mount_path": computedString("The mount path, relative to `$AZ_BATCHAI_MOUNT_ROOT`."),
			"source_directory":    computedString("The directory of the file server that is mounted."),
			"mount_options":       computedString("NFS mount options."),
		}),
		"unmanaged_file_system": computedList("File systems mounted by a mount command.", map[string]schema.Attribute{
			"mount_command":       computedString("The mount command line."),
			"relative_mount_path": computedString("The mount path, relative to `$AZ_BATCHAI_MOUNT_ROOT`."),
		}),
	})
	attrs["performance_counters"] = computedObject("Where node performance counters go, or null. The "+
		"instrumentation key is never returned.", map[string]schema.Attribute{
		"app_insights_component_id":            computedString("The ARM ID of the Application Insights component."),
		"instrumentation_key_secret_reference": keyVaultSecretReferenceDataSourceAttribute("The instrumentation key"),
	})
	attrs["errors"] = computedList("Errors the service reports for the cluster, e.g. node setup failures or "+
		"allocation failures for lack of quota.", map[string]schema.Attribute{
		"code":    computedString("The error code."),
		"message": computedString("The error message."),
		"details": schema.MapAttribute{
			Computed: true, ElementType: types.StringType,
			MarkdownDescription: "Additional details, by name.",
		},
	})
	return attrs
}

// clusterSummaryAttributes are a row of batchai_clusters: the cluster's name and its read-only state.
func clusterSummaryAttributes() map[string]schema.Attribute {
	attrs := clusterStateDataSourceAttributes()
	attrs["name"] = computedString("The name of the cluster.")
	return attrs
}
