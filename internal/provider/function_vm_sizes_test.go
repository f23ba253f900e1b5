package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/batchai-tf/terraform-provider-batchai/internal/vmsize"
)

// TestAccFunction_vmSizes describes sizes and computes what clusters take from the quota, summing by family as a
// quota check in a configuration would.
func TestAccFunction_vmSizes(t *testing.T) {
	t.Parallel()
	testAccPreCheck(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccFunctionConfig(`
locals {
  clusters = {
    train = { vm_size = "standard_nc6", nodes = 4 }
    infer = { vm_size = "Standard_NC12", nodes = 1 }
    cpu   = { vm_size = "Standard_D2_v2", nodes = 3 }
  }
  by_family = {
    for name, c in local.clusters :
    provider::batchai::vm_size(c.vm_size).quota_family => provider::batchai::cluster_vcpus(c.vm_size, c.nodes)...
  }
}

output "nc6" {
  value = provider::batchai::vm_size("STANDARD_NC6")
}

output "vcpus" {
  value = provider::batchai::cluster_vcpus("Standard_NC6", 4)
}

output "parked" {
  value = provider::batchai::cluster_vcpus("Standard_NC6", 0)
}

output "per_family" {
  value = { for family, v in local.by_family : family => sum(v) }
}
`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("nc6", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"name": knownvalue.StringExact("Standard_NC6"), "vcpus": knownvalue.Int64Exact(6),
					"quota_family": knownvalue.StringExact("Standard NC Family"),
				})),
				statecheck.ExpectKnownOutputValue("vcpus", knownvalue.Int64Exact(24)),
				statecheck.ExpectKnownOutputValue("parked", knownvalue.Int64Exact(0)),
				statecheck.ExpectKnownOutputValue("per_family", knownvalue.MapExact(map[string]knownvalue.Check{
					"Standard NC Family":  knownvalue.Int64Exact(24 + 12),
					"Standard Dv2 Family": knownvalue.Int64Exact(6),
				})),
			},
		}},
	})
}

// TestAccFunction_vmSizeErrors: refused, unknown and negative inputs fail the plan with the reason.
func TestAccFunction_vmSizeErrors(t *testing.T) {
	t.Parallel()
	testAccPreCheck(t)
	for name, tc := range map[string]struct {
		call string
		want []string
	}{
		"refused A0":      {`provider::batchai::vm_size("Standard_A0")`, []string{`"Standard_A0" is refused: Batch AI does not support STANDARD_A0`}},
		"premium storage": {`provider::batchai::cluster_vcpus("Standard_DS3_v2", 1)`, []string{"is refused", "premium-storage"}},
		"unknown":         {`provider::batchai::vm_size("Standard_Q99")`, []string{`"Standard_Q99" is not a VM size the provider knows`}},
		"negative":        {`provider::batchai::cluster_vcpus("Standard_NC6", -1)`, []string{"node_count must be at least 0, got -1"}},
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

// TestLookupVMSize covers every size of the table: the functions know all of them, in any letter case.
func TestLookupVMSize(t *testing.T) {
	t.Parallel()
	for _, s := range vmsize.All() {
		got, err := lookupVMSize(s.Name)
		if err != nil || got != s {
			t.Errorf("lookupVMSize(%q) = %+v, %v", s.Name, got, err)
		}
	}
}
