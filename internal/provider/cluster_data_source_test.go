package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

const testAccDSStorageKey = "c2VjcmV0LXN0b3JhZ2Uta2V5LW5ldmVyLWluLXN0YXRl" // must never reach the state

// testAccDSClusterProps is a cluster of `nodes` Standard_NC6 nodes with an Azure Files mount (as the seed
// document's auto-storage creates) and a setup task writing to it.
func testAccDSClusterProps(nodes int32) api.ClusterBaseProperties {
	return api.ClusterBaseProperties{
		VMSize:        api.Ptr("STANDARD_NC6"),
		ScaleSettings: &api.ScaleSettings{Manual: &api.ManualScaleSettings{TargetNodeCount: api.Ptr(nodes)}},
		UserAccountSettings: &api.UserAccountSettings{
			AdminUserName: api.Ptr("azureuser"), AdminUserSSHPublicKey: api.Ptr(testAccDSSSHKey),
		},
		NodeSetup: &api.NodeSetup{
			SetupTask: &api.SetupTask{
				CommandLine:         api.Ptr("apt install unzip -y"),
				StdOutErrPathPrefix: api.Ptr("$AZ_BATCHAI_MOUNT_ROOT/autoafs"),
			},
			MountVolumes: &api.MountVolumes{AzureFileShares: []api.AzureFileShareReference{{
				AccountName:       api.Ptr("baiabcdefghijkl"),
				AzureFileURL:      api.Ptr("https://baiabcdefghijkl.file.core.windows.net/batchaishare"),
				Credentials:       &api.AzureStorageCredentialsInfo{AccountKey: api.Ptr(testAccDSStorageKey)},
				RelativeMountPath: api.Ptr("autoafs"),
			}}},
		},
	}
}

// testAccDSSeedCluster creates a cluster and, with steady, waits until its nodes are allocated.
func testAccDSSeedCluster(t *testing.T, c *client.Client, ws api.WorkspaceID, name string, props api.ClusterBaseProperties, steady bool) api.ClusterID {
	t.Helper()
	ctx := testAccDSContext(t)
	id := api.ClusterID{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Workspace: ws.Name, Name: name}
	p, err := c.BeginCreateCluster(ctx, id, api.ClusterCreateParameters{Properties: &props})
	if err != nil {
		t.Fatalf("creating cluster %s: %v", id, err)
	}
	if _, err := p.Wait(ctx); err != nil {
		t.Fatalf("waiting for cluster %s: %v", id, err)
	}
	for steady {
		cl, err := c.GetCluster(ctx, id)
		if err != nil {
			t.Fatalf("reading cluster %s: %v", id, err)
		}
		if api.Deref(cl.Properties.AllocationState) == api.AllocationStateSteady {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("cluster %s never became steady", id)
		case <-time.After(100 * time.Millisecond):
		}
	}
	return id
}

// testAccDSStateHasNo fails when any of the values appears anywhere in the state: secrets the data sources
// must never carry. It is the resources' state check (its negative control is in
// TestAccClusterResource_secretsNotLogged).
func testAccDSStateHasNo(values ...string) statecheck.StateCheck { return stateHasNoSentinels(values) }

func TestAccClusterDataSource_basic(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	c := testAccClient(t, info)
	ws := testAccDSSeedWorkspace(t, c, info, "ws", nil)
	id := testAccDSSeedCluster(t, c, ws, "mycluster", testAccDSClusterProps(2), true)

	ds := "data.batchai_cluster.test"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccProviderConfig(info) + fmt.Sprintf(`
data "batchai_cluster" "test" {
  name         = "mycluster"
  workspace_id = %q
}

# The seed's: az batchai cluster show ... --query "nodeSetup.mountVolumes.azureFileShares[0].{storageAccountName:accountName}"
output "storage_account_name" {
  value = data.batchai_cluster.test.mount_volumes.azure_file_share[0].account_name
}
`, ws.String()),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("storage_account_name", knownvalue.StringExact("baiabcdefghijkl")),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("id"), knownvalue.StringExact(id.String())),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("vm_size"), knownvalue.StringRegexp(regexp.MustCompile(`(?i)^standard_nc6$`))),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("vm_priority"), knownvalue.StringExact("dedicated")),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("scale_settings").AtMapKey("manual").AtMapKey("target_node_count"), knownvalue.Int64Exact(2)),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("scale_settings").AtMapKey("auto_scale"), knownvalue.Null()),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("user_account").AtMapKey("admin_user_name"), knownvalue.StringExact("azureuser")),
				// The service's default image, which the request left out.
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("image_reference").AtMapKey("offer"), knownvalue.StringExact("UbuntuServer")),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("setup_task").AtMapKey("command_line"), knownvalue.StringExact("apt install unzip -y")),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("setup_task").AtMapKey("std_out_err_path_suffix"), knownvalue.NotNull()),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("mount_volumes").AtMapKey("azure_file_share").AtSliceIndex(0).AtMapKey("file_mode"), knownvalue.StringExact("0777")),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("mount_volumes").AtMapKey("azure_blob_file_system"), knownvalue.ListSizeExact(0)),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("allocation_state"), knownvalue.StringExact("steady")),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("current_node_count"), knownvalue.Int64Exact(2)),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("node_state_counts").AtMapKey("idle"), knownvalue.Int64Exact(2)),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("errors"), knownvalue.ListSizeExact(0)),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("provisioning_state"), knownvalue.StringExact("succeeded")),
				testAccDSStateHasNo(testAccDSStorageKey, testAccDSSSHKey),
			},
		}},
	})
}

