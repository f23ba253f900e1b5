package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/emulatortest"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/sim"
	"github.com/batchai-tf/terraform-provider-batchai/internal/vmsize"
)

func testUsage(name string, current int32, limit int64) api.Usage {
	return api.Usage{Unit: api.Ptr("Count"), CurrentValue: api.Ptr(current), Limit: api.Ptr(limit),
		Name: &api.UsageName{Value: api.Ptr(name), LocalizedValue: api.Ptr(name)}}
}

func TestClusterQuotaCheck(t *testing.T) {
	usages := []api.Usage{
		testUsage("Clusters", 1, 20),
		testUsage("Total Cluster Dedicated Regional vCPUs", 12, 48),
		testUsage("Standard NC Family Cluster Dedicated vCPUs", 12, 48),
		testUsage("Standard NCv3 Family Cluster Dedicated vCPUs", 0, 0),
		testUsage("Total Cluster LowPriority Regional vCPUs", 0, 48),
		testUsage("Standard NC Family Cluster LowPriority vCPUs", 0, 48),
	}
	for name, tc := range map[string]struct {
		req  clusterQuotaRequest
		want []string // fragments of the problem; none means no problem
	}{
		"fits":              {req: clusterQuotaRequest{vmSize: "Standard_NC6", priority: "dedicated", creating: true, nodes: 6}},
		"exactly the limit": {req: clusterQuotaRequest{vmSize: "standard_nc6", priority: "dedicated", creating: true, nodes: 6}},
		"regional exceeded": {
			req:  clusterQuotaRequest{location: "eastus", vmSize: "Standard_NC6", priority: "dedicated", creating: true, nodes: 7},
			want: []string{"42 vCPUs", "Total Cluster Dedicated Regional vCPUs", "eastus", "use 12", "limit of 48", "leaving 36"},
		},
		"family exceeded": {
			req:  clusterQuotaRequest{vmSize: "Standard_NC6s_v3", priority: "dedicated", creating: true, nodes: 1},
			want: []string{"Standard NCv3 Family Cluster Dedicated vCPUs", "limit of 0"},
		},
		"low priority uses its own line": {
			req:  clusterQuotaRequest{vmSize: "Standard_NC24", priority: "lowpriority", creating: true, nodes: 3},
			want: []string{"72 vCPUs", "Total Cluster LowPriority Regional vCPUs"},
		},
		"update counts what the cluster holds": {
			req: clusterQuotaRequest{vmSize: "Standard_NC6", priority: "dedicated", nodes: 8, heldNodes: 2},
		},
		"update over the limit": {
			req:  clusterQuotaRequest{vmSize: "Standard_NC6", priority: "dedicated", nodes: 9, heldNodes: 2},
			want: []string{"54 vCPUs", "use 0 of its limit of 48"},
		},
		"shrinking is never checked": {
			req: clusterQuotaRequest{vmSize: "Standard_NC6s_v3", priority: "dedicated", nodes: 1, heldNodes: 3},
		},
		"unknown size skips the vCPU check": {
			req: clusterQuotaRequest{vmSize: "Standard_X99", priority: "dedicated", creating: true, nodes: 100},
		},
		"zero nodes": {req: clusterQuotaRequest{vmSize: "Standard_NC6s_v3", priority: "dedicated", creating: true}},
		// A replacement frees what the replaced cluster holds, counted with its own size and priority.
		"replacement frees the replaced nodes": {
			req: clusterQuotaRequest{vmSize: "Standard_NC12", priority: "dedicated", nodes: 4, heldNodes: 2, heldVMSize: "Standard_NC6"},
		},
		"replaced nodes count with their own size": {
			req:  clusterQuotaRequest{vmSize: "Standard_NC12", priority: "dedicated", nodes: 4, heldNodes: 1, heldVMSize: "Standard_NC6"},
			want: []string{"48 vCPUs", "use 6 of its limit of 48"},
		},
		"replaced nodes of another family free nothing on the new one": {
			req:  clusterQuotaRequest{vmSize: "Standard_NC6s_v3", priority: "dedicated", nodes: 1, heldNodes: 2, heldVMSize: "Standard_NC6"},
			want: []string{"Standard NCv3 Family Cluster Dedicated vCPUs", "limit of 0"},
		},
		"replaced low-priority nodes free nothing dedicated": {
			req: clusterQuotaRequest{vmSize: "Standard_NC6", priority: "dedicated", nodes: 7, heldNodes: 2,
				heldPriority: "lowpriority"},
			want: []string{"42 vCPUs", "use 12 of its limit of 48"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			got := checkClusterQuota(tc.req, usages)
			if len(tc.want) == 0 && got != "" {
				t.Fatalf("unexpected problem: %s", got)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("problem %q lacks %q", got, w)
				}
			}
		})
	}

	full := []api.Usage{testUsage("Clusters", 20, 20)}
	if got := checkClusterQuota(clusterQuotaRequest{vmSize: "Standard_NC6", creating: true}, full); !strings.Contains(got, `"Clusters"`) {
		t.Errorf("cluster count: %q", got)
	}
	if got := checkClusterQuota(clusterQuotaRequest{vmSize: "Standard_NC6"}, full); got != "" {
		t.Errorf("an update adds no cluster: %q", got)
	}
}

