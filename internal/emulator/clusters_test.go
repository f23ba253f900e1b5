package emulator_test

import (
	"strings"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// TestClusterCreateLRO follows the recorded flow: 202 with an empty body, both polling URLs and no
// Retry-After, the cluster readable at once ("succeeded", allocation "resizing", no nodes yet), the
// operation InProgress then Succeeded with the service's resourceId, and both URLs readable after
// completion.
func TestClusterCreateLRO(t *testing.T) {
	c := newPausedClient(t, func(cfg *emulator.Config) {
		cfg.OperationDelay = 200 * time.Millisecond
		cfg.AllocationDelay = 100 * time.Millisecond
	})
	c.createWorkspace("rg", "ws")
	r := c.must(202, "PUT", c.cluster("rg", "ws", "c1")+apiVersion, clusterBody(2))
	async, loc := r.header.Get("Azure-AsyncOperation"), r.header.Get("Location")
	prefix := c.inst.Endpoint + c.sub() + "/providers/Microsoft.BatchAI/locations/eastus/"
	if len(r.body) != 0 || !strings.HasPrefix(async, prefix+"operationresults/") || !strings.HasSuffix(async, apiVersion) ||
		!strings.HasPrefix(loc, prefix+"operationstatuses/") || r.header.Get("Retry-After") != "" || r.header.Get("retry-after-ms") != "" {
		t.Fatalf("202: %v %q", r.header, r.body)
	}

	var cl api.Cluster
	c.must(200, "GET", c.cluster("rg", "ws", "c1")+apiVersion, nil).decode(t, &cl)
	p := cl.Properties
	if *p.ProvisioningState != "succeeded" || *p.AllocationState != "resizing" || *p.CurrentNodeCount != 0 {
		t.Errorf("right after create: %s %s %d", *p.ProvisioningState, *p.AllocationState, *p.CurrentNodeCount)
	}
	// Server defaults, secrets stripped.
	if *p.VMPriority != "dedicated" || *p.ScaleSettings.Manual.NodeDeallocationOption != "requeue" ||
		*p.VirtualMachineConfiguration.ImageReference.Offer != "UbuntuServer" ||
		p.UserAccountSettings.AdminUserPassword != nil || p.UserAccountSettings.AdminUserSSHPublicKey != nil ||
		*cl.Type != "Microsoft.BatchAI/workspaces/clusters" {
		t.Errorf("defaults/secrets: %+v", p)
	}

	var op api.OperationStatus
	r = c.must(200, "GET", async, nil)
	r.decode(t, &op)
	if *op.Status != "InProgress" || *op.ID != strings.TrimSuffix(async, apiVersion) || op.StartTime == nil ||
		op.EndTime != nil || r.header.Get("Retry-After") != "" {
		t.Errorf("first poll: %s", r.body)
	}
	opID := *op.Name
	if r := c.do("GET", loc, nil); r.status != 202 {
		t.Errorf("Location while running: %d %s", r.status, r.body)
	}

	op = c.waitOperation(async)
	if *op.Status != "Succeeded" || op.EndTime == nil || *op.Properties.ResourceID != c.inst.SubscriptionID+"$rg$ws$c1" {
		t.Errorf("final: %+v", op)
	}
	var again api.OperationStatus
	c.must(200, "GET", async, nil).decode(t, &again)
	if *again.Status != "Succeeded" || *again.Name != opID {
		t.Errorf("%s after completion: %+v", async, again)
	}
	// Location, once done, answers what a synchronous PUT would have: the cluster (ARM's Location contract).
	var final api.Cluster
	c.must(200, "GET", loc, nil).decode(t, &final)
	if *final.ID != c.cluster("rg", "ws", "c1") || *final.Name != "c1" || *final.Properties.ProvisioningState != "succeeded" {
		t.Errorf("Location after completion: %+v", final)
	}
	c.must(404, "GET", strings.Replace(async, opID, "00000000-0000-0000-0000-000000000000", 1), nil)
	c.must(404, "GET", strings.Replace(async, "/eastus/", "/westus/", 1), nil)

	c.waitFor("c1 steady", func() bool {
		c.must(200, "GET", c.cluster("rg", "ws", "c1")+apiVersion, nil).decode(t, &cl)
		return *cl.Properties.AllocationState == "steady"
	})
	if *cl.Properties.CurrentNodeCount != 2 || *cl.Properties.NodeStateCounts.IdleNodeCount != 2 {
		t.Errorf("after allocation: %+v", cl.Properties.NodeStateCounts)
	}
	c.checkNoSecrets()
}

func TestClusterPutIsIdempotent(t *testing.T) {
	c := newClient(t)
	c.createWorkspace("rg", "ws")
	c.createCluster("rg", "ws", "c1", clusterBody(1))
	var cl api.Cluster
	r := c.must(200, "PUT", c.cluster("rg", "ws", "c1")+apiVersion, clusterBody(1))
	r.decode(t, &cl)
	if *cl.Name != "c1" || r.header.Get("ETag") == "" {
		t.Errorf("re-PUT: %s", r.body)
	}
	// A scale change through PUT resizes, like PATCH.
	c.must(200, "PUT", c.cluster("rg", "ws", "c1")+apiVersion, clusterBody(3)).decode(t, &cl)
	if *cl.Properties.ScaleSettings.Manual.TargetNodeCount != 3 || *cl.Properties.AllocationState != "resizing" {
		t.Errorf("re-PUT with new scale: %+v", cl.Properties)
	}
	changed := clusterBody(1)
	obj(changed["properties"])["vmSize"] = "STANDARD_D2"
	r = c.do("PUT", c.cluster("rg", "ws", "c1")+apiVersion, changed)
	if r.status != 409 || r.code() != "PropertyChangeNotAllowed" {
		t.Errorf("changed vmSize: %d %s", r.status, r.body)
	}
	secret := clusterBody(1)
	obj(obj(secret["properties"])["userAccountSettings"])["adminUserPassword"] = "SENTINEL-OTHER"
	if r := c.do("PUT", c.cluster("rg", "ws", "c1")+apiVersion, secret); r.status != 409 || strings.Contains(string(r.body), "SENTINEL") {
		t.Errorf("changed password: %d %s", r.status, r.body)
	}
	c.checkNoSecrets()
}

func TestClusterPatch(t *testing.T) {
	c := newPausedClient(t)
	c.createWorkspace("rg", "ws")
	c.createCluster("rg", "ws", "c1", clusterBody(1))
	path := c.cluster("rg", "ws", "c1") + apiVersion
	before := c.must(200, "GET", path, nil).header.Get("ETag")

	var cl api.Cluster
	r := c.must(200, "PATCH", path, map[string]any{"properties": map[string]any{"scaleSettings": map[string]any{
		"autoScale": map[string]any{"minimumNodeCount": 0, "maximumNodeCount": 4}}}})
	r.decode(t, &cl)
	if r.header.Get("ETag") == before || cl.Properties.ScaleSettings.Manual != nil ||
		*cl.Properties.ScaleSettings.AutoScale.InitialNodeCount != 0 {
		t.Errorf("autoscale patch: %s", r.body)
	}
	// A resize while resizing is accepted.
	c.must(200, "PATCH", path, map[string]any{"properties": map[string]any{"scaleSettings": map[string]any{"manual": map[string]any{"targetNodeCount": 3}}}})
	c.must(200, "PATCH", path, map[string]any{"properties": map[string]any{"scaleSettings": map[string]any{"manual": map[string]any{"targetNodeCount": 4}}}}).decode(t, &cl)
	if *cl.Properties.AllocationState != "resizing" {
		t.Errorf("state %s", *cl.Properties.AllocationState)
	}
	c.waitFor("c1 steady at 4 nodes", func() bool {
		c.must(200, "GET", path, nil).decode(t, &cl)
		return *cl.Properties.AllocationState == "steady"
	})
	if *cl.Properties.CurrentNodeCount != 4 {
		t.Errorf("nodes %d", *cl.Properties.CurrentNodeCount)
	}

	cases := []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"vmSize", map[string]any{"properties": map[string]any{"vmSize": "STANDARD_D2", "scaleSettings": map[string]any{"manual": map[string]any{"targetNodeCount": 1}}}}, 400, "InvalidRequestContent"},
		{"top-level member", map[string]any{"location": "eastus", "properties": map[string]any{"scaleSettings": map[string]any{"manual": map[string]any{"targetNodeCount": 1}}}}, 400, "InvalidRequestContent"},
		{"no properties", map[string]any{}, 400, "MissingRequiredProperty"},
		{"no scaleSettings", map[string]any{"properties": map[string]any{}}, 400, "MissingRequiredProperty"},
		{"both scale kinds", map[string]any{"properties": map[string]any{"scaleSettings": map[string]any{
			"manual": map[string]any{"targetNodeCount": 1}, "autoScale": map[string]any{"minimumNodeCount": 0, "maximumNodeCount": 1}}}}, 400, ""},
		{"beyond quota", map[string]any{"properties": map[string]any{"scaleSettings": map[string]any{"manual": map[string]any{"targetNodeCount": 9}}}}, 409, "QuotaExceeded"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := c.do("PATCH", path, tc.body)
			if r.status != tc.status || (tc.code != "" && r.code() != tc.code) {
				t.Fatalf("got %d %q: %s", r.status, r.code(), r.body)
			}
			if tc.code == "QuotaExceeded" && (!strings.Contains(r.message(), "54") || !strings.Contains(r.message(), "48")) {
				t.Errorf("quota message lacks the numbers: %s", r.message())
			}
		})
	}
	r = c.do("PATCH", c.cluster("rg", "ws", "nope")+apiVersion, map[string]any{"properties": map[string]any{"scaleSettings": map[string]any{"manual": map[string]any{"targetNodeCount": 1}}}})
	if r.status != 404 || r.code() != "ClusterNotFound" || r.message() != "The specified cluster nope is not found" {
		t.Errorf("missing: %d %s", r.status, r.body)
	}
}

