package provider

import (
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// TestAccClusterResource_seedExamples applies the three `az batchai cluster create` examples of the Batch AI
// cluster documentation, translated to HCL in testdata/TestAccClusterResource_seedExamples: a manual
// cluster, a low-priority auto-scale cluster with auto-storage mounts, and a customized cluster (DSVM image,
// setup task, Azure Files, Blob and NFS mounts, SSH key and password).
func TestAccClusterResource_seedExamples(t *testing.T) {
	t.Parallel()
	const addr = "batchai_cluster.mycluster"
	for name, checks := range map[string][]statecheck.StateCheck{
		"manual": {
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("current_node_count"), knownvalue.Int64Exact(1)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("image_reference").AtMapKey("offer"), knownvalue.StringExact("UbuntuServer")),
		},
		"autoscale": {
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("vm_priority"), knownvalue.StringExact("lowpriority")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("current_node_count"), knownvalue.Int64Exact(0)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("mount_volumes").AtMapKey("azure_file_share").AtSliceIndex(0).AtMapKey("relative_mount_path"), knownvalue.StringExact("autoafs")),
			stateHasNoSentinels{sentinelAFSKeyWO},
		},
		"custom": {
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("current_node_count"), knownvalue.Int64Exact(1)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("image_reference").AtMapKey("version"), knownvalue.StringExact("latest")),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("setup_task").AtMapKey("std_out_err_path_suffix"), knownvalue.NotNull()),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("subnet_id"), knownvalue.NotNull()), // the file server's
			stateHasNoSentinels{sentinelPasswordWO, sentinelAFSKeyWO},
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			info := testAccEmulator(t)
			_, fs := testAccClusterSeedWorkspace(t, info, testAccSubnetID(info, "nfs"))
			vars := config.Variables{
				"metadata_host":        config.StringVariable(info.MetadataHost),
				"ca_certificate_file":  config.StringVariable(info.CACertificate),
				"subscription_id":      config.StringVariable(info.SubscriptionID),
				"tenant_id":            config.StringVariable(info.TenantID),
				"client_id":            config.StringVariable(info.ClientID),
				"client_secret":        config.StringVariable(info.ClientSecret),
				"resource_group_name":  config.StringVariable(info.ResourceGroup),
				"ssh_public_key":       config.StringVariable(testAccClusterSSHKey),
				"storage_account_name": config.StringVariable("baiabcdefghijkl"),
				"storage_account_key":  config.StringVariable(sentinelAFSKeyWO),
				"admin_password":       config.StringVariable(sentinelPasswordWO),
				"file_server_id":       config.StringVariable(fs.String()),
			}
			// Each example declares only the variables it uses.
			used := map[string][]string{
				"manual":    {"ssh_public_key"},
				"autoscale": {"ssh_public_key", "storage_account_name", "storage_account_key"},
				"custom":    {"ssh_public_key", "storage_account_name", "storage_account_key", "admin_password", "file_server_id"},
			}
			for _, v := range []string{"ssh_public_key", "storage_account_name", "storage_account_key", "admin_password", "file_server_id"} {
				if !contains(used[name], v) {
					delete(vars, v)
				}
			}
			dir := config.StaticDirectory(filepath.Join("testdata", "TestAccClusterResource_seedExamples", name))
			// The directories configure the provider themselves, so the factories go on the steps
			// (terraform-plugin-testing refuses a provider block in a directory next to TestCase providers).
			resource.UnitTest(t, resource.TestCase{
				CheckDestroy: testAccCheckClusterDestroyed(t, info),
				Steps: []resource.TestStep{
					{
						ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
						ConfigDirectory:          dir,
						ConfigVariables:          vars,
						ConfigStateChecks:        append(checks, statecheck.ExpectKnownValue(addr, tfjsonpath.New("allocation_state"), knownvalue.StringExact("steady"))),
					},
					{
						ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
						ConfigDirectory:          dir,
						ConfigVariables:          vars,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectEmptyPlan(),
						}},
					},
				},
			})
		})
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
