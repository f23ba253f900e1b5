package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func validateString(v validator.String, value string) []string {
	req := validator.StringRequest{Path: path.Root("attr"), ConfigValue: types.StringValue(value)}
	var resp validator.StringResponse
	v.ValidateString(context.Background(), req, &resp)
	var out []string
	for _, d := range resp.Diagnostics {
		out = append(out, d.Summary()+": "+d.Detail())
	}
	return out
}

func TestClusterStringValidators(t *testing.T) {
	for name, tc := range map[string]struct {
		v     validator.String
		value string
		want  string // "" when valid
	}{
		"size ok":             {clusterVMSizeValidator{}, "Standard_NC6", ""},
		"size unknown ok":     {clusterVMSizeValidator{}, "Standard_H16r", ""},
		"size A0":             {clusterVMSizeValidator{}, "STANDARD_A0", "STANDARD_A0"},
		"size A0 any case":    {clusterVMSizeValidator{}, "standard_a0", "does not support STANDARD_A0"},
		"size A1 ok":          {clusterVMSizeValidator{}, "Standard_A1", ""},
		"size DS":             {clusterVMSizeValidator{}, "Standard_DS3", "premium-storage"},
		"size DSv2":           {clusterVMSizeValidator{}, "Standard_DS3_v2", "premium-storage"},
		"size GS":             {clusterVMSizeValidator{}, "standard_gs5", "premium-storage"},
		"size D ok":           {clusterVMSizeValidator{}, "Standard_D3_v2", ""},
		"workspace ok":        {workspaceIDValidator{}, testWorkspaceID, ""},
		"workspace any case":  {workspaceIDValidator{}, strings.ToLower(testWorkspaceID), ""},
		"workspace cluster":   {workspaceIDValidator{}, testClusterID, "must be the ID of a batchai_workspace"},
		"workspace name":      {workspaceIDValidator{}, "ws", "attr"},
		"workspace bad name":  {workspaceIDValidator{}, testWorkspaceID[:len(testWorkspaceID)-2] + "w.s", "letters, digits"},
		"ssh ok":              {sshPublicKeyValidator{}, testSSHKey + "\n", ""},
		"ssh path":            {sshPublicKeyValidator{}, "~/.ssh/id_rsa.pub", "OpenSSH RSA public key"},
		"ssh private":         {sshPublicKeyValidator{}, "-----BEGIN RSA PRIVATE KEY-----\nabc", "not a path or a private key"},
		"subnet ok":           {subnetIDValidator(), "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/d", ""},
		"subnet vnet":         {subnetIDValidator(), "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v", "subnets/{name}"},
		"ssh never quoted":    {sshPublicKeyValidator{}, "secret-material", "attr must be"},
		"size message path":   {clusterVMSizeValidator{}, "Standard_DS1", "Attribute attr is \"Standard_DS1\""},
		"workspace quoted ID": {workspaceIDValidator{}, "/subscriptions/s", "Attribute attr"},
	} {
		t.Run(name, func(t *testing.T) {
			got := strings.Join(validateString(tc.v, tc.value), "\n")
			switch {
			case tc.want == "" && got != "":
				t.Errorf("unexpected error: %s", got)
			case tc.want != "" && !strings.Contains(got, tc.want):
				t.Errorf("error %q lacks %q", got, tc.want)
			}
			if strings.Contains(got, "secret-material") {
				t.Errorf("the message quotes the key: %s", got)
			}
		})
	}
}

func TestClusterAtLeastSibling(t *testing.T) {
	objType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"lo": tftypes.Number, "hi": tftypes.Number}}
	for name, tc := range map[string]struct {
		lo, hi int64
		fail   bool
	}{"equal": {2, 2, false}, "above": {1, 4, false}, "below": {3, 2, true}} {
		t.Run(name, func(t *testing.T) {
			raw := tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"auto": objType}},
				map[string]tftypes.Value{"auto": tftypes.NewValue(objType, map[string]tftypes.Value{
					"lo": tftypes.NewValue(tftypes.Number, tc.lo), "hi": tftypes.NewValue(tftypes.Number, tc.hi)})})
			req := validator.Int64Request{
				Path:        path.Root("auto").AtName("hi"),
				ConfigValue: types.Int64Value(tc.hi),
				Config:      tfsdk.Config{Raw: raw, Schema: testAutoSchema()},
			}
			var resp validator.Int64Response
			atLeastSibling("lo").ValidateInt64(context.Background(), req, &resp)
			if resp.Diagnostics.HasError() != tc.fail {
				t.Fatalf("fail = %v, diags %v", resp.Diagnostics.HasError(), resp.Diagnostics)
			}
			if tc.fail && !strings.Contains(resp.Diagnostics[0].Detail(), "auto.hi (2) must be greater than or equal to auto.lo (3)") {
				t.Errorf("detail: %s", resp.Diagnostics[0].Detail())
			}
		})
	}
}

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

func testAutoSchema() schema.Schema {
	return schema.Schema{Attributes: map[string]schema.Attribute{
		"auto": schema.SingleNestedAttribute{Optional: true, Attributes: map[string]schema.Attribute{
			"lo": schema.Int64Attribute{Optional: true},
			"hi": schema.Int64Attribute{Optional: true},
		}},
	}}
}
