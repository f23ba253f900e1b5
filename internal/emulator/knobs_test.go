package emulator_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

func TestConsistencyLag(t *testing.T) {
	c := newClient(t, func(cfg *emulator.Config) { cfg.ConsistencyLag = 2 })
	c.createWorkspace("rg", "ws")
	c.must(202, "PUT", c.cluster("rg", "ws", "c1")+apiVersion, clusterBody(0))
	path := c.cluster("rg", "ws", "c1") + apiVersion
	for i := range 2 {
		if r := c.do("GET", path, nil); r.status != 404 || r.code() != "ClusterNotFound" {
			t.Fatalf("read %d: %d %s", i, r.status, r.body)
		}
	}
	c.must(200, "GET", path, nil)
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
