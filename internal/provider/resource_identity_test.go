package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// Resource identity: every resource has one after create, read and import; import by identity and by ID
// both plan nothing; state written by a provider without identity gains one without a diff, even when the
// resource disappeared meanwhile.

// workspaceIdentityCheck expects the identity of the workspace id in state (workspaceChildIdentityCheck that of
// what a workspace holds).
func workspaceIdentityCheck(addr string, id api.WorkspaceID) statecheck.StateCheck {
	return statecheck.ExpectIdentity(addr, workspaceIdentityValues(id))
}

// TestAccWorkspaceResource_identity: create sets the identity; import by identity and by ID plan nothing.
func TestAccWorkspaceResource_identity(t *testing.T) {
	testAccSkipUnlessCLISupports(t, cliFeatureIdentity)
	t.Parallel()
	info := testAccEmulator(t)
	id := api.WorkspaceID{SubscriptionID: info.SubscriptionID, ResourceGroup: info.ResourceGroup, Name: "ws-identity"}
	config := testAccWorkspaceConfig(info, id.Name, "eastus", `{ team = "ml" }`)
	tfresource.UnitTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckWorkspaceDestroyed(t, info),
		Steps: []tfresource.TestStep{
			{Config: config, ConfigStateChecks: []statecheck.StateCheck{workspaceIdentityCheck(testAccWorkspaceAddr, id)}},
			{Config: config, ResourceName: testAccWorkspaceAddr, ImportState: true, ImportStateKind: tfresource.ImportBlockWithResourceIdentity},
			{Config: config, ResourceName: testAccWorkspaceAddr, ImportState: true, ImportStateKind: tfresource.ImportBlockWithID},
		},
	})
}

// TestAccWorkspaceResource_importByIdentityDefaultsSubscription imports a workspace made outside Terraform by an
// identity without subscription_id: the provider's subscription is used, and the stored identity names it.
func TestAccWorkspaceResource_importByIdentityDefaultsSubscription(t *testing.T) {
	testAccSkipUnlessCLISupports(t, cliFeatureIdentity)
	t.Parallel()
	info := testAccEmulator(t)
	id := api.WorkspaceID{SubscriptionID: info.SubscriptionID, ResourceGroup: info.ResourceGroup, Name: "ws-made-by-az"}
	testAccSeedWorkspace(t, info, id, "eastus")
	importBlock := func(name string) string {
		return fmt.Sprintf(`
import {
  to = batchai_workspace.test
  identity = {
    resource_group_name = %q
    name                = %q
  }
}
`, info.ResourceGroup, name)
	}
	config := testAccWorkspaceConfig(info, id.Name, "eastus", "null")
	tfresource.UnitTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckWorkspaceDestroyed(t, info),
		Steps: []tfresource.TestStep{
			{
				Config:      config + importBlock("not a name!"),
				PlanOnly:    true,
				ExpectError: expectError("Invalid Import Identity", "importing Batch AI Workspace by identity: name may contain only letters"),
			},
			{
				Config: config + importBlock(id.Name),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccWorkspaceAddr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{workspaceIdentityCheck(testAccWorkspaceAddr, id)},
			},
		},
	})
}

// TestAccClusterResource_identity imports a cluster made outside Terraform (it has an admin password and an
// SSH key) by identity, with a configuration that leaves the secrets out, as `terraform query
// -generate-config-out` writes it: Azure never returns them, so there is nothing to compare and the plan is
// empty. Import by ID plans nothing either.
func TestAccClusterResource_identity(t *testing.T) {
	testAccSkipUnlessCLISupports(t, cliFeatureIdentity)
	t.Parallel()
	info := testAccEmulator(t)
	ws, _ := testAccClusterSeedWorkspace(t, info, "")
	id := api.ClusterID{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Workspace: ws.Name, Name: "made-by-az"}
	testAccSeedCluster(t, info, id, "Standard_NC6", 1)
	config := testAccProviderConfig(info) + fmt.Sprintf(`
resource "batchai_cluster" "test" {
  name         = %[1]q
  workspace_id = %[2]q
  vm_size      = "Standard_NC6"
  scale_settings {
    manual {
      target_node_count = 1
    }
  }
  user_account {
    admin_user_name = "azureuser"
  }
}
`, id.Name, ws.String())
	importBlock := fmt.Sprintf(`
import {
  to = batchai_cluster.test
  identity = {
    subscription_id     = %q
    resource_group_name = %q
    workspace_name      = %q
    name                = %q
  }
}
`, id.SubscriptionID, id.ResourceGroup, id.Workspace, id.Name)
	tfresource.UnitTest(t, tfresource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckClusterDestroyed(t, info),
		Steps: []tfresource.TestStep{
			{
				Config: config + importBlock,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccClusterAddr, plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{workspaceChildIdentityCheck(testAccClusterAddr, id)},
			},
			{Config: config, ResourceName: testAccClusterAddr, ImportState: true, ImportStateKind: tfresource.ImportBlockWithID},
			{Config: config, ResourceName: testAccClusterAddr, ImportState: true, ImportStateKind: tfresource.ImportBlockWithResourceIdentity},
		},
	})
}

