package emulator_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/emulatortest"
)

// job is the path of a job of experiment exp in rg/ws.
func (c *client) job(exp, name string) string { return c.experiment("ws", exp) + "/jobs/" + name }

// jobBody is a valid job on cluster c1 of rg/ws, with a sentinel secret.
func (c *client) jobBody(commandLine string, nodes int) map[string]any {
	return map[string]any{"properties": map[string]any{
		"cluster":               map[string]any{"id": c.cluster("rg", "ws", "c1")},
		"nodeCount":             nodes,
		"stdOutErrPathPrefix":   "$AZ_BATCHAI_MOUNT_ROOT/azfiles",
		"customToolkitSettings": map[string]any{"commandLine": commandLine},
		"secrets":               []any{map[string]any{"name": "TOKEN", "value": "SENTINEL-JOB-SECRET"}},
	}}
}

func (c *client) getJob(name string) api.Job {
	c.t.Helper()
	var j api.Job
	c.must(200, "GET", c.job("exp", name)+apiVersion, nil).decode(c.t, &j)
	return j
}

// jobWorld is a workspace rg/ws with experiment exp and a cluster c1 whose nodes are idle, on a clock the
// test moves; jobs run 30 s.
func jobWorld(t *testing.T, cluster map[string]any, opts ...func(*emulator.Config)) (*client, *emulatortest.Clock) {
	t.Helper()
	c, clock := clockedClient(t, append([]func(*emulator.Config){func(cfg *emulator.Config) { cfg.JobDuration = 30 * time.Second }}, opts...)...)
	c.createWorkspace("rg", "ws")
	c.must(200, "PUT", c.experiment("ws", "exp")+apiVersion, nil)
	c.must(202, "PUT", c.cluster("rg", "ws", "c1")+apiVersion, cluster)
	clock.Advance(10 * time.Second)
	return c, clock
}

