package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// normalizeKind says which spellings of a string ARM treats as the same value.
type normalizeKind string

const (
	// normalizeLocation: Azure locations ignore case and spaces ("East US" is "eastus").
	normalizeLocation normalizeKind = "location"
	// normalizeCaseInsensitive: values ARM compares case-insensitively, such as VM sizes.
	normalizeCaseInsensitive normalizeKind = "case-insensitive"
)

func (k normalizeKind) normalize(s string) string {
	switch k {
	case normalizeLocation:
		return strings.ToLower(strings.Join(strings.Fields(s), ""))
	case normalizeCaseInsensitive:
		return strings.ToLower(s)
	}
	return s
}

// Type is the attribute type (schema CustomType) of values of kind k. The framework applies its semantic
// equality to the values that Create, Update and Read return, so the configured spelling stays in state;
// keepEquivalentState does the same at plan time, which the framework does not cover.
func (k normalizeKind) Type() normalizedStringType { return normalizedStringType{kind: k} }

// Value wraps a string of kind k, from the API or a model.
func (k normalizeKind) Value(s string) normalizedStringValue {
	return normalizedStringValue{StringValue: basetypes.NewStringValue(s), kind: k}
}

// locationType is the CustomType of every location attribute.
var locationType = normalizeLocation.Type()

// newLocationValue wraps a location from the API or a model.
func newLocationValue(s string) normalizedStringValue { return normalizeLocation.Value(s) }

// normalizedStringType is a string type whose values compare after normalisation.
type normalizedStringType struct {
	basetypes.StringType
	kind normalizeKind
}

var _ basetypes.StringTypable = normalizedStringType{}

// Equal requires the same kind: a location is never interchangeable with a VM size.
func (t normalizedStringType) Equal(o attr.Type) bool {
	other, ok := o.(normalizedStringType)
	return ok && other.kind == t.kind
}

func (t normalizedStringType) String() string { return fmt.Sprintf("normalizedStringType(%s)", t.kind) }

func (t normalizedStringType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return normalizedStringValue{StringValue: in, kind: t.kind}, nil
}

func (t normalizedStringType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	sv, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return normalizedStringValue{StringValue: sv, kind: t.kind}, nil
}

func (t normalizedStringType) ValueType(context.Context) attr.Value {
	return normalizedStringValue{kind: t.kind}
}

// normalizedStringValue is a value of normalizedStringType.
type normalizedStringValue struct {
	basetypes.StringValue
	kind normalizeKind
}

var _ basetypes.StringValuableWithSemanticEquals = normalizedStringValue{}

// Equal is exact equality (Terraform's view); StringSemanticEquals is ARM's.
func (v normalizedStringValue) Equal(o attr.Value) bool {
	other, ok := o.(normalizedStringValue)
	return ok && other.kind == v.kind && v.StringValue.Equal(other.StringValue)
}

func (v normalizedStringValue) Type(context.Context) attr.Type {
	return normalizedStringType{kind: v.kind}
}

// StringSemanticEquals reports whether ARM treats both spellings as the same value.
func (v normalizedStringValue) StringSemanticEquals(_ context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	other, ok := newValuable.(normalizedStringValue)
	if !ok {
		diags.AddError("Semantic Equality Check Error",
			fmt.Sprintf("Expected value type %T, got %T. This is always a bug in the provider code and should be "+
				"reported to the provider developers.", v, newValuable))
		return false, diags
	}
	return v.kind.normalize(v.ValueString()) == v.kind.normalize(other.ValueString()), diags
}

// keepEquivalentState plans the prior state's spelling when the configuration only respells it, so that
// "East US" in state and "eastus" in configuration produce no diff (and no replacement). Terraform accepts a
// planned value equal to the prior one as the provider saying "functionally equal to the configuration".
// Put it before RequiresReplace so the replacement check sees the kept value.
func keepEquivalentState(kind normalizeKind) planmodifier.String {
	return keepEquivalentStateModifier{kind: kind}
}

type keepEquivalentStateModifier struct{ kind normalizeKind }

func (m keepEquivalentStateModifier) Description(context.Context) string {
	return fmt.Sprintf("Keeps the prior value when the configured value is the same %s in another spelling.", m.kind)
}

func (m keepEquivalentStateModifier) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (m keepEquivalentStateModifier) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.StateValue.IsNull() || req.PlanValue.IsNull() || req.PlanValue.IsUnknown() {
		return
	}
	if m.kind.normalize(req.PlanValue.ValueString()) == m.kind.normalize(req.StateValue.ValueString()) {
		resp.PlanValue = req.StateValue
	}
}
