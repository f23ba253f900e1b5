package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/emulatortest"
)

// TestAccWorkspace_forbidden: a principal without the role gets ARM's 403, and the provider's error names the
// principal and the action; the state is never emptied, neither by a refused write nor by a refused read.
func TestAccWorkspace_forbidden(t *testing.T) {
	t.Parallel()
	inst := testAccEmulatorInstance(t)
	info := inst.Info
	reader := info
	reader.ClientID, reader.ClientSecret = info.ReaderClientID, info.ReaderClientSecret
	config := func(who emulator.Info, tag string) string {
		return testAccProviderConfig(who) + fmt.Sprintf(`
resource "batchai_workspace" "test" {
  name                = "ws-forbidden"
  resource_group_name = %q
  location            = "eastus"
  tags                = { team = %q }
}
`, info.ResourceGroup, tag)
	}
	tagIs := func(v string) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(testAccWorkspaceAddr, tfjsonpath.New("tags").AtMapKey("team"), knownvalue.StringExact(v))
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckWorkspaceDestroyed(t, info),
		Steps: []resource.TestStep{
			{Config: config(info, "a"), ConfigStateChecks: []statecheck.StateCheck{tagIs("a")}},
			{
				// The reader may read (the refresh works) but not write.
				Config: config(reader, "b"),
				ExpectError: expectError("Error Updating Batch AI Workspace", "403 AuthorizationFailed",
					"The principal the provider authenticates as (object id "+info.ReaderObjectID+")",
					"is not allowed to perform Microsoft.BatchAI/workspaces/write",
					"az role assignment create --assignee-object-id "+info.ReaderObjectID,
					"--scope /subscriptions/"+info.SubscriptionID+"/resourceGroups/"+info.ResourceGroup,
					"Nothing was removed from the Terraform state"),
			},
			{
				// The refused update changed nothing: with the old tag, the reader's plan is empty.
				Config:             config(reader, "a"),
				ConfigPlanChecks:   resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks:  []statecheck.StateCheck{tagIs("a")},
				ExpectNonEmptyPlan: false,
			},
			{
				// Without any role, even the refresh is refused: an error, never "gone from state".
				PreConfig: func() { testAccRevokeRoles(t, inst, info.ReaderObjectID) },
				Config:    config(reader, "a"),
				ExpectError: expectError("Error Reading Batch AI Workspace", "403 AuthorizationFailed",
					"is not allowed to perform Microsoft.BatchAI/workspaces/read"),
			},
			{
				// The owner still finds the workspace in state, unchanged.
				Config:            config(info, "a"),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{tagIs("a")},
			},
		},
	})
}

// testAccRevokeRoles deletes every role assignment of a principal, through Microsoft.Authorization as the owner.
func testAccRevokeRoles(t *testing.T, inst *emulatortest.Instance, principalID string) {
	t.Helper()
	hc, token := inst.HTTPClient(), inst.Token(t)
	do := func(method, path string) *http.Response {
		req, err := http.NewRequest(method, inst.Endpoint+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	q := url.Values{"api-version": {"2022-04-01"}, "$filter": {"principalId eq '" + principalID + "'"}}
	resp := do(http.MethodGet, "/subscriptions/"+inst.SubscriptionID+"/providers/Microsoft.Authorization/roleAssignments?"+q.Encode())
	defer func() { _ = resp.Body.Close() }()
	var list struct {
		Value []struct {
			ID string `json:"id"`
		} `json:"value"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil || resp.StatusCode != http.StatusOK || len(list.Value) == 0 {
		t.Fatalf("listing the role assignments of %s: %d, %v, %d found", principalID, resp.StatusCode, err, len(list.Value))
	}
	for _, a := range list.Value {
		r := do(http.MethodDelete, a.ID+"?api-version=2022-04-01")
		_ = r.Body.Close()
		if r.StatusCode != http.StatusOK {
			t.Fatalf("deleting %s: %d", a.ID, r.StatusCode)
		}
		if !strings.Contains(a.ID, "/providers/Microsoft.Authorization/roleAssignments/") {
			t.Fatalf("unexpected assignment ID %s", a.ID)
		}
	}
}
