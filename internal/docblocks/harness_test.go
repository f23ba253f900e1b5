package docblocks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/emulatortest"
)

// The tests of this package run what a reader of the documentation runs, with nothing the reader would not
// have: `make install` into a HOME of their own, then the Terraform CLI (TF_ACC_TERRAFORM_PATH) with no CLI
// configuration, against an emulator started for each configuration. The CLI sees only the environment
// built here (never the developer's TF_CLI_CONFIG_FILE, plugin cache or credentials), and a proxy that
// answers nothing for every host but the loopback one, so that nothing can be fetched from a registry.

// sshPublicKey is the reader's ~/.ssh/id_rsa.pub (a well-formed key whose private half does not exist).
const sshPublicKey = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDlSiRSUX00aNCM1dPTGzAgVJyLaUX07IgJio03USXgVm docs-check\n"

// docResourceGroups are the resource groups the documentation uses; the check's emulator creates them, as
// `batchai-emulator --resource-group myresourcegroup --resource-group batchai-rg` does for a reader.
var docResourceGroups = []emulator.ResourceGroup{{Name: "myresourcegroup"}, {Name: "batchai-rg"}}

// bench is the installed provider and the CLI, shared by the tests of one test binary.
type bench struct {
	root    string // the repository
	home    string // HOME: the installed provider, ~/.ssh/id_rsa.pub
	bin     string // on PATH: `terraform` (and `tofu`), the CLI under test
	cli     string // the CLI under test
	version string // the version make install installed

	mu       sync.Mutex
	features map[string]bool // what the CLI has, by Features name, as its probes found
}

var shared struct {
	once sync.Once
	b    *bench
	err  error
	dir  string
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.dir != "" {
		_ = os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// installed runs `make install` once per test binary, into a HOME of its own, and returns the bench.
func installed(t *testing.T) *bench {
	t.Helper()
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		t.Fatal("TF_ACC_TERRAFORM_PATH is not set: run the tests with `make test`, or " +
			"`eval \"$(scripts/terraform-cli.sh --print-env)\"` first")
	}
	shared.once.Do(func() { shared.b, shared.err = install(cli) })
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.b
}

func install(cli string) (*bench, error) {
	_, file, _, _ := runtime.Caller(0)
	root, err := filepath.Abs(filepath.Join(filepath.Dir(file), "..", ".."))
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "batchai-docs-check-")
	if err != nil {
		return nil, err
	}
	shared.dir = dir
	b := &bench{root: root, home: filepath.Join(dir, "home"), bin: filepath.Join(dir, "bin"), cli: cli}
	for _, d := range []string{filepath.Join(b.home, ".ssh"), b.bin} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	if err := os.WriteFile(filepath.Join(b.home, ".ssh", "id_rsa.pub"), []byte(sshPublicKey), 0o644); err != nil {
		return nil, err
	}
	for _, name := range []string{"terraform", "tofu"} {
		if err := os.Symlink(cli, filepath.Join(b.bin, name)); err != nil {
			return nil, err
		}
	}
	// make install as a reader runs it, with a HOME of its own; the Go caches stay the developer's, so
	// nothing is built twice.
	goenv, err := goEnvironment()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("make", "--no-print-directory", "install")
	cmd.Dir = root
	cmd.Env = append(goenv, "PATH="+os.Getenv("PATH"), "HOME="+b.home, "GOBIN="+filepath.Join(dir, "gobin"), "TMPDIR="+os.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("make install: %w\n%s", err, out)
	}
	m := regexp.MustCompile(`installed registry\.terraform\.io/batchai-tf/batchai (\S+) `).FindSubmatch(out)
	if m == nil {
		return nil, fmt.Errorf("make install did not say what it installed:\n%s", out)
	}
	b.version = string(m[1])
	return b, nil
}

// goEnvironment is the developer's Go settings as variables, for commands that build with another HOME: the
// caches and the module proxy stay the same, so nothing is downloaded or built twice.
func goEnvironment() ([]string, error) {
	names := []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOFLAGS", "GOTOOLCHAIN", "GOPROXY"}
	out, err := exec.Command("go", append([]string{"env"}, names...)...).Output()
	if err != nil {
		return nil, fmt.Errorf("go env: %w", err)
	}
	vals := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(vals) != len(names) {
		return nil, fmt.Errorf("go env printed %q", out)
	}
	env := make([]string, len(names))
	for i, n := range names {
		env[i] = n + "=" + vals[i]
	}
	return env, nil
}

