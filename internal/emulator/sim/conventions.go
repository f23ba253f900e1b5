package sim

import (
	"strconv"
	"strings"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/script"
)

// The emulator runs no command line. It interprets setup tasks, job preparations and job command lines
// with package script (echo prints, exit N fails with N, sleep N takes N seconds, ...), and two
// environment variables, set in a setup task's or a job's environmentVariables, override the outcome
// whatever the toolkit. These conventions are part of the emulator's documented contract (README).
const (
	// EnvExitCode forces the exit code of the command line ("3"); the output is still what the command line
	// prints.
	EnvExitCode = "BATCHAI_EMULATOR_EXIT_CODE"
	// EnvDuration sets a job's run time ("90s", "2m", or plain seconds "90"), instead of the job-duration
	// knob plus what its sleeps add.
	EnvDuration = "BATCHAI_EMULATOR_DURATION"
)

// Paths the service exposed to command lines ($AZ_BATCHAI_MOUNT_ROOT and friends), as Batch AI's nodes had
// them.
const (
	mountRoot   = "/mnt/batch/tasks/shared/LS_root/mounts"
	jobsRoot    = "/mnt/batch/tasks/shared/LS_root/jobs"
	envMountDir = "AZ_BATCHAI_MOUNT_ROOT"
)

// interpret interprets a command line with env, applying EnvExitCode.
func interpret(commandLine string, env map[string]string) script.Result {
	r := script.Run(commandLine, env)
	if v, ok := env[EnvExitCode]; ok {
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
			r.ExitCode = n & 0xff
		}
	}
	return r
}

// durationOverride reads EnvDuration, or reports false when it is absent or unreadable.
func durationOverride(env map[string]string) (time.Duration, bool) {
	v, ok := env[EnvDuration]
	if !ok {
		return 0, false
	}
	v = strings.TrimSpace(v)
	if d, err := time.ParseDuration(v); err == nil && d >= 0 {
		return d, true
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 && f < 1e9 {
		return time.Duration(f * float64(time.Second)), true
	}
	return 0, false
}

// environment is what a command line sees: the service's variables, then the plain environment variables
// given. Secret values are never exposed to the interpreter (they expand to nothing), so no secret can end
// up in an output file the emulator serves.
func environment(service map[string]string, vars []api.EnvironmentVariable) map[string]string {
	env := make(map[string]string, len(service)+len(vars))
	for k, v := range service {
		env[k] = v
	}
	for _, v := range vars {
		env[api.Deref(v.Name)] = api.Deref(v.Value)
	}
	return env
}

// setupExitCode is how the cluster's setup task ends on every node (0 without a setup task).
func (c *Cluster) setupExitCode() int {
	ns := c.Props.NodeSetup
	if ns == nil || ns.SetupTask == nil {
		return 0
	}
	t := ns.SetupTask
	env := environment(map[string]string{envMountDir: mountRoot}, t.EnvironmentVariables)
	return interpret(api.Deref(t.CommandLine), env).ExitCode
}
