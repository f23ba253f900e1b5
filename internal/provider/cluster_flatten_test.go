package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// Unit tests of the data sources' flatteners: every model must fit its schema (a mismatch would otherwise
// only show as an error at apply time), and every value `az batchai cluster show` prints must arrive.

func dataSourceState(t *testing.T, ds datasource.DataSource) tfsdk.State {
	t.Helper()
	ctx := context.Background()
	var resp datasource.SchemaResponse
	ds.Schema(ctx, datasource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("schema: %v", resp.Diagnostics)
	}
	if diags := resp.Schema.ValidateImplementation(ctx); diags.HasError() {
		t.Fatalf("schema implementation: %v", diags)
	}
	return tfsdk.State{Schema: resp.Schema, Raw: tftypes.NewValue(resp.Schema.Type().TerraformType(ctx), nil)}
}

func getString(t *testing.T, s tfsdk.State, p path.Path) string {
	t.Helper()
	var v types.String
	if diags := s.GetAttribute(context.Background(), p, &v); diags.HasError() {
		t.Fatalf("get %s: %v", p, diags)
	}
	return v.ValueString()
}

func getInt(t *testing.T, s tfsdk.State, p path.Path) int64 {
	t.Helper()
	var v types.Int64
	if diags := s.GetAttribute(context.Background(), p, &v); diags.HasError() {
		t.Fatalf("get %s: %v", p, diags)
	}
	return v.ValueInt64()
}

func kvRef(secret string) *api.KeyVaultSecretReference {
	return &api.KeyVaultSecretReference{
		SourceVault: &api.ResourceID{ID: api.Ptr("/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/v")},
		SecretURL:   api.Ptr("https://v.vault.azure.net/secrets/" + secret),
	}
}

// fullCluster is a cluster as the service returns it, with every kind of setting and no secrets.
func fullCluster() api.Cluster {
	return api.Cluster{
		ID: api.Ptr("/subscriptions/s/resourceGroups/g/providers/Microsoft.BatchAI/workspaces/w/clusters/c"),
		Properties: &api.ClusterProperties{
			VMSize:        api.Ptr("STANDARD_NC6"),
			ScaleSettings: &api.ScaleSettings{Manual: &api.ManualScaleSettings{TargetNodeCount: api.Ptr[int32](2)}},
			VirtualMachineConfiguration: &api.VirtualMachineConfiguration{ImageReference: &api.ImageReference{
				Publisher: api.Ptr("microsoft-ads"), Offer: api.Ptr("linux-data-science-vm-ubuntu"),
				Sku: api.Ptr("linuxdsvmubuntu"), Version: api.Ptr("latest"),
			}},
			UserAccountSettings: &api.UserAccountSettings{AdminUserName: api.Ptr("adminuser")},
			Subnet:              &api.ResourceID{ID: api.Ptr("/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/n/subnets/default")},
			NodeSetup: &api.NodeSetup{
				SetupTask: &api.SetupTask{
					CommandLine:          api.Ptr("apt install unzip -y"),
					EnvironmentVariables: []api.EnvironmentVariable{{Name: api.Ptr("A"), Value: api.Ptr("1")}},
					Secrets: []api.EnvironmentVariableWithSecretValue{
						{Name: api.Ptr("PLAIN")}, // a value secret: the service returns its name only
						{Name: api.Ptr("FROM_KV"), ValueSecretReference: kvRef("token")},
					},
					StdOutErrPathPrefix: api.Ptr("$AZ_BATCHAI_MOUNT_ROOT/afs"),
					StdOutErrPathSuffix: api.Ptr("00000000-0000-0000-0000-000000000000/g/workspaces/w/clusters/c/abc"),
				},
				MountVolumes: &api.MountVolumes{
					AzureFileShares: []api.AzureFileShareReference{{
						AccountName: api.Ptr("baistorage"), AzureFileURL: api.Ptr("https://baistorage.file.core.windows.net/share"),
						Credentials: &api.AzureStorageCredentialsInfo{}, RelativeMountPath: api.Ptr("afs"),
						FileMode: api.Ptr("0777"), DirectoryMode: api.Ptr("0777"),
					}},
					AzureBlobFileSystems: []api.AzureBlobFileSystemReference{{
						AccountName: api.Ptr("baistorage"), ContainerName: api.Ptr("data"),
						Credentials:       &api.AzureStorageCredentialsInfo{AccountKeySecretReference: kvRef("key")},
						RelativeMountPath: api.Ptr("bfs"),
					}},
					FileServers: []api.FileServerReference{{
						FileServer:        &api.ResourceID{ID: api.Ptr("/subscriptions/s/resourceGroups/g/providers/Microsoft.BatchAI/workspaces/w/fileServers/nfs")},
						RelativeMountPath: api.Ptr("nfs"), MountOptions: api.Ptr("rw"),
					}},
					UnmanagedFileSystems: []api.UnmanagedFileSystemReference{{
						MountCommand: api.Ptr("mount -t glusterfs 10.0.0.4:/gfs"), RelativeMountPath: api.Ptr("gfs"),
					}},
				},
				PerformanceCountersSettings: &api.PerformanceCountersSettings{AppInsightsReference: &api.AppInsightsReference{
					Component: &api.ResourceID{ID: api.Ptr("/subscriptions/s/resourceGroups/g/providers/Microsoft.Insights/components/ai")},
				}},
			},
			CreationTime:      api.Ptr("2018-06-07T21:16:00Z"),
			ProvisioningState: api.Ptr("succeeded"),
			AllocationState:   api.Ptr("steady"),
			CurrentNodeCount:  api.Ptr[int32](2),
			NodeStateCounts:   &api.NodeStateCounts{IdleNodeCount: api.Ptr[int32](1), RunningNodeCount: api.Ptr[int32](1)},
			Errors: []api.BatchAIError{{
				Code: api.Ptr("SetupTaskFailed"), Message: api.Ptr("exit code 1"),
				Details: []api.NameValuePair{{Name: api.Ptr("nodeId"), Value: api.Ptr("tvm-1")}},
			}},
		},
	}
}

