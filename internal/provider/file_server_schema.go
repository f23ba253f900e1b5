package provider

import (
	"context"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// fileServerTimeouts are batchai_file_server's defaults. Creating a file server took minutes on the real
// service (about four before the recorded failures), hence a generous create timeout; there is no update API.
var fileServerTimeouts = operationTimeouts{create: 60 * time.Minute, read: defaultReadTimeout, delete: defaultDeleteTimeout}

// File servers' data disks, as the spec and the service define them.
const (
	fileServerMaxDiskSizeGB  = 4095
	fileServerMaxDiskCount   = 64
	fileServerMaxAllowedIPs  = 400
	storageStandardLRS       = "Standard_LRS"
	storagePremiumLRS        = "Premium_LRS"
	cachingNone              = "none"
	cachingReadOnly          = "readonly"
	cachingReadWrite         = "readwrite"
	fileServerDefaultCaching = cachingNone
)

// fileServerVMSizePattern is the shape of an Azure VM size: file servers took any size (the spec has no table
// for them), so only the shape is checked at plan time.
var fileServerVMSizePattern = regexp.MustCompile(`(?i)^(standard|basic)_[a-z0-9_]+$`)

// fileServerResourceSchema is the schema of batchai_file_server. The API has no update for file servers:
// every argument replaces the file server (RequiresReplace on each attribute and block).
func fileServerResourceSchema(ctx context.Context) schema.Schema {
	return schema.Schema{
		MarkdownDescription: "A Batch AI file server: a single VM that exports its RAID-0 data disks over NFS, like " +
			"`az batchai file-server create`. Clusters and jobs mount it with a `mount_volumes { file_server { ... } }` " +
			"block (the CLI's `--nfs`), naming `batchai_file_server.<name>.id`. The API has no update: changing " +
			"any argument replaces the file server (and its data). Creating one takes minutes; the default create " +
			"timeout is one hour.\n\n" +
			"The administrator's password and SSH key are never returned by the service. Their classic forms are " +
			"`Sensitive` and kept in state from configuration; their `_wo` forms (Terraform >= 1.11) are write-only " +
			"and never stored.",
		Attributes: map[string]schema.Attribute{
			// Required attributes.
			"name": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The name of the file server, unique in its workspace: 1 to 64 letters, digits, " +
					"`-` and `_`. Changing it replaces the file server.",
				Validators:    batchAINameValidators(),
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"workspace_id": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The ARM ID of the workspace the file server belongs to, usually " +
					"`batchai_workspace.<name>.id`. Changing it replaces the file server.",
				Validators:    []validator.String{workspaceID()},
				PlanModifiers: []planmodifier.String{keepEquivalentState(normalizeCaseInsensitive), stringplanmodifier.RequiresReplace()},
			},
			"vm_size": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The VM size of the file server, e.g. `Standard_D2_v2` (any Azure VM size; " +
					"`Premium_LRS` disks need a size that supports premium storage, such as `Standard_DS2_v2`). " +
					"Compared case-insensitively. Changing it replaces the file server.",
				Validators: []validator.String{stringvalidator.RegexMatches(fileServerVMSizePattern,
					"must be an Azure VM size such as Standard_D2_v2")},
				PlanModifiers: []planmodifier.String{keepEquivalentState(normalizeCaseInsensitive), stringplanmodifier.RequiresReplace()},
			},

			// Optional attributes.
			"public_ips_to_allow": schema.ListAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "The allowed public IPs: the source IP ranges (such as `203.0.113.7` or " +
					"`203.0.113.0/24`) that may reach the file server over SSH, at most 400. Left out, every " +
					"source may. Changing it replaces the file server.",
				Validators: []validator.List{
					listvalidator.SizeBetween(1, fileServerMaxAllowedIPs),
					listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1)),
				},
				PlanModifiers: []planmodifier.List{listplanmodifier.RequiresReplace()},
			},
			"subnet_id": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "The ARM ID of an existing virtual network subnet for the file server. Left " +
					"out, the service creates a virtual network and a subnet, whose ID then shows here (clusters " +
					"that mount the file server without a subnet of their own join it). Changing it replaces the " +
					"file server; removing it from the configuration keeps the subnet the service chose.",
				Validators: []validator.String{subnetIDValidator()},
				PlanModifiers: []planmodifier.String{
					stringplanmodifier.UseStateForUnknown(), keepEquivalentState(normalizeCaseInsensitive),
					stringplanmodifier.RequiresReplace(),
				},
			},

			// Computed attributes. Nothing changes a file server in place: they keep their state values.
			"id": stableComputedString("The ARM ID of the file server, `<workspace_id>/fileServers/<name>`."),
			"mount_point": stableComputedString("Where the data disks are mounted on the file server (`/mnt/data`): " +
				"the directory the NFS export serves."),
			"public_ip": stableComputedString("The public IP address of the file server, for SSH from outside " +
				"its subnet (`ssh <admin_user_name>@<public_ip>`)."),
			"internal_ip": stableComputedString("The internal IP address of the file server, which nodes in its " +
				"subnet mount it from."),
			"creation_time":      stableComputedString("When the file server was created (RFC 3339)."),
			"provisioning_state": stableComputedString("The provisioning state of the file server: `succeeded` once created."),
		},
		Blocks: map[string]schema.Block{
			// Required blocks (a validator requires them: blocks cannot be Required).
			"user_account": userAccountBlock("Required. The administrator account of the file server's VM, for "+
				"SSH (`sshConfiguration.userAccountSettings`). Give an SSH public key, a password, or both, each "+
				"either as a `Sensitive` attribute stored in state or as a write-only `_wo` attribute with its "+
				"`_wo_version`. Changing anything replaces the file server.", "file server"),
			"data_disks": fileServerDataDisksBlock(),

			// Optional blocks.
			"timeouts": timeoutsBlockOf(ctx, fileServerTimeouts),
		},
	}
}

