package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// TestAccJobDataSources_missing: a data source or the ephemeral resource that names something that does not
// exist fails with an error saying which of the workspace, experiment, job, file server, output directory or
// file is missing, on the attribute that names it.
func TestAccJobDataSources_missing(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	job := testAccFinishedJob(t, info)
	x := job.ExperimentID()
	otherWS := api.ExperimentID{SubscriptionID: x.SubscriptionID, ResourceGroup: x.ResourceGroup, Workspace: "nows", Name: "exp"}
	for name, tc := range map[string]struct {
		config string
		want   []string
	}{
		"job": {fmt.Sprintf("data \"batchai_job\" \"x\" {\n  name = \"nojob\"\n  experiment_id = %q\n}\n", x),
			[]string{"Batch AI Job Not Found", `The job "nojob" does not exist in experiment "exp"`, "batchai_job"}},
		"experiment": {fmt.Sprintf("data \"batchai_job\" \"x\" {\n  name = \"hello\"\n  experiment_id = %q\n}\n", x.WorkspaceID().String()+"/experiments/noexp"),
			[]string{"Batch AI Experiment Not Found", `The experiment "noexp" does not exist in workspace "ws"`}},
		"workspace": {fmt.Sprintf("data \"batchai_jobs\" \"x\" {\n  experiment_id = %q\n}\n", otherWS),
			[]string{"Batch AI Workspace Not Found", `The workspace "nows" does not exist`}},
		"output files of a missing job": {fmt.Sprintf("data \"batchai_job_output_files\" \"x\" {\n  job_id = %q\n}\n", x.String()+"/jobs/nojob"),
			[]string{"Batch AI Job Not Found", `"nojob"`}},
		"output directory": {fmt.Sprintf("data \"batchai_job_output_files\" \"x\" {\n  job_id = %q\n  output_directory_id = \"MODELS\"\n}\n", job),
			[]string{"Error Listing Batch AI Job Output Files", "InvalidParameter", "'MODELS' is not defined", "stdouterr"}},
		"file server": {fmt.Sprintf("data \"batchai_file_server\" \"x\" {\n  name = \"nofs\"\n  workspace_id = %q\n}\n", x.WorkspaceID()),
			[]string{"Batch AI File Server Not Found", `The file server "nofs" does not exist in workspace "ws"`, "batchai_file_server"}},
		"file": {fmt.Sprintf("ephemeral \"batchai_job_output_file\" \"x\" {\n  job_id = %q\n  path = \"result.txt\"\n}\n", job),
			[]string{"Output File Not Found", `has no file "result.txt"`, "it holds execution.log, stderr.txt, stdout.txt"}},
		"path outside the directory": {fmt.Sprintf("ephemeral \"batchai_job_output_file\" \"x\" {\n  job_id = %q\n  path = \"a/../stdout.txt\"\n}\n", job),
			[]string{"Invalid Output File Path", "relative path such as stdout.txt"}},
		"link expiry": {fmt.Sprintf("ephemeral \"batchai_job_output_file\" \"x\" {\n  job_id = %q\n  path = \"stdout.txt\"\n  link_expiry_in_minutes = 601\n}\n", job),
			[]string{"link_expiry_in_minutes", "between 5 and 600"}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: testAccProviderConfig(info) + tc.config, PlanOnly: true, ExpectError: expectError(tc.want...),
				}},
			})
		})
	}
}

// TestAccJobDataSource_running reads a job that another configuration submitted, while it runs: the data
// source shows it running, with no exit code yet (the service's 0 says nothing), and its output directories.
func TestAccJobDataSource_running(t *testing.T) {
	t.Parallel()
	info := testAccEmulator(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckJobDestroyed(t, info),
		Steps: []resource.TestStep{
			{
				Config: testAccJobWorld(info, testAccOneNode, testAccJob("long", "sleep 1h", `  wait_for_completion = false
  output_directory {
    id          = "MODELS"
    path_prefix = "$AZ_BATCHAI_MOUNT_ROOT/afs"
    path_suffix = "models"
  }`)),
			},
			{
				PreConfig: func() {
					if err := testAccAwaitJob(t, info, testAccJobID(info, "long"), api.ExecutionStateRunning); err != nil {
						t.Fatal(err)
					}
				},
				Config: testAccJobWorld(info, testAccOneNode, testAccJob("long", "sleep 1h", `  wait_for_completion = false
  output_directory {
    id          = "MODELS"
    path_prefix = "$AZ_BATCHAI_MOUNT_ROOT/afs"
    path_suffix = "models"
  }`)+`
data "batchai_job" "long" {
  name          = batchai_job.test.name
  experiment_id = batchai_experiment.test.id
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.batchai_job.long", tfjsonpath.New("execution_state"), knownvalue.StringExact(api.ExecutionStateRunning)),
					statecheck.ExpectKnownValue("data.batchai_job.long", tfjsonpath.New("exit_code"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.batchai_job.long", tfjsonpath.New("end_time"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.batchai_job.long", tfjsonpath.New("start_time"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue("data.batchai_job.long", tfjsonpath.New("total_job_node_hours"), knownvalue.Float64Exact(0)),
					statecheck.ExpectKnownValue("data.batchai_job.long", tfjsonpath.New("output_directories"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id": knownvalue.StringExact("MODELS"), "path_prefix": knownvalue.StringExact("$AZ_BATCHAI_MOUNT_ROOT/afs"),
							"path_suffix": knownvalue.StringExact("models"),
						}),
					})),
					statecheck.CompareValuePairs("data.batchai_job.long", tfjsonpath.New("job_output_directory_path_segment"),
						testAccJobAddr, tfjsonpath.New("job_output_directory_path_segment"), compare.ValuesSame()),
				},
			},
		},
	})
}
