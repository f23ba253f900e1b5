package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// sasSignature finds the signature of a SAS URL in any text: a log line, a plan, a state in JSON (where "&" is
// \u0026). azcore writes the values of logged queries as REDACTED, and the provider's log masks as ***: those
// are no signature.
var sasSignature = regexp.MustCompile(`sig=([A-Za-z0-9%+/=_-]+)`)

// sasSignaturesIn lists the signatures text holds.
func sasSignaturesIn(text string) []string {
	var found []string
	for _, m := range sasSignature.FindAllStringSubmatch(text, -1) {
		if m[1] != "REDACTED" {
			found = append(found, m[1])
		}
	}
	return found
}

// stateHasNoSAS fails when the state (as `terraform show -json` has it) holds a SAS signature, or, as a
// control, when it does not hold want.
type stateHasNoSAS struct{ want string }

func (c stateHasNoSAS) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	raw, err := json.Marshal(req.State)
	if err != nil {
		resp.Error = err
		return
	}
	found := sasSignaturesIn(string(raw))
	switch {
	case c.want == "" && len(found) > 0:
		resp.Error = fmt.Errorf("the state holds %d SAS signature(s)", len(found))
	case c.want != "" && len(valuesIn(strings.Join(found, " "), []string{c.want})) == 0:
		resp.Error = fmt.Errorf("control: the check does not find the planted signature in the state (found %d others)", len(found))
	}
}

