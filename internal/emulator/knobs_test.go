package emulator_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/sim"
)

// TestConsistencyLag: every create or change (PUT, PATCH) of a workspace, cluster, file server, experiment or
// job makes the next N GETs of that resource answer 404 with its own code; lists, polls, child writes and
// other resources see it at once; a failed write arms nothing.
func TestConsistencyLag(t *testing.T) {
	c := newClient(t, func(cfg *emulator.Config) { cfg.ConsistencyLag = 2 })
	lagged := func(path, code string) {
		t.Helper()
		for i := range 2 {
			if r := c.do("GET", path, nil); r.status != 404 || r.code() != code {
				t.Fatalf("read %d of %s: %d %s, want 404 %s", i, path, r.status, r.body, code)
			}
		}
		c.must(200, "GET", path, nil)
	}
	c.createGroup("rg")
	ws := c.ws("rg", "ws") + apiVersion
	c.must(200, "PUT", ws, map[string]any{"location": "eastus"})
	// A child write and a list see the workspace while its GET lags.
	cluster := c.cluster("rg", "ws", "c1") + apiVersion
	r := c.must(202, "PUT", cluster, clusterBody(0))
	var list api.WorkspaceListResult
	c.must(200, "GET", c.sub()+"/resourceGroups/rg/providers/Microsoft.BatchAI/workspaces"+apiVersion, nil).decode(t, &list)
	if len(list.Value) != 1 {
		t.Errorf("a list lags too: %+v", list)
	}
	c.waitOperation(r.header.Get("Azure-AsyncOperation"))
	c.must(200, "POST", c.cluster("rg", "ws", "c1")+"/listRemoteLoginInformation"+apiVersion, nil)
	lagged(ws, "WorkspaceNotFound")
	lagged(cluster, "ClusterNotFound")

	// A change re-arms the lag; a failed one does not.
	c.must(200, "PATCH", ws, map[string]any{"tags": map[string]any{"a": "b"}})
	lagged(ws, "WorkspaceNotFound")
	c.must(200, "PATCH", cluster, scaleBody(1))
	lagged(cluster, "ClusterNotFound")
	c.must(200, "PUT", cluster, clusterBody(1)) // an idempotent repeat is a write too
	lagged(cluster, "ClusterNotFound")
	c.must(400, "PATCH", cluster, map[string]any{"properties": map[string]any{}})
	c.must(200, "GET", cluster, nil)

	fs := c.fileServer("rg", "ws", "fs") + apiVersion
	c.waitOperation(c.must(202, "PUT", fs, fileServerBody()).header.Get("Azure-AsyncOperation"))
	lagged(fs, "FileServerNotFound")

	// Experiments and jobs (on cluster c1 of rg/ws), created and repeated.
	exp := c.experiment("ws", "exp") + apiVersion
	c.must(200, "PUT", exp, nil)
	lagged(exp, "ExperimentNotFound")
	c.must(200, "PUT", exp, nil)
	lagged(exp, "ExperimentNotFound")
	job := c.job("exp", "j") + apiVersion
	c.must(202, "PUT", job, c.jobBody("true", 1))
	lagged(job, "JobNotFound")
	c.must(200, "PUT", job, c.jobBody("true", 1))
	lagged(job, "JobNotFound")

	// Turned off at run time: new writes arm nothing.
	c.inst.Emulator.SetConsistencyLag(0)
	c.must(200, "PATCH", ws, map[string]any{"tags": map[string]any{"a": "c"}})
	c.must(200, "GET", ws, nil)
}

func TestSetProvisioningDelay(t *testing.T) {
	c := newPausedClient(t)
	c.inst.Emulator.SetProvisioningDelay(time.Hour)
	c.createWorkspace("rg", "ws")
	c.createCluster("rg", "ws", "slow", clusterBody(1))
	// A minute is far past the test default of 50 ms and well inside the hour.
	c.clock.Advance(time.Minute)
	var cl api.Cluster
	c.must(200, "GET", c.cluster("rg", "ws", "slow")+apiVersion, nil).decode(t, &cl)
	if *cl.Properties.AllocationState != "resizing" || *cl.Properties.NodeStateCounts.PreparingNodeCount != 1 {
		t.Errorf("with an hour's delay: %s %+v", *cl.Properties.AllocationState, cl.Properties.NodeStateCounts)
	}
	c.clock.Advance(time.Hour)
	c.must(200, "GET", c.cluster("rg", "ws", "slow")+apiVersion, nil).decode(t, &cl)
	if *cl.Properties.AllocationState != "steady" || *cl.Properties.NodeStateCounts.IdleNodeCount != 1 {
		t.Errorf("an hour later: %s %+v", *cl.Properties.AllocationState, cl.Properties.NodeStateCounts)
	}
	q, err := c.inst.Emulator.Quota("East US")
	if err != nil || q.DedicatedVCPUs != 48 || q.Location != "eastus" {
		t.Errorf("default quota: %+v %v", q, err)
	}
	if err := c.inst.Emulator.SetQuota("atlantis", q); err == nil {
		t.Error("quota for an unknown location accepted")
	}
}

