package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// tfRun drives the Terraform CLI itself, for the tests that terraform-plugin-testing cannot express: an apply
// that may fail and is then applied again (the chaos test), an apply interrupted with Ctrl-C, an emulator killed
// during an apply. As in terraform-plugin-testing, the provider is served in-process and the CLI reattaches to
// it (TF_REATTACH_PROVIDERS); here one provider server serves every command of the run.
type tfRun struct {
	t   *testing.T
	dir string
	cli string
	env []string
}

// tfRunCommandLimit bounds every CLI command of a run, so that a hang fails the test with the command's output
// instead of reaching go test's -timeout.
const tfRunCommandLimit = 5 * time.Minute

// newTFRun serves p for the test's lifetime and prepares an empty working directory for the CLI that the
// acceptance tests use (TF_ACC_TERRAFORM_PATH).
func newTFRun(t *testing.T, p *batchaiProvider) *tfRun {
	t.Helper()
	testAccPreCheck(t)
	host := "registry.terraform.io"
	if h := os.Getenv("TF_ACC_PROVIDER_HOST"); h != "" {
		host = h // OpenTofu names an unqualified provider registry.opentofu.org/hashicorp/batchai
	}
	ctx, cancel := context.WithCancel(context.Background())
	reattach := make(chan *plugin.ReattachConfig, 1)
	closed := make(chan struct{})
	serveErr := make(chan error, 1)
	go func() {
		serveErr <- tf6server.Serve(host+"/hashicorp/batchai", providerserver.NewProtocol6(p),
			tf6server.WithDebug(ctx, reattach, closed), tf6server.WithLoggingSink(t),
			tf6server.WithGoPluginLogger(hclog.New(&hclog.LoggerOptions{Output: io.Discard, Level: hclog.Off})))
	}()
	var cfg *plugin.ReattachConfig
	select {
	case cfg = <-reattach:
	case err := <-serveErr:
		cancel()
		t.Fatalf("serving the provider: %v", err)
	case <-time.After(time.Minute):
		cancel()
		t.Fatal("the provider server did not start within a minute")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case <-closed:
		case <-time.After(time.Minute):
			t.Error("the provider server did not stop within a minute")
		}
	})
	addr := map[string]any{
		"Protocol": string(cfg.Protocol), "ProtocolVersion": cfg.ProtocolVersion, "Pid": cfg.Pid, "Test": true,
		"Addr": map[string]string{"Network": cfg.Addr.Network(), "String": cfg.Addr.String()},
	}
	providers := map[string]any{}
	for _, ns := range []string{"hashicorp", "-"} {
		providers[host+"/"+ns+"/batchai"] = addr
	}
	reattachJSON, err := json.Marshal(providers)
	if err != nil {
		t.Fatal(err)
	}
	r := &tfRun{t: t, dir: t.TempDir(), cli: os.Getenv("TF_ACC_TERRAFORM_PATH"),
		env: append(os.Environ(), "TF_REATTACH_PROVIDERS="+string(reattachJSON), "CHECKPOINT_DISABLE=1",
			"TF_IN_AUTOMATION=1", "TF_INPUT=0")}
	return r
}

// writeConfig replaces the run's configuration (main.tf) and initializes the working directory.
func (r *tfRun) writeConfig(hcl string) {
	r.t.Helper()
	if err := os.WriteFile(filepath.Join(r.dir, "main.tf"), []byte(hcl), 0o600); err != nil {
		r.t.Fatal(err)
	}
	if out, err := r.run("init", "-input=false", "-no-color"); err != nil {
		r.t.Fatalf("init: %v\n%s", err, out)
	}
}

// command is the CLI with args in the run's directory and environment.
func (r *tfRun) command(ctx context.Context, args ...string) (*exec.Cmd, *bytes.Buffer) {
	cmd := exec.CommandContext(ctx, r.cli, args...)
	cmd.Dir, cmd.Env = r.dir, r.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	return cmd, &out
}

// run runs the CLI with args and returns its combined output.
func (r *tfRun) run(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), tfRunCommandLimit)
	defer cancel()
	cmd, out := r.command(ctx, args...)
	err := cmd.Run()
	if ctx.Err() != nil {
		r.t.Fatalf("%s %s did not end within %s:\n%s", filepath.Base(r.cli), strings.Join(args, " "), tfRunCommandLimit, out)
	}
	return out.String(), err
}

// apply runs `apply` and returns its output; err is the CLI's failure.
func (r *tfRun) apply() (string, error) {
	return r.run("apply", "-auto-approve", "-input=false", "-no-color")
}

// mustApply applies and fails the test on an error.
func (r *tfRun) mustApply() string {
	r.t.Helper()
	out, err := r.apply()
	if err != nil {
		r.t.Fatalf("apply: %v\n%s", err, out)
	}
	return out
}

// plan runs `plan -detailed-exitcode` and reports whether it plans changes.
func (r *tfRun) plan() (changes bool, out string) {
	r.t.Helper()
	out, err := r.run("plan", "-detailed-exitcode", "-input=false", "-no-color")
	var exit *exec.ExitError
	switch {
	case err == nil:
		return false, out
	case errors.As(err, &exit) && exit.ExitCode() == 2:
		return true, out
	}
	r.t.Fatalf("plan: %v\n%s", err, out)
	return false, out
}

// destroy runs `destroy` and returns its output.
func (r *tfRun) destroy() (string, error) {
	return r.run("destroy", "-auto-approve", "-input=false", "-no-color")
}

// tfStateResource is one resource instance of `show -json`.
type tfStateResource struct {
	Address string         `json:"address"`
	Type    string         `json:"type"`
	Tainted bool           `json:"tainted"`
	Values  map[string]any `json:"values"`
}

// ID is the instance's id attribute.
func (s tfStateResource) ID() string {
	id, _ := s.Values["id"].(string)
	return id
}

// state is what the state holds now, by address.
func (r *tfRun) state() map[string]tfStateResource {
	r.t.Helper()
	out, err := r.run("show", "-json", "-no-color")
	if err != nil {
		r.t.Fatalf("show -json: %v\n%s", err, out)
	}
	var shown struct {
		Values *struct {
			RootModule struct {
				Resources []tfStateResource `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	// The CLI may print warnings before the JSON document.
	if i := strings.Index(out, "{"); i > 0 {
		out = out[i:]
	}
	if err := json.Unmarshal([]byte(out), &shown); err != nil {
		r.t.Fatalf("show -json: %v\n%s", err, out)
	}
	byAddr := map[string]tfStateResource{}
	if shown.Values != nil {
		for _, res := range shown.Values.RootModule.Resources {
			byAddr[res.Address] = res
		}
	}
	return byAddr
}

// stateIDs are the ids of every resource of armTrackedTypes in the state.
func (r *tfRun) stateIDs() []string {
	var ids []string
	for _, res := range r.state() {
		if armTrackedTypes[res.Type] {
			ids = append(ids, res.ID())
		}
	}
	return ids
}
