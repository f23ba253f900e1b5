package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// clusterMountVolumesBlock is NodeSetup.mountVolumes. The mounts are lists, not sets: write-only
// attributes (account_key_wo) cannot live in sets, and the service keeps their order anyway.
func clusterMountVolumesBlock() schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: "File systems mounted on every node under `$AZ_BATCHAI_MOUNT_ROOT/<relative_mount_path>` " +
			"(the CLI's `--afs-name`, `--bfs-name`, `--nfs` and `--config-file` mounts). Give at least one mount. " +
			"Changing anything replaces the cluster.",
		Validators:    []validator.Object{atLeastOneNestedBlock()},
		PlanModifiers: []planmodifier.Object{requiresReplaceUnlessAdopting(adoptMountVolumes)},
		Blocks: map[string]schema.Block{
			"azure_file_share": schema.ListNestedBlock{
				MarkdownDescription: "An Azure Files share. Repeatable.",
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"account_name": schema.StringAttribute{
							Required:            true,
							MarkdownDescription: "The storage account name.",
						},
						"azure_file_url": schema.StringAttribute{
							Required: true,
							MarkdownDescription: "The URL of the share, " +
								"`https://<account_name>.file.core.windows.net/<share>`.",
						},
						"account_key":            accountKeyAttribute(),
						"account_key_wo":         writeOnlyString("The storage account key, write-only (never stored). Requires `account_key_wo_version`.", "account_key_wo_version"),
						"account_key_wo_version": writeOnlyVersion("account_key_wo"),
						"relative_mount_path":    relativeMountPathAttribute(),
						"file_mode": schema.StringAttribute{
							Optional:            true,
							Computed:            true,
							Default:             stringdefault.StaticString(api.DefaultFileMode),
							MarkdownDescription: "The octal permissions of files (default `0777`).",
							Validators:          []validator.String{stringvalidator.RegexMatches(octalModePattern, "must be an octal mode such as 0777")},
						},
						"directory_mode": schema.StringAttribute{
							Optional:            true,
							Computed:            true,
							Default:             stringdefault.StaticString(api.DefaultDirectoryMode),
							MarkdownDescription: "The octal permissions of directories (default `0777`).",
							Validators:          []validator.String{stringvalidator.RegexMatches(octalModePattern, "must be an octal mode such as 0777")},
						},
					},
					Blocks: map[string]schema.Block{
						"account_key_secret_reference": keyVaultSecretReferenceBlock("The storage account key"),
					},
				},
			},
			"azure_blob_file_system": schema.ListNestedBlock{
				MarkdownDescription: "An Azure Blob container mounted with blobfuse. Repeatable.",
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"account_name": schema.StringAttribute{
							Required:            true,
							MarkdownDescription: "The storage account name.",
						},
						"container_name": schema.StringAttribute{
							Required:            true,
							MarkdownDescription: "The blob container name.",
						},
						"account_key":            accountKeyAttribute(),
						"account_key_wo":         writeOnlyString("The storage account key, write-only (never stored). Requires `account_key_wo_version`.", "account_key_wo_version"),
						"account_key_wo_version": writeOnlyVersion("account_key_wo"),
						"relative_mount_path":    relativeMountPathAttribute(),
						"mount_options": schema.StringAttribute{
							Optional:            true,
							MarkdownDescription: "Options passed to blobfuse.",
						},
					},
					Blocks: map[string]schema.Block{
						"account_key_secret_reference": keyVaultSecretReferenceBlock("The storage account key"),
					},
				},
			},
			"file_server": schema.ListNestedBlock{
				MarkdownDescription: "A Batch AI file server (NFS), like the CLI's `--nfs` (which mounts it with " +
					"`mount_options = \"rw\"`). Repeatable. Without `subnet_id`, the cluster joins the file server's " +
					"subnet.",
				NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"file_server_id": schema.StringAttribute{
						Required:            true,
						MarkdownDescription: "The ARM ID of the file server, usually a `" + api.ProviderNamespace + "/workspaces/{workspace}/fileServers/{name}` ID.",
						Validators:          []validator.String{armIDValidator(api.ProviderNamespace, "workspaces", "fileServers")},
					},
					"relative_mount_path": relativeMountPathAttribute(),
					"source_directory": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "The directory of the file server to mount (default: its root).",
					},
					"mount_options": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "NFS mount options, e.g. `rw`.",
					},
				}},
			},
			"unmanaged_file_system": schema.ListNestedBlock{
				MarkdownDescription: "Any file system a mount command can mount. Repeatable.",
				NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"mount_command": schema.StringAttribute{
						Required: true,
						MarkdownDescription: "The mount command line; the service appends the mount path, e.g. " +
							"`mount -t glusterfs 10.0.0.4:/gfs`.",
						Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
					},
					"relative_mount_path": relativeMountPathAttribute(),
				}},
			},
		},
	}
}

// accountKeyAttribute is the classic storage key. Exactly one of it, its write-only twin or a Key Vault
// reference must be given (ValidateConfig checks it): the spec asks for one of the two on the wire.
func accountKeyAttribute() schema.StringAttribute {
	return sensitiveString("The storage account key, stored in state. Give exactly one of `account_key`, "+
		"`account_key_wo` or `account_key_secret_reference`.", "account_key_wo")
}

func relativeMountPathAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Required:            true,
		MarkdownDescription: "Where to mount it, relative to `$AZ_BATCHAI_MOUNT_ROOT`, e.g. `afs`.",
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
	}
}
