package provider

import (
	"context"
	"fmt"

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

type workspaceDataSourceModel struct {
	ID                              types.String `tfsdk:"id"`
	Name                            types.String `tfsdk:"name"`
	ResourceGroupName               types.String `tfsdk:"resource_group_name"`
	Location                        types.String `tfsdk:"location"`
	Tags                            types.Map    `tfsdk:"tags"`
	ProvisioningState               types.String `tfsdk:"provisioning_state"`
	ProvisioningStateTransitionTime types.String `tfsdk:"provisioning_state_transition_time"`
	CreationTime                    types.String `tfsdk:"creation_time"`
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
	var m workspaceDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c, ok := d.client(&resp.Diagnostics)
	if !ok {
		return
	}
	id := api.WorkspaceID{SubscriptionID: c.SubscriptionID(), ResourceGroup: m.ResourceGroupName.ValueString(),
		Name: m.Name.ValueString()}
	ctx = d.logContext(ctx, id.String())
	ctx, cancel := context.WithTimeout(ctx, defaultReadTimeout)
	defer cancel()

	ws, ok := getWorkspaceForDataSource(ctx, c, id, path.Root("name"), &resp.Diagnostics)
	if !ok {
		return
	}
	resp.Diagnostics.Append(m.flatten(ctx, id, ws)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// flatten reuses the resource's flattening (one per API type) and adapts it to the data source's plain types.
func (m *workspaceDataSourceModel) flatten(ctx context.Context, id api.WorkspaceID, ws api.Workspace) diag.Diagnostics {
	var r workspaceResourceModel
	diags := r.flatten(ctx, id, ws)
	m.ID, m.Name, m.ResourceGroupName = r.ID, r.Name, r.ResourceGroupName
	m.Location = types.StringValue(r.Location.ValueString())
	m.Tags = r.Tags
	if m.Tags.IsNull() {
		// A data source answers "no tags" with {} so that lookup() and for expressions work without try().
		m.Tags = types.MapValueMust(types.StringType, nil)
	}
	m.ProvisioningState, m.CreationTime = r.ProvisioningState, r.CreationTime
	m.ProvisioningStateTransitionTime = types.StringNull()
	if ws.Properties != nil {
		m.ProvisioningStateTransitionTime = stringOrNull(ws.Properties.ProvisioningStateTransitionTime)
	}
	return diags
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

func addWorkspaceNotFoundError(diags *diag.Diagnostics, attr path.Path, id api.WorkspaceID) {
	diags.AddAttributeError(attr, "Batch AI Workspace Not Found",
		fmt.Sprintf("The workspace %q does not exist in resource group %q of subscription %q (ID %s).\n\n"+
			"Check the name and the resource group, or create the workspace first (batchai_workspace).",
			id.Name, id.ResourceGroup, id.SubscriptionID, id))
}