// env is the CLI's whole environment: the reader's HOME and PATH, no CLI configuration, nothing reachable
// but the loopback interface, plus extra ("NAME=value").
func (b *bench) env(extra ...string) []string {
	env := []string{
		"HOME=" + b.home, "PATH=" + b.bin + string(os.PathListSeparator) + "/usr/local/bin:/usr/bin:/bin",
		"TMPDIR=" + os.TempDir(), "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0",
		"HTTPS_PROXY=http://127.0.0.1:9", "HTTP_PROXY=http://127.0.0.1:9", "NO_PROXY=127.0.0.1,localhost",
	}
	return append(env, extra...)
}

// run runs the CLI in dir and returns its combined output and exit status; a CLI that cannot start, or
// runs for ten minutes, fails the test.
func (b *bench) run(t *testing.T, dir string, env []string, args ...string) (string, int) {
	t.Helper()
	return runCommand(t, dir, env, b.cli, args...)
}

func runCommand(t *testing.T, dir string, env []string, name string, args ...string) (string, int) {
	t.Helper()
	return runCommandInput(t, dir, env, "", name, args...)
}

// runCommandInput is runCommand with input on the command's standard input (a person answering "yes").
func runCommandInput(t *testing.T, dir string, env []string, input, name string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir, cmd.Env, cmd.Stdin = dir, env, strings.NewReader(input)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return out.String(), 0
	case errors.As(err, &exit) && ctx.Err() == nil:
		return out.String(), exit.ExitCode()
	}
	t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out.String())
	return "", -1
}

// mustRun is run for a command that must succeed.
func (b *bench) mustRun(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	out, code := b.run(t, dir, env, args...)
	if code != 0 {
		t.Fatalf("%s %s (in %s) exited %d:\n%s", filepath.Base(b.cli), strings.Join(args, " "), dir, code, out)
	}
	return out
}

