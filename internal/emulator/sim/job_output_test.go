package sim

import (
	"strings"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

func fileMap(files []OutputFile) map[string]string {
	m := map[string]string{}
	for _, f := range files {
		m[f.Path] = string(f.Content)
	}
	return m
}

func TestOutputFilesFollowTheCommandLines(t *testing.T) {
	p := jobProps("echo hi | tee $AZ_BATCHAI_OUTPUT_OUTPUTS/hi.txt; echo 'epoch 1' > $AZ_BATCHAI_OUTPUT_OUTPUTS/models/log.txt; "+
		"echo careful >&2; echo secret=$TOKEN; echo in=$AZ_BATCHAI_INPUT_INPUT", 1)
	p.JobPreparation = &api.JobPreparation{CommandLine: sptr("echo preparing; echo ready > $AZ_BATCHAI_OUTPUT_OUTPUTS/prep.txt")}
	p.InputDirectories = []api.InputDirectory{{ID: sptr("INPUT"), Path: sptr("$AZ_BATCHAI_MOUNT_ROOT/azfiles/input")}}
	p.OutputDirectories = []api.OutputDirectory{{ID: sptr("OUTPUTS"), PathPrefix: sptr("$AZ_BATCHAI_MOUNT_ROOT/azfiles/"), PathSuffix: sptr("files")}}
	p.Secrets = []api.EnvironmentVariableWithSecretValue{{Name: sptr("TOKEN"), Value: sptr(secrets[4])}}
	c := NewCluster(testClusterID, "demo_cluster", mustPrepare(t, minimalProps(1)), t0, jobCfg)
	c.Advance(at(10*sec), jobCfg)
	j := submit(t, c, "j", p, at(10*sec), jobCfg)

	// Nothing before the job starts; an unknown directory is refused.
	if files, ok := j.OutputFiles("stdouterr", jobCfg.JobDuration); !ok || len(files) != 0 {
		t.Errorf("queued job: %v %v", files, ok)
	}
	if _, ok := j.OutputFiles("NOPE", jobCfg.JobDuration); ok {
		t.Error("unknown output directory accepted")
	}
	c.Advance(at(12*sec), jobCfg)
	files, _ := j.OutputFiles("STDOUTERR", jobCfg.JobDuration)
	got := fileMap(files)
	want := map[string]string{
		"stdout.txt": "hi\nsecret=\nin=/mnt/batch/tasks/shared/LS_root/mounts/azfiles/input\n", "stderr.txt": "careful\n",
		"stdout-job_prep.txt": "preparing\n", "stderr-job_prep.txt": "",
	}
	for name, content := range want {
		if got[name] != content {
			t.Errorf("%s = %q, want %q", name, got[name], content)
		}
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.Path
	}
	if strings.Join(names, ",") != "execution.log,stderr-job_prep.txt,stderr.txt,stdout-job_prep.txt,stdout.txt" {
		t.Errorf("stdouterr: %v", names)
	}
	if log := got["execution.log"]; !strings.Contains(log, "Job j (attempt 1) started on 1 node(s) of size STANDARD_NC6") ||
		strings.Contains(log, "Job succeeded") {
		t.Errorf("execution log while running: %q", log)
	}
	outs, _ := j.OutputFiles("outputs", jobCfg.JobDuration)
	if m := fileMap(outs); len(m) != 3 || m["hi.txt"] != "hi\n" || m["models/log.txt"] != "epoch 1\n" || m["prep.txt"] != "ready\n" {
		t.Errorf("OUTPUTS: %q", m)
	}
	c.Advance(at(42*sec), jobCfg)
	files, _ = j.OutputFiles("stdouterr", jobCfg.JobDuration)
	if log := fileMap(files)["execution.log"]; !strings.HasSuffix(log, *formatTime(at(42 * sec))+" Job succeeded with exit code 0\n") {
		t.Errorf("execution log after the end: %q", log)
	}
	for _, f := range append(files, outs...) {
		if strings.Contains(string(f.Content), secrets[4]) {
			t.Errorf("%s holds the secret", f.Path)
		}
	}
}

func TestOutputFilesOfAFailedPreparation(t *testing.T) {
	p := jobProps("echo never", 1)
	p.JobPreparation = &api.JobPreparation{CommandLine: sptr("echo 'no such package' >&2; exit 5")}
	c := NewCluster(testClusterID, "demo_cluster", mustPrepare(t, minimalProps(1)), t0, jobCfg)
	c.Advance(at(10*sec), jobCfg)
	j := submit(t, c, "j", p, at(10*sec), jobCfg)
	c.Advance(at(time.Minute), jobCfg)
	files, _ := j.OutputFiles("stdouterr", jobCfg.JobDuration)
	got := fileMap(files)
	if _, ok := got["stdout.txt"]; ok || got["stderr-job_prep.txt"] != "no such package\n" ||
		!strings.Contains(got["execution.log"], "Job failed: JobPreparationFailed") {
		t.Errorf("files: %q", got)
	}
}
