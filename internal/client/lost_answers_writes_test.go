package client_test

import (
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/emulatortest"
)

// The job POSTs and the DELETEs lose their answers too: terminate and DELETE (idempotent) are sent again,
// listOutputFiles and listRemoteLoginInformation (reads) are asked again.

// lostAnswerJob is lostAnswerClient (two retries) with an experiment and a job that runs for an hour on c1.
func lostAnswerJob(t *testing.T) (*client.Client, *emulatortest.Instance, api.JobID) {
	t.Helper()
	c, inst, cid := lostAnswerClient(t)
	ctx := t.Context()
	xid := api.ExperimentID{SubscriptionID: cid.SubscriptionID, ResourceGroup: cid.ResourceGroup, Workspace: cid.Workspace, Name: "exp"}
	xp, err := c.BeginCreateExperiment(ctx, xid)
	if err == nil {
		_, err = xp.Wait(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	id := api.JobID{SubscriptionID: xid.SubscriptionID, ResourceGroup: xid.ResourceGroup, Workspace: xid.Workspace, Experiment: xid.Name, Name: "long"}
	p, err := c.BeginCreateJob(ctx, id, jobParams(cid, "echo started; sleep 3600"))
	if err == nil {
		_, err = p.Wait(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	waitJob(t, ctx, c, id, "running", executionState(api.ExecutionStateRunning))
	return c, inst, id
}

// TestTerminateJobSurvivesALostAnswer: the terminate POST was processed, its answer dropped, and azcore's two
// retries refused (503): the POST is sent again (terminating a terminating job is harmless), and the job ends
// terminated.
func TestTerminateJobSurvivesALostAnswer(t *testing.T) {
	c, inst, id := lostAnswerJob(t)
	loseAnswer(inst, "POST", "/terminate", emulator.FaultDrop)
	p, err := c.BeginTerminateJob(t.Context(), id)
	if err != nil {
		t.Fatalf("terminate after a dropped answer and two refused retries: %v", err)
	}
	if _, err := p.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	j, err := c.GetJob(t.Context(), id)
	if err != nil || api.Deref(j.Properties.ExecutionState) != api.ExecutionStateFailed ||
		len(j.Properties.ExecutionInfo.Errors) == 0 || api.Deref(j.Properties.ExecutionInfo.Errors[0].Code) != "JobTerminated" {
		t.Fatalf("after terminate: %+v %v", j.Properties, err)
	}
	if n := inst.Emulator.RequestCount("POST", "/terminate"); n != 4 {
		t.Errorf("%d terminate POSTs, want 4 (the dropped one, two refused retries, the one sent again)", n)
	}
	if got := inst.Emulator.FaultCounts()[emulator.FaultDrop]; got != 1 {
		t.Errorf("the drop was not injected: %v", inst.Emulator.FaultCounts())
	}
}

// TestListOutputFilesSurvivesLostAnswers: listOutputFiles is a POST that only reads; a truncated answer (which
// azcore does not retry for a POST) and a dropped one followed by refused retries are both simply asked again.
func TestListOutputFilesSurvivesLostAnswers(t *testing.T) {
	c, inst, id := lostAnswerJob(t)
	opts := client.OutputFilesOptions{OutputDirectoryID: api.OutputDirectoryStdOutErr}
	want, err := c.ListOutputFiles(t.Context(), id, opts)
	if err != nil || len(want) == 0 {
		t.Fatalf("the files of the running job: %+v %v", want, err)
	}
	for _, faults := range [][]emulator.Fault{
		{{Method: "POST", PathContains: "/listOutputFiles", Kind: emulator.FaultTruncate}},
		{{Method: "POST", PathContains: "/listOutputFiles", Kind: emulator.FaultDrop},
			{Method: "POST", PathContains: "/listOutputFiles", Status: 502, RetryAfter: time.Millisecond, Times: 2}},
	} {
		before := inst.Emulator.RequestCount("POST", "/listOutputFiles")
		for _, f := range faults {
			inst.Emulator.InjectFault(f)
		}
		files, err := c.ListOutputFiles(t.Context(), id, opts)
		if err != nil || len(files) != len(want) {
			t.Fatalf("after %s: %d files (want %d), %v", faults[0].Kind, len(files), len(want), err)
		}
		wantPosts := 2 // the lost one and the one asked again
		if len(faults) > 1 {
			wantPosts = 4 // the dropped one, two refused retries, the one asked again
		}
		if n := inst.Emulator.RequestCount("POST", "/listOutputFiles") - before; n != wantPosts {
			t.Errorf("after %s: %d POSTs, want %d", faults[0].Kind, n, wantPosts)
		}
	}
}

// TestJobRemoteLoginSurvivesLostAnswers: the job's listRemoteLoginInformation, like the cluster's.
func TestJobRemoteLoginSurvivesLostAnswers(t *testing.T) {
	c, inst, id := lostAnswerJob(t)
	inst.Emulator.InjectFault(emulator.Fault{Method: "POST", PathContains: "/jobs/long/listRemoteLoginInformation", Kind: emulator.FaultTruncate})
	nodes, err := c.ListJobRemoteLoginInformation(t.Context(), id)
	if err != nil || len(nodes) != 1 {
		t.Fatalf("after a truncated answer: %+v %v", nodes, err)
	}
	if n := inst.Emulator.RequestCount("POST", "/jobs/long/listRemoteLoginInformation"); n != 2 {
		t.Errorf("%d POSTs, want 2", n)
	}
}

// TestDeleteSurvivesALostAnswer: the cluster DELETE was processed, its answer dropped and azcore's two retries
// refused (503): the DELETE is sent again (the deleting cluster answers with its operation), and the deletion
// is waited for to the end.
func TestDeleteSurvivesALostAnswer(t *testing.T) {
	c, inst, id := lostAnswerClient(t)
	loseAnswer(inst, "DELETE", "/clusters/c1", emulator.FaultDrop)
	p, err := c.BeginDeleteCluster(t.Context(), id)
	if err != nil {
		t.Fatalf("delete after a dropped answer and two refused retries: %v", err)
	}
	if _, err := p.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetCluster(t.Context(), id); !client.IsNotFound(err) {
		t.Errorf("after the delete: %v, want a 404", err)
	}
	if n := inst.Emulator.RequestCount("DELETE", "/clusters/c1"); n != 4 {
		t.Errorf("%d DELETEs, want 4 (the dropped one, two refused retries, the one sent again)", n)
	}
}
