package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The plan modifiers of the provider's schemas, and keepComputedWhenUnchanged for a resource's ModifyPlan.
// Whether a change updates a resource in place or replaces it is declared on each attribute of its schema
// (RequiresReplace); the modifiers here keep plans free of changes that are none. Two live with the concern
// they serve: keepEquivalentState (spelling.go) and requiresReplaceUnlessAdopting (cluster_secrets.go).
//
// Terraform accepts a planned value that differs from the configuration when it equals the prior state
// ("the provider wishes to disregard the configuration value in favor of the prior"), which is what
// createOnlyInt64 relies on.

// createOnlyInt64 keeps the prior value of an argument the service only uses at creation (auto-scale's
// initial_node_count): changing it later must plan nothing rather than an update that does nothing.
// When there is no prior value (creation, or a switch from manual to auto-scale) the configuration wins.
func createOnlyInt64() planmodifier.Int64 {
	return createOnlyInt64Modifier{description: "Used only when the cluster is created; later changes are ignored."}
}

type createOnlyInt64Modifier struct{ description }

func (createOnlyInt64Modifier) PlanModifyInt64(_ context.Context, req planmodifier.Int64Request, resp *planmodifier.Int64Response) {
	if req.State.Raw.IsNull() || req.StateValue.IsNull() || req.StateValue.IsUnknown() {
		return
	}
	resp.PlanValue = req.StateValue
}

// useStateForUnknownDeep is UseStateForUnknown for an object and its direct children. The framework
// marks every computed attribute whose configuration is null as unknown whenever anything in the
// resource changes (a resize); an object-level RequiresReplace that then runs would see the unknown
// child (image_reference.version, setup_task.std_out_err_path_suffix) as a change and replace the
// cluster. Children that are unknown in the configuration itself stay unknown. On a replacement
// Terraform plans the new object again without prior state, so nothing stale is carried over.
func useStateForUnknownDeep() planmodifier.Object {
	return useStateForUnknownDeepModifier{
		description: "Unknown computed values keep their prior value: they only change when the cluster is replaced.",
	}
}

type useStateForUnknownDeepModifier struct{ description }

func (useStateForUnknownDeepModifier) PlanModifyObject(ctx context.Context, req planmodifier.ObjectRequest, resp *planmodifier.ObjectResponse) {
	if req.StateValue.IsNull() || req.StateValue.IsUnknown() || req.PlanValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if req.PlanValue.IsUnknown() {
		resp.PlanValue = req.StateValue
		return
	}
	planAttrs := req.PlanValue.Attributes()
	stateAttrs := req.StateValue.Attributes()
	configAttrs := map[string]attr.Value{}
	if !req.ConfigValue.IsNull() {
		configAttrs = req.ConfigValue.Attributes()
	}
	merged := make(map[string]attr.Value, len(planAttrs))
	changed := false
	for name, v := range planAttrs {
		merged[name] = v
		if !v.IsUnknown() {
			continue
		}
		if c, ok := configAttrs[name]; ok && c.IsUnknown() {
			continue
		}
		if s, ok := stateAttrs[name]; ok {
			merged[name] = s
			changed = true
		}
	}
	if !changed {
		return
	}
	obj, diags := types.ObjectValue(req.PlanValue.AttributeTypes(ctx), merged)
	resp.Diagnostics.Append(diags...)
	if !diags.HasError() {
		resp.PlanValue = obj
	}
}

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

// requiresReplaceWhenNew replaces the resource when a leaf that is always set in its block (a required
// argument) appears: its block, or its list item, is new. The block's own modifier leaves new parts to these
// leaves (requiresReplaceUnlessAdopting), so that the plan names what is new rather than the whole block.
func requiresReplaceWhenNew() planmodifier.String {
	return stringplanmodifier.RequiresReplaceIf(
		func(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
			resp.RequiresReplace = req.StateValue.IsNull() && !req.PlanValue.IsNull()
		},
		"Adding its block replaces the cluster.",
		"Adding its block replaces the cluster.",
	)
}

// withoutAppendedItems is plan with every list attribute cut to the length it has in state (a list absent
// from state, to absent): what requiresReplaceUnlessAdopting compares when items appended to a block's lists
// are left to their leaves (requiresReplaceWhenNew). A list that is shorter, or unknown, is kept as planned.
func withoutAppendedItems(ctx context.Context, plan, state types.Object, diags *diag.Diagnostics) types.Object {
	if plan.IsNull() || plan.IsUnknown() || state.IsNull() || state.IsUnknown() {
		return plan
	}
	attrs := plan.Attributes()
	stateAttrs := state.Attributes()
	cut := make(map[string]attr.Value, len(attrs))
	for name, v := range attrs {
		cut[name] = v
		l, ok := v.(types.List)
		sl, sok := stateAttrs[name].(types.List)
		if !ok || !sok || l.IsNull() || l.IsUnknown() || sl.IsUnknown() {
			continue
		}
		if sl.IsNull() {
			cut[name] = sl
			continue
		}
		if len(l.Elements()) <= len(sl.Elements()) {
			continue
		}
		kept, d := types.ListValue(l.ElementType(ctx), l.Elements()[:len(sl.Elements())])
		diags.Append(d...)
		cut[name] = kept
	}
	obj, d := types.ObjectValue(plan.AttributeTypes(ctx), cut)
	diags.Append(d...)
	if d.HasError() {
		return plan
	}
	return obj
}

// stableComputedString is a computed string of a resource that the service sets when it creates the resource
// and that no update changes (the resource has no update, or the update leaves it alone): once known it is
// never planned as a change.
func stableComputedString(description string) schema.StringAttribute {
	return schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: description,
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}
