// Command fleet is the fleet-scale benchmark of `make bench`: the no-op plan, `plan -refresh=false`, apply and
// destroy of N batchai_cluster resources through the real Terraform CLI and the real provider binary, against
// one batchai-emulator process, each paired in the same run with N terraform_data resources (the floor:
// built into Terraform, no provider process). It writes medians and ranges to bench/results.txt, every
// measurement to bench/results.json, the plan time against N to bench/plan-time.png and a CPU profile of the
// provider during the largest plan to bench/profile-plan.txt. bench/README.md says how to read them.
//
//	go run ./bench/fleet [-sizes 100,500] [-plot-sizes 10,100,250,500] [-runs 5] [-apply-runs 3]
//
// Provider CPU and peak RSS come from the kernel (wait4's rusage of each provider process, through a wrapper
// the provider is started by, wrapper.go); Terraform's CPU is the rusage of the command; the emulator's, its
// /proc/<pid>/stat. It is a benchmark, not a test: nothing here fails on a time.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

func main() {
	if isWrapper() {
		os.Exit(runWrapper())
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "fleet:", err)
		os.Exit(1)
	}
}

// options are the benchmark's flags.
type options struct {
	sizes, plotSizes  []int
	runs, applyRuns   int
	terraform         string
	pollInterval      string
	emulatorArgs      string
	throttle, profile bool
	throttledInto     string
	out, jsonOut, png string
	profileOut        string
	before            string
	providerSrc       string
	render            string
	providerEnv       string
	keep              bool
}

func parseOptions() (options, error) {
	var o options
	sizes := flag.String("sizes", "100,500", "sizes whose apply, plans and destroy are measured (paired runs)")
	plot := flag.String("plot-sizes", "10,100,250,500", "sizes whose plans are measured for the plot")
	flag.IntVar(&o.runs, "runs", 5, "paired runs of each plan per size")
	flag.IntVar(&o.applyRuns, "apply-runs", 3, "paired runs of apply and destroy per size of -sizes")
	flag.StringVar(&o.terraform, "terraform", os.Getenv("TF_ACC_TERRAFORM_PATH"), "the Terraform CLI (default: TF_ACC_TERRAFORM_PATH, else terraform on PATH)")
	flag.StringVar(&o.pollInterval, "poll-interval", "50ms", "the provider's poll_interval")
	flag.StringVar(&o.emulatorArgs, "emulator-args", "--operation-delay 50ms --allocation-delay 10ms --provisioning-delay 50ms",
		"batchai-emulator flags besides the quotas (its delays: emulatortest's, so that waiting does not hide the cost)")
	flag.BoolVar(&o.throttle, "throttle", true, "also apply, plan and destroy the largest size once against an emulator with --throttle")
	flag.StringVar(&o.throttledInto, "throttled-into", "", "run only the throttled part, and add it to this results.json (rewriting -out and -png)")
	flag.BoolVar(&o.profile, "profile", true, "profile the provider during one more plan of the largest size")
	flag.StringVar(&o.out, "out", "bench/results.txt", "the summary")
	flag.StringVar(&o.jsonOut, "json", "bench/results.json", "every measurement")
	flag.StringVar(&o.png, "png", "bench/plan-time.png", "the plot of plan time against N")
	flag.StringVar(&o.profileOut, "profile-out", "bench/profile-plan.txt", "the provider's CPU profile (pprof -top)")
	flag.StringVar(&o.before, "before", "", "the results.json of an earlier run, whose batchai no-op plan the plot shows in gray")
	flag.StringVar(&o.providerSrc, "provider-src", "", "build the provider from this source tree instead (say, `git archive main` unpacked): "+
		"the before of a before/after pair; the emulator and the harness stay this tree's, and there is no profile")
	flag.StringVar(&o.render, "render", "", "measure nothing: write -out and -png again from this results.json (after a change to how they are written)")
	flag.StringVar(&o.providerEnv, "provider-env", "", "KEY=value pairs, separated by commas, for the provider processes only (say GOMEMLIMIT=48MiB)")
	flag.BoolVar(&o.keep, "keep", false, "keep the work folder (configurations, states, Terraform's output)")
	flag.Parse()
	var err error
	if o.sizes, err = parseSizes(*sizes); err != nil {
		return o, err
	}
	if o.plotSizes, err = parseSizes(*plot); err != nil {
		return o, err
	}
	if o.terraform == "" {
		o.terraform = "terraform"
	}
	if o.providerSrc != "" {
		o.profile = false
	}
	if o.runs < 1 || o.applyRuns < 1 {
		return o, fmt.Errorf("-runs and -apply-runs must be at least 1")
	}
	return o, nil
}

// quotaArgs raise the emulator's quotas (every location) far above what the largest fleet uses.
var quotaArgs = []string{"--cluster-quota", "100000", "--dedicated-core-quota", "1000000", "--low-priority-core-quota", "1000000"}

