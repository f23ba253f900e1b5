package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// TestAccClusterResource_importAdoptsSecrets imports a cluster made outside Terraform (like `az batchai
// cluster create`) and applies the configuration that describes it, secrets included. Azure never
// returned those secrets, so they were unknown, not different: the apply records them in place, without
// a request and without replacing the cluster. Once known, changing one replaces the cluster as usual.
func TestAccClusterResource_importAdoptsSecrets(t *testing.T) {
	t.Parallel()
	inst := testAccEmulatorInstance(t)
	info := inst.Info
	ws, _ := testAccClusterSeedWorkspace(t, info, "")
	id := api.ClusterID{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Workspace: ws.Name, Name: "cli"}
	c := testAccClient(t, info)
	ctx := testAccContext(t)
	p, err := c.BeginCreateCluster(ctx, id, api.ClusterCreateParameters{Properties: &api.ClusterBaseProperties{
		VMSize:        api.Ptr("Standard_NC6"),
		ScaleSettings: &api.ScaleSettings{Manual: &api.ManualScaleSettings{TargetNodeCount: api.Ptr(int32(1))}},
		UserAccountSettings: &api.UserAccountSettings{AdminUserName: api.Ptr("azureuser"),
			AdminUserSSHPublicKey: api.Ptr(testAccClusterSSHKey), AdminUserPassword: api.Ptr("pw-1")},
		NodeSetup: &api.NodeSetup{
			SetupTask: &api.SetupTask{CommandLine: api.Ptr("true"), StdOutErrPathPrefix: api.Ptr("/tmp"),
				Secrets: []api.EnvironmentVariableWithSecretValue{{Name: api.Ptr("TOKEN"), Value: api.Ptr("t")}}},
			MountVolumes: &api.MountVolumes{AzureFileShares: []api.AzureFileShareReference{{
				AccountName: api.Ptr("acct"), AzureFileURL: api.Ptr("https://acct.file.core.windows.net/s"),
				Credentials: &api.AzureStorageCredentialsInfo{AccountKey: api.Ptr("k")}, RelativeMountPath: api.Ptr("afs"),
			}}},
		},
	}})
	if err == nil {
		_, err = p.Wait(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	config := func(password string) string {
		return testAccProviderConfig(info) + fmt.Sprintf(`
resource "batchai_cluster" "test" {
  name         = "cli"
  workspace_id = %[1]q
  vm_size      = "Standard_NC6"
  scale_settings {
    manual {
      target_node_count = 1
    }
  }
  user_account {
    admin_user_name                = "azureuser"
    admin_user_ssh_public_key      = %[2]q
    admin_user_password_wo         = %[3]q
    admin_user_password_wo_version = 1
  }
  setup_task {
    command_line            = "true"
    std_out_err_path_prefix = "/tmp"
    secrets                 = { TOKEN = "t" }
  }
  mount_volumes {
    azure_file_share {
      account_name        = "acct"
      azure_file_url      = "https://acct.file.core.windows.net/s"
      account_key         = "k"
      relative_mount_path = "afs"
    }
  }
}
`, ws.String(), testAccClusterSSHKey, password)
	}
	writes := azureWrites(inst)
	var before int
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckClusterDestroyed(t, info),
		Steps: []resource.TestStep{
			{
				Config:             config("pw-1"),
				ResourceName:       testAccClusterAddr,
				ImportState:        true,
				ImportStateId:      strings.Replace(id.String(), "resourceGroups", "resourcegroups", 1),
				ImportStatePersist: true,
			},
			{
				PreConfig: func() { before = writes() },
				Config:    config("pw-1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccClusterAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("current_node_count"), knownvalue.Int64Exact(1)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("id"), knownvalue.StringExact(id.String())),
					statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("user_account").AtMapKey("admin_user_password_wo_version"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(testAccClusterAddr, tfjsonpath.New("mount_volumes").AtMapKey("azure_file_share").AtSliceIndex(0).AtMapKey("account_key"), knownvalue.StringExact("k")),
				},
				Check: func(*terraform.State) error {
					if n := writes() - before; n != 0 {
						return fmt.Errorf("adopting the secrets sent %d write request(s)", n)
					}
					return nil
				},
			},
			{
				// Now known, a secret that changes (here through its version) replaces the cluster.
				Config: strings.Replace(config("pw-2"), "admin_user_password_wo_version = 1", "admin_user_password_wo_version = 2", 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccClusterAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
			},
		},
	})
}