func TestJobLifecycle(t *testing.T) {
	c, clock := jobWorld(t, clusterBody(1))
	nf := c.do("GET", c.job("exp", "job")+apiVersion, nil)
	if nf.status != 404 || nf.code() != "JobNotFound" || nf.message() != "The specified job job is not found" {
		t.Fatalf("missing job: %d %s", nf.status, nf.body)
	}
	r := c.must(202, "PUT", c.job("exp", "job")+apiVersion, c.jobBody("echo hi", 1))
	async, loc := r.header.Get("Azure-AsyncOperation"), r.header.Get("Location")
	if len(r.body) != 0 || !strings.Contains(async, "/locations/eastus/operationresults/") || !strings.Contains(loc, "/operationstatuses/") {
		t.Fatalf("202: %v %s", r.header, r.body)
	}
	first := c.do("GET", c.job("exp", "job")+apiVersion, nil)
	var j api.Job
	first.decode(t, &j)
	p := j.Properties
	if *j.Type != "Microsoft.BatchAI/workspaces/experiments/jobs" || *p.ProvisioningState != "creating" || *p.ExecutionState != "queued" ||
		*p.ExecutionStateTransitionTime != *p.CreationTime || p.ExecutionInfo != nil || *p.ToolType != "custom" ||
		*p.SchedulingPriority != "normal" || *p.Constraints.MaxWallClockTime != "P150D" || *p.Constraints.MaxAttempts != 5 ||
		*p.ExperimentName != "exp" || *p.CoreCountPerNode != 0 {
		t.Fatalf("right after the PUT: %s", first.body)
	}
	if seg := *p.JobOutputDirectoryPathSegment; !strings.HasPrefix(seg, c.inst.SubscriptionID+"/rg/workspaces/ws/experiments/exp/jobs/job/") {
		t.Errorf("output segment %s", seg)
	}
	etag, modified := first.header.Get("ETag"), first.header.Get("Last-Modified")

	clock.Advance(2 * time.Second)
	op := c.waitOperation(async)
	if *op.Status != "Succeeded" || *op.Properties.ResourceID != c.inst.SubscriptionID+"$rg$ws$exp$job" {
		t.Fatalf("operation: %+v", op)
	}
	running := c.do("GET", c.job("exp", "job")+apiVersion, nil)
	running.decode(t, &j)
	p = j.Properties
	if *p.ProvisioningState != "succeeded" || *p.ExecutionState != "running" || *p.ExecutionInfo.ExitCode != 0 ||
		p.ExecutionInfo.EndTime != nil || *p.CoreCountPerNode != 6 || *p.VMSize != "STANDARD_NC6" {
		t.Fatalf("running: %s", running.body)
	}
	if n := c.getCluster("c1").Properties.NodeStateCounts; *n.RunningNodeCount != 1 || *n.IdleNodeCount != 0 {
		t.Errorf("cluster while the job runs: %+v", n)
	}
	var logins api.RemoteLoginInformationListResult
	c.must(200, "POST", c.job("exp", "job")+"/listRemoteLoginInformation"+apiVersion, nil).decode(t, &logins)
	if len(logins.Value) != 1 || *logins.Value[0].Port != 50000 {
		t.Errorf("job nodes: %+v", logins.Value)
	}

	clock.Advance(30 * time.Second)
	done := c.do("GET", c.job("exp", "job")+apiVersion, nil)
	done.decode(t, &j)
	p = j.Properties
	if *p.ExecutionState != "succeeded" || *p.ExecutionInfo.ExitCode != 0 || p.ExecutionInfo.Errors != nil || p.ExecutionInfo.EndTime == nil {
		t.Fatalf("ended: %s", done.body)
	}
	// Execution progress never changes the etag or last-modified (recorded traffic).
	for _, resp := range []*response{running, done} {
		if resp.header.Get("ETag") != etag || resp.header.Get("Last-Modified") != modified {
			t.Errorf("etag %s / %s changed from %s / %s", resp.header.Get("ETag"), resp.header.Get("Last-Modified"), etag, modified)
		}
	}
	if n := c.getCluster("c1").Properties.NodeStateCounts; *n.IdleNodeCount != 1 {
		t.Errorf("cluster after the job: %+v", n)
	}
	c.must(200, "POST", c.job("exp", "job")+"/listRemoteLoginInformation"+apiVersion, nil).decode(t, &logins)
	if len(logins.Value) != 0 {
		t.Errorf("an ended job lists nodes: %+v", logins.Value)
	}
	c.checkNoSecrets()
}

