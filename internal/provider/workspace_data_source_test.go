package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// The data source tests create what they read out of band, through the ARM client, so that they test the
// data sources alone and not the resources' code paths.

// testAccDSSSHKey is a well-formed OpenSSH RSA public key (the emulator, like the service, takes RSA only).
const testAccDSSSHKey = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDlSiRSUX00aNCM1dPTGzAgVJyLaUX07IgJio03USXgVm/R9iTn+PZLCWMszjaOOfuYuMiVbuMOiZio3p/4FOelLpMlQ1KgCsyXP9Hfjng7vN7la7QlPZJ/ax9xfkHdIhDYotPDZ7L5KtjkvYou7XLwOaxX26ci2jeCD5hGijGSYWC/GKJlBEBRc1ldwYkLuWDOA9UTN4Gv6aLC7JSYfX1y/k3TJKNWDgnpmtpuL7xilSOYkuM1QlaR4P8zyKT+0e8qqxHCwrAwx3j9ftf/ZGmPPp6oK3IvuSIIFCrUy5MqJuDcCX0UbfeSdv4x6CtmLj49YJWIOeczylr5j8ggBQHN test"

func testAccDSContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// testAccDSSeedWorkspace creates a workspace in the emulator's resource group.
func testAccDSSeedWorkspace(t *testing.T, c *client.Client, info emulator.Info, name string, tags map[string]string) api.WorkspaceID {
	t.Helper()
	ctx := testAccDSContext(t)
	id := api.WorkspaceID{SubscriptionID: info.SubscriptionID, ResourceGroup: info.ResourceGroup, Name: name}
	p, err := c.BeginCreateWorkspace(ctx, id, api.WorkspaceCreateParameters{Location: api.Ptr(info.Location), Tags: tags})
	if err != nil {
		t.Fatalf("creating workspace %s: %v", id, err)
	}
	if _, err := p.Wait(ctx); err != nil {
		t.Fatalf("waiting for workspace %s: %v", id, err)
	}
	return id
}

// testAccDSError matches an error whose phrases appear in this order. Terraform wraps diagnostics to the
// terminal width, so spaces inside a phrase match any whitespace.
func testAccDSError(phrases ...string) *regexp.Regexp {
	quoted := make([]string, len(phrases))
	for i, p := range phrases {
		quoted[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(strings.Join(quoted, `[\s\S]*`))
}

func TestAccWorkspaceDataSource_basic(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	ws := testAccDSSeedWorkspace(t, testAccClient(t, info), info, "ws-read", map[string]string{"team": "vision"})
	testAccDSSeedWorkspace(t, testAccClient(t, info), info, "ws-untagged", nil)

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccProviderConfig(info) + fmt.Sprintf(`
data "batchai_workspace" "test" {
  name                = "ws-read"
  resource_group_name = %[1]q
}

data "batchai_workspace" "untagged" {
  name                = "ws-untagged"
  resource_group_name = %[1]q
}
`, info.ResourceGroup),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.batchai_workspace.test", tfjsonpath.New("id"), knownvalue.StringExact(ws.String())),
				statecheck.ExpectKnownValue("data.batchai_workspace.test", tfjsonpath.New("location"), knownvalue.StringExact(info.Location)),
				statecheck.ExpectKnownValue("data.batchai_workspace.test", tfjsonpath.New("tags"),
					knownvalue.MapExact(map[string]knownvalue.Check{"team": knownvalue.StringExact("vision")})),
				statecheck.ExpectKnownValue("data.batchai_workspace.test", tfjsonpath.New("provisioning_state"), knownvalue.StringExact("succeeded")),
				statecheck.ExpectKnownValue("data.batchai_workspace.test", tfjsonpath.New("creation_time"), knownvalue.NotNull()),
				// No tags reads as {}, so that lookup() works without try().
				statecheck.ExpectKnownValue("data.batchai_workspace.untagged", tfjsonpath.New("tags"), knownvalue.MapSizeExact(0)),
			},
		}},
	})
}

func TestAccWorkspaceDataSource_notFound(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccProviderConfig(info) + fmt.Sprintf(`
data "batchai_workspace" "test" {
  name                = "no-such-workspace"
  resource_group_name = %q
}
`, info.ResourceGroup),
			ExpectError: testAccDSError("Batch AI Workspace Not Found", `workspace "no-such-workspace" does not exist`, "resource group"),
		}},
	})
}

func TestAccWorkspaceDataSource_invalidName(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccProviderConfig(info) + `
data "batchai_workspace" "test" {
  name                = "not a valid name"
  resource_group_name = "rg"
}
`,
			PlanOnly:    true,
			ExpectError: testAccDSError("Attribute name may contain only letters, digits, '-' and '_'"),
		}},
	})
}
