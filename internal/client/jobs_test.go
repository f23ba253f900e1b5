package client_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/emulatortest"
)

// jobsWorld is a workspace with a 1-node cluster c1 (once its node is idle) and an experiment exp.
func jobsWorld(t *testing.T, opts ...func(*emulator.Config)) (*client.Client, *emulatortest.Instance, api.ExperimentID, api.ClusterID) {
	t.Helper()
	c, inst := newEmulatorClient(t, opts...)
	ctx := t.Context()
	ws := createWorkspace(t, ctx, c, inst, "ws")
	cid := api.ClusterID{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Workspace: ws.Name, Name: "c1"}
	p, err := c.BeginCreateCluster(ctx, cid, manualCluster(1))
	if err == nil {
		_, err = p.Wait(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	xid := api.ExperimentID{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Workspace: ws.Name, Name: "exp"}
	polls := inst.Emulator.RequestCount("GET", "/operation")
	xp, err := c.BeginCreateExperiment(ctx, xid)
	if err != nil {
		t.Fatal(err)
	}
	x, err := xp.Wait(ctx)
	if err != nil || api.Deref(x.Properties.ProvisioningState) != api.ProvisioningStateSucceeded || api.Deref(x.Name) != "exp" {
		t.Fatalf("experiment: %+v %v", x, err)
	}
	if n := inst.Emulator.RequestCount("GET", "/operation") - polls; n != 0 {
		t.Errorf("an experiment PUT answers 200 at once (recorded), yet the client polled %d times", n)
	}
	return c, inst, xid, cid
}

func jobParams(cid api.ClusterID, commandLine string) api.JobCreateParameters {
	return api.JobCreateParameters{Properties: &api.JobBaseProperties{
		Cluster:               &api.ResourceID{ID: api.Ptr(cid.String())},
		NodeCount:             api.Ptr(int32(1)),
		StdOutErrPathPrefix:   api.Ptr("$AZ_BATCHAI_MOUNT_ROOT/azfiles"),
		CustomToolkitSettings: &api.CustomToolkitSettings{CommandLine: api.Ptr(commandLine)},
		OutputDirectories: []api.OutputDirectory{{ID: api.Ptr("OUTPUTS"), PathPrefix: api.Ptr("$AZ_BATCHAI_MOUNT_ROOT/azfiles"),
			PathSuffix: api.Ptr("files")}},
	}}
}

// waitJob polls a job until cond holds or 10 s pass.
func waitJob(t *testing.T, ctx context.Context, c *client.Client, id api.JobID, what string, cond func(api.Job) bool) api.Job {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		j, err := c.GetJob(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if cond(j) {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job never %s: %+v", what, j.Properties)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func executionState(s string) func(api.Job) bool {
	return func(j api.Job) bool { return api.Deref(j.Properties.ExecutionState) == s }
}

func TestEmulatorJobRunsAndItsOutputCanBeDownloaded(t *testing.T) {
	c, inst, xid, cid := jobsWorld(t, func(cfg *emulator.Config) { cfg.PageSize = 1 })
	ctx := t.Context()
	id := api.JobID{SubscriptionID: xid.SubscriptionID, ResourceGroup: xid.ResourceGroup, Workspace: xid.Workspace, Experiment: xid.Name, Name: "hi"}
	p, err := c.BeginCreateJob(ctx, id, jobParams(cid, "echo hi | tee $AZ_BATCHAI_OUTPUT_OUTPUTS/hi.txt"))
	if err != nil {
		t.Fatal(err)
	}
	created, err := p.Wait(ctx)
	if err != nil || api.Deref(created.Properties.ProvisioningState) != api.ProvisioningStateSucceeded {
		t.Fatalf("create: %+v %v", created.Properties, err)
	}
	done := waitJob(t, ctx, c, id, "succeeded", executionState(api.ExecutionStateSucceeded))
	if api.Deref(done.Properties.ExecutionInfo.ExitCode) != 0 || done.Properties.ExecutionInfo.EndTime == nil {
		t.Errorf("ended: %+v", done.Properties.ExecutionInfo)
	}
	// Paged (one file per page) and filtered by directory.
	files, err := c.ListOutputFiles(ctx, id, client.OutputFilesOptions{OutputDirectoryID: api.OutputDirectoryStdOutErr, LinkExpiryInMinutes: 5})
	if err != nil || len(files) != 3 {
		t.Fatalf("stdouterr: %+v %v", files, err)
	}
	var stdout string
	for _, f := range files {
		if api.Deref(f.Name) == "stdout.txt" {
			stdout = api.Deref(f.DownloadURL)
		}
	}
	if !strings.Contains(stdout, "se=") || !strings.Contains(stdout, "sig=") {
		t.Fatalf("download URL %q", stdout)
	}
	resp, err := inst.HTTPClient().Get(stdout) // the SAS is the only credential
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "hi\n" {
		t.Errorf("stdout.txt: %d %q", resp.StatusCode, body)
	}
	outs, err := c.ListOutputFiles(ctx, id, client.OutputFilesOptions{OutputDirectoryID: "OUTPUTS", Directory: ".", MaxResults: 10})
	if err != nil || len(outs) != 1 || api.Deref(outs[0].Name) != "hi.txt" || api.Deref(outs[0].Properties.ContentLength) != 3 {
		t.Fatalf("OUTPUTS: %+v %v", outs, err)
	}
	_, err = c.ListOutputFiles(ctx, id, client.OutputFilesOptions{OutputDirectoryID: "stdouterr", LinkExpiryInMinutes: 601})
	var e *client.Error
	if !errors.As(err, &e) || e.StatusCode != 400 || e.Code != "InvalidParameter" {
		t.Errorf("linkexpiryinminutes 601: %v", err)
	}
	jobs, err := c.ListJobs(ctx, xid)
	if err != nil || len(jobs) != 1 {
		t.Errorf("jobs: %+v %v", jobs, err)
	}
	exps, err := c.ListExperiments(ctx, xid.WorkspaceID())
	if err != nil || len(exps) != 1 {
		t.Errorf("experiments: %+v %v", exps, err)
	}
}

func TestEmulatorJobTerminateAndDelete(t *testing.T) {
	c, inst, xid, cid := jobsWorld(t)
	ctx := t.Context()
	id := func(name string) api.JobID {
		return api.JobID{SubscriptionID: xid.SubscriptionID, ResourceGroup: xid.ResourceGroup, Workspace: xid.Workspace, Experiment: xid.Name, Name: name}
	}
	p, err := c.BeginCreateJob(ctx, id("long"), jobParams(cid, "sleep 3600"))
	if err == nil {
		_, err = p.Wait(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	waitJob(t, ctx, c, id("long"), "running", executionState(api.ExecutionStateRunning))
	nodes, err := c.ListJobRemoteLoginInformation(ctx, id("long"))
	if err != nil || len(nodes) != 1 || api.Deref(nodes[0].Port) != 50000 {
		t.Fatalf("job nodes: %+v %v", nodes, err)
	}
	tp, err := c.BeginTerminateJob(ctx, id("long"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tp.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	j, err := c.GetJob(ctx, id("long"))
	if err != nil || api.Deref(j.Properties.ExecutionState) != api.ExecutionStateFailed ||
		api.Deref(j.Properties.ExecutionInfo.Errors[0].Code) != "JobTerminated" {
		t.Fatalf("after terminate: %+v %v", j.Properties, err)
	}
	// Terminating an ended job has nothing to do: 200, and nothing to poll.
	polls := inst.Emulator.RequestCount("GET", "/operation")
	again, err := c.BeginTerminateJob(ctx, id("long"))
	if err == nil {
		_, err = again.Wait(ctx)
	}
	if n := inst.Emulator.RequestCount("GET", "/operation") - polls; err != nil || n != 0 {
		t.Fatalf("terminate of an ended job: %v, %d polls", err, n)
	}
	dp, err := c.BeginDeleteJob(ctx, id("long"))
	if err == nil {
		_, err = dp.Wait(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetJob(ctx, id("long")); !client.IsNotFound(err) || client.ErrorCode(err) != "JobNotFound" {
		t.Fatalf("after delete: %v", err)
	}
	if _, err := c.BeginTerminateJob(ctx, id("long")); !client.IsNotFound(err) {
		t.Errorf("terminate of a deleted job: %v", err)
	}
	ep, err := c.BeginDeleteExperiment(ctx, xid)
	if err == nil {
		_, err = ep.Wait(ctx)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetExperiment(ctx, xid); client.ErrorCode(err) != "ExperimentNotFound" {
		t.Errorf("after delete: %v", err)
	}
}

func TestEmulatorFileServerMountedByCluster(t *testing.T) {
	c, inst := newEmulatorClient(t)
	ctx := t.Context()
	ws := createWorkspace(t, ctx, c, inst, "ws")
	fid := api.FileServerID{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Workspace: ws.Name, Name: "nfs"}
	p, err := c.BeginCreateFileServer(ctx, fid, api.FileServerCreateParameters{Properties: &api.FileServerBaseProperties{
		VMSize: api.Ptr("Standard_D2_v2"),
		SSHConfiguration: &api.SSHConfiguration{UserAccountSettings: &api.UserAccountSettings{
			AdminUserName: api.Ptr("admin"), AdminUserPassword: api.Ptr("S3cret-pw!"),
		}},
		DataDisks: &api.DataDisks{DiskSizeInGB: api.Ptr(int32(10)), DiskCount: api.Ptr(int32(2)), StorageAccountType: api.Ptr("Standard_LRS")},
	}})
	if err != nil {
		t.Fatal(err)
	}
	fs, err := p.Wait(ctx)
	if err != nil || api.Deref(fs.Properties.ProvisioningState) != api.ProvisioningStateSucceeded ||
		api.Deref(fs.Properties.MountSettings.FileServerInternalIP) == "" {
		t.Fatalf("file server: %+v %v", fs.Properties, err)
	}
	body := manualCluster(1)
	body.Properties.NodeSetup = &api.NodeSetup{MountVolumes: &api.MountVolumes{FileServers: []api.FileServerReference{{
		FileServer: &api.ResourceID{ID: api.Ptr(fid.String())}, RelativeMountPath: api.Ptr("nfs"),
	}}}}
	cid := api.ClusterID{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Workspace: ws.Name, Name: "c1"}
	cp, err := c.BeginCreateCluster(ctx, cid, body)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := cp.Wait(ctx)
	if err != nil || !strings.EqualFold(api.Deref(cl.Properties.Subnet.ID), api.Deref(fs.Properties.Subnet.ID)) {
		t.Fatalf("the cluster takes the file server's subnet: %+v %v", cl.Properties.Subnet, err)
	}
	list, err := c.ListFileServers(ctx, ws)
	if err != nil || len(list) != 1 {
		t.Errorf("file servers: %+v %v", list, err)
	}
}
