package sim

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/script"
)

// execution is what a job's command lines do, as package script interprets them: deterministic, so it is
// computed again whenever it is needed (to plan a run, to list and serve output files) rather than stored.
type execution struct {
	env map[string]string
	// prep is the job preparation's result, nil without one.
	prep *script.Result
	// main is the toolkit's result, nil when the preparation failed (the toolkit never started).
	main *script.Result
	// duration is the run time: BATCHAI_EMULATOR_DURATION, else the job-duration knob plus the sleeps.
	duration time.Duration
}

// execute interprets the job's command lines. base is the job-duration knob.
func (j *Job) execute(base time.Duration) execution {
	x := execution{env: j.environment()}
	x.duration = base
	if jp := j.Props.JobPreparation; jp != nil {
		r := interpret(api.Deref(jp.CommandLine), x.env)
		x.prep = &r
		x.duration += r.Sleep
	}
	if x.prep == nil || x.prep.ExitCode == 0 {
		r := interpret(j.commandLine(), x.env)
		x.main = &r
		x.duration += r.Sleep
	}
	if d, ok := durationOverride(x.env); ok {
		x.duration = d
	}
	return x
}

// outcome is how a run that is not stopped ends: the exit code, and the error when the preparation failed.
func (x execution) outcome() (*int32, *api.BatchAIError) {
	if x.main == nil {
		code := int32(x.prep.ExitCode)
		return &code, &api.BatchAIError{
			Code:    api.Ptr(CodeJobPreparationFailed),
			Message: api.Ptr(fmt.Sprintf("The job preparation command line exited with code %d; the job did not start.", code)),
			Details: []api.NameValuePair{{Name: api.Ptr("exitCode"), Value: api.Ptr(fmt.Sprint(code))}},
		}
	}
	code := int32(x.main.ExitCode)
	return &code, nil
}

// commandLine is what the toolkit runs: the custom toolkits' commandLine, or the interpreter, script and
// arguments of the others (a convention such as "exit 3" in the arguments is therefore interpreted too).
func (j *Job) commandLine() string {
	p := j.Props
	python := func(interpreter, script *string, args ...*string) string {
		parts := []string{cmpOrDefault(api.Deref(interpreter), "python"), api.Deref(script)}
		for _, a := range args {
			if v := api.Deref(a); v != "" {
				parts = append(parts, v)
			}
		}
		return strings.Join(parts, " ")
	}
	switch {
	case p.CustomToolkitSettings != nil:
		return api.Deref(p.CustomToolkitSettings.CommandLine)
	case p.CustomMpiSettings != nil:
		return api.Deref(p.CustomMpiSettings.CommandLine)
	case p.PyTorchSettings != nil:
		s := p.PyTorchSettings
		return python(s.PythonInterpreterPath, s.PythonScriptFilePath, s.CommandLineArgs)
	case p.TensorFlowSettings != nil:
		s := p.TensorFlowSettings
		return python(s.PythonInterpreterPath, s.PythonScriptFilePath, s.MasterCommandLineArgs)
	case p.Caffe2Settings != nil:
		s := p.Caffe2Settings
		return python(s.PythonInterpreterPath, s.PythonScriptFilePath, s.CommandLineArgs)
	case p.ChainerSettings != nil:
		s := p.ChainerSettings
		return python(s.PythonInterpreterPath, s.PythonScriptFilePath, s.CommandLineArgs)
	case p.HorovodSettings != nil:
		s := p.HorovodSettings
		return python(s.PythonInterpreterPath, s.PythonScriptFilePath, s.CommandLineArgs)
	case p.CNTKSettings != nil:
		s := p.CNTKSettings
		if isSet(s.PythonScriptFilePath) {
			return python(s.PythonInterpreterPath, s.PythonScriptFilePath, s.CommandLineArgs)
		}
		return strings.TrimSpace("cntk configFile=" + api.Deref(s.ConfigFilePath) + " " + api.Deref(s.CommandLineArgs))
	case p.CaffeSettings != nil:
		s := p.CaffeSettings
		if isSet(s.PythonScriptFilePath) {
			return python(s.PythonInterpreterPath, s.PythonScriptFilePath, s.CommandLineArgs)
		}
		return strings.TrimSpace("caffe train --solver=" + api.Deref(s.ConfigFilePath) + " " + api.Deref(s.CommandLineArgs))
	}
	return ""
}

func cmpOrDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// environment is what the job's command lines see: the service's variables ($AZ_BATCHAI_MOUNT_ROOT,
// $AZ_BATCHAI_JOB_MOUNT_ROOT, $AZ_BATCHAI_STDOUTERR_DIR, $AZ_BATCHAI_INPUT_<id>, $AZ_BATCHAI_OUTPUT_<id>)
// and the job's environment variables. Secret values are never exposed (see environment).
func (j *Job) environment() map[string]string {
	svc := map[string]string{
		envMountDir:                 mountRoot,
		"AZ_BATCHAI_JOB_MOUNT_ROOT": j.jobMountRoot(),
		"AZ_BATCHAI_STDOUTERR_DIR":  j.stdOutErrDir(),
	}
	for _, d := range j.Props.InputDirectories {
		svc["AZ_BATCHAI_INPUT_"+api.Deref(d.ID)] = j.expandRoots(api.Deref(d.Path))
	}
	for _, d := range j.Props.OutputDirectories {
		svc["AZ_BATCHAI_OUTPUT_"+api.Deref(d.ID)] = j.outputDir(d)
	}
	return environment(svc, j.Props.EnvironmentVariables)
}

func (j *Job) jobMountRoot() string { return jobsRoot + "/" + j.Name + "/mounts" }

// expandRoots replaces the service's mount roots in a path given at create time ("$AZ_BATCHAI_MOUNT_ROOT/afs").
func (j *Job) expandRoots(p string) string {
	return strings.NewReplacer("${AZ_BATCHAI_JOB_MOUNT_ROOT}", j.jobMountRoot(), "$AZ_BATCHAI_JOB_MOUNT_ROOT", j.jobMountRoot(),
		"${AZ_BATCHAI_MOUNT_ROOT}", mountRoot, "$AZ_BATCHAI_MOUNT_ROOT", mountRoot).Replace(p)
}

// stdOutErrDir is where the job's stdout, stderr and execution log go: the prefix, the output segment and
// "stdouterr" (recorded traffic).
func (j *Job) stdOutErrDir() string {
	return path.Clean(j.expandRoots(api.Deref(j.Props.StdOutErrPathPrefix)) + "/" + j.OutputSegment + "/stdouterr")
}

// outputDir is $AZ_BATCHAI_OUTPUT_<id>: the prefix, the output segment, "outputs" and the suffix (recorded
// traffic has an "outputs" segment the spec does not mention).
func (j *Job) outputDir(d api.OutputDirectory) string {
	return path.Clean(j.expandRoots(api.Deref(d.PathPrefix)) + "/" + j.OutputSegment + "/outputs/" + api.Deref(d.PathSuffix))
}

// plan starts a run of the job at t on nodes: its end and outcome follow from the command lines (execute),
// cut short by the wall clock limit.
func (j *Job) plan(t time.Time, nodes []JobNode, vmSize string, cores int, lowPriority bool, base time.Duration) *Run {
	x := j.execute(base)
	r := &Run{Start: t, Nodes: nodes, VMSize: vmSize, CoresPerNode: cores, EndAt: t.Add(x.duration)}
	r.ExitCode, r.Failure = x.outcome()
	if limit, capped := j.wallClock(lowPriority); x.duration > limit {
		why := fmt.Sprintf("its maxWallClockTime (%s)", api.Deref(j.Props.Constraints.MaxWallClockTime))
		if capped {
			why = "24 hours, the longest a job may run on low-priority nodes"
		}
		r.EndAt, r.ExitCode = t.Add(limit), nil
		r.Failure = &api.BatchAIError{
			Code:    api.Ptr(CodeMaxWallClockTimeExpired),
			Message: api.Ptr("The job ran longer than " + why + " and was stopped."),
		}
	}
	return r
}
