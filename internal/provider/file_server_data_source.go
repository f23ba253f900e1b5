package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

var (
	_ datasource.DataSource              = &fileServerDataSource{}
	_ datasource.DataSourceWithConfigure = &fileServerDataSource{}
)

func newFileServerDataSource() datasource.DataSource { return &fileServerDataSource{} }

// fileServerDataSource reads an existing file server, for example to mount one that another configuration
// manages.
type fileServerDataSource struct {
	dataSourceBase
}

func (d *fileServerDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_file_server"
}

func (d *fileServerDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = fileServerDataSourceSchema()
}

// fileServerDataSourceSchema is the schema of the batchai_file_server data source: the file server's name and
// workspace, and everything the service returns of it.
func fileServerDataSourceSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Reads an existing Batch AI file server: its VM size, administrator user name, allowed " +
			"public IPs, data disks, subnet and the mount settings clusters and jobs use (`id` goes into a " +
			"`mount_volumes { file_server { file_server_id = ... } }` block). The password and SSH key are never " +
			"returned by the service. A missing workspace or file server is an error naming it.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The name of the file server.",
				Validators:          batchAINameValidators(),
			},
			"workspace_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The ARM ID of the file server's workspace: `batchai_workspace.<name>.id` or `data.batchai_workspace.<name>.id`.",
				Validators:          []validator.String{workspaceID()},
			},
			"id":              computedString("The ARM ID of the file server."),
			"vm_size":         computedString("The VM size of the file server, as the service spells it."),
			"admin_user_name": computedString("The administrator's user name, for `ssh <admin_user_name>@<public_ip>`."),
			"public_ips_to_allow": schema.ListAttribute{
				Computed: true, ElementType: types.StringType,
				MarkdownDescription: "The source IP ranges allowed to connect over SSH; null when every source may.",
			},
			"data_disks": computedObject("The data disks.", map[string]schema.Attribute{
				"disk_size_in_gb":      computedInt64("The size of each disk in GB."),
				"disk_count":           computedInt64("The number of disks (in RAID 0)."),
				"storage_account_type": computedString("`Standard_LRS` or `Premium_LRS`."),
				"caching_type":         computedString("`none`, `readonly` or `readwrite`."),
			}),
			"subnet_id":   computedString("The ARM ID of the file server's subnet (one the service created, when none was given)."),
			"mount_point": computedString("Where the data disks are mounted on the file server, the NFS export (`/mnt/data`)."),
			"public_ip":   computedString("The public IP address, for SSH from outside the subnet."),
			"internal_ip": computedString("The internal IP address, which nodes in the subnet mount the file server from."),
			"provisioning_state": computedString("`creating`, `succeeded`, `failed` or `deleting`: a file server " +
				"can be mounted unless it is `failed` or `deleting`."),
			"provisioning_state_transition_time": computedString("When the file server entered its provisioning state (RFC 3339)."),
			"creation_time":                      computedString("When the file server was created (RFC 3339)."),
		},
	}
}

func (d *fileServerDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	m, c, ok := readConfig[fileServerDataSourceModel](ctx, req.Config, &d.providerDataHolder, &resp.Diagnostics)
	if !ok {
		return
	}
	ws, ok := parseIDAttribute(&resp.Diagnostics, path.Root("workspace_id"), kindWorkspace, m.WorkspaceID.ValueString(), api.ParseWorkspaceID)
	if !ok {
		return
	}
	id := ws.FileServer(m.Name.ValueString())
	ctx, cancel := d.readContext(ctx, id.String())
	defer cancel()

	fs, ok := getFileServerForDataSource(ctx, c, id, &resp.Diagnostics)
	if !ok {
		return
	}
	setDataSourceState(ctx, resp, &m, m.flatten(ctx, id, fs))
}

// getFileServerForDataSource reads a file server. On a 404 it reads the workspace too, so the error says which
// of the two is missing, on the attribute that names it.
func getFileServerForDataSource(ctx context.Context, c *client.Client, id api.FileServerID, diags *diag.Diagnostics) (api.FileServer, bool) {
	return getInParent(diags, kindFileServer, id.String(),
		func() (api.FileServer, error) { return c.GetFileServer(ctx, id) },
		func() bool {
			_, ok := getWorkspaceForDataSource(ctx, c, id.WorkspaceID(), path.Root("workspace_id"), diags)
			return ok
		},
		func() {
			addNotFoundError(diags, path.Root("name"), kindFileServer, "file server", id.Name,
				fmt.Sprintf("workspace %q", id.Workspace), id.String(), "batchai_file_server")
		})
}
