package emulator_test

import (
	"net/http"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/emulatortest"
)

// TestEndToEndWithAzidentity gets a token the way every client does (azidentity over TLS against the
// emulator's authority) and uses it on an ARM route.
func TestEndToEndWithAzidentity(t *testing.T) {
	inst := emulatortest.Start(t)
	tok, err := inst.Credential(t).GetToken(t.Context(), policy.TokenRequestOptions{
		Scopes: []string{inst.Audience + ".default"},
	})
	if err != nil {
		t.Fatalf("GetToken: %v", err)
	}
	c := &client{t: t, inst: inst, http: inst.HTTPClient(), token: tok.Token}
	r := c.must(http.StatusOK, "GET", c.rg(inst.ResourceGroup)+"?api-version=2021-04-01", nil)
	if r.header.Get("x-ms-request-id") == "" {
		t.Error("no x-ms-request-id")
	}
	c.createWorkspace("rg1", "ws1")
	op := c.createCluster("rg1", "ws1", "c1", clusterBody(2))
	if got := *op.Status; got != "Succeeded" {
		t.Fatalf("create status %s: %+v", got, op)
	}
	r = c.must(http.StatusOK, "GET", c.cluster("rg1", "ws1", "c1")+apiVersion, nil)
	t.Logf("%s", r.body)
}
