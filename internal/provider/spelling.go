package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// Keeping the configured spelling. ARM treats some strings as equal in several spellings (a location as
// "East US" or "eastus", a VM size in any letter case) and answers with its own. The provider keeps the
// spelling it already has, so that a respelling is never a diff, a replacement or drift. It takes two halves
// of one mechanism, both keyed by a normalizeKind: at plan time keepEquivalentState plans the prior spelling
// when the configuration only respells it; when a value is read back from the API, keepSpelling keeps the
// prior spelling (the plan during create and update, the state during read) when the API's means the same.

// normalizeKind says which spellings of a string ARM treats as the same value.
type normalizeKind string

const (
	// normalizeLocation: Azure locations ignore case and spaces ("East US" is "eastus").
	normalizeLocation normalizeKind = "location"
	// normalizeCaseInsensitive: values ARM compares case-insensitively, such as VM sizes, names and IDs.
	normalizeCaseInsensitive normalizeKind = "case-insensitive"
	// normalizeDuration: durations in ISO 8601 or .NET's form ("P7D" is "7.00:00:00"), which the service
	// answers in ISO 8601.
	normalizeDuration normalizeKind = "duration"
)

// normalize returns the one spelling of s that ARM's comparison sees.
func (k normalizeKind) normalize(s string) string {
	switch k {
	case normalizeLocation:
		return strings.ToLower(strings.Join(strings.Fields(s), ""))
	case normalizeCaseInsensitive:
		return strings.ToLower(s)
	case normalizeDuration:
		if d, err := api.ParseDuration(s); err == nil {
			return api.FormatDuration(d)
		}
	}
	return s
}

// keepSpelling returns prior when the API answered fromAPI, the same value of kind k in another spelling;
// otherwise fromAPI. An unknown or null prior (an import, or a value only the service chooses) takes the API's.
func keepSpelling(k normalizeKind, prior, fromAPI types.String) types.String {
	if !prior.IsNull() && !prior.IsUnknown() && !fromAPI.IsNull() && !fromAPI.IsUnknown() &&
		k.normalize(prior.ValueString()) == k.normalize(fromAPI.ValueString()) {
		return prior
	}
	return fromAPI
}

// keepEquivalentState plans the prior state's spelling when the configuration only respells it, so that
// "East US" in state and "eastus" in configuration produce no diff (and no replacement). Terraform accepts a
// planned value equal to the prior one as the provider saying "functionally equal to the configuration".
// Put it before RequiresReplace so the replacement check sees the kept value.
func keepEquivalentState(kind normalizeKind) planmodifier.String {
	return keepEquivalentStateModifier{kind: kind, description: description(fmt.Sprintf(
		"Keeps the prior value when the configured value is the same %s in another spelling.", kind))}
}

type keepEquivalentStateModifier struct {
	description
	kind normalizeKind
}

func (m keepEquivalentStateModifier) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.PlanValue.IsNull() || req.PlanValue.IsUnknown() {
		return
	}
	if m.kind.normalize(req.PlanValue.ValueString()) == m.kind.normalize(req.StateValue.ValueString()) {
		resp.PlanValue = req.StateValue
	}
}
