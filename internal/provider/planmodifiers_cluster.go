package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Plan modifiers used by batchai_cluster. Terraform accepts a planned value that differs from the
// configuration when it equals the prior state ("the provider wishes to disregard the configuration
// value in favor of the prior"), which is what createOnlyInt64 relies on.

// createOnlyInt64 keeps the prior value of an argument the service only uses at creation (auto-scale's
// initial_node_count): changing it later must plan nothing rather than an update that does nothing.
// When there is no prior value (creation, or a switch from manual to auto-scale) the configuration wins.
func createOnlyInt64() planmodifier.Int64 { return createOnlyInt64Modifier{} }

type createOnlyInt64Modifier struct{}

func (createOnlyInt64Modifier) Description(context.Context) string {
	return "Used only when the cluster is created; later changes are ignored."
}

func (m createOnlyInt64Modifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

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
func useStateForUnknownDeep() planmodifier.Object { return useStateForUnknownDeepModifier{} }

type useStateForUnknownDeepModifier struct{}

func (useStateForUnknownDeepModifier) Description(context.Context) string {
	return "Unknown computed values keep their prior value: they only change when the cluster is replaced."
}

func (m useStateForUnknownDeepModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

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
