package provider

import (
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// TestAccClusterListResource lists clusters made outside Terraform across two resource groups and three
// workspaces: the subscription, a resource group, a workspace; with the resource, whose secrets are absent
// (the API never returns them) and whose values are what a Read after an import records.
func TestAccClusterListResource(t *testing.T) {
	testAccSkipUnlessCLISupports(t, cliFeatureQuery)
	t.Parallel()
	inst := testAccEmulatorInstance(t)
	info := inst.Info
	testAccSecondResourceGroup(t, info, "rg-two")
	wsA := api.WorkspaceID{SubscriptionID: info.SubscriptionID, ResourceGroup: info.ResourceGroup, Name: "ws-a"}
	wsB := api.WorkspaceID{SubscriptionID: info.SubscriptionID, ResourceGroup: info.ResourceGroup, Name: "ws-b"}
	wsC := api.WorkspaceID{SubscriptionID: info.SubscriptionID, ResourceGroup: "rg-two", Name: "ws-c"}
	a1, a2, c1 := wsA.Cluster("gpu-1"), wsA.Cluster("gpu-2"), wsC.Cluster("cpu-1")
	for _, ws := range []api.WorkspaceID{wsA, wsB, wsC} {
		testAccSeedWorkspace(t, info, ws, "eastus")
	}
	testAccSeedCluster(t, info, a1, "Standard_NC6", 1)
	testAccSeedCluster(t, info, a2, "Standard_NC12", 0)
	testAccSeedCluster(t, info, c1, "Standard_D2_v2", 2)
	// A cluster being deleted (its node takes a minute to leave) is as good as gone: no list shows it.
	leaving := wsB.Cluster("leaving")
	testAccSeedCluster(t, info, leaving, "Standard_NC6", 1)
	inst.Emulator.SetProvisioningDelay(time.Minute)
	if _, err := testAccClient(t, info).BeginDeleteCluster(testAccContext(t), leaving); err != nil {
		t.Fatal(err)
	}
	if p := testAccGetCluster(t, info, leaving); api.Deref(p.ProvisioningState) != api.ProvisioningStateDeleting {
		t.Fatalf("the cluster being deleted is %q, want %q: the test would prove nothing", api.Deref(p.ProvisioningState), api.ProvisioningStateDeleting)
	}
	userAccount := tfjsonpath.New("user_account")
	reader := info
	reader.ClientID, reader.ClientSecret = info.ReaderClientID, info.ReaderClientSecret
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: testAccProviderConfig(info)},
			{
				Query: true,
				Config: `
list "batchai_cluster" "all" {
  provider = batchai
}

list "batchai_cluster" "rg_two" {
  provider = batchai
  config {
    resource_group_name = "rg-two"
  }
}

list "batchai_cluster" "ws_a" {
  provider         = batchai
  include_resource = true
  config {
    resource_group_name = "` + info.ResourceGroup + `"
    workspace_name      = "ws-a"
  }
}

list "batchai_cluster" "empty_workspace" {
  provider = batchai
  config {
    resource_group_name = "` + info.ResourceGroup + `"
    workspace_name      = "ws-b"
  }
}
`,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("batchai_cluster.all", 3),
					querycheck.ExpectIdentity("batchai_cluster.all", workspaceChildIdentityValues(a1)),
					querycheck.ExpectIdentity("batchai_cluster.all", workspaceChildIdentityValues(a2)),
					querycheck.ExpectIdentity("batchai_cluster.all", workspaceChildIdentityValues(c1)),
					querycheck.ExpectResourceDisplayName("batchai_cluster.all", queryfilter.ByResourceIdentity(workspaceChildIdentityValues(c1)),
						knownvalue.StringExact("cpu-1 in rg-two/ws-c (Standard_D2_v2, 2 nodes)")),
					querycheck.ExpectLength("batchai_cluster.rg_two", 1),
					querycheck.ExpectIdentity("batchai_cluster.rg_two", workspaceChildIdentityValues(c1)),
					querycheck.ExpectLength("batchai_cluster.ws_a", 2),
					querycheck.ExpectResourceDisplayName("batchai_cluster.ws_a", queryfilter.ByResourceIdentity(workspaceChildIdentityValues(a1)),
						knownvalue.StringExact("gpu-1 in "+info.ResourceGroup+"/ws-a (Standard_NC6, 1 node)")),
					querycheck.ExpectLength("batchai_cluster.empty_workspace", 0),
					querycheck.ExpectResourceKnownValues("batchai_cluster.ws_a", queryfilter.ByResourceIdentity(workspaceChildIdentityValues(a1)),
						[]querycheck.KnownValueCheck{
							{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact(a1.String())},
							{Path: tfjsonpath.New("workspace_id"), KnownValue: knownvalue.StringExact(wsA.String())},
							{Path: tfjsonpath.New("vm_size"), KnownValue: knownvalue.StringExact("Standard_NC6")},
							{Path: tfjsonpath.New("vm_priority"), KnownValue: knownvalue.StringExact(api.VMPriorityDedicated)},
							{Path: tfjsonpath.New("wait_for_steady_state"), KnownValue: knownvalue.Bool(true)},
							{Path: tfjsonpath.New("scale_settings").AtMapKey("manual").AtMapKey("target_node_count"), KnownValue: knownvalue.Int64Exact(1)},
							{Path: userAccount.AtMapKey("admin_user_name"), KnownValue: knownvalue.StringExact("azureuser")},
							{Path: userAccount.AtMapKey("admin_user_password"), KnownValue: knownvalue.Null()},
							{Path: userAccount.AtMapKey("admin_user_ssh_public_key"), KnownValue: knownvalue.Null()},
							{Path: tfjsonpath.New("current_node_count"), KnownValue: knownvalue.Int64Exact(1)},
						}),
				},
			},
			{
				Query: true,
				Config: `
list "batchai_cluster" "no_group" {
  provider = batchai
  config {
    workspace_name = "ws-a"
  }
}
`,
				ExpectError: expectError("resource_group_name", "must be specified when", "workspace_name"),
			},
			{
				Query: true,
				Config: `
list "batchai_cluster" "missing_workspace" {
  provider = batchai
  config {
    resource_group_name = "` + info.ResourceGroup + `"
    workspace_name      = "ws-missing"
  }
}
`,
				ExpectError: expectError("Error Listing Batch AI Clusters", "listing Batch AI Clusters ("+
					api.WorkspaceID{SubscriptionID: info.SubscriptionID, ResourceGroup: info.ResourceGroup, Name: "ws-missing"}.String()+")"),
			},
			// Listing needs no more than the Reader role (the guide says so): the reader finds them all.
			{Config: testAccProviderConfig(reader)},
			{
				Query:             true,
				Config:            "list \"batchai_cluster\" \"all\" {\n  provider = batchai\n}\n",
				QueryResultChecks: []querycheck.QueryResultCheck{querycheck.ExpectLength("batchai_cluster.all", 3)},
			},
		},
	})
}