func TestJobValidation(t *testing.T) {
	c, _ := jobWorld(t, clusterBody(2))
	c.createWorkspace("rg", "other")
	c.must(202, "PUT", c.cluster("rg", "other", "c9")+apiVersion, clusterBody(1))
	for _, tc := range []struct {
		name         string
		edit         func(p map[string]any)
		status       int
		code, target string
	}{
		{"missing cluster", func(p map[string]any) { p["cluster"] = map[string]any{"id": c.cluster("rg", "ws", "nope")} },
			400, "InvalidPropertyValue", "properties.cluster.id"},
		{"cluster of another workspace", func(p map[string]any) { p["cluster"] = map[string]any{"id": c.cluster("rg", "other", "c9")} },
			400, "InvalidPropertyValue", "properties.cluster.id"},
		{"the example's malformed cluster ID", func(p map[string]any) {
			p["cluster"] = map[string]any{"id": strings.Replace(c.cluster("rg", "ws", "c1"), "/workspaces/", "/workspace/", 1)}
		}, 400, "InvalidPropertyValue", "properties.cluster.id"},
		{"more nodes than the cluster has", func(p map[string]any) { p["nodeCount"] = 3 }, 400, "InvalidPropertyValue", "properties.nodeCount"},
		{"no toolkit", func(p map[string]any) { delete(p, "customToolkitSettings") }, 400, "MissingRequiredProperty", "properties"},
		{"unknown member", func(p map[string]any) { p["priority"] = "high" }, 400, "InvalidRequestContent", "properties.priority"},
	} {
		body := c.jobBody("true", 1)
		tc.edit(obj(body["properties"]))
		r := c.do("PUT", c.job("exp", "bad")+apiVersion, body)
		var ce api.CloudError
		r.decode(t, &ce)
		if r.status != tc.status || r.code() != tc.code || api.Deref(ce.Error.Target) != tc.target {
			t.Errorf("%s: %d %s", tc.name, r.status, r.body)
		}
	}
	if r := c.do("PUT", c.job("noexp", "j")+apiVersion, c.jobBody("true", 1)); r.status != 404 || r.code() != "ExperimentNotFound" {
		t.Errorf("missing experiment: %d %s", r.status, r.body)
	}
	if r := c.do("GET", c.job("exp", "bad")+apiVersion, nil); r.status != 404 {
		t.Errorf("a refused PUT created the job: %d", r.status)
	}
	// No update: the same body again is 200, any change 409.
	c.must(202, "PUT", c.job("exp", "j")+apiVersion, c.jobBody("true", 1))
	c.must(200, "PUT", c.job("exp", "j")+apiVersion, c.jobBody("true", 1))
	changed := c.jobBody("true", 1)
	obj(changed["properties"])["secrets"] = []any{map[string]any{"name": "TOKEN", "value": "SENTINEL-OTHER"}}
	if r := c.do("PUT", c.job("exp", "j")+apiVersion, changed); r.status != 409 || r.code() != "PropertyChangeNotAllowed" ||
		!strings.Contains(r.message(), "properties.secrets[0].value") {
		t.Errorf("changed secret: %d %s", r.status, r.body)
	}
	c.checkNoSecrets()
}

func TestJobTerminate(t *testing.T) {
	c, clock := jobWorld(t, clusterBody(1))
	c.must(202, "PUT", c.job("exp", "long")+apiVersion, c.jobBody("sleep 3600", 1))
	clock.Advance(2 * time.Second)
	if s := *c.getJob("long").Properties.ExecutionState; s != "running" {
		t.Fatalf("not running: %s", s)
	}
	r := c.must(202, "POST", c.job("exp", "long")+"/terminate"+apiVersion, nil)
	again := c.must(202, "POST", c.job("exp", "long")+"/terminate"+apiVersion, nil)
	if again.header.Get("Location") != r.header.Get("Location") || len(r.body) != 0 {
		t.Errorf("a second terminate started another operation")
	}
	if s := *c.getJob("long").Properties.ExecutionState; s != "terminating" {
		t.Errorf("after terminate: %s", s)
	}
	clock.Advance(2 * time.Second)
	if op := c.waitOperation(r.header.Get("Azure-AsyncOperation")); *op.Status != "Succeeded" {
		t.Fatalf("terminate operation: %+v", op)
	}
	p := c.getJob("long").Properties
	if *p.ExecutionState != "failed" || len(p.ExecutionInfo.Errors) != 1 || *p.ExecutionInfo.Errors[0].Code != "JobTerminated" || p.ExecutionInfo.ExitCode != nil {
		t.Errorf("terminated: %+v", p.ExecutionInfo)
	}
	// The Location URL of a finished terminate answers 200 with no body.
	if loc := c.do("GET", r.header.Get("Location"), nil); loc.status != 200 || len(loc.body) != 0 {
		t.Errorf("Location after terminate: %d %s", loc.status, loc.body)
	}
	// Terminating an ended job has nothing to do.
	if done := c.do("POST", c.job("exp", "long")+"/terminate"+apiVersion, nil); done.status != 200 || len(done.body) != 0 {
		t.Errorf("terminate of an ended job: %d %s", done.status, done.body)
	}
	if nf := c.do("POST", c.job("exp", "nope")+"/terminate"+apiVersion, nil); nf.status != 404 || nf.code() != "JobNotFound" {
		t.Errorf("terminate of a missing job: %d %s", nf.status, nf.body)
	}
}