// testAccFinishedJob creates, outside Terraform, a workspace, a one-node cluster, an experiment and a job that
// printed "hello" and succeeded, and returns the job's ID.
func testAccFinishedJob(t *testing.T, info emulator.Info) api.JobID {
	t.Helper()
	c := testAccClient(t, info)
	ctx := testAccContext(t)
	ws, _ := testAccClusterSeedWorkspace(t, info, "")
	cid := testAccClusterID(info, "c1")
	if p, err := c.BeginCreateCluster(ctx, cid, api.ClusterCreateParameters{Properties: &api.ClusterBaseProperties{
		VMSize:              api.Ptr("Standard_NC6"),
		ScaleSettings:       &api.ScaleSettings{Manual: &api.ManualScaleSettings{TargetNodeCount: api.Ptr(int32(1))}},
		UserAccountSettings: &api.UserAccountSettings{AdminUserName: api.Ptr("azureuser"), AdminUserSSHPublicKey: api.Ptr(testAccClusterSSHKey)},
	}}); err != nil {
		t.Fatal(err)
	} else if _, err := p.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	x := api.ExperimentID{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Workspace: ws.Name, Name: "exp"}
	if p, err := c.BeginCreateExperiment(ctx, x); err != nil {
		t.Fatal(err)
	} else if _, err := p.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	id := testAccJobID(info, "hello")
	if p, err := c.BeginCreateJob(ctx, id, api.JobCreateParameters{Properties: &api.JobBaseProperties{
		Cluster: &api.ResourceID{ID: api.Ptr(cid.String())}, NodeCount: api.Ptr(int32(1)),
		StdOutErrPathPrefix:   api.Ptr("$AZ_BATCHAI_MOUNT_ROOT/afs"),
		CustomToolkitSettings: &api.CustomToolkitSettings{CommandLine: api.Ptr("echo hello")},
	}}); err != nil {
		t.Fatal(err)
	} else if _, err := p.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if err := testAccAwaitJob(t, info, id, api.ExecutionStateSucceeded); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestAccJobOutputFileEphemeral_urlNeverStored opens the ephemeral download URL (and content) of a job's stdout,
// checks them with preconditions, and passes the URL on to another job's write-only secrets: neither the URL
// nor its signature ever reaches the state, the plan or the TRACE log of Terraform, the framework and the
// provider (which logged the listing and the download). A first run is the control: a real download URL
// planted in a terraform_data resource is found in both the state and the log by the same checks. It changes
// the process environment, so it cannot run in parallel.
func TestAccJobOutputFileEphemeral_urlNeverStored(t *testing.T) {
	t.Setenv("TF_ACC_LOG", "TRACE")
	t.Setenv("TF_LOG_SDK_FRAMEWORK", "TRACE")
	inst := testAccEmulatorInstance(t)
	info := inst.Info
	job := testAccFinishedJob(t, info)
	provider, env := testAccProviderConfigSecretFromEnv(t, info)

	// The control: a download URL, fetched the way the provider fetches it, stored on purpose.
	files, err := testAccClient(t, info).ListOutputFiles(testAccContext(t), job, client.OutputFilesOptions{OutputDirectoryID: api.OutputDirectoryStdOutErr})
	if err != nil {
		t.Fatal(err)
	}
	var planted string
	for _, f := range files {
		if api.Deref(f.Name) == "stdout.txt" {
			planted = api.Deref(f.DownloadURL)
		}
	}
	u, err := url.Parse(planted)
	if err != nil || u.Query().Get("sig") == "" {
		t.Fatalf("no signed URL to plant: %q %v", planted, err)
	}
	plantedSig := url.QueryEscape(u.Query().Get("sig"))
	controlLog := filepath.Join(t.TempDir(), "control.log")
	t.Setenv("TF_ACC_LOG_PATH", controlLog)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactoriesWithEnv(env),
		Steps: []resource.TestStep{{
			Config:            provider + fmt.Sprintf("resource \"terraform_data\" \"control\" {\n  input = %q\n}\n", planted),
			ConfigStateChecks: []statecheck.StateCheck{stateHasNoSAS{want: plantedSig}},
		}},
	})
	if len(valuesIn(strings.Join(sasSignaturesIn(readTestLog(t, controlLog)), " "), []string{plantedSig})) == 0 {
		t.Fatal("control: the log check does not find the planted signature in the log")
	}

	logFile := filepath.Join(t.TempDir(), "tf.log")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	downloads := inst.Emulator.RequestCount("GET", "/storage/")
	config := provider + fmt.Sprintf(`
ephemeral "batchai_job_output_file" "stdout" {
  job_id                 = %[1]q
  path                   = "stdout.txt"
  link_expiry_in_minutes = 5
  read_content           = true
}

# The checks of the ephemeral values: preconditions may read them, and store nothing.
resource "terraform_data" "checked" {
  input = "checked"
  lifecycle {
    precondition {
      condition     = ephemeral.batchai_job_output_file.stdout.content == "hello\n"
      error_message = "stdout.txt does not read hello"
    }
    precondition {
      condition     = startswith(ephemeral.batchai_job_output_file.stdout.download_url, "https://") && strcontains(ephemeral.batchai_job_output_file.stdout.download_url, "sig=")
      error_message = "the download URL is not a signed https URL"
    }
    precondition {
      condition     = ephemeral.batchai_job_output_file.stdout.content_length == 6 && ephemeral.batchai_job_output_file.stdout.expires_at != null
      error_message = "the size or the expiry is wrong"
    }
  }
}

# A job that gets the URL as a write-only secret (to download the first job's output itself).
resource "batchai_job" "consumer" {
  name                    = "consumer"
  experiment_id           = %[2]q
  cluster_id              = %[3]q
  std_out_err_path_prefix = "$AZ_BATCHAI_MOUNT_ROOT/afs"
  custom_toolkit {
    command_line = "echo consuming"
  }
  secrets_wo         = { HELLO_URL = ephemeral.batchai_job_output_file.stdout.download_url }
  secrets_wo_version = 1
}
`, job.String(), job.ExperimentID().String(), testAccClusterID(info, "c1").String())
	noSAS := func(what string) plancheck.PlanCheck { return planHasNoSAS{what} }
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviderFactoriesWithEnv(env),
		CheckDestroy:             testAccCheckJobDestroyed(t, info),
		Steps: []resource.TestStep{
			{
				Config:            config,
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{noSAS("first plan")}},
				ConfigStateChecks: []statecheck.StateCheck{stateHasNoSAS{}},
				Check:             checkRawStateHasNoSAS,
			},
			{
				// Every plan opens the ephemeral resource again, and gets a new URL: no change.
				Config:            config,
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan(), noSAS("second plan")}},
				ConfigStateChecks: []statecheck.StateCheck{stateHasNoSAS{}},
			},
		},
	})
	if n := inst.Emulator.RequestCount("GET", "/storage/") - downloads; n < 2 {
		t.Errorf("the ephemeral resource downloaded stdout.txt %d time(s); each of the two plans and the apply open it", n)
	}
	log := readTestLog(t, logFile)
	// The check proves nothing unless the provider's listing and download were logged.
	for _, want := range []string{"/jobs/hello/listOutputFiles", "/stdouterr/stdout.txt"} {
		if !strings.Contains(log, want) {
			t.Fatalf("the log has no %q: are the provider's requests logged to the file?", want)
		}
	}
	if found := sasSignaturesIn(log); len(found) > 0 {
		t.Errorf("the log holds %d SAS signature(s): %s", len(found), logExcerpt(log, "sig="+found[0]))
	}
}