func run() error {
	o, err := parseOptions()
	if err != nil {
		return err
	}
	if o.render != "" {
		return render(o)
	}
	if err := checkAddress("."); err != nil {
		return err
	}
	if o.providerSrc != "" {
		if err := checkAddress(o.providerSrc); err != nil {
			return err
		}
	}
	work, err := os.MkdirTemp("", "fleet-bench-")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Fprintln(os.Stderr, "fleet: work folder", work)
	} else {
		defer func() { _ = os.RemoveAll(work) }()
	}
	bins, err := build(work, o)
	if err != nil {
		return err
	}
	started := time.Now()
	load := loadAverage()
	tfVersion := terraformVersion(o.terraform)
	fmt.Fprintf(os.Stderr, "fleet: %s, load average %s\n", tfVersion, load)

	res := &results{}
	all := unionSorted(o.sizes, o.plotSizes)
	if o.throttledInto != "" {
		raw, err := os.ReadFile(o.throttledInto)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(raw, res); err != nil {
			return fmt.Errorf("%s: %w", o.throttledInto, err)
		}
		o.jsonOut, o.throttle, o.profile = o.throttledInto, true, false
		res.Throttled, res.ThrottledError = nil, ""
		return runThrottled(res, work, bins, o, res.Header)
	}
	if err := withEmulator(work, "emulator", bins, strings.Fields(o.emulatorArgs), o, func(r *runner, wsID string) error {
		for _, n := range all {
			if err := measureSize(r, res, work, wsID, n, o); err != nil {
				return err
			}
		}
		if o.profile {
			return profilePlan(r, bins, work, slices.Max(all), o)
		}
		return nil
	}); err != nil {
		return err
	}
	header := runHeader(o, tfVersion, load, loadAverage(), time.Since(started))
	res.Header = header
	if err := writeResults(res, o, header); err != nil {
		return err
	}
	if err := drawPlot(res, o.png, o.before, header); err != nil {
		return err
	}
	if !o.throttle {
		return nil
	}
	return runThrottled(res, work, bins, o, header)
}

// runThrottled applies, plans and destroys the largest size once against an emulator with --throttle and
// writes the results again with it. A command that fails there is a finding, recorded in the results, not
// the end of the benchmark.
func runThrottled(res *results, work string, bins binaries, o options, header string) error {
	args := append(strings.Fields(o.emulatorArgs), "--throttle")
	if err := withEmulator(work, "emulator-throttled", bins, args, o, func(r *runner, wsID string) error {
		return measureThrottled(r, res, work, wsID, slices.Max(o.sizes), o)
	}); err != nil {
		res.ThrottledError = err.Error()
		fmt.Fprintln(os.Stderr, "fleet: the throttled run failed:", err)
	}
	if err := writeResults(res, o, header); err != nil {
		return err
	}
	return drawPlot(res, o.png, o.before, header)
}

// firstLines is the first n lines of s.
func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = append(lines[:n], "...")
	}
	return strings.Join(lines, "\n")
}

// render writes the summary and the plot again from a results.json. A file written before results had a
// header takes the header of the summary it is written over.
func render(o options) error {
	raw, err := os.ReadFile(o.render)
	if err != nil {
		return err
	}
	var res results
	if err := json.Unmarshal(raw, &res); err != nil {
		return fmt.Errorf("%s: %w", o.render, err)
	}
	if res.Header == "" {
		old, _ := os.ReadFile(o.out)
		for _, line := range strings.SplitAfter(string(old), "\n") {
			if !strings.HasPrefix(line, "# ") || strings.HasPrefix(line, "# medians") {
				break
			}
			res.Header += line
		}
	}
	o.jsonOut = o.render
	if err := writeResults(&res, o, res.Header); err != nil {
		return err
	}
	return drawPlot(&res, o.png, o.before, res.Header)
}

// binaries are what build produces.
type binaries struct {
	provider, profiled, emulator, pluginDir string
}