// TestClusterQuotaFailure: a create beyond quota is accepted, then its operation fails with the numbers
// and the cluster is left "failed"; a re-PUT after a quota increase provisions it.
func TestClusterQuotaFailure(t *testing.T) {
	c := newPausedClient(t, func(cfg *emulator.Config) { cfg.OperationDelay = 300 * time.Millisecond })
	c.createWorkspace("rg", "ws")
	r := c.must(202, "PUT", c.cluster("rg", "ws", "big")+apiVersion, clusterBody(10)) // 60 vCPUs > 48
	// A retried PUT while the create is running is a no-op showing the cluster "creating".
	var cl api.Cluster
	c.must(200, "PUT", c.cluster("rg", "ws", "big")+apiVersion, clusterBody(10)).decode(t, &cl)
	if *cl.Properties.ProvisioningState != "creating" || *cl.Properties.CurrentNodeCount != 0 {
		t.Errorf("while failing: %+v", cl.Properties)
	}
	op := c.waitOperation(r.header.Get("Azure-AsyncOperation"))
	if *op.Status != "Failed" || op.Error == nil || *op.Error.Code != "QuotaExceeded" ||
		!strings.Contains(*op.Error.Message, "60") || !strings.Contains(*op.Error.Message, "48") {
		t.Fatalf("operation: %+v %+v", op, op.Error)
	}
	if lr := c.do("GET", r.header.Get("Location"), nil); lr.status != 409 || lr.code() != "QuotaExceeded" {
		t.Errorf("Location of a failed operation: %d %s", lr.status, lr.body)
	}
	cl = api.Cluster{}
	c.must(200, "GET", c.cluster("rg", "ws", "big")+apiVersion, nil).decode(t, &cl)
	if *cl.Properties.ProvisioningState != "failed" || len(cl.Properties.Errors) != 1 || *cl.Properties.CurrentNodeCount != 0 {
		t.Errorf("failed cluster: %+v", cl.Properties)
	}
	if err := c.inst.Emulator.SetQuota("East US", quotaWith(100)); err != nil {
		t.Fatal(err)
	}
	r = c.must(202, "PUT", c.cluster("rg", "ws", "big")+apiVersion, clusterBody(10))
	if op := c.waitOperation(r.header.Get("Azure-AsyncOperation")); *op.Status != "Succeeded" {
		t.Errorf("retry after quota increase: %+v", op)
	}
}

