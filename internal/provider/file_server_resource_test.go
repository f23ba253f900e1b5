package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

const testAccFileServerAddr = "batchai_file_server.test"

// testAccWorkspaceWith is the provider, a workspace named ws and the given resources.
func testAccWorkspaceWith(info emulator.Info, resources string) string {
	return testAccProviderConfig(info) + fmt.Sprintf(`
resource "batchai_workspace" "test" {
  name                = "ws"
  resource_group_name = %[1]q
  location            = "eastus"
}
%[2]s
`, info.ResourceGroup, resources)
}

// testAccFileServer is a file server named nfs with body.
func testAccFileServer(body string) string {
	return fmt.Sprintf(`
resource "batchai_file_server" "test" {
  name         = "nfs"
  workspace_id = batchai_workspace.test.id
%s
}
`, body)
}

// testAccFileServerBody is a file server body: a VM size, an SSH key and diskCount disks of 10 GB.
func testAccFileServerBody(vmSize string, diskCount int, extra string) string {
	return fmt.Sprintf(`
  vm_size = %[1]q
  user_account {
    admin_user_name           = "nfsadmin"
    admin_user_ssh_public_key = %[3]q
  }
  data_disks {
    disk_size_in_gb      = 10
    disk_count           = %[2]d
    storage_account_type = "Standard_LRS"
  }
%[4]s`, vmSize, diskCount, testAccClusterSSHKey, extra)
}

func testAccFileServerID(info emulator.Info, name string) api.FileServerID {
	return testAccInWorkspace(info).FileServer(name)
}

// testAccCheckFileServerDestroyed asks the emulator for every file server in the final state: all must be gone.
func testAccCheckFileServerDestroyed(t *testing.T, info emulator.Info) resource.TestCheckFunc {
	return testAccCheckDestroyed(t, info, "batchai_file_server", "file server", api.ParseFileServerID, (*client.Client).GetFileServer)
}

// TestAccFileServerResource_basic creates a file server, plans nothing for a respelled VM size, imports it,
// and replaces it when a disk setting changes: there is no update API.
func TestAccFileServerResource_basic(t *testing.T) {
	t.Parallel()
	inst := testAccEmulatorInstance(t)
	info := inst.Info
	id := testAccFileServerID(info, "nfs")
	config := func(vmSize string, disks int) string {
		return testAccWorkspaceWith(info, testAccFileServer(testAccFileServerBody(vmSize, disks,
			`  public_ips_to_allow = ["203.0.113.0/24"]`)))
	}
	sameCreation := statecheck.CompareValue(compare.ValuesSame())
	newCreation := statecheck.CompareValue(compare.ValuesDiffer())
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckFileServerDestroyed(t, info),
		Steps: []resource.TestStep{
			{
				Config: config("Standard_D2_v2", 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccFileServerAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectUnknownValue(testAccFileServerAddr, tfjsonpath.New("mount_point")),
					plancheck.ExpectUnknownValue(testAccFileServerAddr, tfjsonpath.New("subnet_id")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccFileServerAddr, tfjsonpath.New("id"), knownvalue.StringExact(id.String())),
					statecheck.ExpectKnownValue(testAccFileServerAddr, tfjsonpath.New("mount_point"), knownvalue.StringExact("/mnt/data")),
					statecheck.ExpectKnownValue(testAccFileServerAddr, tfjsonpath.New("internal_ip"), knownvalue.StringRegexp(regexp.MustCompile(`^10\.`))),
					statecheck.ExpectKnownValue(testAccFileServerAddr, tfjsonpath.New("public_ip"), knownvalue.StringRegexp(regexp.MustCompile(`^\d+\.\d+\.\d+\.\d+$`))),
					// No subnet configured: the service created one, which shows without a diff.
					statecheck.ExpectKnownValue(testAccFileServerAddr, tfjsonpath.New("subnet_id"), knownvalue.StringRegexp(regexp.MustCompile(`/virtualNetworks/.+/subnets/`))),
					statecheck.ExpectKnownValue(testAccFileServerAddr, tfjsonpath.New("provisioning_state"), knownvalue.StringExact(api.ProvisioningStateSucceeded)),
					statecheck.ExpectKnownValue(testAccFileServerAddr, tfjsonpath.New("data_disks"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"disk_size_in_gb": knownvalue.Int64Exact(10), "disk_count": knownvalue.Int64Exact(2),
						"storage_account_type": knownvalue.StringExact("Standard_LRS"), "caching_type": knownvalue.StringExact("none"),
					})),
					statecheck.ExpectKnownValue(testAccFileServerAddr, tfjsonpath.New("public_ips_to_allow"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("203.0.113.0/24")})),
					sameCreation.AddStateValue(testAccFileServerAddr, tfjsonpath.New("creation_time")),
					newCreation.AddStateValue(testAccFileServerAddr, tfjsonpath.New("creation_time")),
				},
			},
			{
				// Another spelling of the same VM size is no change.
				Config:           config("STANDARD_D2_V2", 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName:            testAccFileServerAddr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"user_account.admin_user_ssh_public_key"},
			},
			{
				// File servers have no update: another disk count replaces it.
				Config: config("Standard_D2_v2", 3),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccFileServerAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccFileServerAddr, tfjsonpath.New("data_disks").AtMapKey("disk_count"), knownvalue.Int64Exact(3)),
					newCreation.AddStateValue(testAccFileServerAddr, tfjsonpath.New("creation_time")),
				},
			},
		},
	})
}

