package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// testAccToolkits is one job per toolkit block, every argument of the block set: the block's body, and the
// toolType the service reports.
var testAccToolkits = []struct{ block, body, toolType string }{
	{"cntk", `language_type = "Python"
    python_script_file_path = "$AZ_BATCHAI_JOB_MOUNT_ROOT/scripts/cntk.py"
    python_interpreter_path = "/usr/bin/python3"
    command_line_args       = "--epochs 2"
    process_count           = 2`, api.ToolTypeCNTK},
	{"pytorch", `python_script_file_path = "$AZ_BATCHAI_JOB_MOUNT_ROOT/scripts/torch.py"
    python_interpreter_path = "/usr/bin/python3"
    command_line_args       = "--lr 0.1"
    process_count           = 2
    communication_backend   = "Gloo"`, api.ToolTypePyTorch},
	{"tensorflow", `python_script_file_path            = "$AZ_BATCHAI_JOB_MOUNT_ROOT/scripts/tf.py"
    python_interpreter_path            = "/usr/bin/python3"
    master_command_line_args           = "--master"
    worker_command_line_args           = "--worker"
    parameter_server_command_line_args = "--ps"
    worker_count                       = 2
    parameter_server_count             = 1`, api.ToolTypeTensorFlow},
	{"caffe", `config_file_path  = "$AZ_BATCHAI_JOB_MOUNT_ROOT/scripts/solver.prototxt"
    command_line_args = "-gpu all"
    process_count     = 1`, api.ToolTypeCaffe},
	{"caffe2", `python_script_file_path = "$AZ_BATCHAI_JOB_MOUNT_ROOT/scripts/caffe2.py"
    python_interpreter_path = "/usr/bin/python3"
    command_line_args       = "--iterations 10"`, api.ToolTypeCaffe2},
	{"chainer", `python_script_file_path = "$AZ_BATCHAI_JOB_MOUNT_ROOT/scripts/chainer.py"
    python_interpreter_path = "/usr/bin/python3"
    command_line_args       = "--gpu 0"
    process_count           = 1`, api.ToolTypeChainer},
	{"custom_toolkit", `command_line = "echo custom"`, api.ToolTypeCustom},
	{"custom_mpi", `command_line  = "echo mpi"
    process_count = 2`, api.ToolTypeCustomMPI},
	{"horovod", `python_script_file_path = "$AZ_BATCHAI_JOB_MOUNT_ROOT/scripts/horovod.py"
    python_interpreter_path = "/usr/bin/python3"
    command_line_args       = "--batch 64"
    process_count           = 2`, api.ToolTypeHorovod},
}

// TestAccJobResource_everyToolkit runs one job of each of the nine toolkits, on two nodes, with every argument
// of its block: each succeeds with its toolType, plans nothing afterwards, and imports with every argument.
func TestAccJobResource_everyToolkit(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	var jobs strings.Builder
	var checks []statecheck.StateCheck
	steps := []resource.TestStep{}
	for _, tk := range testAccToolkits {
		addr := "batchai_job." + tk.block
		fmt.Fprintf(&jobs, `
resource "batchai_job" %[1]q {
  name                    = %[1]q
  experiment_id           = batchai_experiment.test.id
  cluster_id              = batchai_cluster.test.id
  node_count              = 2
  std_out_err_path_prefix = "$AZ_BATCHAI_MOUNT_ROOT/afs"
  %[1]s {
    %[2]s
  }
}
`, tk.block, tk.body)
		checks = append(checks,
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("tool_type"), knownvalue.StringExact(tk.toolType)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("execution_state"), knownvalue.StringExact(api.ExecutionStateSucceeded)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New(tk.block), knownvalue.NotNull()))
		steps = append(steps, resource.TestStep{ResourceName: addr, ImportState: true, ImportStateVerify: true})
	}
	config := testAccJobWorld(info, `manual {
      target_node_count = 2
    }`, jobs.String())
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckJobDestroyed(t, info),
		Steps: append([]resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: append(checks,
					// A toolkit's unset counts stay null (the service uses node_count).
					statecheck.ExpectKnownValue("batchai_job.caffe2", tfjsonpath.New("caffe2").AtMapKey("python_interpreter_path"), knownvalue.StringExact("/usr/bin/python3")),
					statecheck.ExpectKnownValue("batchai_job.custom_toolkit", tfjsonpath.New("cntk"), knownvalue.Null())),
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		}, steps...),
	})
}
