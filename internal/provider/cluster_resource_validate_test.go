package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// TestAccClusterResource_invalidConfig plans configurations the service would reject: each fails at
// plan time, before any request, with an error naming the attribute.
func TestAccClusterResource_invalidConfig(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	ws := api.WorkspaceID{SubscriptionID: info.SubscriptionID, ResourceGroup: info.ResourceGroup, Name: "ws"}.String()
	vault := fmt.Sprintf("/subscriptions/%s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv", info.SubscriptionID)
	scale := "scale_settings {\n    manual {\n      target_node_count = 1\n    }\n  }"
	user := fmt.Sprintf("user_account {\n    admin_user_name = \"azureuser\"\n    admin_user_ssh_public_key = %q\n  }", testAccClusterSSHKey)
	afs := func(key string) string {
		return `mount_volumes {
    azure_file_share {
      account_name        = "acct"
      azure_file_url      = "https://acct.file.core.windows.net/share"
      relative_mount_path = "afs"
      ` + key + `
    }
  }`
	}
	unmanaged := func(mountPath string) string {
		return fmt.Sprintf("mount_volumes {\n    unmanaged_file_system {\n      mount_command = \"mount -t tmpfs none\"\n      relative_mount_path = %q\n    }\n  }", mountPath)
	}
	// config builds a cluster from replacements of the valid defaults ("" drops the argument).
	config := func(over map[string]string) string {
		args := map[string]string{
			"name": `name = "c1"`, "workspace_id": fmt.Sprintf("workspace_id = %q", ws),
			"vm_size": `vm_size = "Standard_NC6"`, "scale_settings": scale, "user_account": user,
		}
		for k, v := range over {
			args[k] = v
		}
		var b strings.Builder
		for _, k := range sortedKeys(args) {
			if args[k] != "" {
				b.WriteString("  " + args[k] + "\n")
			}
		}
		return testAccProviderConfig(info) + "resource \"batchai_cluster\" \"test\" {\n" + b.String() + "}\n"
	}
	for name, tc := range map[string]struct {
		over map[string]string
		want []string
	}{
		"name pattern":         {map[string]string{"name": `name = "bad name!"`}, []string{"name", "letters, digits"}},
		"name length":          {map[string]string{"name": `name = "` + strings.Repeat("n", 65) + `"`}, []string{"name", "length must be between 1 and 64"}},
		"workspace_id":         {map[string]string{"workspace_id": `workspace_id = "ws"`}, []string{"workspace_id", "must be the ID of a batchai_workspace"}},
		"workspace_id cluster": {map[string]string{"workspace_id": fmt.Sprintf("workspace_id = %q", ws+"/clusters/c")}, []string{"workspace_id", "not a valid Batch AI ID"}},
		"vm_size A0":           {map[string]string{"vm_size": `vm_size = "standard_a0"`}, []string{"vm_size", "STANDARD_A0"}},
		"vm_size DSv2":         {map[string]string{"vm_size": `vm_size = "Standard_DS2_v2"`}, []string{"vm_size", "premium-storage"}},
		"vm_size GS":           {map[string]string{"vm_size": `vm_size = "Standard_GS1"`}, []string{"vm_size", "premium-storage"}},
		"vm_priority":          {map[string]string{"vm_priority": `vm_priority = "high"`}, []string{"vm_priority", "dedicated", "lowpriority"}},
		"no scale_settings":    {map[string]string{"scale_settings": ""}, []string{"Block scale_settings must have a configuration value"}},
		"empty scale_settings": {map[string]string{"scale_settings": "scale_settings {}"}, []string{"scale_settings needs exactly one block of `manual` or `auto_scale`"}},
		"two scale modes": {map[string]string{"scale_settings": `scale_settings {
    manual {
      target_node_count = 1
    }
    auto_scale {
      minimum_node_count = 0
      maximum_node_count = 2
    }
  }`}, []string{"scale_settings takes exactly one block of `manual` or `auto_scale`", "scale_settings.auto_scale are set"}},
		"no target":        {map[string]string{"scale_settings": "scale_settings {\n    manual {}\n  }"}, []string{"scale_settings.manual.target_node_count is required"}},
		"negative target":  {map[string]string{"scale_settings": "scale_settings {\n    manual {\n      target_node_count = -1\n    }\n  }"}, []string{"scale_settings.manual.target_node_count", "at least 0"}},
		"deallocation":     {map[string]string{"scale_settings": "scale_settings {\n    manual {\n      target_node_count = 1\n      node_deallocation_option = \"kill\"\n    }\n  }"}, []string{"node_deallocation_option", "requeue"}},
		"min above max":    {map[string]string{"scale_settings": "scale_settings {\n    auto_scale {\n      minimum_node_count = 3\n      maximum_node_count = 2\n    }\n  }"}, []string{"scale_settings.auto_scale.maximum_node_count (2) must be greater than or equal to scale_settings.auto_scale.minimum_node_count (3)"}},
		"negative minimum": {map[string]string{"scale_settings": "scale_settings {\n    auto_scale {\n      minimum_node_count = -1\n      maximum_node_count = 2\n    }\n  }"}, []string{"scale_settings.auto_scale.minimum_node_count", "at least 0"}},
		"no max":           {map[string]string{"scale_settings": "scale_settings {\n    auto_scale {\n      minimum_node_count = 1\n    }\n  }"}, []string{"scale_settings.auto_scale.maximum_node_count is required"}},
		"no user_account":  {map[string]string{"user_account": ""}, []string{"Block user_account must have a configuration value"}},
		"no credentials":   {map[string]string{"user_account": "user_account {\n    admin_user_name = \"azureuser\"\n  }"}, []string{"user_account needs at least one argument of `admin_user_ssh_public_key`"}},
		"ssh key format":   {map[string]string{"user_account": "user_account {\n    admin_user_name = \"u\"\n    admin_user_ssh_public_key = \"~/.ssh/id_rsa.pub\"\n  }"}, []string{"user_account.admin_user_ssh_public_key", "OpenSSH RSA public key"}},
		"password twice":   {map[string]string{"user_account": "user_account {\n    admin_user_name = \"u\"\n    admin_user_password = \"a\"\n    admin_user_password_wo = \"b\"\n    admin_user_password_wo_version = 1\n  }"}, []string{"user_account.admin_user_password_wo", "cannot be specified", "user_account.admin_user_password"}},
		"wo without version": {map[string]string{"user_account": "user_account {\n    admin_user_name = \"u\"\n    admin_user_password_wo = \"b\"\n  }"},
			[]string{"user_account.admin_user_password_wo_version", "must be specified", "user_account.admin_user_password_wo"}},
		"image triple": {map[string]string{"image_reference": `image_reference = { virtual_machine_image_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/images/i" }`}, []string{"image_reference", "publisher", "required"}},
		"image no sku": {map[string]string{"image_reference": `image_reference = { publisher = "p", offer = "o" }`}, []string{"Missing Required Argument", "image_reference.sku is required when image_reference is set"}},
		"setup secrets twice": {map[string]string{"setup_task": "setup_task {\n    command_line = \"true\"\n    std_out_err_path_prefix = \"$AZ_BATCHAI_MOUNT_ROOT/logs\"\n    secrets = { A = \"a\" }\n    secrets_wo = { A = \"b\" }\n    secrets_wo_version = 1\n  }"},
			[]string{"Invalid Attribute Combination", "Attribute \"setup_task.secrets_wo\" cannot be specified when \"setup_task.secrets\" is specified"}},
		"image id":        {map[string]string{"image_reference": `image_reference = { publisher = "p", offer = "o", sku = "s", virtual_machine_image_id = "my-image" }`}, []string{"image_reference.virtual_machine_image_id", "Microsoft.Compute/images"}},
		"subnet":          {map[string]string{"subnet_id": `subnet_id = "default"`}, []string{"subnet_id", "Microsoft.Network/virtualNetworks"}},
		"setup prefix":    {map[string]string{"setup_task": "setup_task {\n    command_line = \"true\"\n  }"}, []string{"setup_task.std_out_err_path_prefix is required"}},
		"mounts empty":    {map[string]string{"mount_volumes": "mount_volumes {}"}, []string{"mount_volumes must contain at least one of"}},
		"afs no key":      {map[string]string{"mount_volumes": afs("")}, []string{"mount_volumes.azure_file_share[0] needs exactly one argument of `account_key`"}},
		"afs key twice":   {map[string]string{"mount_volumes": afs(fmt.Sprintf("account_key = \"k\"\n      account_key_secret_reference {\n        source_vault_id = %q\n        secret_url = \"https://kv.vault.azure.net/secrets/k\"\n      }", vault))}, []string{"mount_volumes.azure_file_share[0] takes exactly one", "both", "account_key_secret_reference are set"}},
		"file mode":       {map[string]string{"mount_volumes": afs("account_key = \"k\"\n      file_mode = \"777\"")}, []string{"mount_volumes.azure_file_share[0].file_mode", "octal mode"}},
		"secret url":      {map[string]string{"mount_volumes": afs(fmt.Sprintf("account_key_secret_reference {\n        source_vault_id = %q\n        secret_url = \"http://kv/secrets/k\"\n      }", vault))}, []string{"account_key_secret_reference.secret_url", "https URL of a Key Vault secret"}},
		"vault id":        {map[string]string{"mount_volumes": afs("account_key_secret_reference {\n        source_vault_id = \"kv\"\n        secret_url = \"https://kv.vault.azure.net/secrets/k\"\n      }")}, []string{"account_key_secret_reference.source_vault_id", "Microsoft.KeyVault/vaults"}},
		"perf no key":     {map[string]string{"performance_counters": "performance_counters {\n    app_insights_component_id = \"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Insights/components/ai\"\n  }"}, []string{"performance_counters needs exactly one argument of `instrumentation_key`"}},
		"perf component":  {map[string]string{"performance_counters": "performance_counters {\n    instrumentation_key = \"k\"\n  }"}, []string{"performance_counters.app_insights_component_id is required"}},
		"file server id":  {map[string]string{"mount_volumes": "mount_volumes {\n    file_server {\n      file_server_id = \"nfs\"\n      relative_mount_path = \"nfs\"\n    }\n  }"}, []string{"mount_volumes.file_server[0].file_server_id", "fileServers"}},
		"vm_size unknown": {map[string]string{"vm_size": `vm_size = "Standard_NC7"`}, []string{"Unknown VM Size", "Attribute vm_size is \"Standard_NC7\"", "closest supported sizes are Standard_NC6, Standard_NC12 and Standard_NC24"}},
		"mount path dot dot": {map[string]string{"mount_volumes": unmanaged("/abs/../x")},
			[]string{"Invalid Relative Mount Path", "mount_volumes.unmanaged_file_system[0].relative_mount_path is \"/abs/../x\"", `Did you mean "x"?`}},
		"mount path trailing slash": {map[string]string{"mount_volumes": unmanaged("afs/")},
			[]string{"mount_volumes.unmanaged_file_system[0].relative_mount_path", `Did you mean "afs"?`}},
		"mount path absolute": {map[string]string{"mount_volumes": unmanaged("/mnt/data")},
			[]string{"mount_volumes.unmanaged_file_system[0].relative_mount_path", "relative to $AZ_BATCHAI_MOUNT_ROOT", `Did you mean "mnt/data"?`}},
		"mount path twice": {map[string]string{"mount_volumes": `mount_volumes {
    azure_file_share {
      account_name        = "acct"
      azure_file_url      = "https://acct.file.core.windows.net/share"
      relative_mount_path = "data"
      account_key         = "k"
    }
    unmanaged_file_system {
      mount_command       = "mount -t tmpfs none"
      relative_mount_path = "data"
    }
  }`}, []string{"Duplicate Relative Mount Path", `mount_volumes.unmanaged_file_system[0].relative_mount_path is "data", which is also the relative_mount_path of mount_volumes.azure_file_share[0].relative_mount_path`}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      config(tc.over),
					PlanOnly:    true,
					ExpectError: expectError(tc.want...),
				}},
			})
		})
	}
}