func fileServerDataDisksBlock() schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: "Required. The blank data disks the file server exports, in RAID 0 when there " +
			"are several (the CLI's `--disk-count`, `--disk-size` and `--storage-sku`). Changing anything " +
			"replaces the file server.",
		Validators:    []validator.Object{objectvalidator.IsRequired()},
		PlanModifiers: []planmodifier.Object{objectplanmodifier.RequiresReplace()},
		Attributes: map[string]schema.Attribute{
			"disk_size_in_gb": schema.Int64Attribute{
				Optional:            true, // required in the block: see requiredInBlock
				MarkdownDescription: "Required. The size of each disk in GB, 1 to 4095.",
				Validators:          []validator.Int64{requiredInBlock(), int64validator.Between(1, fileServerMaxDiskSizeGB)},
			},
			"disk_count": schema.Int64Attribute{
				Optional:            true, // required in the block: see requiredInBlock
				MarkdownDescription: "Required. The number of disks, 1 to 64.",
				Validators:          []validator.Int64{requiredInBlock(), int64validator.Between(1, fileServerMaxDiskCount)},
			},
			"storage_account_type": schema.StringAttribute{
				Optional:            true, // required in the block: see requiredInBlock
				MarkdownDescription: "Required. `Standard_LRS` or `Premium_LRS` (premium needs a VM size that supports premium storage).",
				Validators:          []validator.String{requiredInBlock(), stringvalidator.OneOf(storageStandardLRS, storagePremiumLRS)},
			},
			"caching_type": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(fileServerDefaultCaching),
				MarkdownDescription: "The host caching of the disks: `none` (default), `readonly` or `readwrite` " +
					"(only on VM sizes that support premium storage).",
				Validators: []validator.String{stringvalidator.OneOf(cachingNone, cachingReadOnly, cachingReadWrite)},
			},
		},
	}
}
