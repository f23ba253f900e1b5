package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// testAccClusterReplaceConfig is two workspaces and a cluster whose arguments come from args (with
// defaults for the required ones), so each case changes exactly one of them.
func testAccClusterReplaceConfig(info emulator.Info, args map[string]string) string {
	def := map[string]string{
		"name":         `"c1"`,
		"workspace_id": "batchai_workspace.a.id",
		"vm_size":      `"Standard_D1_v2"`,
		"user_account": fmt.Sprintf(`{
    admin_user_name           = "azureuser"
    admin_user_ssh_public_key = %q
  }`, testAccClusterSSHKey),
	}
	for k, v := range args {
		def[k] = v
	}
	var b strings.Builder
	for _, k := range []string{"name", "workspace_id", "vm_size", "vm_priority", "subnet_id", "image_reference"} {
		if v, ok := def[k]; ok {
			fmt.Fprintf(&b, "  %s = %s\n", k, v)
		}
	}
	for _, k := range []string{"user_account", "setup_task", "mount_volumes", "performance_counters"} {
		if v, ok := def[k]; ok {
			fmt.Fprintf(&b, "  %s %s\n", k, v)
		}
	}
	return testAccProviderConfig(info) + fmt.Sprintf(`
resource "batchai_workspace" "a" {
  name                = "ws"
  resource_group_name = %[1]q
  location            = "eastus"
}

resource "batchai_workspace" "b" {
  name                = "ws2"
  resource_group_name = %[1]q
  location            = "eastus"
}

resource "batchai_cluster" "test" {
%[2]s
  scale_settings {
    manual {
      target_node_count = 1
    }
  }
}
`, info.ResourceGroup, b.String())
}