// TestAccClusterResource_invalidConfigReportsEveryError: a configuration with several mistakes across blocks
// reports all of them in one plan, not one per attempt. Validation reports what any configuration gets wrong
// (here both scale blocks, and an instrumentation key given twice); the create's plan reports every secret a new
// cluster lacks (an imported cluster's configuration rightly has none, see requireSecretsForCreate).
func TestAccClusterResource_invalidConfigReportsEveryError(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	ws := api.WorkspaceID{SubscriptionID: info.SubscriptionID, ResourceGroup: info.ResourceGroup, Name: "ws"}.String()
	config := func(scale, perf string) string {
		return testAccProviderConfig(info) + fmt.Sprintf(`
resource "batchai_cluster" "test" {
  name         = "c1"
  workspace_id = %q
  vm_size      = "Standard_NC6"
  scale_settings {
%s
  }
  user_account {
    admin_user_name = "azureuser"
  }
  performance_counters {
    app_insights_component_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Insights/components/ai"
%s
  }
}
`, ws, scale, perf)
	}
	manual := "    manual {\n      target_node_count = 1\n    }"
	both := manual + "\n    auto_scale {\n      minimum_node_count = 0\n      maximum_node_count = 2\n    }"
	twice := `    instrumentation_key = "k"
    instrumentation_key_secret_reference {
      source_vault_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"
      secret_url      = "https://kv.vault.azure.net/secrets/k"
    }`
	for name, tc := range map[string]struct {
		config string
		want   []string
	}{
		"validation": {config(both, twice), []string{
			"scale_settings takes exactly one block",
			"performance_counters takes exactly one argument", "both",
		}},
		"create plan": {config(manual, ""), []string{
			"user_account needs at least one argument",
			"performance_counters needs exactly one argument",
		}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sawError := false
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: tc.config, PlanOnly: true}},
				// ErrorCheck (rather than ExpectError) sees the whole error: every mistake must be in it.
				ErrorCheck: func(err error) error {
					sawError = true
					for _, w := range tc.want {
						if !expectError(w).MatchString(err.Error()) {
							return fmt.Errorf("the plan did not report %q: %w", w, err)
						}
					}
					return nil
				},
			})
			if !sawError {
				t.Error("the configuration was accepted")
			}
		})
	}
}