// planHasNoSAS fails when a plan holds a SAS signature.
type planHasNoSAS struct{ what string }

func (c planHasNoSAS) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	raw, err := json.Marshal(req.Plan)
	if err != nil {
		resp.Error = err
		return
	}
	if found := sasSignaturesIn(string(raw)); len(found) > 0 {
		resp.Error = fmt.Errorf("the %s holds %d SAS signature(s)", c.what, len(found))
	}
}

// checkRawStateHasNoSAS reads every attribute of every resource in the state, as stored.
func checkRawStateHasNoSAS(s *terraform.State) error {
	for addr, rs := range s.RootModule().Resources {
		for k, v := range rs.Primary.Attributes {
			if len(sasSignaturesIn(v)) > 0 {
				return fmt.Errorf("%s.%s holds a SAS signature", addr, k)
			}
		}
	}
	return nil
}

// TestFindOutputFile: a file is found by name; a folder, or a name the listing lacks, is an error that says
// what there is.
func TestFindOutputFile(t *testing.T) {
	t.Parallel()
	files := []api.File{
		{Name: api.Ptr("models"), FileType: api.Ptr(api.FileTypeDirectory)},
		{Name: api.Ptr("stdout.txt"), FileType: api.Ptr(api.FileTypeFile), DownloadURL: api.Ptr("https://x/stdout.txt?sig=s")},
	}
	if f, err := findOutputFile(files, "stdout.txt"); err != nil || api.Deref(f.DownloadURL) == "" {
		t.Errorf("stdout.txt: %+v %v", f, err)
	}
	if _, err := findOutputFile(files, "models"); err == nil || !strings.Contains(err.Error(), `"models" is a folder`) {
		t.Errorf("a folder: %v", err)
	}
	if _, err := findOutputFile(files, "result.txt"); err == nil || err.Error() != "it holds models, stdout.txt" {
		t.Errorf("a missing file: %v", err)
	}
	if _, err := findOutputFile(nil, "result.txt"); err == nil || err.Error() != "the folder is empty" {
		t.Errorf("an empty folder: %v", err)
	}
}

// TestSASExpiry: the expiry is the URL's own se=, and the fallback only when it has none.
func TestSASExpiry(t *testing.T) {
	t.Parallel()
	fallback := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	if got := sasExpiry("https://x/f?sv=2018-03-28&se=2026-12-01T12%3A00%3A00Z&sig=abc", fallback); got != "2026-12-01T12:00:00Z" {
		t.Errorf("se= gives %q", got)
	}
	if got := sasExpiry("https://x/f?sig=abc", fallback); got != "2030-01-02T03:04:05Z" {
		t.Errorf("no se= gives %q", got)
	}
}
