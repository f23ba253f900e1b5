package provider

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// A no-op plan of an unchanged cluster must be no change at all to the framework: when Terraform's proposed
// new state equals the prior state, the framework skips marking every computed value unknown, and ModifyPlan
// returns before converting plan and state to models. Which attributes Terraform proposes from the prior state
// is core's rule (an omitted Optional+Computed nested attribute keeps its prior value only when all of its own
// attributes are Computed), so this is tested through the real CLI, with a protocol server that records what
// the CLI proposes.

// proposalRecorder wraps the provider's protocol server and records, for every PlanResourceChange of
// typeName with a prior state, the attribute paths where Terraform's proposed new state differs from it.
type proposalRecorder struct {
	tfprotov6.ProviderServer
	typeName string
	objType  tftypes.Type

	mu      sync.Mutex
	updates int      // plans with a prior state
	diffs   []string // "path: prior -> proposed" for each difference
}

func newProposalRecorder(t *testing.T, p *batchaiProvider, typeName string, r resource.Resource) *proposalRecorder {
	t.Helper()
	var resp resource.SchemaResponse
	r.Schema(context.Background(), resource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("schema of %s: %v", typeName, resp.Diagnostics)
	}
	server, err := providerserver.NewProtocol6WithError(p)()
	if err != nil {
		t.Fatal(err)
	}
	return &proposalRecorder{ProviderServer: server, typeName: typeName,
		objType: resp.Schema.Type().TerraformType(context.Background())}
}

func (r *proposalRecorder) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	if req.TypeName == r.typeName && req.PriorState != nil && req.ProposedNewState != nil {
		r.record(req.PriorState, req.ProposedNewState)
	}
	return r.ProviderServer.PlanResourceChange(ctx, req)
}

func (r *proposalRecorder) record(priorRaw, proposedRaw *tfprotov6.DynamicValue) {
	prior, errPrior := priorRaw.Unmarshal(r.objType)
	proposed, errProposed := proposedRaw.Unmarshal(r.objType)
	r.mu.Lock()
	defer r.mu.Unlock()
	if errPrior != nil || errProposed != nil {
		r.diffs = append(r.diffs, fmt.Sprintf("undecodable request: %v %v", errPrior, errProposed))
		return
	}
	if prior.IsNull() || proposed.IsNull() {
		return // a create or a destroy
	}
	r.updates++
	diffs, err := prior.Diff(proposed)
	if err != nil {
		r.diffs = append(r.diffs, "diff: "+err.Error())
		return
	}
	for _, d := range diffs {
		r.diffs = append(r.diffs, fmt.Sprintf("%s: %v -> %v", d.Path, d.Value1, d.Value2))
	}
}

// TestAccClusterResource_noOpPlanProposesPriorState applies two clusters, one as a fleet writes them (the
// service's default image, a setup task, a mount) and one with every argument set, then plans again without a
// change: every proposed new state must equal its prior state. Before image_reference's publisher, offer and sku
// were made Optional+Computed (required by a validator instead), Terraform proposed a null image_reference for
// every cluster that left it out, and every no-op plan went through the framework's full update path.
func TestAccClusterResource_noOpPlanProposesPriorState(t *testing.T) {
	t.Parallel()
	info := testAccEmulatorInstance(t).Info
	ws, fs := testAccClusterSeedWorkspace(t, info, testAccSubnetID(info, "default"))
	fleet := fmt.Sprintf(`
resource "batchai_cluster" "fleet" {
  name         = "fleet"
  workspace_id = %q
  vm_size      = "Standard_D1_v2"
  scale_settings {
    manual {
      target_node_count = 1
    }
  }
  user_account {
    admin_user_name           = "azureuser"
    admin_user_ssh_public_key = %q
    admin_user_password       = "Fleet-pw-1"
  }
  setup_task {
    command_line            = "echo ready"
    std_out_err_path_prefix = "$AZ_BATCHAI_MOUNT_ROOT/logs"
    environment_variables   = { STAGE = "test" }
  }
  mount_volumes {
    azure_file_share {
      account_name        = "fleet"
      azure_file_url      = "https://fleet.file.core.windows.net/logs"
      account_key         = "ZmxlZXQta2V5"
      relative_mount_path = "logs"
    }
  }
}
`, ws.String(), testAccClusterSSHKey)
	config := testAccProviderConfig(info) + fleet + testAccClusterCompleteBody(info, ws, fs)

	recorder := newProposalRecorder(t, testAccProviderWithTiming(timing{}), "batchai_cluster", newClusterResource())
	w := newCLIWorkdirServing(t, func() tfprotov6.ProviderServer { return recorder }, map[string]string{"main.tf": config})
	if out := w.mustApply(); !strings.Contains(out, "Apply complete! Resources: 2 added") {
		t.Fatalf("the apply did not create the two clusters:\n%s", out)
	}
	recorder.mu.Lock()
	recorder.updates, recorder.diffs = 0, nil
	recorder.mu.Unlock()

	if changes, out := w.plan(); changes {
		t.Fatalf("the plan after apply is not empty:\n%s", out)
	}
	recorder.mu.Lock()
	defer recorder.mu.Unlock()
	if recorder.updates != 2 {
		t.Fatalf("the no-op plan sent %d PlanResourceChange calls with a prior state for batchai_cluster, want 2", recorder.updates)
	}
	if len(recorder.diffs) > 0 {
		t.Fatalf("Terraform's proposed new state differs from the prior state of an unchanged cluster at:\n%s",
			strings.Join(recorder.diffs, "\n"))
	}
}
