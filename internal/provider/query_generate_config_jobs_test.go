package provider

import (
	"slices"
	"strings"
	"testing"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// TestAccQuery_generateConfigImportsJobResources runs the loop of TestAccQuery_generateConfigImportsWithEmptyPlan
// for file servers, experiments and jobs made outside Terraform: a file server with an SSH key, an experiment,
// a finished job and a job with secrets, a registry password and a storage key (none of which Azure returns).
// `terraform query -generate-config-out` writes their configuration and import blocks without the secrets,
// `terraform apply` imports them without a write to Azure, and the next plan is empty.
func TestAccQuery_generateConfigImportsJobResources(t *testing.T) {
	testAccSkipUnlessCLISupports(t, cliFeatureQuery)
	t.Parallel()
	inst := testAccEmulatorInstance(t)
	info := inst.Info
	fs, finished := testAccSeedJobWorld(t, info)
	secretive := testAccSeedSecretiveJob(t, info)

	w := newQueryWorkdir(t, info, "batchai_file_server", "batchai_experiment", "batchai_job")
	writesSince := writesSinceSeeding(t, inst)

	found := queryResults(t, w.mustRun("query", "-json", "-no-color"))
	if len(found) != 4 {
		t.Fatalf("terraform query -json found %d results, want 4 (a file server, an experiment, two jobs): %v", len(found), found)
	}
	wantJob := `batchai_job {"experiment_name":"exp","name":"secretive","resource_group_name":"` + info.ResourceGroup +
		`","subscription_id":"` + info.SubscriptionID + `","workspace_name":"ws"}`
	if !slices.Contains(found, wantJob) {
		t.Errorf("terraform query -json lacks %s: %v", wantJob, found)
	}

	out := w.mustRun("query", "-no-color", "-generate-config-out=generated.tf")
	t.Logf("terraform query:\n%s", out)
	for _, want := range []string{
		"nfs in " + info.ResourceGroup + "/ws (Standard_D2_v2, 2 x 10 GB)",
		"exp in " + info.ResourceGroup + "/ws",
		"hello in " + info.ResourceGroup + "/ws/exp (succeeded, custom on c1)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("terraform query does not list %q:\n%s", want, out)
		}
	}
	generated := w.read("generated.tf")
	t.Logf("generated.tf:\n%s", generated)
	flat := strings.Join(strings.Fields(generated), " ")
	for _, want := range []string{
		`resource "batchai_file_server" "found_0"`, `resource "batchai_experiment" "found_0"`,
		`resource "batchai_job" "found_0"`, `resource "batchai_job" "found_1"`,
		`experiment_name = "exp"`, `name = "` + secretive.Name + `"`, `command_line = "echo $API_TOKEN"`,
		"admin_user_ssh_public_key = null # sensitive", "secrets = null # sensitive",
		"password = null # sensitive", "account_key = null # sensitive",
	} {
		if !strings.Contains(flat, strings.Join(strings.Fields(want), " ")) {
			t.Errorf("generated.tf lacks %q", want)
		}
	}
	// The control: the blocks that hold the secrets were generated (with the registry's user name and the
	// storage account beside them), so the secrets' absence is not that of their blocks.
	for _, sibling := range []string{`username = "puller"`, `account_name = "acct"`, `admin_user_name = "nfsadmin"`} {
		if !strings.Contains(flat, sibling) {
			t.Errorf("generated.tf lacks %q, beside a secret it leaves out", sibling)
		}
	}
	for _, secret := range []string{sentinelJobSecret, sentinelRegistryPW, sentinelJobAFSKey, testAccClusterSSHKey} {
		if strings.Contains(generated, secret) {
			t.Errorf("generated.tf holds the secret %q", secret)
		}
	}

	applyGeneratedImports(t, w, found, writesSince)
	if _, err := testAccClient(t, info).GetFileServer(testAccContext(t), fs); err != nil {
		t.Errorf("the file server is gone after the import: %v", err)
	}
	if _, err := testAccClient(t, info).GetJob(testAccContext(t), finished); err != nil {
		t.Errorf("the finished job is gone after the import: %v", err)
	}
}

// testAccSeedSecretiveJob submits, outside Terraform, a job secretive to the experiment and cluster of
// testAccFinishedJob, with a secret, a private registry's password and an Azure Files key, none of which the
// API returns.
func testAccSeedSecretiveJob(t *testing.T, info emulator.Info) api.JobID {
	t.Helper()
	c := testAccClient(t, info)
	id := testAccJobID(info, "secretive")
	p, err := c.BeginCreateJob(testAccContext(t), id, api.JobCreateParameters{Properties: &api.JobBaseProperties{
		Cluster: &api.ResourceID{ID: api.Ptr(testAccClusterID(info, "c1").String())}, NodeCount: api.Ptr(int32(1)),
		StdOutErrPathPrefix:   api.Ptr("$AZ_BATCHAI_MOUNT_ROOT/afs"),
		CustomToolkitSettings: &api.CustomToolkitSettings{CommandLine: api.Ptr("echo $API_TOKEN")},
		Secrets:               []api.EnvironmentVariableWithSecretValue{{Name: api.Ptr("API_TOKEN"), Value: api.Ptr(sentinelJobSecret)}},
		ContainerSettings: &api.ContainerSettings{ImageSourceRegistry: &api.ImageSourceRegistry{
			Image: api.Ptr("myregistry.azurecr.io/train:1"), ServerURL: api.Ptr("myregistry.azurecr.io"),
			Credentials: &api.PrivateRegistryCredentials{Username: api.Ptr("puller"), Password: api.Ptr(sentinelRegistryPW)},
		}},
		MountVolumes: &api.MountVolumes{AzureFileShares: []api.AzureFileShareReference{{
			AccountName: api.Ptr("acct"), AzureFileURL: api.Ptr("https://acct.file.core.windows.net/share"),
			RelativeMountPath: api.Ptr("afs"), Credentials: &api.AzureStorageCredentialsInfo{AccountKey: api.Ptr(sentinelJobAFSKey)},
		}}},
	}})
	if err == nil {
		_, err = p.Wait(testAccContext(t))
	}
	if err != nil {
		t.Fatalf("submitting job %s: %v", id, err)
	}
	return id
}