func TestJobDeleteFreesItsNodes(t *testing.T) {
	c, clock := jobWorld(t, clusterBody(1))
	c.must(202, "PUT", c.job("exp", "first")+apiVersion, c.jobBody("sleep 3600", 1))
	c.must(202, "PUT", c.job("exp", "second")+apiVersion, c.jobBody("true", 1))
	clock.Advance(2 * time.Second)
	if s := *c.getJob("second").Properties.ExecutionState; s != "queued" {
		t.Fatalf("second job: %s", s)
	}
	r := c.must(202, "DELETE", c.job("exp", "first")+apiVersion, nil)
	// The node is free at once: the queued job starts.
	if s := *c.getJob("second").Properties.ExecutionState; s != "running" {
		t.Errorf("after the delete of the first job, the second is %s", s)
	}
	if p := c.getJob("first").Properties; *p.ProvisioningState != "deleting" {
		t.Errorf("deleting job: %s", *p.ProvisioningState)
	}
	clock.Advance(2 * time.Second)
	if op := c.waitOperation(r.header.Get("Azure-AsyncOperation")); *op.Status != "Succeeded" {
		t.Fatalf("delete operation: %+v", op)
	}
	c.must(404, "GET", c.job("exp", "first")+apiVersion, nil)
	c.must(204, "DELETE", c.job("exp", "first")+apiVersion, nil)

	var list api.JobListResult
	c.must(200, "GET", c.experiment("ws", "exp")+"/jobs"+apiVersion, nil).decode(t, &list)
	if len(list.Value) != 1 || *list.Value[0].Name != "second" {
		t.Errorf("list: %+v", list.Value)
	}
}

func TestDeletingParentsStopsJobs(t *testing.T) {
	t.Run("experiment", func(t *testing.T) {
		c, clock := jobWorld(t, clusterBody(1))
		c.must(202, "PUT", c.job("exp", "j")+apiVersion, c.jobBody("sleep 3600", 1))
		clock.Advance(2 * time.Second)
		r := c.must(202, "DELETE", c.experiment("ws", "exp")+apiVersion, nil)
		if n := c.getCluster("c1").Properties.NodeStateCounts; *n.IdleNodeCount != 1 {
			t.Errorf("the job of a deleted experiment still holds its node: %+v", n)
		}
		if p := c.getJob("j").Properties; *p.ProvisioningState != "deleting" {
			t.Errorf("job of a deleting experiment: %s", *p.ProvisioningState)
		}
		clock.Advance(2 * time.Second)
		c.waitOperation(r.header.Get("Azure-AsyncOperation"))
		c.must(200, "PUT", c.experiment("ws", "exp")+apiVersion, nil)
		c.must(404, "GET", c.job("exp", "j")+apiVersion, nil)
	})
	t.Run("cluster", func(t *testing.T) {
		c, clock := jobWorld(t, clusterBody(1))
		c.must(202, "PUT", c.job("exp", "j")+apiVersion, c.jobBody("sleep 3600", 1))
		clock.Advance(2 * time.Second)
		c.must(202, "DELETE", c.cluster("rg", "ws", "c1")+apiVersion, nil)
		p := c.getJob("j").Properties
		if *p.ExecutionState != "failed" || *p.ExecutionInfo.Errors[0].Code != "ClusterDeleted" {
			t.Errorf("job of a deleted cluster: %s %+v", *p.ExecutionState, p.ExecutionInfo)
		}
	})
}

