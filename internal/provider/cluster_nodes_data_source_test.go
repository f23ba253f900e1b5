package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/emulatortest"
)

func testAccDSNodesConfig(clusterID, extra string) string {
	return fmt.Sprintf(`
data "batchai_cluster_nodes" "test" {
  cluster_id = %q
%s
}

output "ssh_commands" {
  value = data.batchai_cluster_nodes.test.nodes[*].ssh_command
}
`, clusterID, extra)
}

var sshCommandPattern = regexp.MustCompile(`^ssh azureuser@\d+\.\d+\.\d+\.\d+ -p \d+$`)

// The cluster is created without waiting for its nodes: wait_for_node_count must poll until both are listed
// (the emulator allocates them after its provisioning delay).
func TestAccClusterNodesDataSource_waitForNodes(t *testing.T) {
	t.Parallel()
	testAccPreCheck(t)
	// Nodes that are listed only after 2s (the service is still allocating their VMs), so that the data
	// source really polls.
	info := emulatortest.Start(t, func(c *emulator.Config) { c.AllocationDelay = 2 * time.Second }).Info
	c := testAccClient(t, info)
	ws := testAccDSSeedWorkspace(t, c, info, "ws", nil)
	id := testAccDSSeedCluster(t, c, ws, "gpu", testAccDSClusterProps(2), false)

	ds := "data.batchai_cluster_nodes.test"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccProviderConfig(info) + testAccDSNodesConfig(id.String(), `
  wait_for_node_count = 2
  timeouts {
    read = "2m"
  }`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("id"), knownvalue.StringExact(id.String())),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("admin_user_name"), knownvalue.StringExact("azureuser")),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("nodes"), knownvalue.ListSizeExact(2)),
				statecheck.ExpectKnownValue(ds, tfjsonpath.New("nodes").AtSliceIndex(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"node_id":     knownvalue.StringRegexp(regexp.MustCompile(`^tvm-`)),
					"ip_address":  knownvalue.StringRegexp(regexp.MustCompile(`^\d+\.\d+\.\d+\.\d+$`)),
					"port":        knownvalue.Int64Func(func(p int64) error { return portInRange(p) }),
					"ssh_command": knownvalue.StringRegexp(sshCommandPattern),
				})),
				statecheck.ExpectKnownOutputValue("ssh_commands", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringRegexp(sshCommandPattern), knownvalue.StringRegexp(sshCommandPattern),
				})),
			},
		}},
	})
}

func portInRange(p int64) error {
	if p < 1 || p > 65535 {
		return fmt.Errorf("port %d is not a TCP port", p)
	}
	return nil
}

// Without wait_for_node_count the nodes listed now are returned, whatever their number; a parked cluster
// (zero nodes) gives an empty list, not an error.
func TestAccClusterNodesDataSource_noWait(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	c := testAccClient(t, info)
	ws := testAccDSSeedWorkspace(t, c, info, "ws", nil)
	id := testAccDSSeedCluster(t, c, ws, "parked", testAccDSClusterProps(0), true)

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccProviderConfig(info) + testAccDSNodesConfig(id.String(), ""),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.batchai_cluster_nodes.test", tfjsonpath.New("nodes"), knownvalue.ListSizeExact(0)),
				statecheck.ExpectKnownOutputValue("ssh_commands", knownvalue.ListSizeExact(0)),
			},
		}},
	})
}

// A steady cluster of 2 nodes can never list 5: the wait fails at once, saying why, instead of at the timeout.
func TestAccClusterNodesDataSource_unreachableCount(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	c := testAccClient(t, info)
	ws := testAccDSSeedWorkspace(t, c, info, "ws", nil)
	id := testAccDSSeedCluster(t, c, ws, "small", testAccDSClusterProps(2), true)

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccProviderConfig(info) + testAccDSNodesConfig(id.String(), `
  wait_for_node_count = 5`),
			ExpectError: testAccDSError("Error Waiting for Batch AI Cluster Nodes", `5 nodes of cluster "small"`,
				"scale settings allow at most 2", "The cluster is steady with 2 nodes"),
		}},
	})
}

