package provider

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// Conversions between framework values and the Go values of the wire models, used by the cluster's
// expanders and flatteners. Null and unknown both become nil: expanders only run on known plans and
// configurations, and flatteners never produce unknowns.

// objectAs converts a known, non-null object into T, or returns nil (and adds the conversion error).
// Only its own conversion decides: errors already in diags (an earlier validation) must not hide the
// object from the checks that follow.
func objectAs[T any](ctx context.Context, obj types.Object, diags *diag.Diagnostics) *T {
	if obj.IsNull() || obj.IsUnknown() {
		return nil
	}
	var out T
	d := obj.As(ctx, &out, basetypes.ObjectAsOptions{})
	diags.Append(d...)
	if d.HasError() {
		return nil
	}
	return &out
}

// listAs converts the elements of a known list of objects into []T (nil for null or unknown).
func listAs[T any](ctx context.Context, l types.List, diags *diag.Diagnostics) []T {
	if l.IsNull() || l.IsUnknown() {
		return nil
	}
	var out []T
	diags.Append(l.ElementsAs(ctx, &out, false)...)
	return out
}

// objectFrom converts v into an object of the given type, or a null object when v is nil.
func objectFrom[T any](ctx context.Context, attrTypes map[string]attr.Type, v *T, diags *diag.Diagnostics) types.Object {
	if v == nil {
		return types.ObjectNull(attrTypes)
	}
	obj, d := types.ObjectValueFrom(ctx, attrTypes, v)
	diags.Append(d...)
	return obj
}

// listFrom converts items into a list of objects, empty rather than null when there are none, so that
// readers (e.g. `length(...)`, or the data sources) get [] for "none". Terraform treats an absent list
// block, null and [] alike when it compares plans and state.
func listFrom[T any](ctx context.Context, attrTypes map[string]attr.Type, items []T, diags *diag.Diagnostics) types.List {
	elem := types.ObjectType{AttrTypes: attrTypes}
	if items == nil {
		items = []T{}
	}
	l, d := types.ListValueFrom(ctx, elem, items)
	diags.Append(d...)
	return l
}

// stringPtr is the wire value of an optional string: nil when null, unknown or empty.
func stringPtr(v types.String) *string {
	if v.IsNull() || v.IsUnknown() || v.ValueString() == "" {
		return nil
	}
	s := v.ValueString()
	return &s
}

// int32Ptr is the wire value of an optional count: nil when null or unknown. Counts are bounded by
// the schema (>= 0) and by quotas far below 2^31.
func int32Ptr(v types.Int64) *int32 {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	n := int32(v.ValueInt64())
	return &n
}

// stringValue is the framework value of an optional wire string.
func stringValue(p *string) types.String {
	if p == nil {
		return types.StringNull()
	}
	return types.StringValue(*p)
}

// int64Value is the framework value of a wire count; absent counts are 0 (the spec's default).
func int64Value(p *int32) types.Int64 {
	if p == nil {
		return types.Int64Value(0)
	}
	return types.Int64Value(int64(*p))
}

// stringMap converts a known map of strings (nil for null or unknown).
func stringMap(ctx context.Context, m types.Map, diags *diag.Diagnostics) map[string]string {
	if m.IsNull() || m.IsUnknown() {
		return nil
	}
	out := map[string]string{}
	diags.Append(m.ElementsAs(ctx, &out, false)...)
	return out
}

// sortedKeys returns the keys of m in order, so that request bodies are deterministic.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// secretValue picks a secret from its classic attribute (plan) or, failing that, its write-only twin
// (configuration: write-only values are never in the plan).
func secretValue(classic, writeOnly types.String) *string {
	if p := stringPtr(classic); p != nil {
		return p
	}
	return stringPtr(writeOnly)
}