func TestAutoScaleClusterGrowsForQueuedJobAndShrinks(t *testing.T) {
	auto := clusterBody(0)
	obj(auto["properties"])["scaleSettings"] = map[string]any{"autoScale": map[string]any{"minimumNodeCount": 0, "maximumNodeCount": 2}}
	c, clock := jobWorld(t, auto, func(cfg *emulator.Config) { cfg.ScaleDownDelay = time.Minute })
	if n := *c.getCluster("c1").Properties.CurrentNodeCount; n != 0 {
		t.Fatalf("idle auto-scale cluster has %d nodes", n)
	}
	c.must(202, "PUT", c.job("exp", "wide")+apiVersion, c.jobBody("echo wide", 2))
	clock.Advance(2 * time.Second)
	if p := c.getCluster("c1").Properties; *p.CurrentNodeCount != 2 || *p.AllocationState != "resizing" {
		t.Fatalf("no growth for the queued job: %d nodes, %s", *p.CurrentNodeCount, *p.AllocationState)
	}
	clock.Advance(10 * time.Second)
	if s := *c.getJob("wide").Properties.ExecutionState; s != "running" {
		t.Fatalf("job on the grown cluster: %s", s)
	}
	clock.Advance(30 * time.Second)
	if s := *c.getJob("wide").Properties.ExecutionState; s != "succeeded" {
		t.Fatalf("job: %s", s)
	}
	if n := *c.getCluster("c1").Properties.CurrentNodeCount; n != 2 {
		t.Errorf("shrunk before the scale-down delay: %d nodes", n)
	}
	clock.Advance(time.Minute + 10*time.Second)
	if p := c.getCluster("c1").Properties; *p.CurrentNodeCount != 0 || *p.AllocationState != "steady" {
		t.Errorf("after the delay: %d nodes, %s", *p.CurrentNodeCount, *p.AllocationState)
	}
}

func TestJobsSurviveARestart(t *testing.T) {
	c, clock := jobWorld(t, clusterBody(1))
	c.must(202, "PUT", c.job("exp", "j")+apiVersion, c.jobBody("sleep 100", 1))
	clock.Advance(10 * time.Second)
	if s := *c.getJob("j").Properties.ExecutionState; s != "running" {
		t.Fatalf("before the restart: %s", s)
	}
	inst := c.inst.Restart(t)
	c2 := &client{t: t, inst: inst, http: inst.HTTPClient(), token: inst.Token(t)}
	clock.Advance(time.Hour)
	p := c2.getJob("j").Properties
	if *p.ExecutionState != "succeeded" || *p.ExecutionInfo.EndTime != time.Date(2021, 2, 22, 11, 10, 58, 0, time.UTC).Format("2006-01-02T15:04:05.000Z") {
		t.Errorf("after the restart: %s, ended %v", *p.ExecutionState, api.Deref(p.ExecutionInfo.EndTime))
	}
}

func TestJobConsistencyLag(t *testing.T) {
	c, _ := jobWorld(t, clusterBody(1), func(cfg *emulator.Config) { cfg.ConsistencyLag = 1 })
	c.must(202, "PUT", c.job("exp", "j")+apiVersion, c.jobBody("true", 1))
	if r := c.do("GET", c.job("exp", "j")+apiVersion, nil); r.status != http.StatusNotFound || r.code() != "JobNotFound" {
		t.Errorf("first read after the create: %d %s", r.status, r.body)
	}
	c.must(200, "GET", c.job("exp", "j")+apiVersion, nil)
}

func TestJobListIsPaged(t *testing.T) {
	c, _ := jobWorld(t, clusterBody(1), func(cfg *emulator.Config) { cfg.PageSize = 2 })
	for _, n := range []string{"a", "b", "c"} {
		c.must(202, "PUT", c.job("exp", n)+apiVersion, c.jobBody("true", 1))
	}
	var names []string
	pages := 0
	for next := c.experiment("ws", "exp") + "/jobs" + apiVersion; next != ""; pages++ {
		var page api.JobListResult
		c.must(200, "GET", next, nil).decode(t, &page)
		for _, j := range page.Value {
			names = append(names, *j.Name)
		}
		next = api.Deref(page.NextLink)
	}
	if strings.Join(names, ",") != "a,b,c" || pages != 2 {
		t.Errorf("%d pages: %v", pages, names)
	}
	if r := c.do("GET", c.experiment("ws", "nope")+"/jobs"+apiVersion, nil); r.status != 404 || r.code() != "ExperimentNotFound" {
		t.Errorf("jobs of a missing experiment: %d %s", r.status, r.body)
	}
}