// TestClusterVMSizes: the preflight knows every size the service accepted, from the one VM-size table
// (internal/vmsize), and the plan-time validator accepts each of them. The provider used to keep a table of
// its own that lacked 23 sizes (Standard_A9, Standard_E8_v3, Standard_G5, Standard_H16r...), whose plans
// skipped the preflight.
func TestClusterVMSizes(t *testing.T) {
	for _, s := range vmsize.All() {
		if why := clusterVMSizeRejection(s.Name); why != "" {
			t.Errorf("%s is in the table but rejected: %s", s.Name, why)
		}
		// One node needs all the family's vCPUs but one: the preflight must see it, whatever the spelling.
		usages := []api.Usage{testUsage(s.Family+" Cluster Dedicated vCPUs", 0, int64(s.VCPUs-1))}
		req := clusterQuotaRequest{location: "eastus", vmSize: strings.ToUpper(s.Name), priority: api.VMPriorityDedicated, nodes: 1}
		if got := checkClusterQuota(req, usages); !strings.Contains(got, s.Family) {
			t.Errorf("%s: the preflight skipped it (%q)", s.Name, got)
		}
	}
	req := clusterQuotaRequest{location: "eastus", vmSize: "Standard_Unknown", priority: api.VMPriorityDedicated, nodes: 1000}
	if got := checkClusterQuota(req, []api.Usage{testUsage("Total Cluster Dedicated Regional vCPUs", 0, 0)}); got != "" {
		t.Errorf("a size missing from the table is left to the service, got %q", got)
	}
}

// TestClusterQuotaPlanWarns: a plan beyond the quota gets a warning with the numbers, on the attribute that
// sets the node count, and never an error. `terraform destroy` plans the configuration first, so an error
// would make the configuration impossible to destroy; the apply refuses the request instead
// (TestAccClusterResource_quotaPreflight).
func TestClusterQuotaPlanWarns(t *testing.T) {
	t.Parallel()
	inst := emulatortest.Start(t) // no Terraform CLI: ModifyPlan's preflight is called directly
	q := sim.DefaultQuota()
	q.DedicatedVCPUs = 6
	if err := inst.Emulator.SetQuota("eastus", q); err != nil {
		t.Fatal(err)
	}
	ws, _ := testAccClusterSeedWorkspace(t, inst.Info, "")
	ctx := testAccContext(t)
	c := testAccClient(t, inst.Info)
	r := &clusterResource{}
	plan := func(nodes int64) clusterResourceModel {
		var diags diag.Diagnostics
		manual := objectFrom(ctx, clusterManualScaleAttrTypes, &clusterManualScaleModel{
			TargetNodeCount: types.Int64Value(nodes), NodeDeallocationOption: types.StringValue(api.DeallocationRequeue)}, &diags)
		scale := objectFrom(ctx, clusterScaleSettingsAttrTypes, &clusterScaleSettingsModel{
			Manual: manual, AutoScale: types.ObjectNull(clusterAutoScaleAttrTypes)}, &diags)
		if diags.HasError() {
			t.Fatal(diags)
		}
		return clusterResourceModel{Name: types.StringValue("c1"), WorkspaceID: types.StringValue(ws.String()),
			VMSize: types.StringValue("Standard_NC6"), VMPriority: types.StringValue(api.VMPriorityDedicated), ScaleSettings: scale}
	}

	var diags diag.Diagnostics
	r.checkQuotaForPlan(ctx, c, plan(2), nil, &diags)
	if diags.HasError() || diags.WarningsCount() != 1 {
		t.Fatalf("want exactly one warning and no error, got %v", diags)
	}
	w := diags[0]
	withPath, ok := w.(diag.DiagnosticWithPath)
	if !ok || !withPath.Path().Equal(path.Root("scale_settings").AtName("manual").AtName("target_node_count")) {
		t.Errorf("the warning is not on target_node_count: %v", w)
	}
	for _, part := range []string{"12 vCPUs", "limit of 6", "applying this plan stops before the cluster is created", "terraform destroy"} {
		if !strings.Contains(w.Summary()+" "+w.Detail(), part) {
			t.Errorf("the warning lacks %q: %s: %s", part, w.Summary(), w.Detail())
		}
	}

	diags = nil
	r.checkQuotaForPlan(ctx, c, plan(1), nil, &diags)
	if len(diags) != 0 {
		t.Errorf("a plan within the quota got %v", diags)
	}
	// The apply-time check is an error, and the same numbers.
	diags = nil
	if r.checkQuotaBeforeCreate(ctx, c, plan(2), false, &diags) || !diags.HasError() || !strings.Contains(diags[0].Detail(), "Nothing was created.") {
		t.Errorf("the create preflight let 12 vCPUs through a quota of 6: %v", diags)
	}
}