// docEmulator starts an emulator with the resource groups the documentation uses, and returns it with the
// environment a reader exports from its output (the ARM_* variables), the client for fixtures and checks,
// and a poll interval below a second, which the provider must honor.
func docEmulator(t *testing.T, opts ...func(*emulator.Config)) (*emulatortest.Instance, *client.Client, []string) {
	t.Helper()
	inst := emulatortest.Start(t, append([]func(*emulator.Config){func(c *emulator.Config) {
		c.ResourceGroups = docResourceGroups
	}}, opts...)...)
	c, err := client.New(client.Options{Endpoint: inst.Endpoint, Audience: inst.Audience, SubscriptionID: inst.SubscriptionID,
		Credential: inst.Credential(t), Transport: inst.HTTPClient(), PollFrequency: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	env := []string{
		"ARM_SUBSCRIPTION_ID=" + inst.SubscriptionID, "ARM_TENANT_ID=" + inst.TenantID, "ARM_CLIENT_ID=" + inst.ClientID,
		"ARM_CLIENT_SECRET=" + inst.ClientSecret, "ARM_METADATA_HOSTNAME=" + inst.MetadataHost,
		"ARM_CA_CERTIFICATE_FILE=" + inst.CACertificate, "BATCHAI_EMULATOR_RESOURCE_GROUP=" + inst.ResourceGroup,
		"BATCHAI_POLL_INTERVAL=200ms",
	}
	return inst, c, env
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// fixtures are what some pages read without creating it, as the pages say it exists: each is created in the
// emulator through the API before the configuration is applied. Both are a workspace (eastus) with a cluster of
// two dedicated Standard_NC6 nodes, admin user azureuser and no mounts.
var fixtures = map[string]func(t *testing.T, c *client.Client, subscription string){
	// mycluster: the names of `az batchai`'s documentation, which the data source examples use.
	"mycluster": func(t *testing.T, c *client.Client, subscription string) {
		clusterFixture(t, c, api.ClusterID{SubscriptionID: subscription, ResourceGroup: "myresourcegroup",
			Workspace: "myworkspace", Name: "mycluster"})
	},
	// research: the names of the resource examples (and their imports), which the list resources find.
	"research": func(t *testing.T, c *client.Client, subscription string) {
		clusterFixture(t, c, api.ClusterID{SubscriptionID: subscription, ResourceGroup: "batchai-rg",
			Workspace: "research", Name: "gpu"})
	},
	// resnet: research, with the experiment resnet and its job train, which succeeded after printing "training
	// finished" and writing accuracy.txt to its output directory MODELS, and the file server nfs: what the job
	// and file server data sources, and the output file ephemeral resource, read.
	"resnet": func(t *testing.T, c *client.Client, subscription string) {
		cid := api.ClusterID{SubscriptionID: subscription, ResourceGroup: "batchai-rg", Workspace: "research", Name: "gpu"}
		clusterFixture(t, c, cid)
		jobFixture(t, c, cid)
	},
}

// jobFixture creates, in the workspace of cid, the experiment resnet with the job train (run on cid until it
// succeeded), and the file server nfs.
func jobFixture(t *testing.T, c *client.Client, cid api.ClusterID) {
	t.Helper()
	ctx := testContext(t)
	ws := cid.WorkspaceID()
	fs := api.FileServerID{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Workspace: ws.Name, Name: "nfs"}
	fp, err := c.BeginCreateFileServer(ctx, fs, api.FileServerCreateParameters{Properties: &api.FileServerBaseProperties{
		VMSize: api.Ptr("Standard_D2_v2"),
		SSHConfiguration: &api.SSHConfiguration{UserAccountSettings: &api.UserAccountSettings{
			AdminUserName: api.Ptr("nfsadmin"), AdminUserSSHPublicKey: api.Ptr(strings.TrimSpace(sshPublicKey))}},
		DataDisks: &api.DataDisks{DiskSizeInGB: api.Ptr(int32(10)), DiskCount: api.Ptr(int32(2)), StorageAccountType: api.Ptr("Standard_LRS")},
	}})
	if err == nil {
		_, err = fp.Wait(ctx)
	}
	if err != nil {
		t.Fatalf("fixture %s: %v", fs, err)
	}
	x := api.ExperimentID{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Workspace: ws.Name, Name: "resnet"}
	xp, err := c.BeginCreateExperiment(ctx, x)
	if err == nil {
		_, err = xp.Wait(ctx)
	}
	if err != nil {
		t.Fatalf("fixture %s: %v", x, err)
	}
	id := api.JobID{SubscriptionID: x.SubscriptionID, ResourceGroup: x.ResourceGroup, Workspace: x.Workspace, Experiment: x.Name, Name: "train"}
	jp, err := c.BeginCreateJob(ctx, id, api.JobCreateParameters{Properties: &api.JobBaseProperties{
		Cluster: &api.ResourceID{ID: api.Ptr(cid.String())}, NodeCount: api.Ptr(int32(1)),
		StdOutErrPathPrefix: api.Ptr("$AZ_BATCHAI_MOUNT_ROOT/afs"),
		CustomToolkitSettings: &api.CustomToolkitSettings{
			CommandLine: api.Ptr("echo training finished; echo 0.98 > $AZ_BATCHAI_OUTPUT_MODELS/accuracy.txt"),
		},
		OutputDirectories: []api.OutputDirectory{{ID: api.Ptr("MODELS"), PathPrefix: api.Ptr("$AZ_BATCHAI_MOUNT_ROOT/afs"),
			PathSuffix: api.Ptr("models")}},
	}})
	if err == nil {
		_, err = jp.Wait(ctx)
	}
	if err != nil {
		t.Fatalf("fixture %s: %v", id, err)
	}
	for {
		j, err := c.GetJob(ctx, id)
		if err != nil {
			t.Fatalf("reading %s: %v", id, err)
		}
		if api.Deref(api.Deref(j.Properties).ExecutionState) == api.ExecutionStateSucceeded {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s never succeeded", id)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// clusterFixture creates the workspace and the cluster of id, and waits until the cluster is steady.
func clusterFixture(t *testing.T, c *client.Client, id api.ClusterID) {
	t.Helper()
	ctx := testContext(t)
	ws := id.WorkspaceID()
	wp, err := c.BeginCreateWorkspace(ctx, ws, api.WorkspaceCreateParameters{Location: api.Ptr("eastus")})
	if err == nil {
		_, err = wp.Wait(ctx)
	}
	if err != nil {
		t.Fatalf("fixture %s: workspace: %v", id, err)
	}
	cp, err := c.BeginCreateCluster(ctx, id, api.ClusterCreateParameters{Properties: &api.ClusterBaseProperties{
		VMSize:        api.Ptr("Standard_NC6"),
		ScaleSettings: &api.ScaleSettings{Manual: &api.ManualScaleSettings{TargetNodeCount: api.Ptr(int32(2))}},
		UserAccountSettings: &api.UserAccountSettings{AdminUserName: api.Ptr("azureuser"),
			AdminUserSSHPublicKey: api.Ptr(strings.TrimSpace(sshPublicKey))},
	}})
	if err == nil {
		_, err = cp.Wait(ctx)
	}
	if err != nil {
		t.Fatalf("fixture %s: cluster: %v", id, err)
	}
	waitSteady(t, c, id)
}

// waitSteady polls a cluster until its allocation is steady.
func waitSteady(t *testing.T, c *client.Client, id api.ClusterID) api.Cluster {
	t.Helper()
	ctx := testContext(t)
	for {
		cl, err := c.GetCluster(ctx, id)
		if err != nil {
			t.Fatalf("reading %s: %v", id, err)
		}
		if api.Deref(api.Deref(cl.Properties).AllocationState) == api.AllocationStateSteady {
			return cl
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s never became steady", id)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// probes are the smallest configurations that use each feature of Features.
var probes = map[string]map[string]string{
	"identity": {"main.tf": `import {
  to = batchai_workspace.probe
  identity = {
    resource_group_name = "probe"
    name                = "probe"
  }
}

resource "batchai_workspace" "probe" {
  name                = "probe"
  resource_group_name = "probe"
  location            = "eastus"
}
`},
	"query": {"probe.tfquery.hcl": `list "batchai_workspace" "probe" {
  provider = batchai
}
`},
	"actions": {"main.tf": `action "batchai_cluster_resize" "probe" {
  config {
    cluster_id        = "/subscriptions/s/resourceGroups/g/providers/Microsoft.BatchAI/workspaces/w/clusters/c"
    target_node_count = 0
  }
}
`},
}

// unsupportedPattern is how a CLI says that it does not know a feature; any other failure of a probe is a
// failure of the check, never a reason to leave blocks out.
var unsupportedPattern = regexp.MustCompile(`Unsupported (block type|argument)|flag provided but not defined`)

// missingFeatures returns the features of names that the CLI lacks, asking it (once per feature) to validate
// a configuration that uses the feature.
func (b *bench) missingFeatures(t *testing.T, names []string) []string {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.features == nil {
		b.features = map[string]bool{}
	}
	var missing []string
	for _, name := range names {
		has, known := b.features[name]
		if !known {
			dir := t.TempDir()
			for file, text := range probes[name] {
				writeFile(t, filepath.Join(dir, file), text)
			}
			writeFile(t, filepath.Join(dir, "providers.tf"), `terraform {
  required_providers {
    batchai = {
      source = "batchai-tf/batchai"
    }
  }
}
`)
			args := []string{"validate", "-no-color"}
			if name == "query" {
				args = append(args, "-query")
			}
			// init reads the configuration too, and is where a CLI first says it does not know a block.
			out, code := b.run(t, dir, b.env(), "init", "-input=false", "-no-color")
			if code == 0 {
				out, code = b.run(t, dir, b.env(), args...)
			}
			switch {
			case code == 0:
				has = true
			case unsupportedPattern.MatchString(out):
				has = false
			default:
				t.Fatalf("the probe for %s failed for another reason than a missing feature:\n%s", name, out)
			}
			b.features[name] = has
		}
		if !has {
			missing = append(missing, name)
		}
	}
	return missing
}

// cliName is the CLI's first `version` line, e.g. "Terraform v1.11.4".
func (b *bench) cliName(t *testing.T) string {
	t.Helper()
	out := b.mustRun(t, b.home, b.env(), "version")
	first, _, _ := strings.Cut(out, "\n")
	return first
}