func TestClusterDataSourceFlattenFitsSchema(t *testing.T) {
	ctx := context.Background()
	id, err := api.ParseClusterID(*fullCluster().ID)
	if err != nil {
		t.Fatal(err)
	}
	var m clusterDataSourceModel
	if diags := m.flatten(ctx, id, fullCluster()); diags.HasError() {
		t.Fatalf("flatten: %v", diags)
	}
	state := dataSourceState(t, &clusterDataSource{})
	if diags := state.Set(ctx, &m); diags.HasError() {
		t.Fatalf("the model does not fit the schema: %v", diags)
	}

	root := path.Root
	for p, want := range map[string]struct {
		got, want string
	}{
		// The seed's --query "nodeSetup.mountVolumes.azureFileShares[0].accountName".
		"afs account": {getString(t, state, root("mount_volumes").AtName("azure_file_share").AtListIndex(0).AtName("account_name")), "baistorage"},
		"bfs kv":      {getString(t, state, root("mount_volumes").AtName("azure_blob_file_system").AtListIndex(0).AtName("account_key_secret_reference").AtName("secret_url")), "https://v.vault.azure.net/secrets/key"},
		"nfs":         {getString(t, state, root("mount_volumes").AtName("file_server").AtListIndex(0).AtName("mount_options")), "rw"},
		"gfs":         {getString(t, state, root("mount_volumes").AtName("unmanaged_file_system").AtListIndex(0).AtName("relative_mount_path")), "gfs"},
		"admin":       {getString(t, state, root("user_account").AtName("admin_user_name")), "adminuser"},
		"dealloc":     {getString(t, state, root("scale_settings").AtName("manual").AtName("node_deallocation_option")), "requeue"},
		"priority":    {getString(t, state, root("vm_priority")), "dedicated"},
		"image":       {getString(t, state, root("image_reference").AtName("sku")), "linuxdsvmubuntu"},
		"setup env":   {getString(t, state, root("setup_task").AtName("environment_variables").AtMapKey("A")), "1"},
		"setup kv":    {getString(t, state, root("setup_task").AtName("secret_reference").AtListIndex(0).AtName("name")), "FROM_KV"},
		"perf":        {getString(t, state, root("performance_counters").AtName("app_insights_component_id")), "/subscriptions/s/resourceGroups/g/providers/Microsoft.Insights/components/ai"},
		"error":       {getString(t, state, root("errors").AtListIndex(0).AtName("details").AtMapKey("nodeId")), "tvm-1"},
		"workspace":   {getString(t, state, root("workspace_id")), "/subscriptions/s/resourceGroups/g/providers/Microsoft.BatchAI/workspaces/w"},
	} {
		if want.got != want.want {
			t.Errorf("%s: got %q, want %q", p, want.got, want.want)
		}
	}
	if got := getInt(t, state, root("node_state_counts").AtName("running")); got != 1 {
		t.Errorf("running nodes: got %d, want 1", got)
	}
	var secretRefs types.List
	state.GetAttribute(ctx, root("setup_task").AtName("secret_reference"), &secretRefs)
	if n := len(secretRefs.Elements()); n != 1 {
		t.Errorf("only Key Vault secrets are listed (values are never returned): got %d references", n)
	}
}