// TestAccResource_identityUpgrade: state written by a provider without identity (the first release's shape)
// gains an identity on the next refresh, and the plan stays empty.
func TestAccResource_identityUpgrade(t *testing.T) {
	testAccSkipUnlessCLISupports(t, cliFeatureIdentity)
	t.Parallel()
	info := testAccEmulator(t)
	config := testAccClusterConfig(info, testAccClusterManual("Standard_NC6", 1))
	tfresource.UnitTest(t, tfresource.TestCase{
		CheckDestroy: testAccCheckClusterDestroyed(t, info),
		Steps: []tfresource.TestStep{
			{ProtoV6ProviderFactories: testAccProviderFactoriesWithoutIdentity, Config: config},
			{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Config:                   config,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					workspaceIdentityCheck("batchai_workspace.test", testAccClusterID(info, "c1").WorkspaceID()),
					workspaceChildIdentityCheck(testAccClusterAddr, testAccClusterID(info, "c1")),
				},
			},
		},
	})
}

// TestAccResource_identityUpgradeDisappeared: the first Read with identity finds the resources gone. That Read
// removes them and must still return an identity (the framework fails it with "Missing Resource Identity After
// Read" otherwise, as under every Terraform before 1.12); the plan recreates them. It runs under every CLI.
func TestAccResource_identityUpgradeDisappeared(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	config := testAccClusterConfig(info, testAccClusterManual("Standard_NC6", 0))
	ws := testAccClusterID(info, "c1").WorkspaceID()
	tfresource.UnitTest(t, tfresource.TestCase{
		CheckDestroy: testAccCheckClusterDestroyed(t, info),
		Steps: []tfresource.TestStep{
			{ProtoV6ProviderFactories: testAccProviderFactoriesWithoutIdentity, Config: config},
			{
				PreConfig:                func() { testAccDeleteWorkspace(t, info, ws) }, // its cluster goes with it
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Config:                   config,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("batchai_workspace.test", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(testAccClusterAddr, plancheck.ResourceActionCreate),
				}},
			},
		},
	})
}

// testAccProviderFactoriesWithoutIdentity serve the provider as it was before resource identity: the same
// resources and data sources, without identity schemas, list resources, actions or functions.
var testAccProviderFactoriesWithoutIdentity = map[string]func() (tfprotov6.ProviderServer, error){
	"batchai": providerserver.NewProtocol6WithError(providerWithoutIdentity{
		p: &batchaiProvider{version: "0.1.0", getenv: func(string) string { return "" }},
	}),
}

// providerWithoutIdentity forwards the methods of a provider without identity, one by one, so that none of the
// newer provider interfaces (list resources, actions, functions) is promoted.
type providerWithoutIdentity struct {
	p *batchaiProvider
}

func (w providerWithoutIdentity) Metadata(ctx context.Context, req provider.MetadataRequest, resp *provider.MetadataResponse) {
	w.p.Metadata(ctx, req, resp)
}

func (w providerWithoutIdentity) Schema(ctx context.Context, req provider.SchemaRequest, resp *provider.SchemaResponse) {
	w.p.Schema(ctx, req, resp)
}

func (w providerWithoutIdentity) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	w.p.Configure(ctx, req, resp)
}

func (w providerWithoutIdentity) DataSources(ctx context.Context) []func() datasource.DataSource {
	return w.p.DataSources(ctx)
}

func (w providerWithoutIdentity) Resources(ctx context.Context) []func() resource.Resource {
	var out []func() resource.Resource
	for _, f := range w.p.Resources(ctx) {
		out = append(out, func() resource.Resource { return resourceWithoutIdentity{f()} })
	}
	return out
}

// resourceWithoutIdentity is a resource without its IdentitySchema. The framework then hands its CRUD methods
// nil identities, which setIdentity must tolerate.
type resourceWithoutIdentity struct {
	resource.Resource
}

func (w resourceWithoutIdentity) Configure(ctx context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if r, ok := w.Resource.(resource.ResourceWithConfigure); ok {
		r.Configure(ctx, req, resp)
	}
}

func (w resourceWithoutIdentity) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r, ok := w.Resource.(resource.ResourceWithModifyPlan); ok {
		r.ModifyPlan(ctx, req, resp)
	}
}

func (w resourceWithoutIdentity) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	if r, ok := w.Resource.(resource.ResourceWithValidateConfig); ok {
		r.ValidateConfig(ctx, req, resp)
	}
}