// TestAccFileServerResource_importAdoptsSecrets imports a file server created outside Terraform, with the
// service's own spelling of its ID ("fileservers"). The SSH key, which the service never returns, is then
// adopted from the configuration in place: an update that sends nothing, not a replacement.
func TestAccFileServerResource_importAdoptsSecrets(t *testing.T) {
	t.Parallel()
	inst := testAccEmulatorInstance(t)
	info := inst.Info
	ws, fs := testAccClusterSeedWorkspace(t, info, testAccSubnetID(info, "nfs"))
	config := testAccProviderConfig(info) + fmt.Sprintf(`
resource "batchai_file_server" "test" {
  name         = "nfs"
  workspace_id = %[1]q
  subnet_id    = %[2]q
%[3]s
}
`, ws.String(), testAccSubnetID(info, "nfs"), testAccFileServerBody("Standard_D2_v2", 2, ""))
	writes := azureWrites(inst)
	var before int
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckFileServerDestroyed(t, info),
		Steps: []resource.TestStep{
			{
				Config:             config,
				ResourceName:       testAccFileServerAddr,
				ImportState:        true,
				ImportStateId:      strings.Replace(fs.String(), "fileServers", "fileservers", 1),
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 || states[0].ID != fs.String() {
						return fmt.Errorf("imported %+v, want the ID %s", states, fs)
					}
					return nil
				},
			},
			{
				PreConfig: func() { before = writes() },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccFileServerAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(testAccFileServerAddr, tfjsonpath.New("mount_point"), knownvalue.StringExact("/mnt/data")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccFileServerAddr, tfjsonpath.New("user_account").AtMapKey("admin_user_ssh_public_key"), knownvalue.StringExact(testAccClusterSSHKey)),
				},
				Check: func(*terraform.State) error {
					if n := writes() - before; n != 0 {
						return fmt.Errorf("adopting the imported secrets sent %d write(s)", n)
					}
					return nil
				},
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// TestAccFileServerResource_seedNFS is the seed document's `--nfs-name nfsmount` in HCL: a file server, and a
// cluster (and a job, in job_resource_test.go) that mounts it; the cluster joins the file server's subnet. The
// file server takes a while to create (the delay knob), which the provider waits out at its poll interval.
func TestAccFileServerResource_seedNFS(t *testing.T) {
	t.Parallel()
	info := testAccEmulatorInstance(t, func(c *emulator.Config) { c.FileServerDelay = 1500 * time.Millisecond }).Info
	config := testAccWorkspaceWith(info, testAccFileServer(testAccFileServerBody("Standard_D2_v2", 2, ""))+`
resource "batchai_cluster" "test" {
  name         = "c1"
  workspace_id = batchai_workspace.test.id
  vm_size      = "Standard_NC6"
  scale_settings {
    manual {
      target_node_count = 1
    }
  }
  user_account {
    admin_user_name     = "adminuser"
    admin_user_password = "not-a-real-password-1"
  }
  mount_volumes {
    file_server {
      file_server_id      = batchai_file_server.test.id
      relative_mount_path = "nfsmount"
      mount_options       = "rw"
    }
  }
}

data "batchai_file_server" "nfs" {
  name         = batchai_file_server.test.name
  workspace_id = batchai_workspace.test.id
}
`)
	sameSubnet := statecheck.CompareValue(compare.ValuesSame())
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(testAccCheckClusterDestroyed(t, info),
			testAccCheckFileServerDestroyed(t, info)),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					sameSubnet.AddStateValue(testAccFileServerAddr, tfjsonpath.New("subnet_id")),
					sameSubnet.AddStateValue(testAccClusterAddr, tfjsonpath.New("subnet_id")),
					sameSubnet.AddStateValue("data.batchai_file_server.nfs", tfjsonpath.New("subnet_id")),
					statecheck.CompareValuePairs(testAccClusterAddr, tfjsonpath.New("mount_volumes").AtMapKey("file_server").AtSliceIndex(0).AtMapKey("file_server_id"),
						testAccFileServerAddr, tfjsonpath.New("id"), compare.ValuesSame()),
					statecheck.CompareValuePairs("data.batchai_file_server.nfs", tfjsonpath.New("internal_ip"),
						testAccFileServerAddr, tfjsonpath.New("internal_ip"), compare.ValuesSame()),
					statecheck.ExpectKnownValue("data.batchai_file_server.nfs", tfjsonpath.New("admin_user_name"), knownvalue.StringExact("nfsadmin")),
					statecheck.ExpectKnownValue("data.batchai_file_server.nfs", tfjsonpath.New("data_disks").AtMapKey("disk_count"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue("data.batchai_file_server.nfs", tfjsonpath.New("public_ips_to_allow"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("allocation_state"), knownvalue.StringExact("steady")),
				},
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// TestAccFileServerResource_provisioningFailed: the service fails the create after minutes, as recorded
// (FileServerProvisioningFailed). The apply fails with the service's error, and the failed file server, which
// stays in Azure, is kept in state as tainted: the next plan replaces it.
func TestAccFileServerResource_provisioningFailed(t *testing.T) {
	t.Parallel()
	info := testAccEmulatorInstance(t, func(c *emulator.Config) { c.FailFileServers = true }).Info
	config := testAccWorkspaceWith(info, testAccFileServer(testAccFileServerBody("Standard_D2_v2", 1, "")))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckFileServerDestroyed(t, info),
		Steps: []resource.TestStep{
			{
				Config:      config,
				ExpectError: expectError("Error Waiting for Batch AI File Server Creation", "FileServerProvisioningFailed", "File Server provisioning has failed", "tainted"),
			},
			{
				// Tainted: the next apply replaces it (and the service fails it again).
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccFileServerAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ExpectError: expectError("FileServerProvisioningFailed"),
			},
		},
	})
}

// TestAccFileServerResource_validation: plan-time errors that name the attribute.
func TestAccFileServerResource_validation(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	for name, tc := range map[string]struct {
		body string
		want []string
	}{
		"no credential": {`
  vm_size = "Standard_D2_v2"
  user_account {
    admin_user_name = "nfsadmin"
  }
  data_disks {
    disk_size_in_gb      = 10
    disk_count           = 1
    storage_account_type = "Standard_LRS"
  }`, []string{"user_account needs at least one argument of", "admin_user_ssh_public_key", "admin_user_password"}},
		"disk size": {testAccFileServerBody("Standard_D2_v2", 65, ""), []string{"data_disks.disk_count", "between 1 and 64"}},
		"vm size":   {testAccFileServerBody("D2_v2", 1, ""), []string{"vm_size", "Azure VM size such as Standard_D2_v2"}},
		"storage type": {`
  vm_size = "Standard_D2_v2"
  user_account {
    admin_user_name     = "nfsadmin"
    admin_user_password = "not-a-real-password-1"
  }
  data_disks {
    disk_size_in_gb      = 10
    disk_count           = 1
    storage_account_type = "Standard_ZRS"
  }`, []string{"data_disks.storage_account_type", "Standard_LRS", "Premium_LRS"}},
		"missing disks": {`
  vm_size = "Standard_D2_v2"
  user_account {
    admin_user_name     = "nfsadmin"
    admin_user_password = "not-a-real-password-1"
  }`, []string{"data_disks", "required"}},
		"empty IP list": {testAccFileServerBody("Standard_D2_v2", 1, "  public_ips_to_allow = []"), []string{"public_ips_to_allow", "at least 1"}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      testAccWorkspaceWith(info, testAccFileServer(tc.body)),
					PlanOnly:    true,
					ExpectError: expectError(tc.want...),
				}},
			})
		})
	}
}
