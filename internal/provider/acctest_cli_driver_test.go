package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
)

// cliWorkdir is a Terraform working directory driven through the CLI itself, for the tests that
// terraform-plugin-testing cannot express: `terraform query -generate-config-out` and `terraform apply -invoke`,
// an apply that may fail and is then applied again (the chaos test), an emulator killed during an apply. As in
// terraform-plugin-testing, the provider is served in-process and the CLI reattaches to it
// (TF_REATTACH_PROVIDERS), so nothing is installed or downloaded; one provider server serves every command of
// the working directory.
type cliWorkdir struct {
	t   *testing.T
	dir string
	cli string
	env []string
}

// cliCommandLimit bounds every CLI command, so that a hang fails the test with the command's output instead of
// reaching go test's -timeout.
const cliCommandLimit = 5 * time.Minute

// newCLIWorkdir is newCLIWorkdirWith for the provider of the acceptance tests (an empty environment, the
// default timing).
func newCLIWorkdir(t *testing.T, files map[string]string) *cliWorkdir {
	t.Helper()
	return newCLIWorkdirWith(t, testAccProviderWithTiming(timing{}), files)
}

// newCLIWorkdirWith serves p for the test's lifetime, writes files (name to content) into a new directory and,
// when there are any, runs `terraform init` there, with the CLI that the acceptance tests use
// (TF_ACC_TERRAFORM_PATH).
func newCLIWorkdirWith(t *testing.T, p *batchaiProvider, files map[string]string) *cliWorkdir {
	t.Helper()
	return newCLIWorkdirServing(t, providerserver.NewProtocol6(p), files)
}

// newCLIWorkdirServing is newCLIWorkdirWith for a protocol server of the test's own making (one that wraps the
// provider's, to record what Terraform sends it).
func newCLIWorkdirServing(t *testing.T, server func() tfprotov6.ProviderServer, files map[string]string) *cliWorkdir {
	t.Helper()
	testAccPreCheck(t)
	reattach := serveProviderForCLI(t, server)
	w := &cliWorkdir{t: t, dir: t.TempDir(), cli: os.Getenv("TF_ACC_TERRAFORM_PATH"),
		env: append(cliEnviron(), "TF_REATTACH_PROVIDERS="+reattach, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
			"TF_INPUT=0")}
	for name, content := range files {
		w.write(name, content)
	}
	if len(files) > 0 {
		w.mustRun("init", "-input=false", "-no-color")
	}
	return w
}

// cliEnviron is the test's environment without what would change how the CLI finds or runs the provider.
func cliEnviron() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name == "TF_REATTACH_PROVIDERS" || name == "TF_DATA_DIR" || name == "TF_PLUGIN_CACHE_DIR" ||
			strings.HasPrefix(name, "TF_CLI_ARGS") || strings.HasPrefix(name, "TF_LOG") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// serveProviderForCLI serves a provider server in debug mode until the test ends and returns its
// TF_REATTACH_PROVIDERS value. Provider logs go where terraform-plugin-testing sends them (TF_ACC_LOG_PATH...),
// not to stderr.
func serveProviderForCLI(t *testing.T, server func() tfprotov6.ProviderServer) string {
	t.Helper()
	host := "registry.terraform.io"
	if h := os.Getenv("TF_ACC_PROVIDER_HOST"); h != "" {
		host = h // OpenTofu names an unqualified provider registry.opentofu.org/hashicorp/batchai.
	}
	ctx, cancel := context.WithCancel(context.Background())
	reattach := make(chan *plugin.ReattachConfig, 1)
	closed := make(chan struct{})
	serveErr := make(chan error, 1)
	go func() {
		serveErr <- tf6server.Serve(host+"/hashicorp/batchai", server,
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
	raw, err := json.Marshal(providers)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// write writes a file of the working directory.
func (w *cliWorkdir) write(name, content string) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.dir, name), []byte(content), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// read returns a file of the working directory.
func (w *cliWorkdir) read(name string) string {
	w.t.Helper()
	b, err := os.ReadFile(filepath.Join(w.dir, name))
	if err != nil {
		w.t.Fatal(err)
	}
	return string(b)
}

// writeConfig replaces the configuration (main.tf) and initializes the working directory.
func (w *cliWorkdir) writeConfig(hcl string) {
	w.t.Helper()
	w.write("main.tf", hcl)
	w.mustRun("init", "-input=false", "-no-color")
}

// command is the CLI with args in the working directory and its environment, for a test that runs it in the
// background; its combined output goes to the buffer.
func (w *cliWorkdir) command(ctx context.Context, args ...string) (*exec.Cmd, *bytes.Buffer) {
	cmd := exec.CommandContext(ctx, w.cli, args...)
	cmd.Dir, cmd.Env = w.dir, w.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	return cmd, &out
}

// run runs the CLI with args and returns its combined output and exit code. A command that does not end within
// cliCommandLimit, or cannot start, fails the test.
func (w *cliWorkdir) run(args ...string) (string, int) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cliCommandLimit)
	defer cancel()
	cmd, out := w.command(ctx, args...)
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		w.t.Fatalf("%s %s did not end within %s:\n%s", filepath.Base(w.cli), strings.Join(args, " "), cliCommandLimit, out)
	case errors.As(err, &exit):
		return out.String(), exit.ExitCode()
	case err != nil:
		w.t.Fatalf("running %s %s: %v\n%s", filepath.Base(w.cli), strings.Join(args, " "), err, out)
	}
	return out.String(), 0
}

// mustRun runs the CLI and fails the test unless it exits 0; it returns the combined output.
func (w *cliWorkdir) mustRun(args ...string) string {
	w.t.Helper()
	out, code := w.run(args...)
	if code != 0 {
		w.t.Fatalf("%s %s exited %d:\n%s", filepath.Base(w.cli), strings.Join(args, " "), code, out)
	}
	return out
}

// runErr is run with a non-zero exit as an error.
func (w *cliWorkdir) runErr(args ...string) (string, error) {
	w.t.Helper()
	out, code := w.run(args...)
	if code != 0 {
		return out, fmt.Errorf("%s exited %d", args[0], code)
	}
	return out, nil
}

// apply runs `apply` and returns its output; err says that it failed.
func (w *cliWorkdir) apply() (string, error) {
	return w.runErr("apply", "-auto-approve", "-input=false", "-no-color")
}

// mustApply applies and fails the test on an error.
func (w *cliWorkdir) mustApply() string {
	w.t.Helper()
	return w.mustRun("apply", "-auto-approve", "-input=false", "-no-color")
}

// destroy runs `destroy` and returns its output; err says that it failed.
func (w *cliWorkdir) destroy() (string, error) {
	return w.runErr("destroy", "-auto-approve", "-input=false", "-no-color")
}

// plan runs `plan -detailed-exitcode` and reports whether it plans changes; a failed plan fails the test.
func (w *cliWorkdir) plan() (changes bool, out string) {
	w.t.Helper()
	out, code := w.run("plan", "-detailed-exitcode", "-input=false", "-no-color")
	switch code {
	case 0:
		return false, out
	case 2:
		return true, out
	}
	w.t.Fatalf("plan exited %d:\n%s", code, out)
	return false, out
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
func (w *cliWorkdir) state() map[string]tfStateResource {
	w.t.Helper()
	out := w.mustRun("show", "-json", "-no-color")
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
		w.t.Fatalf("show -json: %v\n%s", err, out)
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
func (w *cliWorkdir) stateIDs() []string {
	w.t.Helper()
	var ids []string
	for _, res := range w.state() {
		if armTrackedTypes[res.Type] {
			ids = append(ids, res.ID())
		}
	}
	return ids
}
