package provider

import (
	"context"
	"encoding/json"
	"errors"
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

// cliWorkdir is a Terraform working directory driven through the CLI itself, for the commands
// terraform-plugin-testing has no test mode for: `terraform query -generate-config-out` and `terraform apply
// -invoke`. Like terraform-plugin-testing, it serves the provider in-process for each command and hands it to
// the CLI through TF_REATTACH_PROVIDERS, so nothing is installed or downloaded.
type cliWorkdir struct {
	t   *testing.T
	dir string
	tf  string
}

// newCLIWorkdir writes files (name to content) into a new directory and runs `terraform init` there.
func newCLIWorkdir(t *testing.T, files map[string]string) *cliWorkdir {
	t.Helper()
	w := &cliWorkdir{t: t, dir: t.TempDir(), tf: os.Getenv("TF_ACC_TERRAFORM_PATH")}
	if w.tf == "" {
		t.Fatal("TF_ACC_TERRAFORM_PATH is not set: run `eval \"$(scripts/terraform-cli.sh --print-env)\"` first")
	}
	for name, content := range files {
		w.write(name, content)
	}
	w.mustRun("init", "-input=false", "-no-color")
	return w
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

// mustRun runs the CLI and fails the test unless it exits 0; it returns the combined output.
func (w *cliWorkdir) mustRun(args ...string) string {
	w.t.Helper()
	out, code := w.run(args...)
	if code != 0 {
		w.t.Fatalf("terraform %s exited %d:\n%s", strings.Join(args, " "), code, out)
	}
	return out
}

// run runs the CLI with args against a provider served for this command only, and returns its combined
// output and exit code.
func (w *cliWorkdir) run(args ...string) (string, int) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	reattach, stop := serveProviderForCLI(w.t)
	defer stop()
	cmd := exec.CommandContext(ctx, w.tf, args...)
	cmd.Dir = w.dir
	cmd.Env = append(cliEnviron(), "TF_REATTACH_PROVIDERS="+reattach, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return string(out), exit.ExitCode()
	case err != nil:
		w.t.Fatalf("running terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), 0
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

// serveProviderForCLI serves a new provider (configured like testAccProtoV6ProviderFactories: an empty
// environment) in debug mode and returns its TF_REATTACH_PROVIDERS value, and how to stop it.
func serveProviderForCLI(t *testing.T) (string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	configCh := make(chan *plugin.ReattachConfig, 1)
	closeCh := make(chan struct{})
	served := make(chan error, 1)
	factory := providerserver.NewProtocol6(&batchaiProvider{version: "test", getenv: func(string) string { return "" }})
	go func() {
		served <- tf6server.Serve("registry.terraform.io/hashicorp/batchai", factory,
			tf6server.WithDebug(ctx, configCh, closeCh),
			tf6server.WithGoPluginLogger(hclog.NewNullLogger()),
			// Provider logs go where terraform-plugin-testing sends them (TF_ACC_LOG_PATH...), not to stderr.
			tf6server.WithLoggingSink(t))
	}()
	var rc *plugin.ReattachConfig
	select {
	case rc = <-configCh:
	case err := <-served:
		cancel()
		t.Fatalf("serving the provider: %v", err)
	case <-time.After(time.Minute):
		cancel()
		t.Fatal("the provider did not start serving within a minute")
	}
	type addr struct{ Network, String string }
	info, err := json.Marshal(map[string]any{"registry.terraform.io/hashicorp/batchai": map[string]any{
		"Protocol": string(rc.Protocol), "ProtocolVersion": rc.ProtocolVersion, "Pid": rc.Pid, "Test": true,
		"Addr": addr{rc.Addr.Network(), rc.Addr.String()},
	}})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	return string(info), func() {
		cancel()
		<-closeCh
	}
}
