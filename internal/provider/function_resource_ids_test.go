package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// testAccFunctionConfig is a configuration that only calls provider functions: no provider block is needed.
func testAccFunctionConfig(body string) string {
	return `
terraform {
  required_providers {
    batchai = {
      source = "hashicorp/batchai"
    }
  }
}
` + body
}

const testSubscription = "00000000-0000-0000-0000-000000000001"

// TestAccFunction_resourceIDs builds every kind of ID and parses it back, through the CLI, and checks the
// canonical spelling of an ID written with ARM's lower-case segments.
func TestAccFunction_resourceIDs(t *testing.T) {
	t.Parallel()
	testAccPreCheck(t)
	ws := "/subscriptions/" + testSubscription + "/resourceGroups/rg.ml/providers/Microsoft.BatchAI/workspaces/ws-1"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccFunctionConfig(`
locals {
  sub = "` + testSubscription + `"
}

output "workspace" {
  value = provider::batchai::workspace_id(local.sub, "rg.ml", "ws-1")
}

output "cluster" {
  value = provider::batchai::cluster_id(local.sub, "rg.ml", "ws-1", "gpu")
}

output "file_server" {
  value = provider::batchai::file_server_id(local.sub, "rg.ml", "ws-1", "nfs")
}

output "experiment" {
  value = provider::batchai::experiment_id(local.sub, "rg.ml", "ws-1", "exp")
}

output "job" {
  value = provider::batchai::job_id(local.sub, "rg.ml", "ws-1", "exp", "train-1")
}

output "parsed_job" {
  value = provider::batchai::parse_resource_id(provider::batchai::job_id(local.sub, "rg.ml", "ws-1", "exp", "train-1"))
}

output "parsed_cluster" {
  # As ARM sometimes writes IDs: lower-case fixed segments.
  value = provider::batchai::parse_resource_id("/subscriptions/${local.sub}/resourcegroups/rg.ml/providers/microsoft.batchai/workspaces/ws-1/clusters/gpu")
}

output "parsed_workspace" {
  value = provider::batchai::parse_resource_id(provider::batchai::workspace_id(local.sub, "rg.ml", "ws-1"))
}
`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("workspace", knownvalue.StringExact(ws)),
				statecheck.ExpectKnownOutputValue("cluster", knownvalue.StringExact(ws+"/clusters/gpu")),
				statecheck.ExpectKnownOutputValue("file_server", knownvalue.StringExact(ws+"/fileServers/nfs")),
				statecheck.ExpectKnownOutputValue("experiment", knownvalue.StringExact(ws+"/experiments/exp")),
				statecheck.ExpectKnownOutputValue("job", knownvalue.StringExact(ws+"/experiments/exp/jobs/train-1")),
				statecheck.ExpectKnownOutputValue("parsed_job", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"subscription_id": knownvalue.StringExact(testSubscription), "resource_group_name": knownvalue.StringExact("rg.ml"),
					"workspace_name": knownvalue.StringExact("ws-1"), "experiment_name": knownvalue.StringExact("exp"),
					"kind": knownvalue.StringExact("job"), "name": knownvalue.StringExact("train-1"),
				})),
				statecheck.ExpectKnownOutputValue("parsed_cluster", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"subscription_id": knownvalue.StringExact(testSubscription), "resource_group_name": knownvalue.StringExact("rg.ml"),
					"workspace_name": knownvalue.StringExact("ws-1"), "experiment_name": knownvalue.Null(),
					"kind": knownvalue.StringExact("cluster"), "name": knownvalue.StringExact("gpu"),
				})),
				statecheck.ExpectKnownOutputValue("parsed_workspace", knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"kind": knownvalue.StringExact("workspace"), "name": knownvalue.StringExact("ws-1"),
					"workspace_name": knownvalue.StringExact("ws-1"),
				})),
			},
		}},
	})
}

// TestAccFunction_resourceIDErrors: a wrong argument fails the plan, naming the argument and the rule.
func TestAccFunction_resourceIDErrors(t *testing.T) {
	t.Parallel()
	testAccPreCheck(t)
	for name, tc := range map[string]struct {
		call string
		want []string
	}{
		"parse garbage": {`provider::batchai::parse_resource_id("/subscriptions/s/resourceGroups/rg")`,
			[]string{"is not the ID of a Batch AI workspace, cluster, file server, experiment or job", "/clusters/{name}"}},
		"parse other provider": {`provider::batchai::parse_resource_id("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm")`,
			[]string{"is not the ID of a Batch AI"}},
		"bad cluster name": {`provider::batchai::cluster_id("s", "rg", "ws", "no spaces")`,
			[]string{"name may contain only letters, digits, '-' and '_'"}},
		"bad workspace name": {`provider::batchai::job_id("s", "rg", "", "exp", "j")`,
			[]string{"workspace_name must not be empty"}},
		"bad resource group": {`provider::batchai::workspace_id("s", "r/g", "ws")`,
			[]string{"resource_group_name may contain only letters"}},
		"bad subscription": {`provider::batchai::workspace_id("a/b", "rg", "ws")`,
			[]string{"subscription_id must be a subscription ID"}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      testAccFunctionConfig("output \"x\" {\n  value = " + tc.call + "\n}\n"),
					ExpectError: expectError(tc.want...),
				}},
			})
		})
	}
}

// TestResourceIDKinds_roundTrip: every kind's builder and parser agree, and no ID parses as another kind.
func TestResourceIDKinds_roundTrip(t *testing.T) {
	t.Parallel()
	for _, k := range resourceIDKinds {
		names := []string{"ws", "exp", "leaf"}[3-len(k.names):]
		id := k.build("sub", "rg", names)
		parts, err := parseResourceID(id)
		if err != nil || parts.Kind != k.kind || parts.Name != "leaf" && k.kind != "workspace" || parts.SubscriptionID != "sub" || parts.ResourceGroupName != "rg" {
			t.Errorf("%s: built %q, parsed %+v, %v", k.kind, id, parts, err)
		}
		if k.kind == "job" && (parts.ExperimentName == nil || *parts.ExperimentName != "exp") {
			t.Errorf("job: experiment %v", parts.ExperimentName)
		}
		for _, other := range resourceIDKinds {
			if other.kind != k.kind {
				if _, err := other.parse(id); err == nil {
					t.Errorf("%q (a %s) also parses as a %s", id, k.kind, other.kind)
				}
			}
		}
		if !strings.HasPrefix(id, "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.BatchAI/workspaces/") {
			t.Errorf("%s: %q is not canonical", k.kind, id)
		}
	}
}