// TestAccClusterResource_requiresReplace changes each create-only argument in turn: the plan says
// replace, and the cluster is a new one (a new creation time). Server defaults made explicit are no change.
func TestAccClusterResource_requiresReplace(t *testing.T) {
	t.Parallel()
	vault := `"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"`
	setup := func(cmd string) string {
		return fmt.Sprintf(`{
    command_line            = %q
    std_out_err_path_prefix = "$AZ_BATCHAI_MOUNT_ROOT/logs"
  }`, cmd)
	}
	unmanaged := func(path string) string {
		return fmt.Sprintf(`{
    unmanaged_file_system {
      mount_command       = "mount -t nfs 10.0.0.4:/export"
      relative_mount_path = %q
    }
  }`, path)
	}
	user := func(extra string) string {
		return fmt.Sprintf(`{
    admin_user_name           = "azureuser"
    admin_user_ssh_public_key = %q
    %s
  }`, testAccClusterSSHKey, extra)
	}
	subnet := func(name string) string {
		return `"` + testAccSubnetID(emulator.Info{SubscriptionID: "s", ResourceGroup: "rg"}, name) + `"`
	}
	unmanaged2 := func(a, b string) string {
		return fmt.Sprintf(`{
    unmanaged_file_system {
      mount_command       = "mount -t nfs 10.0.0.4:/export"
      relative_mount_path = %q
    }
    unmanaged_file_system {
      mount_command       = "mount -t nfs 10.0.0.5:/export"
      relative_mount_path = %q
    }
  }`, a, b)
	}
	afs := `{
    azure_file_share {
      account_name        = "acct"
      azure_file_url      = "https://acct.file.core.windows.net/share"
      account_key         = "key"
      relative_mount_path = "afs"
    }
  }`
	perf := `{
    app_insights_component_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Insights/components/ai"
    instrumentation_key_secret_reference {
      source_vault_id = ` + vault + `
      secret_url      = "https://kv.vault.azure.net/secrets/ikey"
    }
  }`
	// paths are the replace_paths of a replacement: a new or removed block is named by its leaves, never as a
	// whole (Terraform would then mark each of its write-only attributes as forcing the replacement).
	for name, tc := range map[string]struct {
		before, after map[string]string
		replace       bool
		paths         []string
	}{
		"name":                    {before: nil, after: map[string]string{"name": `"c2"`}, replace: true},
		"workspace_id":            {before: nil, after: map[string]string{"workspace_id": "batchai_workspace.b.id"}, replace: true},
		"vm_size":                 {before: nil, after: map[string]string{"vm_size": `"Standard_D2_v2"`}, replace: true},
		"vm_size case only":       {before: nil, after: map[string]string{"vm_size": `"standard_d1_V2"`}},
		"vm_priority":             {before: nil, after: map[string]string{"vm_priority": `"lowpriority"`}, replace: true},
		"vm_priority default":     {before: nil, after: map[string]string{"vm_priority": `"dedicated"`}},
		"image_reference":         {before: nil, after: map[string]string{"image_reference": `{ publisher = "Canonical", offer = "UbuntuServer", sku = "18.04-LTS" }`}, replace: true},
		"image_reference default": {before: nil, after: map[string]string{"image_reference": `{ publisher = "Canonical", offer = "UbuntuServer", sku = "16.04-LTS" }`}},
		"subnet_id":               {before: map[string]string{"subnet_id": subnet("a")}, after: map[string]string{"subnet_id": subnet("b")}, replace: true},
		"admin_user_name":         {before: nil, after: map[string]string{"user_account": strings.Replace(user(""), "azureuser", "other", 1)}, replace: true},
		"admin_user_password":     {before: nil, after: map[string]string{"user_account": user(`admin_user_password = "pw-2"`)}, replace: true},
		"admin_user_password_wo":  {before: map[string]string{"user_account": user("admin_user_password_wo = \"pw\"\n    admin_user_password_wo_version = 1")}, after: map[string]string{"user_account": user("admin_user_password_wo = \"pw\"\n    admin_user_password_wo_version = 2")}, replace: true},
		"write-only value alone":  {before: map[string]string{"user_account": user("admin_user_password_wo = \"pw\"\n    admin_user_password_wo_version = 1")}, after: map[string]string{"user_account": user("admin_user_password_wo = \"pw-changed\"\n    admin_user_password_wo_version = 1")}},
		"setup_task added": {before: nil, after: map[string]string{"setup_task": setup("true")}, replace: true,
			paths: []string{"setup_task.command_line"}},
		"setup_task command_line": {before: map[string]string{"setup_task": setup("true")}, after: map[string]string{"setup_task": setup("echo changed")}, replace: true,
			paths: []string{"setup_task"}},
		"setup_task removed": {before: map[string]string{"setup_task": setup("true")}, after: nil, replace: true,
			paths: []string{"setup_task.command_line"}},
		"mount_volumes path": {before: map[string]string{"mount_volumes": unmanaged("a")}, after: map[string]string{"mount_volumes": unmanaged("b")}, replace: true,
			paths: []string{"mount_volumes"}},
		"mount_volumes added": {before: nil, after: map[string]string{"mount_volumes": afs}, replace: true,
			paths: []string{"mount_volumes.azure_file_share[0].relative_mount_path"}},
		"mount appended": {before: map[string]string{"mount_volumes": unmanaged("a")}, after: map[string]string{"mount_volumes": unmanaged2("a", "b")}, replace: true,
			paths: []string{"mount_volumes.unmanaged_file_system[1].relative_mount_path"}},
		"mount dropped": {before: map[string]string{"mount_volumes": unmanaged2("a", "b")}, after: map[string]string{"mount_volumes": unmanaged("a")}, replace: true,
			paths: []string{"mount_volumes"}},
		"mount_volumes removed": {before: map[string]string{"mount_volumes": unmanaged2("a", "b")}, after: nil, replace: true,
			paths: []string{"mount_volumes.unmanaged_file_system[0].relative_mount_path", "mount_volumes.unmanaged_file_system[1].relative_mount_path"}},
		"performance_counters added": {before: nil, after: map[string]string{"performance_counters": perf}, replace: true,
			paths: []string{"performance_counters.app_insights_component_id"}},
		"performance_counters removed": {before: map[string]string{"performance_counters": perf}, after: nil, replace: true,
			paths: []string{"performance_counters.app_insights_component_id"}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			info := testAccEmulator(t)
			action, created := plancheck.ResourceActionNoop, statecheck.CompareValue(compare.ValuesSame())
			if tc.replace {
				action, created = plancheck.ResourceActionDestroyBeforeCreate, statecheck.CompareValue(compare.ValuesDiffer())
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             testAccCheckClusterDestroyed(t, info),
				Steps: []resource.TestStep{
					{
						Config:            testAccClusterReplaceConfig(info, tc.before),
						ConfigStateChecks: []statecheck.StateCheck{created.AddStateValue(testAccClusterAddr, tfjsonpath.New("creation_time"))},
					},
					{
						Config: testAccClusterReplaceConfig(info, tc.after),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(testAccClusterAddr, action),
							expectReplacePaths(testAccClusterAddr, tc.paths...),
						}},
						ConfigStateChecks: []statecheck.StateCheck{created.AddStateValue(testAccClusterAddr, tfjsonpath.New("creation_time"))},
					},
				},
			})
		})
	}
}

// expectReplacePaths checks the replace_paths of a resource's planned change, written as "a.b[0].c", in any
// order; none are expected when paths is empty and the change is no replacement. (Only paths given are
// checked for a replacement whose case lists none.)
func expectReplacePaths(addr string, paths ...string) plancheck.PlanCheck {
	return replacePathsCheck{addr: addr, want: paths}
}

type replacePathsCheck struct {
	addr string
	want []string
}

func (c replacePathsCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.addr {
			continue
		}
		var got []string
		for _, p := range rc.Change.ReplacePaths {
			steps, _ := p.([]any)
			var b strings.Builder
			for _, s := range steps {
				switch v := s.(type) {
				case string:
					if b.Len() > 0 {
						b.WriteByte('.')
					}
					b.WriteString(v)
				case float64:
					fmt.Fprintf(&b, "[%d]", int(v))
				default:
					fmt.Fprintf(&b, "[%v]", v)
				}
			}
			got = append(got, b.String())
		}
		if len(c.want) == 0 && !rc.Change.Actions.Replace() {
			return
		}
		if len(c.want) == 0 {
			return // a replacement whose paths the case does not pin down
		}
		slices.Sort(got)
		want := slices.Sorted(slices.Values(c.want))
		if !slices.Equal(got, want) {
			resp.Error = fmt.Errorf("%s: replace_paths %v, want %v", c.addr, got, want)
		}
		return
	}
	resp.Error = fmt.Errorf("%s: no planned change", c.addr)
}
