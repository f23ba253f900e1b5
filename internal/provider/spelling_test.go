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

// TestNormalizeDuration: both spellings of a duration the service reads are one value; what does not parse
// is compared as written.
func TestNormalizeDuration(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"P7D": "P7D", "7.00:00:00": "P7D", "p7d": "P7D", "PT36H": "P1DT12H", "1.12:00:00": "P1DT12H",
		"01:30:00": "PT1H30M", "seven days": "seven days",
	} {
		if got := normalizeDuration.normalize(in); got != want {
			t.Errorf("normalize(%q) = %q, want %q", in, got, want)
		}
	}
	if keepSpelling(normalizeDuration, types.StringValue("7.00:00:00"), types.StringValue("P7D")).ValueString() != "7.00:00:00" {
		t.Error("the configured .NET spelling of the service's P7D is not kept")
	}
	if keepSpelling(normalizeDuration, types.StringValue("7.00:00:00"), types.StringValue("P8D")).ValueString() != "P8D" {
		t.Error("another duration is kept as the prior one")
	}
}

// TestKeepSpelling is the read half of keeping the configured spelling: what the API answers in another
// spelling of the same value keeps the prior spelling; anything else is the API's.
func TestKeepSpelling(t *testing.T) {
	t.Parallel()
	s := types.StringValue
	for name, tc := range map[string]struct {
		kind           normalizeKind
		prior, fromAPI types.String
		want           types.String
	}{
		"location respelled":      {normalizeLocation, s("East US"), s("eastus"), s("East US")},
		"location changed":        {normalizeLocation, s("East US"), s("eastus2"), s("eastus2")},
		"size in another case":    {normalizeCaseInsensitive, s("standard_nc6"), s("STANDARD_NC6"), s("standard_nc6")},
		"case is not a location":  {normalizeCaseInsensitive, s("East US"), s("eastus"), s("eastus")},
		"import takes the API's":  {normalizeLocation, types.StringNull(), s("eastus"), s("eastus")},
		"unknown takes the API's": {normalizeCaseInsensitive, types.StringUnknown(), s("STANDARD_NC6"), s("STANDARD_NC6")},
		"absent in the API":       {normalizeCaseInsensitive, s("/subnets/a"), types.StringNull(), types.StringNull()},
	} {
		if got := keepSpelling(tc.kind, tc.prior, tc.fromAPI); !got.Equal(tc.want) {
			t.Errorf("%s: got %s, want %s", name, got, tc.want)
		}
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