func TestClusterDataSourceFlattenMinimalCluster(t *testing.T) {
	ctx := context.Background()
	c := api.Cluster{Properties: &api.ClusterProperties{VMSize: api.Ptr("STANDARD_NC6")}}
	id := api.ClusterID{SubscriptionID: "s", ResourceGroup: "g", Workspace: "w", Name: "c"}
	var m clusterDataSourceModel
	if diags := m.flatten(ctx, id, c); diags.HasError() {
		t.Fatalf("flatten: %v", diags)
	}
	state := dataSourceState(t, &clusterDataSource{})
	if diags := state.Set(ctx, &m); diags.HasError() {
		t.Fatalf("the model does not fit the schema: %v", diags)
	}
	if !m.MountVolumes.IsNull() || !m.SetupTask.IsNull() || !m.PerformanceCounters.IsNull() {
		t.Errorf("absent node setup parts must be null: %v %v %v", m.MountVolumes, m.SetupTask, m.PerformanceCounters)
	}
	if m.Errors.IsNull() || len(m.Errors.Elements()) != 0 {
		t.Errorf("errors must be an empty list, got %v", m.Errors)
	}
}

func TestClustersDataSourceFlattenFitsSchema(t *testing.T) {
	ctx := context.Background()
	ws := api.WorkspaceID{SubscriptionID: "s", ResourceGroup: "g", Name: "w"}
	full := fullCluster()
	full.Name = api.Ptr("c")
	var diags diag.Diagnostics
	m := clustersDataSourceModel{
		WorkspaceID: types.StringValue(ws.String()), ID: types.StringValue(ws.String()),
		Clusters: flattenClusterSummaries(ctx, ws, []api.Cluster{full, {Name: api.Ptr("empty")}}, &diags),
	}
	if diags.HasError() {
		t.Fatal(diags)
	}
	state := dataSourceState(t, &clustersDataSource{})
	if diags := state.Set(ctx, &m); diags.HasError() {
		t.Fatalf("the model does not fit the schema: %v", diags)
	}
	if got := getString(t, state, path.Root("clusters").AtListIndex(0).AtName("id")); got != ws.String()+"/clusters/c" {
		t.Errorf("id: got %q", got)
	}
	if got := getInt(t, state, path.Root("clusters").AtListIndex(0).AtName("node_state_counts").AtName("idle")); got != 1 {
		t.Errorf("idle: got %d, want 1", got)
	}
	if got := getString(t, state, path.Root("clusters").AtListIndex(1).AtName("vm_priority")); got != "dedicated" {
		t.Errorf("default priority: got %q", got)
	}
}

func TestClusterNodesFlattenAndSSHCommand(t *testing.T) {
	ctx := context.Background()
	nodes := []api.RemoteLoginInformation{
		{NodeID: api.Ptr("tvm-3601533753_1-20170719t162906z"), IPAddress: api.Ptr("13.84.190.124"), Port: api.Ptr[int32](50000)},
		{NodeID: api.Ptr("tvm-3601533753_2-20170719t162906z"), IPAddress: api.Ptr("13.84.190.124"), Port: api.Ptr[int32](50001)},
	}
	l, diags := flattenClusterNodes(ctx, nodes, "azureuser")
	if diags.HasError() {
		t.Fatal(diags)
	}
	m := clusterNodesDataSourceModel{
		ClusterID: types.StringValue("x"), ID: types.StringValue("x"), AdminUserName: types.StringValue("azureuser"),
		WaitForNodeCount: types.Int64Null(), Nodes: l,
	}
	state := dataSourceState(t, &clusterNodesDataSource{})
	m.Timeouts.Object = types.ObjectNull(map[string]attr.Type{"read": types.StringType})
	if diags := state.Set(ctx, &m); diags.HasError() {
		t.Fatalf("the model does not fit the schema: %v", diags)
	}
	if got := getString(t, state, path.Root("nodes").AtListIndex(1).AtName("ssh_command")); got != "ssh azureuser@13.84.190.124 -p 50001" {
		t.Errorf("ssh_command: got %q", got)
	}
	if got := sshCommand("", "10.0.0.4", 22); got != "ssh 10.0.0.4 -p 22" {
		t.Errorf("without an admin user: got %q", got)
	}
}

