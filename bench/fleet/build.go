package main

// Building the binaries the benchmark runs, and the facts about the machine and the trees it records in the
// header of its results.

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// build compiles the provider (from o.providerSrc when set), its profiled twin (when o.profile) and the emulator,
// and puts the wrapper (this program) where dev_overrides sends Terraform.
func build(work string, o options) (binaries, error) {
	b := binaries{
		provider: filepath.Join(work, "bin", "provider", providerBinaryName),
		profiled: filepath.Join(work, "bin", "profiled", providerBinaryName),
		emulator: filepath.Join(work, "bin", "batchai-emulator"),
		// dev_overrides wants a folder holding terraform-provider-batchai.
		pluginDir: filepath.Join(work, "plugins"),
	}
	type target struct{ out, dir, pkg string }
	targets := []target{{b.provider, o.providerSrc, "."}, {b.emulator, "", "./cmd/batchai-emulator"}}
	if o.profile {
		targets = append(targets, target{b.profiled, "", "./bench/fleet/profiled"})
	}
	for _, t := range targets {
		pkg := t.pkg
		fmt.Fprintln(os.Stderr, "fleet: go build", filepath.Join(t.dir, pkg))
		cmd := exec.Command("go", "build", "-o", t.out, pkg)
		cmd.Dir = t.dir
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return b, fmt.Errorf("go build %s: %w", pkg, err)
		}
	}
	self, err := os.Executable()
	if err != nil {
		return b, err
	}
	if err := os.MkdirAll(b.pluginDir, 0o700); err != nil {
		return b, err
	}
	return b, copyFile(self, filepath.Join(b.pluginDir, providerBinaryName))
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer func() { _ = in.Close() }()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o700)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}

// checkAddress fails when the provider of the source tree root no longer serves the address dev_overrides
// names: a literal in its main.go (older trees) or provider.Address (internal/provider/provider.go), which
// provider.Serve and the main.go of older trees serve.
func checkAddress(root string) error {
	for _, file := range []string{"main.go", filepath.Join("internal", "provider", "provider.go")} {
		raw, err := os.ReadFile(filepath.Join(root, file))
		if err != nil {
			return fmt.Errorf("run the benchmark from the repository's root (make bench): %w", err)
		}
		if strings.Contains(string(raw), `"`+providerAddress+`"`) {
			return nil
		}
	}
	return fmt.Errorf("the provider in %s does not serve %s: update providerAddress in bench/fleet", root, providerAddress)
}

func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func terraformVersion(tf string) string {
	out, err := exec.Command(tf, "version").Output()
	if err != nil {
		return tf + " (version unknown)"
	}
	return strings.SplitN(strings.TrimSpace(string(out)), "\n", 2)[0]
}

func commit() string {
	out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "none"
	}
	c := strings.TrimSpace(string(out))
	if exec.Command("git", "diff", "--quiet", "HEAD").Run() != nil {
		c += " (with uncommitted changes)"
	}
	return c
}

func cpuModel() string {
	raw, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

// runHeader describes the run: when, where, with what, under which load.
func runHeader(o options, tfVersion, loadBefore, loadAfter string, took time.Duration) string {
	return fmt.Sprintf("# make bench (fleet), %s, commit %s, %s\n# %s, %d CPUs; %s; load average %s at the start, %s at the end; took %s\n"+
		"# emulator: %s %s; provider poll_interval %s%s; Terraform's default parallelism (10)\n",
		time.Now().UTC().Format(time.RFC3339), commit(), runtime.Version(), cpuModel(), runtime.NumCPU(), tfVersion,
		loadBefore, loadAfter, took.Round(time.Second), strings.Join(quotaArgs, " "), o.emulatorArgs, o.pollInterval, providerEnvNote(o)) +
		providerSource(o)
}

// providerEnvNote names the provider-only environment of -provider-env, if any.
func providerEnvNote(o options) string {
	if o.providerEnv == "" {
		return ""
	}
	return ", provider environment " + o.providerEnv
}

// providerSource is the header line naming where the provider came from when it is not this tree (-provider-src):
// the tree's COMMIT file, when the one who exported it wrote one.
func providerSource(o options) string {
	if o.providerSrc == "" {
		return ""
	}
	what := o.providerSrc
	if raw, err := os.ReadFile(filepath.Join(o.providerSrc, "COMMIT")); err == nil {
		what += ", commit " + strings.TrimSpace(string(raw))
	}
	return "# provider built from " + what + " (the emulator and the harness from this tree)\n"
}
