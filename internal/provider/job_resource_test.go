package provider

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

const testAccJobAddr = "batchai_job.test"

// testAccJobWorld is the provider, a workspace ws, a cluster c1 (scale is its scale_settings block's body) and
// an experiment exp, then the given resources.
func testAccJobWorld(info emulator.Info, scale, resources string) string {
	return testAccWorkspaceWith(info, fmt.Sprintf(`
resource "batchai_cluster" "test" {
  name         = "c1"
  workspace_id = batchai_workspace.test.id
  vm_size      = "Standard_NC6"
  scale_settings {
    %[1]s
  }
  user_account {
    admin_user_name           = "azureuser"
    admin_user_ssh_public_key = %[2]q
  }
}

resource "batchai_experiment" "test" {
  name         = "exp"
  workspace_id = batchai_workspace.test.id
}
%[3]s`, scale, testAccClusterSSHKey, resources))
}

// testAccOneNode is the scale settings of a one-node cluster.
const testAccOneNode = `manual {
      target_node_count = 1
    }`

// testAccJob is a job named name in the experiment, on the cluster, running commandLine, with extra arguments.
func testAccJob(name, commandLine, extra string) string {
	return fmt.Sprintf(`
resource "batchai_job" "test" {
  name                    = %[1]q
  experiment_id           = batchai_experiment.test.id
  cluster_id              = batchai_cluster.test.id
  std_out_err_path_prefix = "$AZ_BATCHAI_MOUNT_ROOT/afs"
  custom_toolkit {
    command_line = %[2]q
  }
%[3]s
}
`, name, commandLine, extra)
}

func testAccJobID(info emulator.Info, name string) api.JobID {
	return testAccInWorkspace(info).Experiment("exp").Job(name)
}

// testAccCheckJobDestroyed asks the emulator for every job in the final state: all must be gone.
func testAccCheckJobDestroyed(t *testing.T, info emulator.Info) resource.TestCheckFunc {
	return testAccCheckDestroyed(t, info, "batchai_job", "job", api.ParseJobID, (*client.Client).GetJob)
}

// testAccAwaitJob polls the emulator until the job's execution state is one of states.
func testAccAwaitJob(t *testing.T, info emulator.Info, id api.JobID, states ...string) error {
	t.Helper()
	c := testAccClient(t, info)
	var state string
	return testAccPoll(t, func() (bool, error) {
		j, err := c.GetJob(testAccContext(t), id)
		state = api.Deref(api.Deref(j.Properties).ExecutionState)
		return err == nil && slices.Contains(states, state), err
	}, func() error { return fmt.Errorf("job %s is still %q, not %v", id.Name, state, states) })
}

