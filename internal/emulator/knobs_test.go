package emulator_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// TestConsistencyLag: every create or change (PUT, PATCH) of a workspace, cluster or file server makes the
// next N GETs of that resource answer 404 with its own code; lists, polls, child writes and other resources
// see it at once; a failed write arms nothing.
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