// The wait gives up at the read timeout and reports what the cluster is doing.
func TestAccClusterNodesDataSource_timeout(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	c := testAccClient(t, info)
	ws := testAccDSSeedWorkspace(t, c, info, "ws", nil)
	// Auto-scale from 0 to 3 with no jobs: the cluster stays at 0 nodes, so 3 are never listed, yet its
	// maximum allows them, so only the timeout can end the wait.
	props := testAccDSClusterProps(0)
	props.ScaleSettings = &api.ScaleSettings{AutoScale: &api.AutoScaleSettings{MinimumNodeCount: api.Ptr[int32](0), MaximumNodeCount: api.Ptr[int32](3)}}
	id := testAccDSSeedCluster(t, c, ws, "idle", props, true)

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccProviderConfig(info) + testAccDSNodesConfig(id.String(), `
  wait_for_node_count = 3
  timeouts {
    read = "2s"
  }`),
			ExpectError: testAccDSError("Error Waiting for Batch AI Cluster Nodes", "Waited 2s for 3 nodes", "0 of 3 nodes listed",
				"The cluster is steady with 0 nodes"),
		}},
	})
}

func TestAccClusterNodesDataSource_notFound(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	ws := testAccDSSeedWorkspace(t, testAccClient(t, info), info, "ws", nil)
	missingCluster := api.ClusterID{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Workspace: "ws", Name: "gone"}
	missingWorkspace := api.ClusterID{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Workspace: "nows", Name: "gone"}

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      testAccProviderConfig(info) + testAccDSNodesConfig(missingCluster.String(), ""),
				ExpectError: testAccDSError("Batch AI Cluster Not Found", `cluster "gone" does not exist in workspace "ws"`),
			},
			{
				Config:      testAccProviderConfig(info) + testAccDSNodesConfig(missingWorkspace.String(), ""),
				ExpectError: testAccDSError("Batch AI Workspace Not Found", `workspace "nows" does not exist`),
			},
			{
				Config:      testAccProviderConfig(info) + testAccDSNodesConfig(ws.String(), ""),
				PlanOnly:    true,
				ExpectError: testAccDSError("Invalid Batch AI Cluster ID"),
			},
		},
	})
}

// The module pattern: with depends_on on the cluster, a resize defers the nodes' read to apply (a plain
// reference to the unchanged cluster id would read them at plan time, before the new nodes exist, and wait
// for nothing), and after the apply all the requested nodes are listed.
func TestAccClusterNodesDataSource_followsResize(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)

	config := func(nodes int) string {
		return testAccProviderConfig(info) + fmt.Sprintf(`
resource "batchai_workspace" "test" {
  name                = "ws"
  resource_group_name = %[1]q
  location            = %[2]q
}

resource "batchai_cluster" "test" {
  name         = "gpu"
  workspace_id = batchai_workspace.test.id
  vm_size      = "STANDARD_NC6"

  scale_settings {
    manual {
      target_node_count = %[3]d
    }
  }

  user_account {
    admin_user_name           = "azureuser"
    admin_user_ssh_public_key = %[4]q
  }
}

data "batchai_cluster_nodes" "test" {
  cluster_id          = batchai_cluster.test.id
  wait_for_node_count = %[3]d
  depends_on          = [batchai_cluster.test]
}
`, info.ResourceGroup, info.Location, nodes, testAccDSSSHKey)
	}
	ds := "data.batchai_cluster_nodes.test"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(1),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("nodes"), knownvalue.ListSizeExact(1)),
				},
			},
			{
				Config: config(3),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("batchai_cluster.test", plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(ds, plancheck.ResourceActionRead),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("nodes"), knownvalue.ListSizeExact(3)),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("nodes").AtSliceIndex(2).AtMapKey("ssh_command"),
						knownvalue.StringRegexp(sshCommandPattern)),
				},
			},
		},
	})
}