// TestClusterFlattenImport flattens a complete cluster over an empty model, as after an import:
// every value the API returns is set, the secrets stay null.
func TestClusterFlattenImport(t *testing.T) {
	ctx := context.Background()
	plan := testClusterCompletePlan(t)
	body, diags := expandClusterCreateParameters(ctx, plan, plan)
	if diags.HasError() {
		t.Fatal(diags)
	}
	var imported clusterResourceModel
	imported.ID = str(testClusterID)
	imported.Timeouts = nullTimeouts()
	if diags := imported.setFromAPI(ctx, testServerView(t, body, testObservedProperties())); diags.HasError() {
		t.Fatalf("flatten: %v", diags)
	}
	if got := imported.WorkspaceID.ValueString(); got != testWorkspaceID {
		t.Errorf("workspace_id = %q, want %q", got, testWorkspaceID)
	}
	if !imported.WaitForSteadyState.ValueBool() {
		t.Error("wait_for_steady_state should default to true")
	}
	ua := objectAs[clusterUserAccountResourceModel](ctx, imported.UserAccount, &diags)
	if ua.AdminUserName.ValueString() != "adminuser" || !ua.AdminUserPassword.IsNull() || !ua.AdminUserSSHPublicKey.IsNull() {
		t.Errorf("user_account = %+v", ua)
	}
	mv := objectAs[clusterMountVolumesModel](ctx, imported.MountVolumes, &diags)
	shares := listAs[clusterAzureFileShareResourceModel](ctx, mv.AzureFileShares, &diags)
	if len(shares) != 2 || !shares[0].AccountKey.IsNull() || shares[1].AccountKeySecretReference.IsNull() {
		t.Errorf("azure_file_share = %+v", shares)
	}
	ss := objectAs[clusterScaleSettingsModel](ctx, imported.ScaleSettings, &diags)
	auto := objectAs[clusterAutoScaleModel](ctx, ss.AutoScale, &diags)
	if auto.InitialNodeCount.ValueInt64() != 2 {
		t.Errorf("initial_node_count = %v, want the API's 2", auto.InitialNodeCount)
	}
	if diags.HasError() {
		t.Fatal(diags)
	}
}

// TestClusterFlattenKeepsPriorChoices covers what Read decides from prior state rather than the API.
func TestClusterFlattenKeepsPriorChoices(t *testing.T) {
	ctx := context.Background()
	prior := testClusterBasicPlan(t)
	prior.ScaleSettings = testAutoScale(t, 0, 4, 3)
	prior.SetupTask = mustObject(t, clusterSetupTaskResourceAttrTypes, &clusterSetupTaskResourceModel{
		clusterSetupTaskModel: clusterSetupTaskModel{
			CommandLine: str("true"), EnvironmentVariables: types.MapValueMust(types.StringType, map[string]attr.Value{}),
			SecretReferences:    mustList[clusterSecretReferenceModel](t, clusterSecretReferenceAttrTypes),
			StdOutErrPathPrefix: str("/tmp"), StdOutErrPathSuffix: types.StringUnknown(),
		},
		Secrets: types.MapNull(types.StringType), SecretsWO: types.MapNull(types.StringType),
	})
	body, diags := expandClusterCreateParameters(ctx, prior, prior)
	if diags.HasError() {
		t.Fatal(diags)
	}
	view := testServerView(t, body, testObservedProperties())
	view.Properties.VMSize = api.Ptr("STANDARD_NC6")               // the service may change the case
	view.Properties.ScaleSettings.AutoScale.InitialNodeCount = nil // and forget a create-only value

	got := prior
	if diags := got.setFromAPI(ctx, view); diags.HasError() {
		t.Fatal(diags)
	}
	if got.VMSize.ValueString() != "Standard_NC6" {
		t.Errorf("vm_size = %s, want the configured casing", got.VMSize)
	}
	ss := objectAs[clusterScaleSettingsModel](ctx, got.ScaleSettings, &diags)
	if auto := objectAs[clusterAutoScaleModel](ctx, ss.AutoScale, &diags); auto.InitialNodeCount.ValueInt64() != 3 {
		t.Errorf("initial_node_count = %v, want the prior 3", auto.InitialNodeCount)
	}
	st := objectAs[clusterSetupTaskResourceModel](ctx, got.SetupTask, &diags)
	if st.EnvironmentVariables.IsNull() {
		t.Error("an empty environment_variables map must stay empty, not become null")
	}

	view.Properties.VMSize = api.Ptr("Standard_NC12")
	if got.setFromAPI(ctx, view); got.VMSize.ValueString() != "Standard_NC12" {
		t.Errorf("vm_size = %s, a real change must show", got.VMSize)
	}
}