// TestOpenEndpoints: the identity and metadata endpoints need no token; ARM routes do.
func TestOpenEndpoints(t *testing.T) {
	c := newClient(t)
	c.token = ""
	r := c.do("GET", "/metadata/endpoints?api-version=2022-09-01", nil)
	var env struct {
		ResourceManager string `json:"resourceManager"`
		Authentication  struct {
			LoginEndpoint string `json:"loginEndpoint"`
		} `json:"authentication"`
	}
	if r.status != 200 || json.Unmarshal(r.body, &env) != nil || env.ResourceManager != c.inst.Endpoint+"/" ||
		env.Authentication.LoginEndpoint != c.inst.AuthorityHost {
		t.Errorf("metadata: %d %s", r.status, r.body)
	}
	if r := c.do("GET", "/"+c.inst.TenantID+"/v2.0/.well-known/openid-configuration", nil); r.status != 200 {
		t.Errorf("openid configuration: %d", r.status)
	}
	if r := c.do("GET", c.rg(c.inst.ResourceGroup)+rgVersion, nil); r.status != 401 || r.code() != "AuthenticationFailed" {
		t.Errorf("ARM without token: %d %s", r.status, r.body)
	}
}

// TestConfiguredQuota: ClusterQuota, DedicatedCoreQuota and LowPriorityCoreQuota set every location's
// quota (negative meaning none), Usages_List reports them, creates are held to them, and SetQuota still
// overrides one location.
func TestConfiguredQuota(t *testing.T) {
	c := newClient(t, func(cfg *emulator.Config) {
		cfg.ClusterQuota, cfg.DedicatedCoreQuota, cfg.LowPriorityCoreQuota = 2, 12, -1
	})
	limits := func(loc string) map[string]int64 {
		var page api.ListUsagesResult
		c.must(200, "GET", c.sub()+"/providers/Microsoft.BatchAI/locations/"+loc+"/usages"+apiVersion, nil).decode(t, &page)
		out := map[string]int64{}
		for _, u := range page.Value {
			out[*u.Name.Value] = *u.Limit
		}
		return out
	}
	for _, loc := range []string{"eastus", "westeurope"} {
		l := limits(loc)
		if l["Clusters"] != 2 || l["Total Cluster Dedicated Regional vCPUs"] != 12 || l["Total Cluster LowPriority Regional vCPUs"] != 0 {
			t.Errorf("%s limits: %v", loc, l)
		}
	}
	c.createWorkspace("rg", "ws")
	if op := c.createCluster("rg", "ws", "big", clusterBody(3)); api.Deref(op.Status) != "Failed" {
		t.Errorf("18 vCPUs over a quota of 12: %+v", op)
	}
	if op := c.createCluster("rg", "ws", "ok", clusterBody(2)); api.Deref(op.Status) != "Succeeded" {
		t.Errorf("12 vCPUs within a quota of 12: %+v", op)
	}
	if op := c.createCluster("rg", "ws", "third", clusterBody(0)); api.Deref(op.Status) != "Failed" ||
		!strings.Contains(api.Deref(op.Error.Message), "limit: 2 clusters") {
		t.Errorf("a third cluster over a quota of 2: %+v", op)
	}
	q := sim.DefaultQuota()
	q.Clusters = 7
	if err := c.inst.Emulator.SetQuota("westeurope", q); err != nil {
		t.Fatal(err)
	}
	if l := limits("westeurope"); l["Clusters"] != 7 || l["Total Cluster Dedicated Regional vCPUs"] != 48 {
		t.Errorf("westeurope after SetQuota: %v", l)
	}
	if l := limits("eastus"); l["Clusters"] != 2 {
		t.Errorf("eastus after SetQuota elsewhere: %v", l)
	}
}

// TestPreCreatedResourceGroups: Config.ResourceGroups are created on start beside the default group (in the
// default location unless named), kept on restart, and a conflicting location or an invalid name is refused.
func TestPreCreatedResourceGroups(t *testing.T) {
	groups := []emulator.ResourceGroup{{Name: "myresourcegroup"}, {Name: "batchai-rg", Location: "West Europe"}}
	c := newClient(t, func(cfg *emulator.Config) { cfg.ResourceGroups = groups })
	for name, loc := range map[string]string{"myresourcegroup": "eastus", "batchai-rg": "westeurope", c.inst.ResourceGroup: "eastus"} {
		var g api.ResourceGroup
		c.must(200, "GET", c.rg(name)+rgVersion, nil).decode(t, &g)
		if api.Deref(g.Location) != loc {
			t.Errorf("group %s in %q, want %q", name, api.Deref(g.Location), loc)
		}
	}
	c.must(200, "PUT", c.ws("batchai-rg", "ws")+apiVersion, map[string]any{"location": "westeurope"})
	inst2 := c.inst.Restart(t)
	c2 := &client{t: t, inst: inst2, http: inst2.HTTPClient(), token: c.token}
	c2.must(200, "GET", c2.ws("batchai-rg", "ws")+apiVersion, nil)

	dir := inst2.DataDir
	if err := inst2.Emulator.Close(); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]emulator.ResourceGroup{{{Name: "batchai-rg", Location: "eastus"}}, {{Name: "bad/name"}}, {{Name: "x", Location: "mars"}}} {
		if e, err := emulator.New(emulator.Config{DataDir: dir, ResourceGroups: bad}); err == nil {
			_ = e.Close()
			t.Errorf("New accepted resource groups %+v", bad)
		}
	}
	if g, err := emulator.ParseResourceGroup("batchai-rg@westeurope"); err != nil || g != (emulator.ResourceGroup{Name: "batchai-rg", Location: "westeurope"}) {
		t.Errorf("ParseResourceGroup: %+v %v", g, err)
	}
	if _, err := emulator.ParseResourceGroup("rg@atlantis"); err == nil || !strings.Contains(err.Error(), "atlantis") {
		t.Errorf("ParseResourceGroup(rg@atlantis): %v", err)
	}
}
