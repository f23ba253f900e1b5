package docblocks

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestDemoHints runs `scripts/demo.sh` (make demo) on a PATH without Terraform or OpenTofu, as on a machine
// where the only CLI is the one scripts/terraform-cli.sh built into its cache, then runs every hint the demo
// prints at the end exactly as printed, in a new shell: exploring (source env.sh, output, a resize to zero)
// and tearing down. A hint that names a CLI by a name PATH cannot find, or a path that does not exist, fails.
func TestDemoHints(t *testing.T) {
	b := installed(t)
	goenv, err := goEnvironment()
	if err != nil {
		t.Fatal(err)
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Dir(gobin) + ":/usr/bin:/bin"
	for _, cli := range []string{"terraform", "tofu"} {
		for _, dir := range filepath.SplitList(path) {
			if _, err := os.Stat(filepath.Join(dir, cli)); err == nil {
				t.Fatalf("%s is in %s: the test needs a PATH without a Terraform CLI", cli, dir)
			}
		}
	}
	demo := filepath.Join(t.TempDir(), "demo")
	base := append(goenv, "PATH="+path, "HOME="+b.home, "TMPDIR="+os.TempDir(), "DEMO_DIR="+demo,
		"DEMO_PROVISIONING_DELAY=200ms", "HTTPS_PROXY=http://127.0.0.1:9", "NO_PROXY=127.0.0.1,localhost")
	t.Cleanup(func() { stopDemoEmulator(t, demo) })

	// The CLI comes from TF_ACC_TERRAFORM_PATH, as `make demo` passes it on from scripts/terraform-cli.sh.
	out, code := runCommand(t, b.root, append(base, "TF_ACC_TERRAFORM_PATH="+b.cli), "bash", "scripts/demo.sh")
	if code != 0 {
		t.Fatalf("demo.sh exited %d:\n%s", code, out)
	}
	explore, teardown := demoHints(t, out)
	if len(explore) != 3 || !strings.HasPrefix(explore[0], "source ") || !strings.Contains(explore[1], " output") {
		t.Fatalf("the demo's hints are not the expected three (source, output, apply):\n%q\n%s", explore, out)
	}
	if strings.HasPrefix(explore[1], "terraform ") || strings.HasPrefix(explore[1], "tofu ") {
		t.Errorf("the hint %q names the CLI by a name that is not on PATH", explore[1])
	}

	// A new shell, without the variables make set: only what the hints say (and "yes" to apply's question).
	script := "set -euo pipefail\n" + strings.Join(explore, "\n") + "\n"
	out, code = runCommandInput(t, b.root, base, "yes\n", "bash", "-c", script)
	if code != 0 || !strings.Contains(out, "Apply complete!") {
		t.Fatalf("the hints, run as printed, exited %d:\n%s\n%s", code, script, out)
	}

	// Tearing down: make finds the CLI again through scripts/terraform-cli.sh (here: TF_ACC_TERRAFORM_PATH,
	// standing for the CLI it built into its cache).
	out, code = runCommand(t, b.root, append(base, "TF_ACC_TERRAFORM_PATH="+b.cli), "bash", "-c", "set -e\n"+teardown)
	if code != 0 {
		t.Fatalf("%q exited %d:\n%s", teardown, code, out)
	}
	if _, err := os.Stat(demo); !os.IsNotExist(err) {
		t.Errorf("%q left %s behind (%v)", teardown, demo, err)
	}
}

// demoHints reads the commands of the demo's closing "Explore by hand" and "Tear it all down" lines.
func demoHints(t *testing.T, out string) (explore []string, teardown string) {
	t.Helper()
	in := false
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "Explore by hand:"):
			in = true
			line = strings.TrimSpace(strings.TrimPrefix(line, "Explore by hand:"))
		case strings.HasPrefix(line, "Tear it all down:"):
			return explore, strings.TrimSpace(strings.TrimPrefix(line, "Tear it all down:"))
		}
		if in && line != "" {
			explore = append(explore, line)
		}
	}
	t.Fatalf("the demo printed no hints:\n%s", out)
	return nil, ""
}

// stopDemoEmulator stops the emulator the demo started, if it still runs (the demo detaches it): by the pid
// it recorded, never by name.
func stopDemoEmulator(t *testing.T, demo string) {
	data, err := os.ReadFile(filepath.Join(demo, "emulator.pid"))
	if err != nil {
		return
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid <= 1 {
		return
	}
	if err := syscall.Kill(pid, syscall.SIGTERM); err == nil {
		t.Logf("stopped the demo's emulator (pid %d)", pid)
	}
}
