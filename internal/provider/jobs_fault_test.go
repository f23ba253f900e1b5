package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// TestAccJobResources_lostAnswersWithLag creates a file server, an experiment and a job while ARM's replicas
// lag (every write makes the next 2 reads answer 404) and the answers of their PUTs are lost after the service
// processed them, with every retry refused: the one recovery of every create reads each back through the 404s,
// finds it created and goes on. Nothing is tainted, and ARM equals the state. Before the file server, experiment
// and job used it, each such create was recorded tainted (and replaced by the next apply), however healthy.
func TestAccJobResources_lostAnswersWithLag(t *testing.T) {
	t.Parallel()
	inst := testAccEmulatorInstance(t, func(c *emulator.Config) { c.ConsistencyLag = 2 })
	info := inst.Info
	config := testAccJobWorld(info, testAccOneNode,
		testAccFileServer(testAccFileServerBody("Standard_D2_v2", 1, ""))+testAccJob("j1", "echo hi", ""))
	addrs := []string{testAccClusterAddr, testAccFileServerAddr, testAccExperimentAddr, testAccJobAddr}
	notTainted := make([]resource.TestCheckFunc, 0, len(addrs))
	for _, a := range addrs {
		notTainted = append(notTainted, testAccCheckNotTainted(a))
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFaultProviderFactories(),
		CheckDestroy:             testAccCheckARMEmpty(t, info),
		Steps: []resource.TestStep{{
			PreConfig: func() {
				// The experiment's PUT comes before the job's (whose path also contains it): the job depends on it.
				for _, p := range []string{"/fileservers/nfs", "/experiments/exp", "/jobs/j1"} {
					testAccLoseAnswer(inst.Emulator, "PUT", p)
				}
			},
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(append(notTainted,
				testAccCheckFaults(inst.Emulator, emulator.FaultDrop, 3), testAccCheckARMMatchesState(t, info))...),
		}},
	})
}