func TestClusterDelete(t *testing.T) {
	c := newPausedClient(t, func(cfg *emulator.Config) { cfg.OperationDelay = 150 * time.Millisecond })
	c.createWorkspace("rg", "ws")
	c.createCluster("rg", "ws", "c1", clusterBody(2))
	path := c.cluster("rg", "ws", "c1") + apiVersion
	r := c.must(202, "DELETE", path, nil)
	async := r.header.Get("Azure-AsyncOperation")
	var cl api.Cluster
	c.must(200, "GET", path, nil).decode(t, &cl)
	if *cl.Properties.ProvisioningState != "deleting" {
		t.Errorf("state %s", *cl.Properties.ProvisioningState)
	}
	if r := c.do("PATCH", path, map[string]any{"properties": map[string]any{"scaleSettings": map[string]any{"manual": map[string]any{"targetNodeCount": 1}}}}); r.status != 409 {
		t.Errorf("resize while deleting: %d %s", r.status, r.body)
	}
	if again := c.must(202, "DELETE", path, nil); again.header.Get("Azure-AsyncOperation") != async {
		t.Error("second DELETE started another operation")
	}
	if op := c.waitOperation(async); *op.Status != "Succeeded" {
		t.Fatalf("delete: %+v", op)
	}
	c.must(404, "GET", path, nil)
	c.must(204, "DELETE", path, nil)
	c.must(204, "DELETE", c.cluster("rg", "nows", "c1")+apiVersion, nil)
}

