package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// measurement is one Terraform command of the benchmark, with what the operating system accounted for it.
type measurement struct {
	Phase string `json:"phase"` // One of the phase constants.
	Kind  string `json:"kind"`  // kindBatchAI or kindFloor.
	N     int    `json:"n"`
	Run   int    `json:"run"`
	// WallSeconds is the command's elapsed time.
	WallSeconds float64 `json:"wall_s"`
	// CPUSeconds is the user plus system CPU of Terraform and every process it waited for (the providers):
	// wait4's rusage of the command.
	CPUSeconds float64 `json:"cpu_s"`
	// ProviderCPUSeconds and ProviderMaxRSSKiB are the batchai provider processes' own (the wrapper's
	// accounting); ProviderProcesses is how many Terraform started.
	ProviderCPUSeconds float64 `json:"provider_cpu_s"`
	ProviderMaxRSSKiB  int64   `json:"provider_maxrss_kib"`
	ProviderProcesses  int     `json:"provider_processes"`
	// EmulatorCPUSeconds is the emulator's CPU during the command.
	EmulatorCPUSeconds float64       `json:"emulator_cpu_s"`
	Requests           requestCounts `json:"requests"`
}

// coreCPUSeconds is Terraform core's share: everything but the provider processes.
func (m measurement) coreCPUSeconds() float64 { return m.CPUSeconds - m.ProviderCPUSeconds }

// The phases, in the order a run takes them.
const (
	phaseApply     = "apply"
	phasePlan      = "no-op plan"
	phasePlanLocal = "plan -refresh=false"
	phaseDestroy   = "destroy"
)

// The two sides of every pair.
const (
	kindBatchAI = "batchai"
	kindFloor   = "terraform_data"
)

// runner runs Terraform commands and measures them.
type runner struct {
	terraform string
	env       []string // The environment of every command.
	usageLog  string   // The wrapper's usage log (wrapperUsageEnv).
	emu       *emulatorProcess
	logDir    string // Terraform's output of every command, for when one fails.
	commands  int
}

// measure runs `terraform args...` in dir (extraEnv added to the environment) and returns its measurement.
// A plan runs with -detailed-exitcode: a no-op plan that finds changes (exit 2) is a failure of the benchmark,
// not a number.
func (r *runner) measure(dir, phase, kind string, n, run int, extraEnv []string, args ...string) (measurement, error) {
	m := measurement{Phase: phase, Kind: kind, N: n, Run: run}
	if _, err := readUsage(r.usageLog); err != nil { // Leftovers of a failed command.
		return m, err
	}
	r.commands++
	logPath := filepath.Join(r.logDir, fmt.Sprintf("%03d-%s-%s-%d.log", r.commands, strings.ReplaceAll(strings.Fields(phase)[0], "-", ""), kind, n))
	out, err := os.Create(logPath)
	if err != nil {
		return m, err
	}
	defer func() { _ = out.Close() }()
	cmd := exec.Command(r.terraform, args...)
	cmd.Dir = dir
	cmd.Env = append(append([]string{}, r.env...), extraEnv...)
	cmd.Stdout, cmd.Stderr = out, out
	offset := r.emu.logOffset()
	emuBefore := r.emu.cpuSeconds()
	start := time.Now()
	runErr := cmd.Run()
	m.WallSeconds = time.Since(start).Seconds()
	m.EmulatorCPUSeconds = r.emu.cpuSeconds() - emuBefore
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.CPUSeconds = seconds(ru.Utime) + seconds(ru.Stime)
	}
	usage, err := readUsage(r.usageLog)
	if err != nil {
		return m, err
	}
	for _, u := range usage {
		m.ProviderCPUSeconds += u.UserSeconds + u.SystemSeconds
		m.ProviderMaxRSSKiB = max(m.ProviderMaxRSSKiB, u.MaxRSSKiB)
	}
	m.ProviderProcesses = len(usage)
	if m.Requests, err = r.emu.requestsSince(offset); err != nil {
		return m, err
	}
	if runErr != nil {
		var ee *exec.ExitError
		what := runErr.Error()
		if errors.As(runErr, &ee) && ee.ExitCode() == 2 && args[0] == "plan" {
			what = "the plan is not empty (exit status 2)"
		}
		return m, fmt.Errorf("terraform %s (%s, N=%d) in %s: %s\n%s", strings.Join(args, " "), kind, n, dir, what, tail(logPath, 40))
	}
	return m, nil
}

// tail is the last lines of a file, for error messages.
func tail(path string, lines int) string {
	raw, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	all := bytes.Split(bytes.TrimRight(raw, "\n"), []byte("\n"))
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return string(bytes.Join(all, []byte("\n")))
}

// The Terraform commands of each phase, with Terraform's defaults otherwise (parallelism 10).
var (
	applyArgs     = []string{"apply", "-input=false", "-no-color", "-auto-approve"}
	planArgs      = []string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}
	planLocalArgs = []string{"plan", "-input=false", "-no-color", "-detailed-exitcode", "-refresh=false"}
	destroyArgs   = []string{"destroy", "-input=false", "-no-color", "-auto-approve"}
)
