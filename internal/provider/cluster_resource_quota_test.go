package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/sim"
)

// testAccClusterQuotaBody is a manual NC6 cluster with admin user, so that a test can force a replacement.
func testAccClusterQuotaBody(admin string, nodes int) string {
	return fmt.Sprintf(`
  vm_size = "Standard_NC6"
  scale_settings {
    manual {
      target_node_count = %[2]d
    }
  }
  user_account {
    admin_user_name           = %[1]q
    admin_user_ssh_public_key = %[3]q
  }
`, admin, nodes, testAccClusterSSHKey)
}

// TestAccClusterResource_quotaReplacement replaces a cluster that holds the whole vCPU quota (a new admin
// user): Terraform deletes the old cluster before it creates the new one, so what the old one holds is
// available to its replacement, and the preflight must not refuse the plan.
func TestAccClusterResource_quotaReplacement(t *testing.T) {
	t.Parallel()
	inst := testAccEmulatorInstance(t)
	info := inst.Info
	q := sim.DefaultQuota()
	q.DedicatedVCPUs = 12
	if err := inst.Emulator.SetQuota("eastus", q); err != nil {
		t.Fatal(err)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckClusterDestroyed(t, info),
		Steps: []resource.TestStep{
			{Config: testAccClusterConfig(info, testAccClusterQuotaBody("azureuser", 2)), ConfigStateChecks: testAccClusterSteady(2)},
			{
				Config: testAccClusterConfig(info, testAccClusterQuotaBody("admin2", 2)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccClusterAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: testAccClusterSteady(2),
			},
			{
				// Growing is still refused, before the PATCH.
				Config:      testAccClusterConfig(info, testAccClusterQuotaBody("admin2", 3)),
				ExpectError: expectError("Insufficient Batch AI Quota", "18 vCPUs", "The cluster was not resized."),
			},
			// And destroying while the configuration asks for too much works: destroy plans it first.
			{Config: testAccClusterConfig(info, testAccClusterQuotaBody("admin2", 3)), Destroy: true},
		},
	})
}

// TestAccClusterResource_quotaFailedCreateCanBeDestroyed: the service failed a create for lack of quota
// (two clusters of one apply that each fit but not together), leaving a failed, tainted cluster. The
// quota is still exhausted: planning its replacement warns instead of failing, since otherwise
// `terraform destroy`, which plans the configuration first, could never remove the failed cluster.
func TestAccClusterResource_quotaFailedCreateCanBeDestroyed(t *testing.T) {
	t.Parallel()
	inst := testAccEmulatorInstance(t)
	info := inst.Info
	inst.Emulator.FailNextOperation(emulator.OperationFailure{PathContains: "/clusters/c1", Status: 409,
		Code: "QuotaExceeded", Message: "Operation results in exceeding quota limits of Total Cluster Dedicated Regional vCPUs."})
	config := testAccClusterConfig(info, testAccClusterQuotaBody("azureuser", 1))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckClusterDestroyed(t, info),
		Steps: []resource.TestStep{
			{Config: config, ExpectError: expectError("QuotaExceeded", "marked as tainted")},
			{
				PreConfig: func() {
					q := sim.DefaultQuota()
					q.DedicatedVCPUs = 0
					if err := inst.Emulator.SetQuota("eastus", q); err != nil {
						t.Fatal(err)
					}
				},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			// The implicit destroy at the end of the test must succeed too (CheckDestroy).
		},
	})
}
