package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// testAccClusterSeedWorkspace creates the workspace ws and, with a subnet, the file server nfs in it,
// through the API: configurations can then name them by ID, which is known at plan time.
func testAccClusterSeedWorkspace(t *testing.T, info emulator.Info, fileServerSubnet string) (api.WorkspaceID, api.FileServerID) {
	t.Helper()
	c := testAccClient(t, info)
	ctx := testAccContext(t)
	ws := api.WorkspaceID{SubscriptionID: info.SubscriptionID, ResourceGroup: info.ResourceGroup, Name: "ws"}
	p, err := c.BeginCreateWorkspace(ctx, ws, api.WorkspaceCreateParameters{Location: api.Ptr("eastus")})
	if err == nil {
		_, err = p.Wait(ctx)
	}
	if err != nil {
		t.Fatalf("creating workspace: %v", err)
	}
	fs := api.FileServerID{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Workspace: ws.Name, Name: "nfs"}
	if fileServerSubnet == "" {
		return ws, fs
	}
	fp, err := c.BeginCreateFileServer(ctx, fs, api.FileServerCreateParameters{Properties: &api.FileServerBaseProperties{
		VMSize: api.Ptr("Standard_D2_v2"),
		SSHConfiguration: &api.SSHConfiguration{UserAccountSettings: &api.UserAccountSettings{
			AdminUserName: api.Ptr("nfsadmin"), AdminUserSSHPublicKey: api.Ptr(testAccClusterSSHKey)}},
		DataDisks: &api.DataDisks{DiskSizeInGB: api.Ptr(int32(10)), DiskCount: api.Ptr(int32(2)), StorageAccountType: api.Ptr("Standard_LRS")},
		Subnet:    &api.ResourceID{ID: api.Ptr(fileServerSubnet)},
	}})
	if err == nil {
		_, err = fp.Wait(ctx)
	}
	if err != nil {
		t.Fatalf("creating file server: %v", err)
	}
	return ws, fs
}

func testAccSubnetID(info emulator.Info, name string) string {
	return fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Network/virtualNetworks/vnet/subnets/%s",
		info.SubscriptionID, info.ResourceGroup, name)
}

// testAccClusterCompleteBody sets every argument the cluster has, with classic (state-stored) secrets.
func testAccClusterCompleteBody(info emulator.Info, ws api.WorkspaceID, fs api.FileServerID) string {
	vault := fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.KeyVault/vaults/kv", info.SubscriptionID, info.ResourceGroup)
	return fmt.Sprintf(`
resource "batchai_cluster" "test" {
  name                  = "complete"
  workspace_id          = %[1]q
  vm_size               = "Standard_NC6"
  vm_priority           = "lowpriority"
  subnet_id             = %[2]q
  wait_for_steady_state = true

  image_reference = {
    publisher                = "microsoft-ads"
    offer                    = "linux-data-science-vm-ubuntu"
    sku                      = "linuxdsvmubuntu"
    version                  = "latest"
    virtual_machine_image_id = "/subscriptions/%[3]s/resourceGroups/images/providers/Microsoft.Compute/images/dsvm-custom"
  }

  scale_settings {
    auto_scale {
      minimum_node_count = 1
      maximum_node_count = 2
      initial_node_count = 1
    }
  }

  user_account {
    admin_user_name           = "adminuser"
    admin_user_ssh_public_key = %[4]q
    admin_user_password       = "secretpassword"
  }

  setup_task {
    command_line            = "apt install unzip -y"
    std_out_err_path_prefix = "$AZ_BATCHAI_MOUNT_ROOT/afs"
    environment_variables   = { DEBIAN_FRONTEND = "noninteractive", EMPTY = "" }
    secrets                 = { API_TOKEN = "setup-secret" }
    secret_reference {
      name            = "DB_PASSWORD"
      source_vault_id = %[5]q
      secret_url      = "https://kv.vault.azure.net/secrets/db-password"
    }
  }

  mount_volumes {
    azure_file_share {
      account_name        = "storageacct"
      azure_file_url      = "https://storageacct.file.core.windows.net/afsshare"
      account_key         = "afs-account-key=="
      relative_mount_path = "afs"
      directory_mode      = "0755"
    }
    azure_file_share {
      account_name        = "storageacct"
      azure_file_url      = "https://storageacct.file.core.windows.net/shared"
      relative_mount_path = "shared"
      account_key_secret_reference {
        source_vault_id = %[5]q
        secret_url      = "https://kv.vault.azure.net/secrets/storage-key"
      }
    }
    azure_blob_file_system {
      account_name        = "storageacct"
      container_name      = "bfscontainer"
      account_key         = "bfs-account-key=="
      relative_mount_path = "bfs"
      mount_options       = "-o allow_other"
    }
    file_server {
      file_server_id      = %[6]q
      relative_mount_path = "nfs"
      source_directory    = "/data"
      mount_options       = "rw"
    }
    unmanaged_file_system {
      mount_command       = "mount -t glusterfs 10.0.0.4:/gfs"
      relative_mount_path = "gfs"
    }
  }

  performance_counters {
    app_insights_component_id = "/subscriptions/%[3]s/resourceGroups/%[7]s/providers/Microsoft.Insights/components/ai"
    instrumentation_key       = "app-insights-key"
  }

  timeouts {
    create = "10m"
  }
}
`, ws.String(), testAccSubnetID(info, "default"), info.SubscriptionID, testAccClusterSSHKey, vault, fs.String(), info.ResourceGroup)
}

