package provider

import (
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// TestAccJobResource_failureKinds: each way a job fails is an apply error that says why, with the service's
// errors, and the end of the stderr that explains it.
func TestAccJobResource_failureKinds(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		job  string
		want *regexp.Regexp
	}{
		// The preparation fails: the toolkit never starts, and its own stderr is what tells.
		"job preparation": {testAccJob("prep", "echo never", `  job_preparation {
    command_line = "echo 'pip: no such package' >&2; exit 2"
  }`), regexp.MustCompile(`(?s)failed\s+with\s+exit\s+code\s+2;\s+the\s+service\s+reports:\s+JobPreparationFailed:.*did\s+not\s+start\.\s+` +
			`Last\s+lines\s+of\s+the\s+job's\s+stderr-job_prep.txt:\s+pip: no such package`)},
		// The wall clock stops a job that runs too long.
		"wall clock": {testAccJob("slow", "echo started >&2; sleep 1h", `  max_wall_clock_time = "PT1S"`),
			expectError("MaxWallClockTimeExpiry", "Last lines of the job's stderr.txt:", "started")},
		// BATCHAI_EMULATOR_EXIT_CODE forces the exit code, whatever the command line does; stderr is empty.
		"forced exit code": {testAccJob("forced", "echo fine", `  environment_variables = { BATCHAI_EMULATOR_EXIT_CODE = "137" }`),
			expectError("exit code 137", "stderr.txt is empty")},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			info := testAccEmulator(t)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             testAccCheckJobDestroyed(t, info),
				Steps: []resource.TestStep{{
					Config:      testAccJobWorld(info, testAccOneNode, tc.job),
					ExpectError: tc.want,
				}},
			})
		})
	}
}

// TestAccJobResource_createTimeout: a job that cannot start within the create timeout (its cluster has no node
// left) is an error that says where it stood and what to do; it stays in state, tainted, and destroy
// terminates it.
func TestAccJobResource_createTimeout(t *testing.T) {
	t.Parallel()
	info := testAccEmulatorInstance(t, func(c *emulator.Config) { c.JobDuration = time.Hour }).Info
	config := testAccJobWorld(info, testAccOneNode, testAccJob("first", "echo first", "  wait_for_completion = false")+`
resource "batchai_job" "second" {
  name                    = "second"
  experiment_id           = batchai_experiment.test.id
  cluster_id              = batchai_cluster.test.id
  std_out_err_path_prefix = "$AZ_BATCHAI_MOUNT_ROOT/afs"
  custom_toolkit {
    command_line = "echo second"
  }
  timeouts {
    create = "3s"
  }
  depends_on = [batchai_job.test]
}
`)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckJobDestroyed(t, info),
		Steps: []resource.TestStep{{
			Config: config,
			ExpectError: expectError("Error Waiting for Batch AI Job Creation", "timed out waiting for the job to finish",
				`execution_state was "queued"`, "raise the create timeout", "wait_for_completion = false", "tainted"),
		}},
	})
}

// TestAccJobResource_clusterDeletedWhileQueued: the cluster of a queued job is deleted outside Terraform; the
// service fails the job (ClusterDeleted) before it ever ran, and the error says that it wrote no stderr.
func TestAccJobResource_clusterDeletedWhileQueued(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	// The cluster's one node runs the blocker for an hour: the orphan stays queued until its cluster goes.
	config := testAccJobWorld(info, testAccOneNode, testAccJob("blocker", "sleep 1h", "  wait_for_completion = false")+`
resource "batchai_job" "orphan" {
  name                    = "orphan"
  experiment_id           = batchai_experiment.test.id
  cluster_id              = batchai_cluster.test.id
  std_out_err_path_prefix = "$AZ_BATCHAI_MOUNT_ROOT/afs"
  custom_toolkit {
    command_line = "echo never"
  }
  timeouts {
    create = "2m"
  }
  depends_on = [batchai_job.test]
}
`)
	deleted := make(chan error, 1)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckJobDestroyed(t, info),
		Steps: []resource.TestStep{{
			PreConfig: func() {
				// While apply waits for the orphan: once it is queued, delete its cluster.
				go func() {
					c := testAccClient(t, info)
					// The job does not exist yet when this starts: a 404 means "not yet".
					err := testAccPoll(t, func() (bool, error) {
						j, err := c.GetJob(testAccContext(t), testAccJobID(info, "orphan"))
						if client.IsNotFound(err) {
							return false, nil
						}
						return err == nil && api.Deref(api.Deref(j.Properties).ExecutionState) == api.ExecutionStateQueued, err
					}, func() error { return errors.New("the orphan job was never queued") })
					if err != nil {
						deleted <- err
						return
					}
					p, err := c.BeginDeleteCluster(testAccContext(t), testAccClusterID(info, "c1"))
					if err == nil {
						_, err = p.Wait(testAccContext(t))
					}
					deleted <- err
				}()
			},
			Config:      config,
			ExpectError: expectError("Error Running Batch AI Job", "orphan", "ClusterDeleted", "The job wrote no stderr.txt: it did not start"),
		}},
	})
	if err := <-deleted; err != nil {
		t.Fatalf("deleting the cluster: %v", err)
	}
}