func TestRemoteLoginAndUsages(t *testing.T) {
	c := newClient(t, func(cfg *emulator.Config) { cfg.PageSize = 2 })
	c.createWorkspace("rg", "ws")
	c.createCluster("rg", "ws", "c1", clusterBody(3))
	path := c.cluster("rg", "ws", "c1")
	c.waitFor("c1 steady", func() bool {
		var cl api.Cluster
		c.must(200, "GET", path+apiVersion, nil).decode(t, &cl)
		return *cl.Properties.AllocationState == "steady"
	})
	var logins []api.RemoteLoginInformation
	next := path + "/listRemoteLoginInformation" + apiVersion
	for method := "POST"; next != ""; method = "GET" {
		var page api.RemoteLoginInformationListResult
		c.must(200, method, next, nil).decode(t, &page)
		logins = append(logins, page.Value...)
		next = api.Deref(page.NextLink)
	}
	if len(logins) != 3 {
		t.Fatalf("%d logins", len(logins))
	}
	ports := map[int32]bool{}
	for _, l := range logins {
		ports[*l.Port] = true
		if *l.IPAddress != *logins[0].IPAddress || !strings.HasPrefix(*l.NodeID, "tvm-") {
			t.Errorf("login %+v", l)
		}
	}
	if len(ports) != 3 {
		t.Errorf("ports not distinct: %v", ports)
	}
	c.must(405, "GET", path+"/listRemoteLoginInformation"+apiVersion, nil)
	c.must(404, "POST", c.cluster("rg", "ws", "nope")+"/listRemoteLoginInformation"+apiVersion, nil)

	var usages []api.Usage
	next = c.sub() + "/providers/Microsoft.BatchAI/locations/eastus/usages" + apiVersion
	for next != "" {
		var page api.ListUsagesResult
		c.must(200, "GET", next, nil).decode(t, &page)
		usages = append(usages, page.Value...)
		next = api.Deref(page.NextLink)
	}
	got := map[string][2]int64{}
	for _, u := range usages {
		got[*u.Name.Value] = [2]int64{int64(*u.CurrentValue), *u.Limit}
	}
	if got["Clusters"] != [2]int64{1, 20} || got["Total Cluster Dedicated Regional vCPUs"] != [2]int64{18, 48} ||
		got["Standard NC Family Cluster Dedicated vCPUs"][0] != 18 {
		t.Errorf("usages %v", got)
	}
	c.must(400, "GET", c.sub()+"/providers/Microsoft.BatchAI/locations/atlantis/usages"+apiVersion, nil)
}