// TestImportedID covers the import identity's rules without a CLI: every problem is reported at once, the
// provider's subscription fills in a missing subscription_id, and an import ID wins over an identity.
func TestImportedID(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	schema := clusterIdentitySchema()
	identity := func(sub, rg, ws, name *string) *tfsdk.ResourceIdentity {
		str := func(p *string) tftypes.Value {
			if p == nil {
				return tftypes.NewValue(tftypes.String, nil)
			}
			return tftypes.NewValue(tftypes.String, *p)
		}
		typ := schema.Type().TerraformType(ctx)
		return &tfsdk.ResourceIdentity{Schema: schema, Raw: tftypes.NewValue(typ, map[string]tftypes.Value{
			"subscription_id": str(sub), "resource_group_name": str(rg), "workspace_name": str(ws), "name": str(name),
		})}
	}
	run := func(req resource.ImportStateRequest, providerSub string) (string, string) {
		var diags diag.Diagnostics
		got := importedID(ctx, req, kindCluster, &diags, clusterIDFromIdentity(providerSub))
		return got, fmt.Sprint(diags)
	}
	p := api.Ptr[string]
	want := api.ClusterID{SubscriptionID: "sub-1", ResourceGroup: "rg", Workspace: "ws", Name: "c1"}.String()

	if got, errs := run(resource.ImportStateRequest{Identity: identity(nil, p("rg"), p("ws"), p("c1"))}, "sub-1"); got != want || errs != "[]" {
		t.Errorf("identity without subscription_id: got %q, %s; want %q (the provider's subscription)", got, errs, want)
	}
	if got, errs := run(resource.ImportStateRequest{Identity: identity(p("sub-1"), p("rg"), p("ws"), p("c1"))}, "other"); got != want || errs != "[]" {
		t.Errorf("identity with subscription_id: got %q, %s; want %q", got, errs, want)
	}
	if got, _ := run(resource.ImportStateRequest{ID: "/the/id", Identity: identity(p("s"), p("rg"), p("ws"), p("c1"))}, "sub-1"); got != "/the/id" {
		t.Errorf("an import ID must win over the identity, got %q", got)
	}
	got, errs := run(resource.ImportStateRequest{Identity: identity(p("a/b"), p("r g"), nil, p("bad name"))}, "")
	if got != "" {
		t.Errorf("an invalid identity must import nothing, got %q", got)
	}
	for _, w := range []string{"Invalid Import Identity", `subscription_id "a/b" must not contain '/'`,
		`resource_group_name "r g" may contain only`, "workspace_name is required", "name may contain only letters"} {
		if !strings.Contains(errs, w) {
			t.Errorf("diagnostics %s do not contain %q", errs, w)
		}
	}
	if _, errs := run(resource.ImportStateRequest{Identity: identity(nil, p("rg"), p("ws"), p("c1"))}, ""); !strings.Contains(errs,
		"subscription_id is not set, and the provider has no subscription_id") {
		t.Errorf("no subscription anywhere: %s", errs)
	}
}

// TestSetIdentity_nil: a resource served without an identity schema gets a nil identity, which is no error.
func TestSetIdentity_nil(t *testing.T) {
	t.Parallel()
	var diags diag.Diagnostics
	setIdentity(context.Background(), nil, newWorkspaceIdentity(api.WorkspaceID{Name: "ws"}), &diags)
	if diags.HasError() {
		t.Fatal(diags)
	}
	schema := workspaceIdentitySchema()
	ident := &tfsdk.ResourceIdentity{Schema: schema, Raw: tftypes.NewValue(schema.Type().TerraformType(context.Background()), nil)}
	setIdentity(context.Background(), ident, newWorkspaceIdentity(api.WorkspaceID{SubscriptionID: "s", ResourceGroup: "rg", Name: "ws"}), &diags)
	var m workspaceIdentityModel
	diags.Append(ident.Get(context.Background(), &m)...)
	if diags.HasError() || m.Name != types.StringValue("ws") || m.ResourceGroupName != types.StringValue("rg") {
		t.Fatalf("identity %+v, %v", m, diags)
	}
}

// testAccSeedWorkspace creates a workspace outside Terraform, as `az batchai workspace create` does.
func testAccSeedWorkspace(t *testing.T, info emulator.Info, id api.WorkspaceID, location string) {
	t.Helper()
	ctx := testAccContext(t)
	p, err := testAccClient(t, info).BeginCreateWorkspace(ctx, id, api.WorkspaceCreateParameters{Location: api.Ptr(location)})
	if err == nil {
		_, err = p.Wait(ctx)
	}
	if err != nil {
		t.Fatalf("creating workspace %s: %v", id, err)
	}
}

// testAccSeedCluster creates a manual cluster outside Terraform, as `az batchai cluster create` does, with an
// admin password and an SSH key (which the API never returns), and waits for it.
func testAccSeedCluster(t *testing.T, info emulator.Info, id api.ClusterID, vmSize string, nodes int32) {
	t.Helper()
	ctx := testAccContext(t)
	p, err := testAccClient(t, info).BeginCreateCluster(ctx, id, api.ClusterCreateParameters{Properties: &api.ClusterBaseProperties{
		VMSize:        api.Ptr(vmSize),
		ScaleSettings: &api.ScaleSettings{Manual: &api.ManualScaleSettings{TargetNodeCount: api.Ptr(nodes)}},
		UserAccountSettings: &api.UserAccountSettings{AdminUserName: api.Ptr("azureuser"),
			AdminUserSSHPublicKey: api.Ptr(testAccClusterSSHKey), AdminUserPassword: api.Ptr("seed-password")},
	}})
	if err == nil {
		_, err = p.Wait(ctx)
	}
	if err != nil {
		t.Fatalf("creating cluster %s: %v", id, err)
	}
}
