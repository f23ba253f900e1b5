package emulator_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// experiment is the path of an experiment of workspace ws in rg.
func (c *client) experiment(ws, name string) string { return c.ws("rg", ws) + "/experiments/" + name }

func TestExperimentPutWithOrWithoutBody(t *testing.T) {
	c := newClient(t)
	c.createWorkspace("rg", "ws")
	// No body at all, as the spec declares: 200 at once, succeeded (recorded traffic).
	r := c.must(200, "PUT", c.experiment("ws", "exp")+apiVersion, nil)
	var x api.Experiment
	r.decode(t, &x)
	if *x.ID != c.experiment("ws", "exp") || *x.Name != "exp" || *x.Type != "Microsoft.BatchAI/workspaces/experiments" ||
		*x.Properties.ProvisioningState != "succeeded" || x.Properties.CreationTime == nil ||
		*x.Properties.ProvisioningStateTransitionTime != *x.Properties.CreationTime {
		t.Fatalf("experiment: %s", r.body)
	}
	if r.header.Get("ETag") == "" || r.header.Get("Azure-AsyncOperation") != "" {
		t.Errorf("headers: %v", r.header)
	}
	// The example's {"properties":{}} and a bare {} are accepted too; an existing experiment is unchanged.
	for _, body := range []any{`{"properties":{}}`, `{}`, `{"properties":{"provisioningState":"failed"}}`} {
		again := c.must(200, "PUT", c.experiment("ws", "exp")+apiVersion, body)
		if again.header.Get("ETag") != r.header.Get("ETag") || !strings.Contains(string(again.body), `"succeeded"`) {
			t.Errorf("PUT %s of an existing experiment: %s %s", body, again.header.Get("ETag"), again.body)
		}
	}
	// Anything the spec does not define is refused, naming the member.
	for body, target := range map[string]string{
		`{"properties":{"description":"x"}}`: "properties.description",
		`{"location":"eastus"}`:              "location",
	} {
		bad := c.do("PUT", c.experiment("ws", "other")+apiVersion, body)
		if bad.status != http.StatusBadRequest || bad.code() != "InvalidRequestContent" || !strings.Contains(bad.message(), target) {
			t.Errorf("PUT %s: %d %s", body, bad.status, bad.body)
		}
	}
	if r := c.do("PUT", c.experiment("ws", "bad.name")+apiVersion, nil); r.status != 400 || r.code() != "InvalidResourceName" {
		t.Errorf("invalid name: %d %s", r.status, r.body)
	}
	if r := c.do("PUT", c.experiment("nows", "exp")+apiVersion, nil); r.status != 404 || r.code() != "WorkspaceNotFound" {
		t.Errorf("missing workspace: %d %s", r.status, r.body)
	}
}

func TestExperimentGetListDelete(t *testing.T) {
	c, clock := clockedClient(t, func(cfg *emulator.Config) { cfg.PageSize = 2 })
	c.createWorkspace("rg", "ws")
	nf := c.do("GET", c.experiment("ws", "nope")+apiVersion, nil)
	if nf.status != 404 || nf.code() != "ExperimentNotFound" || nf.message() != "The specified experiment nope is not found" {
		t.Errorf("missing experiment: %d %s", nf.status, nf.body)
	}
	for _, n := range []string{"e1", "e2", "e3"} {
		c.must(200, "PUT", c.experiment("ws", n)+apiVersion, nil)
	}
	var names []string
	next := c.ws("rg", "ws") + "/experiments" + apiVersion
	for pages := 0; next != ""; pages++ {
		if pages > 3 {
			t.Fatal("too many pages")
		}
		var page api.ExperimentListResult
		c.must(200, "GET", next, nil).decode(t, &page)
		for _, x := range page.Value {
			names = append(names, *x.Name)
		}
		next = api.Deref(page.NextLink)
	}
	if strings.Join(names, ",") != "e1,e2,e3" {
		t.Errorf("listed %v", names)
	}

	r := c.must(202, "DELETE", c.experiment("ws", "e2")+apiVersion, nil)
	again := c.must(202, "DELETE", c.experiment("ws", "e2")+apiVersion, nil)
	if again.header.Get("Location") != r.header.Get("Location") {
		t.Error("a second DELETE started another operation")
	}
	var x api.Experiment
	c.must(200, "GET", c.experiment("ws", "e2")+apiVersion, nil).decode(t, &x)
	if *x.Properties.ProvisioningState != "deleting" {
		t.Errorf("while deleting: %s", *x.Properties.ProvisioningState)
	}
	if put := c.do("PUT", c.experiment("ws", "e2")+apiVersion, nil); put.status != 409 {
		t.Errorf("PUT while deleting: %d %s", put.status, put.body)
	}
	clock.Advance(2 * time.Second)
	if op := c.waitOperation(r.header.Get("Azure-AsyncOperation")); *op.Status != "Succeeded" ||
		*op.Properties.ResourceID != c.inst.SubscriptionID+"$rg$ws$e2" {
		t.Errorf("operation: %+v", op)
	}
	c.must(404, "GET", c.experiment("ws", "e2")+apiVersion, nil)
	c.must(204, "DELETE", c.experiment("ws", "e2")+apiVersion, nil)
	c.must(204, "DELETE", c.experiment("nows", "e2")+apiVersion, nil)
}

func TestWorkspaceDeleteDeletesItsExperiments(t *testing.T) {
	c, clock := clockedClient(t)
	c.createWorkspace("rg", "ws")
	c.must(200, "PUT", c.experiment("ws", "exp")+apiVersion, nil)
	r := c.must(202, "DELETE", c.ws("rg", "ws")+apiVersion, nil)
	var x api.Experiment
	c.must(200, "GET", c.experiment("ws", "exp")+apiVersion, nil).decode(t, &x)
	if *x.Properties.ProvisioningState != "deleting" {
		t.Errorf("experiment of a deleting workspace: %s", *x.Properties.ProvisioningState)
	}
	clock.Advance(2 * time.Second)
	c.waitOperation(r.header.Get("Azure-AsyncOperation"))
	// A workspace created again under the same name starts empty.
	c.must(200, "PUT", c.ws("rg", "ws")+apiVersion, map[string]any{"location": "eastus"})
	if r := c.do("GET", c.experiment("ws", "exp")+apiVersion, nil); r.status != 404 || r.code() != "ExperimentNotFound" {
		t.Errorf("experiment survived its workspace: %d %s", r.status, r.body)
	}
}