// withEmulator starts an emulator with args (plus the raised quotas), a runner for it and the workspace, runs
// body, and stops the emulator.
func withEmulator(work, name string, bins binaries, args []string, o options, body func(r *runner, wsID string) error) error {
	emu, err := startEmulator(bins.emulator, filepath.Join(work, name), append(append([]string{}, quotaArgs...), args...))
	if err != nil {
		return err
	}
	defer emu.stop()
	cliConfigPath := filepath.Join(work, "terraform.tfrc")
	if err := os.WriteFile(cliConfigPath, []byte(cliConfig(bins.pluginDir)), 0o600); err != nil {
		return err
	}
	logDir := filepath.Join(work, name, "logs")
	if err := os.MkdirAll(logDir, 0o700); err != nil {
		return err
	}
	r := &runner{
		terraform: o.terraform,
		env:       append(cleanEnv(), emu.env()...),
		usageLog:  filepath.Join(work, name, "usage.log"),
		emu:       emu,
		logDir:    logDir,
	}
	r.env = append(r.env, "TF_CLI_CONFIG_FILE="+cliConfigPath, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		wrapperProviderEnv+"="+bins.provider, wrapperUsageEnv+"="+r.usageLog, wrapperChildEnv+"="+o.providerEnv)
	wsDir := filepath.Join(work, name, "workspace")
	if err := writeRoot(wsDir, workspaceConfig(emu.info.ResourceGroup)); err != nil {
		return err
	}
	if _, err := r.measure(wsDir, phaseApply, "workspace", 1, 1, nil, applyArgs...); err != nil {
		return err
	}
	cmd := exec.Command(o.terraform, "-chdir="+wsDir, "output", "-raw", "id")
	cmd.Env = r.env
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("reading the workspace ID: %w", err)
	}
	return body(r, strings.TrimSpace(string(out)))
}

// cleanEnv is this process's environment without the variables that change what Terraform or the provider
// do (logging, plugin caches, reattached providers, CLI arguments, credentials of another Azure).
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "TF_") || strings.HasPrefix(k, "ARM_") || strings.HasPrefix(k, "FLEETBENCH_") ||
			k == "CHECKPOINT_DISABLE" {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// measureSize runs every phase for n clusters and n terraform_data, paired. Sizes of -sizes get -apply-runs
// rounds of apply and destroy; the plans run -runs times after the first apply. The two sides alternate in
// which goes first, so that neither always meets a warmer machine.
func measureSize(r *runner, res *results, work, wsID string, n int, o options) error {
	dirs := map[string]string{
		kindBatchAI: filepath.Join(work, fmt.Sprintf("n%d", n), kindBatchAI),
		kindFloor:   filepath.Join(work, fmt.Sprintf("n%d", n), kindFloor),
	}
	if err := writeRoot(dirs[kindBatchAI], clusterConfig(n, wsID, o.pollInterval)); err != nil {
		return err
	}
	if err := writeRoot(dirs[kindFloor], floorConfig(n)); err != nil {
		return err
	}
	timed := slices.Contains(o.sizes, n)
	rounds := 1
	if timed {
		rounds = o.applyRuns
	}
	pair := func(i int, phase string, record bool, args []string) error {
		order := []string{kindBatchAI, kindFloor}
		if i%2 == 1 {
			order = []string{kindFloor, kindBatchAI}
		}
		for _, kind := range order {
			m, err := r.measure(dirs[kind], phase, kind, n, i+1, nil, args...)
			if err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "fleet: N=%-4d %-20s %-15s run %d: %6.2f s wall, %6.2f s CPU (provider %.2f s, %d MiB)\n",
				n, phase, kind, i+1, m.WallSeconds, m.CPUSeconds, m.ProviderCPUSeconds, m.ProviderMaxRSSKiB/1024)
			if record {
				res.Measurements = append(res.Measurements, m)
			}
		}
		return nil
	}
	for round := range rounds {
		if err := pair(round, phaseApply, timed, applyArgs); err != nil {
			return err
		}
		if round == 0 {
			for i := range o.runs {
				if err := pair(i, phasePlan, true, planArgs); err != nil {
					return err
				}
				if err := pair(i, phasePlanLocal, true, planLocalArgs); err != nil {
					return err
				}
			}
		}
		if err := pair(round, phaseDestroy, timed, destroyArgs); err != nil {
			return err
		}
	}
	return nil
}

