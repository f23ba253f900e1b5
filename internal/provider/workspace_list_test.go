package provider

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// testAccSecondResourceGroup creates a second resource group in the emulator's subscription.
func testAccSecondResourceGroup(t *testing.T, info emulator.Info, name string) {
	t.Helper()
	if _, err := testAccClient(t, info).CreateResourceGroup(testAccContext(t), name, "eastus"); err != nil {
		t.Fatalf("creating resource group %s: %v", name, err)
	}
}

// TestAccWorkspaceListResource lists workspaces that Terraform does not manage, made with the API as `az` does:
// the whole subscription, one resource group, a limit, and the other subscription, on which the principal has
// no role (the error names the scope and says how to get the role).
func TestAccWorkspaceListResource(t *testing.T) {
	testAccSkipUnlessCLISupports(t, cliFeatureQuery)
	t.Parallel()
	inst := testAccEmulatorInstance(t)
	info := inst.Info
	testAccSecondResourceGroup(t, info, "rg-two")
	a := api.WorkspaceID{SubscriptionID: info.SubscriptionID, ResourceGroup: info.ResourceGroup, Name: "ws-a"}
	b := api.WorkspaceID{SubscriptionID: info.SubscriptionID, ResourceGroup: "rg-two", Name: "ws-b"}
	testAccSeedWorkspace(t, info, a, "eastus")
	testAccSeedWorkspace(t, info, b, "West Europe")
	// A workspace being deleted (its cluster's node takes a minute to leave) is as good as gone: no list shows it.
	leaving := api.WorkspaceID{SubscriptionID: info.SubscriptionID, ResourceGroup: info.ResourceGroup, Name: "ws-leaving"}
	testAccSeedWorkspace(t, info, leaving, "eastus")
	testAccSeedCluster(t, info, api.ClusterID{SubscriptionID: leaving.SubscriptionID, ResourceGroup: leaving.ResourceGroup,
		Workspace: leaving.Name, Name: "c"}, "Standard_NC6", 1)
	inst.Emulator.SetProvisioningDelay(time.Minute)
	c := testAccClient(t, info)
	if _, err := c.BeginDeleteWorkspace(testAccContext(t), leaving); err != nil {
		t.Fatal(err)
	}
	if ws, err := c.GetWorkspace(testAccContext(t), leaving); err != nil || !isDeleting(api.Deref(ws.Properties).ProvisioningState) {
		t.Fatalf("the workspace being deleted reads %+v, %v: the test would prove nothing", ws.Properties, err)
	}
	query := fmt.Sprintf(`
list "batchai_workspace" "all" {
  provider = batchai
}

list "batchai_workspace" "two" {
  provider = batchai
  config {
    resource_group_name = "rg-two"
  }
}

list "batchai_workspace" "first" {
  provider = batchai
  limit    = 1
}

list "batchai_workspace" "with_resource" {
  provider         = batchai
  include_resource = true
  config {
    subscription_id     = %q
    resource_group_name = %q
  }
}
`, info.SubscriptionID, info.ResourceGroup)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: testAccProviderConfig(info)},
			{
				Query:  true,
				Config: query,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("batchai_workspace.all", 2),
					querycheck.ExpectIdentity("batchai_workspace.all", workspaceIdentityValues(a)),
					querycheck.ExpectIdentity("batchai_workspace.all", workspaceIdentityValues(b)),
					querycheck.ExpectResourceDisplayName("batchai_workspace.all", queryfilter.ByResourceIdentity(workspaceIdentityValues(b)),
						knownvalue.StringExact("ws-b in rg-two (westeurope)")),
					querycheck.ExpectLength("batchai_workspace.two", 1),
					querycheck.ExpectIdentity("batchai_workspace.two", workspaceIdentityValues(b)),
					querycheck.ExpectLength("batchai_workspace.first", 1),
					querycheck.ExpectLength("batchai_workspace.with_resource", 1),
					querycheck.ExpectResourceKnownValues("batchai_workspace.with_resource", queryfilter.ByResourceIdentity(workspaceIdentityValues(a)),
						[]querycheck.KnownValueCheck{
							{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact(a.String())},
							{Path: tfjsonpath.New("location"), KnownValue: knownvalue.StringExact("eastus")},
							{Path: tfjsonpath.New("provisioning_state"), KnownValue: knownvalue.StringExact(api.ProvisioningStateSucceeded)},
						}),
				},
			},
			{
				Query: true,
				Config: fmt.Sprintf(`
list "batchai_workspace" "forbidden" {
  provider = batchai
  config {
    subscription_id = %q
  }
}
`, info.OtherSubscriptionID),
				ExpectError: expectError("Error Listing Batch AI Workspaces",
					"listing Batch AI Workspaces (/subscriptions/"+info.OtherSubscriptionID+")", "AuthorizationFailed"),
			},
			{
				Query: true,
				Config: `
list "batchai_workspace" "bad" {
  provider = batchai
  config {
    resource_group_name = "not a group!"
  }
}
`,
				ExpectError: expectError("resource_group_name", "may contain only letters"),
			},
		},
	})
}
