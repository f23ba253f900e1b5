package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestAccJobResource_validation: bad jobs fail at plan time, with an error naming the attribute and the fix.
func TestAccJobResource_validation(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	for name, tc := range map[string]struct {
		body string
		want []string
	}{
		"no toolkit": {``, []string{"Missing Toolkit Block", "exactly one toolkit block", "custom_toolkit"}},
		"two toolkits": {`
  custom_toolkit {
    command_line = "echo a"
  }
  horovod {
    python_script_file_path = "train.py"
  }`, []string{"Conflicting Toolkit Blocks", "both custom_toolkit and horovod"}},
		"toolkit requirement": {`
  pytorch {
    command_line_args = "--lr 1"
  }`, []string{"pytorch.python_script_file_path", "required when the pytorch block is present"}},
		"credentials without password": {`
  custom_toolkit {}
  container {
    image = "busybox"
    credentials {
      username = "u"
    }
  }`, []string{"container.credentials needs exactly one argument of", "password", "password_wo", "password_secret_reference"}},
		"two passwords": {`
  custom_toolkit {}
  container {
    image = "busybox"
    credentials {
      username = "u"
      password = "p"
      password_secret_reference {
        source_vault_id = "/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/kv"
        secret_url      = "https://kv.vault.azure.net/secrets/p"
      }
    }
  }`, []string{"Conflicting Arguments", "container.credentials"}},
		"secrets twice": {`
  custom_toolkit {}
  secrets            = { TOKEN = "a" }
  secrets_wo         = { TOKEN = "b" }
  secrets_wo_version = 1`, []string{"Invalid Attribute Combination", "Attribute \"secrets_wo\" cannot be specified when \"secrets\" is specified"}},
		"reserved output id": {`
  custom_toolkit {}
  output_directory {
    id          = "StdOutErr"
    path_prefix = "$AZ_BATCHAI_MOUNT_ROOT/afs"
  }`, []string{"output_directory[0].id", "stdouterr"}},
		"duplicate input id": {`
  custom_toolkit {}
  input_directory {
    id   = "DATA"
    path = "/a"
  }
  input_directory {
    id   = "data"
    path = "/b"
  }`, []string{"Duplicate Directory ID", "input_directory[1].id", "used twice"}},
		"variable twice": {`
  custom_toolkit {}
  environment_variables = { TOKEN = "a" }
  secrets               = { TOKEN = "b" }`, []string{"Duplicate Environment Variable", "TOKEN", "environment_variables and secrets"}},
		"duration": {`
  custom_toolkit {}
  max_wall_clock_time = "a week"`, []string{"Invalid Duration", "max_wall_clock_time", "ISO 8601"}},
		"parameter servers": {`
  node_count = 1
  tensorflow {
    python_script_file_path = "tf.py"
    parameter_server_count  = 2
  }`, []string{"Too Many Parameter Servers", "at most node_count (1)"}},
		"priority": {`
  custom_toolkit {}
  scheduling_priority = "urgent"`, []string{"scheduling_priority", "low", "normal", "high"}},
		"cluster id": {`
  custom_toolkit {}`, []string{"cluster_id", "/workspaces/{name}/clusters/{name}"}},
		"account key": {`
  custom_toolkit {}
  mount_volumes {
    azure_file_share {
      account_name        = "acct"
      azure_file_url      = "https://acct.file.core.windows.net/share"
      relative_mount_path = "afs"
    }
  }`, []string{"mount_volumes.azure_file_share[0] needs exactly one argument of", "account_key"}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cluster := "batchai_cluster.test.id"
			if name == "cluster id" {
				cluster = `"c1"`
			}
			cfg := testAccJobWorld(info, testAccOneNode, fmt.Sprintf(`
resource "batchai_job" "test" {
  name                    = "bad"
  experiment_id           = batchai_experiment.test.id
  cluster_id              = %s
  std_out_err_path_prefix = "$AZ_BATCHAI_MOUNT_ROOT/afs"
%s
}
`, cluster, tc.body))
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: cfg, PlanOnly: true, ExpectError: expectError(tc.want...)}},
			})
		})
	}
}
