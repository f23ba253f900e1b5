package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// The batchai_job_terminate action, through `terraform apply -invoke` under a CLI that has actions, as the
// resize action's tests do.

// TestAccJobTerminateAction_invoke terminates a running job that Terraform manages: the action reports the job
// terminating, then ended as failed (JobTerminated); the next plan of the job's configuration is empty (what the
// action page and the jobs guide say); a second invoke, by the job's coordinates, finds the job ended and says
// so without an error or a request.
func TestAccJobTerminateAction_invoke(t *testing.T) {
	testAccSkipUnlessCLISupports(t, cliFeatureActions)
	t.Parallel()
	inst := testAccEmulatorInstance(t, func(c *emulator.Config) {
		c.JobDuration = time.Hour                 // it runs until terminated
		c.OperationDelay = 800 * time.Millisecond // the termination takes several polls
	})
	info := inst.Info
	id := testAccJobID(info, "long")
	w := newCLIWorkdir(t, map[string]string{"main.tf": testAccJobWorld(info, testAccOneNode,
		testAccJob(id.Name, "python train.py", "  wait_for_completion = false")) + fmt.Sprintf(`
action "batchai_job_terminate" "stop" {
  config {
    job_id = batchai_job.test.id
  }
}

action "batchai_job_terminate" "stop_by_name" {
  config {
    resource_group_name = %q
    workspace_name      = "ws"
    experiment_name     = "exp"
    job_name            = %q
    timeout             = "5m"
  }
}
`, info.ResourceGroup, id.Name)})
	w.mustRun("apply", "-no-color", "-input=false", "-auto-approve")
	if err := testAccAwaitJob(t, info, id, api.ExecutionStateRunning); err != nil {
		t.Fatal(err)
	}

	out := w.mustRun("apply", "-no-color", "-input=false", "-auto-approve", "-invoke=action.batchai_job_terminate.stop")
	for _, want := range []string{
		"Terminating job long (running).",
		"Job long: terminating.",
		"Job long has ended: failed: JobTerminated.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the output of -invoke lacks %q:\n%s", want, out)
		}
	}
	j, err := testAccClient(t, info).GetJob(testAccContext(t), id)
	if err != nil || api.Deref(api.Deref(j.Properties).ExecutionState) != api.ExecutionStateFailed {
		t.Fatalf("after the action the job is %q (err %v), want %q", api.Deref(api.Deref(j.Properties).ExecutionState), err, api.ExecutionStateFailed)
	}
	// The job resource stays: its read-only values follow the job, and nothing plans to run it again.
	plan, code := w.run("plan", "-no-color", "-input=false", "-detailed-exitcode")
	if code != 0 || !strings.Contains(plan, "No changes.") {
		t.Fatalf("after the terminate, terraform plan -detailed-exitcode exited %d, want 0 (no changes):\n%s", code, plan)
	}
	t.Logf("terraform plan after the terminate:\n%s", plan)
	w.mustRun("apply", "-no-color", "-input=false", "-auto-approve", "-refresh-only")
	if show := w.mustRun("state", "show", "-no-color", testAccJobAddr); !regexp.MustCompile(`execution_state\s+= "failed"`).MatchString(show) {
		t.Errorf("after apply -refresh-only the job's state does not say failed:\n%s", show)
	}

	terminates := inst.Emulator.RequestCount("POST", "/terminate")
	out = w.mustRun("apply", "-no-color", "-input=false", "-auto-approve", "-invoke=action.batchai_job_terminate.stop_by_name")
	if !strings.Contains(out, "Job long has already ended (failed: JobTerminated): nothing to terminate.") {
		t.Errorf("the output of -invoke on an ended job:\n%s", out)
	}
	if n := inst.Emulator.RequestCount("POST", "/terminate") - terminates; n != 0 {
		t.Errorf("terminating an ended job sent %d terminate request(s), want none", n)
	}
	w.mustRun("destroy", "-no-color", "-input=false", "-auto-approve")
}

// TestAccJobTerminateAction_refused: a missing job, and a missing experiment, are named; the configuration needs
// exactly one of job_id and job_name, and job_name needs its coordinates.
func TestAccJobTerminateAction_refused(t *testing.T) {
	testAccSkipUnlessCLISupports(t, cliFeatureActions)
	t.Parallel()
	inst := testAccEmulatorInstance(t)
	info := inst.Info
	job := testAccFinishedJob(t, info)
	missing := job
	missing.Name = "missing"
	w := newCLIWorkdir(t, map[string]string{"main.tf": testAccProviderConfig(info) + fmt.Sprintf(`
action "batchai_job_terminate" "missing_job" {
  config {
    job_id = %q
  }
}

action "batchai_job_terminate" "missing_experiment" {
  config {
    resource_group_name = %q
    workspace_name      = "ws"
    experiment_name     = "nope"
    job_name            = "hello"
  }
}
`, missing.String(), info.ResourceGroup)})
	out, code := w.run("apply", "-no-color", "-input=false", "-auto-approve", "-invoke=action.batchai_job_terminate.missing_job")
	if code == 0 || !expectError("Batch AI Job Not Found", `The job "missing" does not exist in experiment "exp"`).MatchString(out) {
		t.Errorf("a missing job: exit %d:\n%s", code, out)
	}
	out, code = w.run("apply", "-no-color", "-input=false", "-auto-approve", "-invoke=action.batchai_job_terminate.missing_experiment")
	if code == 0 || !expectError("Batch AI Experiment Not Found", `The experiment "nope" does not exist in workspace "ws"`).MatchString(out) {
		t.Errorf("a missing experiment: exit %d:\n%s", code, out)
	}
	if n := inst.Emulator.RequestCount("POST", "/terminate"); n != 0 {
		t.Errorf("the refused terminations sent %d request(s)", n)
	}

	for name, tc := range map[string]struct{ body, want string }{
		"neither":     {`timeout = "1m"`, "needs exactly one of `job_id` or `job_name`"},
		"both":        {fmt.Sprintf("job_id = %q\n    job_name = \"hello\"", job.String()), "job_id"},
		"coordinates": {`job_name = "hello"`, "resource_group_name"},
		"id":          {`job_id = "/subscriptions/s/resourceGroups/rg"`, "job_id"},
		"timeout":     {fmt.Sprintf("job_id = %q\n    timeout = \"soon\"", job.String()), "must be a duration greater than zero"},
	} {
		w.write("main.tf", testAccProviderConfig(info)+fmt.Sprintf(`
action "batchai_job_terminate" "bad" {
  config {
    %s
  }
}
`, tc.body))
		if out, code := w.run("validate", "-no-color"); code == 0 || !expectError(tc.want).MatchString(out) {
			t.Errorf("%s: terraform validate exited %d, want an error with %q:\n%s", name, code, tc.want, out)
		}
	}
}