// TestPreemptAndFailNextOperation: preempted nodes are "leaving" for the provisioning delay, then replaced;
// injected operation failures fail a create and a delete. The clock is paused: on the wall clock the 50 ms in
// which the nodes are leaving could pass before the GET that looks at them.
func TestPreemptAndFailNextOperation(t *testing.T) {
	c := newPausedClient(t)
	c.createWorkspace("rg", "ws")
	low := clusterBody(2)
	obj(low["properties"])["vmPriority"] = "lowpriority"
	c.createCluster("rg", "ws", "low", low)
	id := c.cluster("rg", "ws", "low")
	c.waitFor("low steady at 2 nodes", func() bool {
		var cl api.Cluster
		c.must(200, "GET", id+apiVersion, nil).decode(t, &cl)
		return *cl.Properties.CurrentNodeCount == 2 && *cl.Properties.AllocationState == "steady"
	})
	n, err := c.inst.Emulator.PreemptLowPriority(id)
	if err != nil || n != 2 {
		t.Fatalf("preempt: %d %v", n, err)
	}
	var cl api.Cluster
	c.must(200, "GET", id+apiVersion, nil).decode(t, &cl)
	if *cl.Properties.NodeStateCounts.LeavingNodeCount != 2 || *cl.Properties.AllocationState != "resizing" {
		t.Errorf("after preemption: %s %+v", *cl.Properties.AllocationState, cl.Properties.NodeStateCounts)
	}
	c.waitFor("low replaced its preempted nodes", func() bool {
		c.must(200, "GET", id+apiVersion, nil).decode(t, &cl)
		return *cl.Properties.AllocationState == "steady"
	})
	if counts := cl.Properties.NodeStateCounts; *counts.IdleNodeCount != 2 || *counts.LeavingNodeCount != 0 {
		t.Errorf("after the replacements: %+v", counts)
	}

	c.inst.Emulator.FailNextOperation(emulator.OperationFailure{PathContains: "/clusters/doomed", Code: "InternalError", Message: "boom"})
	op := c.createCluster("rg", "ws", "doomed", clusterBody(1))
	if *op.Status != "Failed" || *op.Error.Code != "InternalError" || *op.Error.Message != "boom" {
		t.Errorf("injected failure: %+v", op)
	}
	c.must(200, "GET", c.cluster("rg", "ws", "doomed")+apiVersion, nil).decode(t, &cl)
	if *cl.Properties.ProvisioningState != "failed" {
		t.Errorf("state %s", *cl.Properties.ProvisioningState)
	}
	// Deletes can fail too: the cluster stays, failed.
	c.inst.Emulator.FailNextOperation(emulator.OperationFailure{PathContains: "/clusters/low"})
	r := c.must(202, "DELETE", id+apiVersion, nil)
	if op := c.waitOperation(r.header.Get("Azure-AsyncOperation")); *op.Status != "Failed" {
		t.Errorf("delete with injected failure: %+v", op)
	}
	c.must(200, "GET", id+apiVersion, nil).decode(t, &cl)
	if *cl.Properties.ProvisioningState != "failed" {
		t.Errorf("state after failed delete %s", *cl.Properties.ProvisioningState)
	}
	// Deleting a failed cluster works.
	r = c.must(202, "DELETE", id+apiVersion, nil)
	if op := c.waitOperation(r.header.Get("Azure-AsyncOperation")); *op.Status != "Succeeded" {
		t.Errorf("delete of failed cluster: %+v", op)
	}
}
