package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestClusterPlanModifiers(t *testing.T) {
	ctx := context.Background()
	objType := map[string]attr.Type{"a": types.StringType, "b": types.StringType}
	obj := func(a, b types.String) types.Object {
		return types.ObjectValueMust(objType, map[string]attr.Value{"a": a, "b": b})
	}
	state := obj(str("x"), str("from-state"))
	existing := tfsdk.State{Raw: tftypes.NewValue(tftypes.String, "exists")}

	req := planmodifier.ObjectRequest{State: existing, StateValue: state, ConfigValue: obj(str("x"), types.StringNull()),
		PlanValue: obj(str("x"), types.StringUnknown())}
	resp := planmodifier.ObjectResponse{PlanValue: req.PlanValue}
	useStateForUnknownDeep().PlanModifyObject(ctx, req, &resp)
	if !resp.PlanValue.Equal(state) {
		t.Errorf("unknown child: plan %v, want %v", resp.PlanValue, state)
	}

	req.PlanValue = obj(str("y"), types.StringUnknown())
	resp = planmodifier.ObjectResponse{PlanValue: req.PlanValue}
	useStateForUnknownDeep().PlanModifyObject(ctx, req, &resp)
	if want := obj(str("y"), str("from-state")); !resp.PlanValue.Equal(want) {
		t.Errorf("changed object: plan %v, want %v", resp.PlanValue, want)
	}

	req.PlanValue, req.ConfigValue = types.ObjectUnknown(objType), types.ObjectNull(objType)
	resp = planmodifier.ObjectResponse{PlanValue: req.PlanValue}
	useStateForUnknownDeep().PlanModifyObject(ctx, req, &resp)
	if !resp.PlanValue.Equal(state) {
		t.Errorf("unknown object: plan %v", resp.PlanValue)
	}

	req.ConfigValue = types.ObjectUnknown(objType)
	resp = planmodifier.ObjectResponse{PlanValue: req.PlanValue}
	useStateForUnknownDeep().PlanModifyObject(ctx, req, &resp)
	if !resp.PlanValue.IsUnknown() {
		t.Errorf("an unknown configuration must stay unknown: %v", resp.PlanValue)
	}

	ireq := planmodifier.Int64Request{State: existing, StateValue: num(2), PlanValue: num(5)}
	iresp := planmodifier.Int64Response{PlanValue: ireq.PlanValue}
	createOnlyInt64().PlanModifyInt64(ctx, ireq, &iresp)
	if iresp.PlanValue.ValueInt64() != 2 {
		t.Errorf("create-only: plan %v, want the prior 2", iresp.PlanValue)
	}
	ireq.StateValue = types.Int64Null()
	iresp = planmodifier.Int64Response{PlanValue: ireq.PlanValue}
	createOnlyInt64().PlanModifyInt64(ctx, ireq, &iresp)
	if iresp.PlanValue.ValueInt64() != 5 {
		t.Errorf("create-only without prior: plan %v, want 5", iresp.PlanValue)
	}
}
