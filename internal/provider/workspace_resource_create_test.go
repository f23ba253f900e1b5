package provider

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// TestWorkspaceRecordFailedCreate drives the path Terraform reaches when Azure accepted a create but the wait
// failed (timeout, interrupt, failed operation). Workspace creation in the emulator, as in recorded traffic,
// completes synchronously, so the path is exercised directly rather than through a Terraform run.
func TestWorkspaceRecordFailedCreate(t *testing.T) {
	t.Parallel()
	inst := testAccEmulatorInstance(t)
	c := testAccClient(t, inst.Info)
	r := &workspaceResource{}
	ctx := context.Background()
	waitErr := errors.New("context deadline exceeded")

	// Canceled: the recovery GET must not inherit the cancellation.
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	recordFailedCreate := func(id api.WorkspaceID, resp *resource.CreateResponse) {
		plan := testWorkspacePlan(t, r, id)
		// The apply is over: a read that keeps failing is cut off after the (injected) overrun grace.
		recoverFailedCreate(canceled, resp, timing{overrunGrace: 300 * time.Millisecond, pollInterval: 5 * time.Millisecond}.withDefaults(),
			r.createRecovery(c, id, &plan), waitErr)
	}

	t.Run("exists: recorded in full, with the error", func(t *testing.T) {
		id := api.WorkspaceID{SubscriptionID: inst.SubscriptionID, ResourceGroup: inst.ResourceGroup, Name: "ws-accepted"}
		p, err := c.BeginCreateWorkspace(ctx, id, api.WorkspaceCreateParameters{Location: api.Ptr("eastus")})
		if err == nil {
			_, err = p.Wait(ctx)
		}
		if err != nil {
			t.Fatal(err)
		}
		resp := newCreateResponse(t, r)
		recordFailedCreate(id, resp)
		got := stateModel(t, resp)
		if got.ID.ValueString() != id.String() || got.ProvisioningState.ValueString() != api.ProvisioningStateSucceeded {
			t.Errorf("state = %+v", got)
		}
		wantTaintedError(t, resp)
	})

	t.Run("unknown outcome: the ID is recorded", func(t *testing.T) {
		id := api.WorkspaceID{SubscriptionID: inst.SubscriptionID, ResourceGroup: inst.ResourceGroup, Name: "ws-unknown"}
		inst.Emulator.InjectFault(emulator.Fault{Method: http.MethodGet, PathContains: "/workspaces/ws-unknown",
			Status: http.StatusForbidden, Code: "AuthorizationFailed", Times: -1})
		resp := newCreateResponse(t, r)
		recordFailedCreate(id, resp)
		got := stateModel(t, resp)
		if got.ID.ValueString() != id.String() || !got.ProvisioningState.IsNull() || got.Location.ValueString() != "East US" {
			t.Errorf("state = %+v", got)
		}
		wantTaintedError(t, resp)
	})

	t.Run("interrupted, and it reads 404: no time to prove anything, the ID is recorded", func(t *testing.T) {
		id := api.WorkspaceID{SubscriptionID: inst.SubscriptionID, ResourceGroup: inst.ResourceGroup, Name: "ws-maybe"}
		resp := newCreateResponse(t, r)
		recordFailedCreate(id, resp)
		if got := stateModel(t, resp); got.ID.ValueString() != id.String() || !got.ProvisioningState.IsNull() {
			t.Errorf("state = %+v, want the ID only", got)
		}
		wantTaintedError(t, resp)
	})

	t.Run("nothing was created: nothing is recorded", func(t *testing.T) {
		id := api.WorkspaceID{SubscriptionID: inst.SubscriptionID, ResourceGroup: inst.ResourceGroup, Name: "ws-never"}
		resp := newCreateResponse(t, r)
		plan := testWorkspacePlan(t, r, id)
		// The apply is still running, so 404s for the (injected) grace prove that the workspace does not exist.
		short := timing{notFoundGrace: 20 * time.Millisecond, pollInterval: 5 * time.Millisecond}.withDefaults()
		before := inst.Emulator.RequestCount(http.MethodGet, "/workspaces/ws-never")
		recoverFailedCreate(ctx, resp, short, r.createRecovery(c, id, &plan), waitErr)
		if !resp.State.Raw.IsNull() {
			t.Errorf("state = %v, want none", resp.State.Raw)
		}
		if !resp.Diagnostics.HasError() || strings.Contains(resp.Diagnostics[0].Detail(), "tainted") {
			t.Errorf("diagnostics = %v, want a plain wait error", resp.Diagnostics)
		}
		if n := inst.Emulator.RequestCount(http.MethodGet, "/workspaces/ws-never") - before; n < absentReads {
			t.Errorf("%d reads proved the workspace absent, want at least %d", n, absentReads)
		}
	})
}

func newCreateResponse(t *testing.T, r *workspaceResource) *resource.CreateResponse {
	t.Helper()
	sch := workspaceSchema(t, r)
	return &resource.CreateResponse{State: tfsdk.State{Schema: sch, Raw: tftypes.NewValue(sch.Type().TerraformType(context.Background()), nil)}}
}

// testWorkspacePlan is the plan Create receives for a workspace in "East US" with no tags.
func testWorkspacePlan(t *testing.T, r *workspaceResource, id api.WorkspaceID) workspaceResourceModel {
	t.Helper()
	ctx := context.Background()
	sch := workspaceSchema(t, r)
	objType, ok := sch.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatal("the schema is not an object")
	}
	vals := map[string]tftypes.Value{}
	for name, typ := range objType.AttributeTypes {
		vals[name] = tftypes.NewValue(typ, nil)
	}
	vals["name"] = tftypes.NewValue(tftypes.String, id.Name)
	vals["resource_group_name"] = tftypes.NewValue(tftypes.String, id.ResourceGroup)
	vals["location"] = tftypes.NewValue(tftypes.String, "East US")
	for _, computed := range []string{"id", "provisioning_state", "creation_time"} {
		vals[computed] = tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	}
	plan := tfsdk.Plan{Schema: sch, Raw: tftypes.NewValue(objType, vals)}
	var m workspaceResourceModel
	if diags := plan.Get(ctx, &m); diags.HasError() {
		t.Fatal(diags)
	}
	return m
}

func workspaceSchema(t *testing.T, r *workspaceResource) schema.Schema {
	t.Helper()
	var resp resource.SchemaResponse
	r.Schema(context.Background(), resource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	return resp.Schema
}

func stateModel(t *testing.T, resp *resource.CreateResponse) workspaceResourceModel {
	t.Helper()
	if resp.State.Raw.IsNull() {
		t.Fatalf("nothing was recorded; diagnostics: %v", resp.Diagnostics)
	}
	var m workspaceResourceModel
	if diags := resp.State.Get(context.Background(), &m); diags.HasError() {
		t.Fatal(diags)
	}
	if m.ID.IsUnknown() || m.CreationTime.IsUnknown() || m.ProvisioningState.IsUnknown() {
		t.Errorf("state holds unknown values, which Terraform rejects after apply: %+v", m)
	}
	return m
}

func wantTaintedError(t *testing.T, resp *resource.CreateResponse) {
	t.Helper()
	if len(resp.Diagnostics) != 1 || !strings.Contains(resp.Diagnostics[0].Detail(), "marked as tainted") ||
		!strings.Contains(resp.Diagnostics[0].Summary(), "Error Waiting for Batch AI Workspace Creation") {
		t.Errorf("diagnostics = %v", resp.Diagnostics)
	}
}
