package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// keepComputedWhenUnchanged turns a plan that only respells configured values into no change at all. As soon
// as Terraform's proposed state differs from the prior state (config "eastus", state "East US"), the framework
// marks every computed attribute unknown, before attribute plan modifiers such as keepEquivalentState put the
// prior spelling back. When the plan is then identical to the prior state except for unknown values of the
// named top-level computed attributes (and the timeouts block, which never reaches the API), those get their
// prior values back: the resource plans no change, or a change of its timeouts only.
// Call it from ModifyPlan with the computed attributes that lack UseStateForUnknown (values that may change
// during a real update, such as provisioning_state).
func keepComputedWhenUnchanged(_ context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, attrs ...string) {
	if req.State.Raw.IsNull() || resp.Plan.Raw.IsNull() {
		return // create or destroy
	}
	candidate, err := tftypes.Transform(resp.Plan.Raw, func(p *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		steps := p.Steps()
		if len(steps) != 1 || v.IsKnown() {
			return v, nil
		}
		name, ok := steps[0].(tftypes.AttributeName)
		if !ok || !slices.Contains(attrs, string(name)) {
			return v, nil
		}
		prior, _, err := tftypes.WalkAttributePath(req.State.Raw, p)
		if err != nil {
			return v, err
		}
		pv, ok := prior.(tftypes.Value)
		if !ok {
			return v, fmt.Errorf("unexpected prior value type %T at %s", prior, p)
		}
		return pv, nil
	})
	if err != nil {
		resp.Diagnostics.AddError("Error Modifying Plan",
			fmt.Sprintf("Restoring computed values from state failed: %s. This is always a bug in the provider code "+
				"and should be reported to the provider developers.", err))
		return
	}
	// The timeouts block only matters to Terraform: a change to it alone is no change to the resource.
	prior, err := tftypes.Transform(req.State.Raw, func(p *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if steps := p.Steps(); len(steps) == 1 && steps[0] == tftypes.AttributeName("timeouts") {
			t, _, err := tftypes.WalkAttributePath(candidate, p)
			if tv, ok := t.(tftypes.Value); ok && err == nil {
				return tv, nil
			}
		}
		return v, nil
	})
	if err != nil {
		resp.Diagnostics.AddError("Error Modifying Plan", fmt.Sprintf("Comparing the plan with the state failed: %s. "+
			"This is always a bug in the provider code and should be reported to the provider developers.", err))
		return
	}
	if candidate.Equal(prior) {
		resp.Plan.Raw = candidate
	}
}