func TestAccClusterResource_complete(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	ws, fs := testAccClusterSeedWorkspace(t, info, testAccSubnetID(info, "default"))
	config := testAccProviderConfig(info) + testAccClusterCompleteBody(info, ws, fs)
	afs := tfjsonpath.New("mount_volumes").AtMapKey("azure_file_share")
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckClusterDestroyed(t, info),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: append(testAccClusterSteady(1),
					statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("vm_priority"), knownvalue.StringExact("lowpriority")),
					statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("image_reference").AtMapKey("offer"), knownvalue.StringExact("linux-data-science-vm-ubuntu")),
					// `az batchai cluster show --query "nodeSetup.mountVolumes.azureFileShares[0].accountName"`
					statecheck.ExpectKnownValue(testAccClusterAddr, afs.AtSliceIndex(0).AtMapKey("account_name"), knownvalue.StringExact("storageacct")),
					statecheck.ExpectKnownValue(testAccClusterAddr, afs.AtSliceIndex(0).AtMapKey("file_mode"), knownvalue.StringExact("0777")),
					statecheck.ExpectKnownValue(testAccClusterAddr, afs.AtSliceIndex(0).AtMapKey("account_key"), knownvalue.StringExact("afs-account-key==")),
					statecheck.ExpectKnownValue(testAccClusterAddr, afs.AtSliceIndex(1).AtMapKey("account_key"), knownvalue.Null()),
					statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("setup_task").AtMapKey("std_out_err_path_suffix"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("setup_task").AtMapKey("secret_reference").AtSliceIndex(0).AtMapKey("name"), knownvalue.StringExact("DB_PASSWORD")),
					statecheck.ExpectSensitiveValue(testAccClusterAddr, tfjsonpath.New("setup_task").AtMapKey("secrets")),
					statecheck.ExpectSensitiveValue(testAccClusterAddr, tfjsonpath.New("performance_counters").AtMapKey("instrumentation_key")),
				),
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			// Everything the API returns is imported; the secrets it never returns cannot be (and timeouts
			// live only in configuration).
			testAccClusterImportStep(
				"user_account.admin_user_ssh_public_key", "user_account.admin_user_password", "setup_task.secrets",
				"mount_volumes.azure_file_share.0.account_key", "mount_volumes.azure_blob_file_system.0.account_key",
				"performance_counters.instrumentation_key", "timeouts"),
		},
	})
}

// TestAccClusterResource_inheritedSubnet mounts a file server without naming a subnet: the service puts
// the cluster in the file server's subnet, which shows in subnet_id without a diff.
func TestAccClusterResource_inheritedSubnet(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	ws, fs := testAccClusterSeedWorkspace(t, info, testAccSubnetID(info, "nfs-subnet"))
	config := testAccProviderConfig(info) + fmt.Sprintf(`
resource "batchai_cluster" "test" {
  name         = "nfs-client"
  workspace_id = %[1]q
  vm_size      = "Standard_D1_v2"
  scale_settings {
    manual {
      target_node_count = 1
    }
  }
  user_account {
    admin_user_name           = "azureuser"
    admin_user_ssh_public_key = %[2]q
  }
  mount_volumes {
    file_server {
      file_server_id      = %[3]q
      relative_mount_path = "nfs"
      mount_options       = "rw"
    }
  }
}
`, ws.String(), testAccClusterSSHKey, fs.String())
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckClusterDestroyed(t, info),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("subnet_id"), knownvalue.StringExact(testAccSubnetID(info, "nfs-subnet"))),
				},
			},
			testAccClusterImportStep("user_account.admin_user_ssh_public_key"),
		},
	})
}