// profilePlan applies n clusters, runs one more no-op plan with the profiled provider, and writes pprof's top
// functions (flat and cumulative) to o.profileOut and the merged profile next to it (.pb.gz).
func profilePlan(r *runner, bins binaries, work string, n int, o options) error {
	dir := filepath.Join(work, fmt.Sprintf("n%d", n), kindBatchAI)
	if _, err := r.measure(dir, phaseApply, kindBatchAI, n, 0, nil, applyArgs...); err != nil {
		return err
	}
	profDir := filepath.Join(work, "profiles")
	if err := os.MkdirAll(profDir, 0o700); err != nil {
		return err
	}
	m, err := r.measure(dir, phasePlan, kindBatchAI, n, 0, []string{
		wrapperProviderEnv + "=" + bins.profiled, "FLEETBENCH_CPUPROFILE=" + profDir,
	}, planArgs...)
	if err != nil {
		return err
	}
	profiles, err := filepath.Glob(filepath.Join(profDir, "cpu-*.pprof"))
	if err != nil || len(profiles) == 0 {
		return fmt.Errorf("the profiled provider wrote no profile into %s", profDir)
	}
	var text strings.Builder
	fmt.Fprintf(&text, "# CPU profile of the provider during a no-op plan of %d clusters (%d provider processes, merged):\n", n, len(profiles))
	fmt.Fprintf(&text, "# plan %.2f s wall, %.2f s CPU of which provider %.2f s; peak RSS %d MiB\n", m.WallSeconds, m.CPUSeconds,
		m.ProviderCPUSeconds, m.ProviderMaxRSSKiB/1024)
	for _, mode := range [][]string{{"-top", "-nodecount=40"}, {"-top", "-cum", "-nodecount=60"}} {
		args := append(append([]string{"tool", "pprof"}, mode...), append([]string{bins.profiled}, profiles...)...)
		out, err := exec.Command("go", args...).Output()
		if err != nil {
			return fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
		}
		fmt.Fprintf(&text, "\n# go tool pprof %s\n%s", strings.Join(mode, " "), out)
	}
	// The merged profile itself, for `go tool pprof` (-list, -peek, -http) on whatever the top lists leave open.
	merged := strings.TrimSuffix(o.profileOut, filepath.Ext(o.profileOut)) + ".pb.gz"
	args := append([]string{"tool", "pprof", "-proto", bins.profiled}, profiles...)
	raw, err := exec.Command("go", args...).Output()
	if err != nil {
		return fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
	}
	if err := os.WriteFile(merged, raw, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(&text, "\n# the merged profile: %s (go tool pprof -top %s)\n", filepath.Base(merged), merged)
	// The heap at its largest, in the provider process that grew most (the one that served the plan).
	if heaps, _ := filepath.Glob(filepath.Join(profDir, "heap-*.pprof")); len(heaps) > 0 {
		largest, size := "", int64(-1)
		for _, h := range heaps {
			if fi, err := os.Stat(h); err == nil && fi.Size() > size {
				largest, size = h, fi.Size()
			}
		}
		args := []string{"tool", "pprof", "-top", "-sample_index=inuse_space", "-nodecount=30", bins.profiled, largest}
		if out, err := exec.Command("go", args...).Output(); err == nil {
			fmt.Fprintf(&text, "\n# the heap in use at its largest: go tool pprof -top -sample_index=inuse_space\n%s", out)
		}
	}
	if _, err := r.measure(dir, phaseDestroy, kindBatchAI, n, 0, nil, destroyArgs...); err != nil {
		return err
	}
	return os.WriteFile(o.profileOut, []byte(text.String()), 0o644)
}

// measureThrottled applies, plans and destroys n clusters once against the throttled emulator.
func measureThrottled(r *runner, res *results, work, wsID string, n int, o options) error {
	dir := filepath.Join(work, fmt.Sprintf("throttled-n%d", n))
	if err := writeRoot(dir, clusterConfig(n, wsID, o.pollInterval)); err != nil {
		return err
	}
	for _, p := range []struct {
		phase string
		args  []string
	}{{phaseApply, applyArgs}, {phasePlan, planArgs}, {phaseDestroy, destroyArgs}} {
		m, err := r.measure(dir, p.phase, kindBatchAI, n, 1, nil, p.args...)
		if err != nil {
			res.Throttled = append(res.Throttled, m) // What it sent before it failed.
			return err
		}
		fmt.Fprintf(os.Stderr, "fleet: throttled N=%d %s: %.1f s, %d requests, %d throttled\n", n, p.phase, m.WallSeconds,
			m.Requests.total(m.Requests.All), m.Requests.total(m.Requests.Throttled))
		res.Throttled = append(res.Throttled, m)
	}
	return nil
}

func unionSorted(a, b []int) []int {
	out := slices.Concat(a, b)
	slices.Sort(out)
	return slices.Compact(out)
}

// writeResults writes the summary and every measurement.
func writeResults(res *results, o options, header string) error {
	var b strings.Builder
	b.WriteString(header)
	fmt.Fprintf(&b, "# medians [min-max] of paired runs; CPU is user+system from the kernel (core = Terraform, provider = its plugin processes)\n\n")
	res.writeTable(&b, unionSorted(o.sizes, o.plotSizes))
	b.WriteString("\nRequests the emulator received (first batchai run of each phase):\n")
	res.writeRequests(&b, unionSorted(o.sizes, o.plotSizes))
	if len(res.Throttled) > 0 || res.ThrottledError != "" {
		b.WriteString("\nAgainst an emulator with --throttle (ARM's token buckets), once:\n")
		res.writeThrottled(&b)
	}
	if res.ThrottledError != "" {
		fmt.Fprintf(&b, "the throttled run FAILED: %s\n", firstLines(res.ThrottledError, 12))
	}
	if err := os.WriteFile(o.out, []byte(b.String()), 0o644); err != nil {
		return err
	}
	raw, err := json.MarshalIndent(res, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(o.jsonOut, append(raw, '\n'), 0o644)
}
