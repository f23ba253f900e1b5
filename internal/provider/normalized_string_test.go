package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestNormalizeLocation(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"East US": "eastus", "eastus": "eastus", "EASTUS": "eastus", " West  Europe ": "westeurope", "": "",
	} {
		if got := normalizeLocation.normalize(in); got != want {
			t.Errorf("normalize(%q) = %q, want %q", in, got, want)
		}
	}
	if got := normalizeCaseInsensitive.normalize("Standard_NC6"); got != "standard_nc6" {
		t.Errorf("case-insensitive normalize = %q", got)
	}
}

func TestNormalizedStringValue_semanticEquality(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eq, diags := newLocationValue("East US").StringSemanticEquals(ctx, newLocationValue("eastus"))
	if diags.HasError() || !eq {
		t.Errorf("East US vs eastus: equal=%v diags=%v", eq, diags)
	}
	eq, _ = newLocationValue("East US").StringSemanticEquals(ctx, newLocationValue("eastus2"))
	if eq {
		t.Error("East US vs eastus2 must differ")
	}
	if newLocationValue("East US").Equal(newLocationValue("eastus")) {
		t.Error("Equal is exact: Terraform must still see the configured spelling")
	}
	if newLocationValue("x").Equal(normalizeCaseInsensitive.Value("x")) {
		t.Error("a location is never equal to a value of another kind")
	}
	if _, diags := newLocationValue("x").StringSemanticEquals(ctx, types.StringValue("x")); !diags.HasError() {
		t.Error("comparing with a foreign type must report a provider bug")
	}
	// Round trip through the type, as the framework does when reading state.
	tfv, err := newLocationValue("East US").ToTerraformValue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	v, err := locationType.ValueFromTerraform(ctx, tfv)
	if err != nil || !v.Equal(newLocationValue("East US")) {
		t.Errorf("round trip: %v, %v", v, err)
	}
}

func TestKeepEquivalentState(t *testing.T) {
	t.Parallel()
	m := keepEquivalentState(normalizeLocation)
	for name, tc := range map[string]struct {
		state, plan types.String
		want        types.String
	}{
		"respelled keeps state": {types.StringValue("East US"), types.StringValue("eastus"), types.StringValue("East US")},
		"changed keeps plan":    {types.StringValue("East US"), types.StringValue("westus"), types.StringValue("westus")},
		"create keeps plan":     {types.StringNull(), types.StringValue("eastus"), types.StringValue("eastus")},
		"unknown stays unknown": {types.StringValue("eastus"), types.StringUnknown(), types.StringUnknown()},
	} {
		req := planmodifier.StringRequest{StateValue: tc.state, PlanValue: tc.plan, ConfigValue: tc.plan}
		resp := &planmodifier.StringResponse{PlanValue: tc.plan}
		m.PlanModifyString(context.Background(), req, resp)
		if !resp.PlanValue.Equal(tc.want) {
			t.Errorf("%s: planned %s, want %s", name, resp.PlanValue, tc.want)
		}
	}
}
