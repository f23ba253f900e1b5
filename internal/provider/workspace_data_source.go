package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

var (
	_ datasource.DataSource              = &workspaceDataSource{}
	_ datasource.DataSourceWithConfigure = &workspaceDataSource{}
)

func newWorkspaceDataSource() datasource.DataSource { return &workspaceDataSource{} }

// workspaceDataSource reads an existing workspace: `az batchai workspace show`.
type workspaceDataSource struct {
	dataSourceBase
}

func (d *workspaceDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_workspace"
}

func (d *workspaceDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads an existing Batch AI workspace by name and resource group, in the provider's " +
			"subscription: what `az batchai workspace show` shows. Use its `id` as the `workspace_id` of a " +
			"`batchai_cluster` resource or of the `batchai_cluster` and `batchai_clusters` data sources. A workspace " +
			"that does not exist is an error naming it.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The name of the workspace.",
				Validators:          batchAINameValidators(),
			},
			"resource_group_name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The resource group the workspace is in.",
				Validators:          resourceGroupNameValidators(),
			},
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The ARM ID of the workspace.",
			},
			"location": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The Azure region of the workspace, as the service spells it (e.g. `eastus`).",
			},
			"tags": schema.MapAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "The tags of the workspace (an empty map when it has none).",
			},
			"provisioning_state": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`creating`, `succeeded`, `failed` or `deleting`.",
			},
			"provisioning_state_transition_time": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When the workspace entered its provisioning state (RFC 3339).",
			},
			"creation_time": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "When the workspace was created (RFC 3339).",
			},
		},
	}
}

func (d *workspaceDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	m, c, ok := readConfig[workspaceDataSourceModel](ctx, req.Config, &d.providerDataHolder, &resp.Diagnostics)
	if !ok {
		return
	}
	id := api.WorkspaceID{SubscriptionID: c.SubscriptionID(), ResourceGroup: m.ResourceGroupName.ValueString(),
		Name: m.Name.ValueString()}
	ctx, cancel := d.readContext(ctx, id.String())
	defer cancel()

	ws, ok := getWorkspaceForDataSource(ctx, c, id, path.Root("name"), &resp.Diagnostics)
	if !ok {
		return
	}
	setDataSourceState(ctx, resp, &m, m.flatten(ctx, id, ws))
}

// getWorkspaceForDataSource reads a workspace for any data source. A 404 becomes an error on attr that names
// the workspace, its resource group and subscription, so a typo is found at once.
func getWorkspaceForDataSource(ctx context.Context, c *client.Client, id api.WorkspaceID, attr path.Path, diags *diag.Diagnostics) (api.Workspace, bool) {
	ws, err := c.GetWorkspace(ctx, id)
	if client.IsNotFound(err) {
		addWorkspaceNotFoundError(diags, attr, id)
		return ws, false
	}
	if err != nil {
		addAPIError(diags, actionRead, kindWorkspace, id.String(), err)
		return ws, false
	}
	return ws, true
}