// testAccPoll calls done every 20 ms until it reports true or fails, for at most a minute (then expired says
// what never happened). It waits on the emulator's state, never on the clock alone.
func testAccPoll(t *testing.T, done func() (bool, error), expired func() error) error {
	t.Helper()
	ctx := testAccContext(t)
	deadline := time.Now().Add(time.Minute)
	for {
		ok, err := done()
		switch {
		case err != nil:
			return err
		case ok:
			return nil
		case time.Now().After(deadline):
			return expired()
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// regexpOf matches exactly one of the values.
func regexpOf(values ...string) *regexp.Regexp {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = regexp.QuoteMeta(v)
	}
	return regexp.MustCompile(`^(?:` + strings.Join(quoted, "|") + `)$`)
}

// TestAccJobResource_succeeds submits a job that prints to stdout and waits for it: apply returns when it has
// succeeded, with its exit code and times, and its output is listed (sizes, no URLs). Re-planning is empty and
// an import reads the same job.
func TestAccJobResource_succeeds(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	config := testAccJobWorld(info, testAccOneNode, testAccJob("hello", "echo hello from batch ai", "")+`
data "batchai_job_output_files" "stdouterr" {
  job_id = batchai_job.test.id
}

data "batchai_job" "test" {
  name          = batchai_job.test.name
  experiment_id = batchai_experiment.test.id
}

data "batchai_jobs" "all" {
  experiment_id = batchai_experiment.test.id
  depends_on    = [batchai_job.test]
}
`)
	files := "data.batchai_job_output_files.stdouterr"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckJobDestroyed(t, info),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(testAccJobAddr, tfjsonpath.New("id"), knownvalue.StringExact(testAccJobID(info, "hello").String())),
					statecheck.ExpectKnownValue(testAccJobAddr, tfjsonpath.New("execution_state"), knownvalue.StringExact(api.ExecutionStateSucceeded)),
					statecheck.ExpectKnownValue(testAccJobAddr, tfjsonpath.New("exit_code"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(testAccJobAddr, tfjsonpath.New("tool_type"), knownvalue.StringExact(api.ToolTypeCustom)),
					statecheck.ExpectKnownValue(testAccJobAddr, tfjsonpath.New("errors"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue(testAccJobAddr, tfjsonpath.New("start_time"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-`))),
					statecheck.ExpectKnownValue(testAccJobAddr, tfjsonpath.New("end_time"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-`))),
					statecheck.ExpectKnownValue(testAccJobAddr, tfjsonpath.New("scheduling_priority"), knownvalue.StringExact("normal")),
					statecheck.ExpectKnownValue(testAccJobAddr, tfjsonpath.New("node_count"), knownvalue.Int64Exact(1)),
					// The service's default constraint, filled in without a diff.
					statecheck.ExpectKnownValue(testAccJobAddr, tfjsonpath.New("max_wall_clock_time"), knownvalue.StringExact(api.DefaultMaxWallClockTime)),
					statecheck.ExpectKnownValue(testAccJobAddr, tfjsonpath.New("job_output_directory_path_segment"), knownvalue.StringRegexp(regexp.MustCompile(`/experiments/exp/jobs/hello/`))),
					statecheck.ExpectKnownValue(files, tfjsonpath.New("output_directory_id"), knownvalue.StringExact("stdouterr")),
					statecheck.ExpectKnownValue(files, tfjsonpath.New("files"), knownvalue.ListExact([]knownvalue.Check{
						testAccOutputFile("execution.log", nil), testAccOutputFile("stderr.txt", api.Ptr(int64(0))),
						testAccOutputFile("stdout.txt", api.Ptr(int64(len("hello from batch ai\n")))),
					})),
					statecheck.ExpectKnownValue("data.batchai_job.test", tfjsonpath.New("execution_state"), knownvalue.StringExact(api.ExecutionStateSucceeded)),
					statecheck.ExpectKnownValue("data.batchai_job.test", tfjsonpath.New("exit_code"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue("data.batchai_job.test", tfjsonpath.New("std_out_err_path_prefix"), knownvalue.StringExact("$AZ_BATCHAI_MOUNT_ROOT/afs")),
					statecheck.ExpectKnownValue("data.batchai_jobs.all", tfjsonpath.New("jobs"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"name": knownvalue.StringExact("hello"), "execution_state": knownvalue.StringExact(api.ExecutionStateSucceeded),
							"id": knownvalue.StringExact(testAccJobID(info, "hello").String()),
						}),
					})),
				},
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{ResourceName: testAccJobAddr, ImportState: true, ImportStateVerify: true},
		},
	})
}

// testAccOutputFile checks one file of a listing: its name, type, size (when given) and time, and no URL.
func testAccOutputFile(name string, size *int64) knownvalue.Check {
	var length knownvalue.Check = knownvalue.Int64Func(func(v int64) error {
		if v <= 0 {
			return fmt.Errorf("size %d", v)
		}
		return nil
	})
	if size != nil {
		length = knownvalue.Int64Exact(*size)
	}
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"name": knownvalue.StringExact(name), "type": knownvalue.StringExact(api.FileTypeFile),
		"content_length": length, "last_modified": knownvalue.NotNull(),
	})
}

// TestAccJobResource_fails submits a job that writes to stderr and exits 3: the apply fails with the exit
// code and the last lines of stderr.txt, and the job stays in state, tainted, so that the next apply runs it
// again.
func TestAccJobResource_fails(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	var noise []string
	for i := range 30 {
		noise = append(noise, fmt.Sprintf("echo line-%02d >&2", i))
	}
	config := testAccJobWorld(info, testAccOneNode, testAccJob("oops",
		"echo starting; "+strings.Join(noise, "; ")+"; echo 'disk quota exceeded' >&2; exit 3", ""))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckJobDestroyed(t, info),
		Steps: []resource.TestStep{
			{
				Config: config,
				// The last 20 lines of stderr: the 19 last noise lines, then the error; not the first ones.
				ExpectError: regexp.MustCompile(`(?s)Error Running Batch AI Job.*exit\s+code\s+3.*Last\s+lines\s+of\s+the\s+job's\s+stderr.txt:\s+line-11\s.*line-29\s+disk quota exceeded.*tainted`),
			},
			{
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: func(s *terraform.State) error {
					rs := s.RootModule().Resources[testAccJobAddr]
					if rs == nil || !rs.Primary.Tainted || rs.Primary.Attributes["exit_code"] != "3" ||
						rs.Primary.Attributes["execution_state"] != api.ExecutionStateFailed {
						return fmt.Errorf("the failed job is not in state, tainted, with its exit code: %+v", rs)
					}
					return nil
				},
			},
			{
				// Tainted: the next apply replaces it, and the job fails again.
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(testAccJobAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ExpectError: expectError("exit code 3", "disk quota exceeded"),
			},
		},
	})
}