func TestAccClusterDataSource_notFound(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	ws := testAccDSSeedWorkspace(t, testAccClient(t, info), info, "ws", nil)
	missingWS := api.WorkspaceID{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Name: "no-such-ws"}

	config := func(workspaceID string) string {
		return testAccProviderConfig(info) + fmt.Sprintf(`
data "batchai_cluster" "test" {
  name         = "no-such-cluster"
  workspace_id = %q
}
`, workspaceID)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config(ws.String()),
				ExpectError: testAccDSError("Batch AI Cluster Not Found", `cluster "no-such-cluster" does not exist in workspace "ws"`),
			},
			{
				Config:      config(missingWS.String()),
				ExpectError: testAccDSError("Batch AI Workspace Not Found", `workspace "no-such-ws" does not exist`),
			},
			{
				Config:      config("/subscriptions/x/resourceGroups/y"),
				PlanOnly:    true,
				ExpectError: testAccDSError("workspace_id"),
			},
		},
	})
}

func TestAccClustersDataSource_basic(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	c := testAccClient(t, info)
	ws := testAccDSSeedWorkspace(t, c, info, "ws", nil)
	empty := testAccDSSeedWorkspace(t, c, info, "empty", nil)
	testAccDSSeedCluster(t, c, ws, "alpha", testAccDSClusterProps(1), true)
	low := testAccDSClusterProps(0)
	low.VMPriority = api.Ptr(api.VMPriorityLowPriority)
	low.ScaleSettings = &api.ScaleSettings{AutoScale: &api.AutoScaleSettings{MinimumNodeCount: api.Ptr[int32](0), MaximumNodeCount: api.Ptr[int32](4)}}
	testAccDSSeedCluster(t, c, ws, "beta", low, true)

	list := "data.batchai_clusters.test"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccProviderConfig(info) + fmt.Sprintf(`
data "batchai_clusters" "test" {
  workspace_id = %q
}

data "batchai_clusters" "empty" {
  workspace_id = %q
}

output "by_name" {
  value = { for c in data.batchai_clusters.test.clusters : c.name => c.current_node_count }
}
`, ws.String(), empty.String()),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(list, tfjsonpath.New("clusters"), knownvalue.ListSizeExact(2)),
				statecheck.ExpectKnownOutputValue("by_name", knownvalue.MapExact(map[string]knownvalue.Check{
					"alpha": knownvalue.Int64Exact(1), "beta": knownvalue.Int64Exact(0),
				})),
				statecheck.ExpectKnownValue(list, tfjsonpath.New("clusters"), knownvalue.SetPartial([]knownvalue.Check{
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"name":             knownvalue.StringExact("alpha"),
						"id":               knownvalue.StringExact(ws.String() + "/clusters/alpha"),
						"allocation_state": knownvalue.StringExact("steady"),
						"node_state_counts": knownvalue.ObjectExact(map[string]knownvalue.Check{
							"idle": knownvalue.Int64Exact(1), "running": knownvalue.Int64Exact(0),
							"preparing": knownvalue.Int64Exact(0), "unusable": knownvalue.Int64Exact(0),
							"leaving": knownvalue.Int64Exact(0),
						}),
					}),
					knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"name":        knownvalue.StringExact("beta"),
						"vm_priority": knownvalue.StringExact("lowpriority"),
					}),
				})),
				statecheck.ExpectKnownValue("data.batchai_clusters.empty", tfjsonpath.New("clusters"), knownvalue.ListSizeExact(0)),
			},
		}},
	})
}

func TestAccClustersDataSource_workspaceNotFound(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	missing := api.WorkspaceID{SubscriptionID: info.SubscriptionID, ResourceGroup: info.ResourceGroup, Name: "gone"}

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccProviderConfig(info) + fmt.Sprintf(`
data "batchai_clusters" "test" {
  workspace_id = %q
}
`, missing.String()),
			ExpectError: testAccDSError("Batch AI Workspace Not Found", `workspace "gone" does not exist`),
		}},
	})
}
