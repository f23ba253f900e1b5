package provider

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// Generic helpers between framework values and the Go values of the wire models, for every expander and
// flattener, and the object types read from a schema. Null and unknown both become nil: expanders only run
// on known plans and configurations, and flatteners never produce unknowns.

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

// stringOrNull maps an absent or empty API string to null.
func stringOrNull(p *string) types.String {
	if p == nil || *p == "" {
		return types.StringNull()
	}
	return types.StringValue(*p)
}

// at returns items[i], or the zero value past the end.
func at[T any](items []T, i int) T {
	if i < len(items) {
		return items[i]
	}
	var zero T
	return zero
}

// same returns v: the element builder of a flattener whose caller needs nothing added.
func same[T any](v T) T { return v }

// typedSchema is a resource or data source schema, which can tell the type of the value at a path.
type typedSchema interface {
	TypeAtPath(ctx context.Context, p path.Path) (attr.Type, diag.Diagnostics)
}

// objectAttrTypesAt returns the attribute types of the object at p in s: a single nested block or attribute,
// or the elements of a list of them. The schema is the one place these types are written: models read
// them from there (see the init of cluster_models.go). A path that names no object is a bug in the provider,
// which panics when the package initializes, so that every test finds it.
func objectAttrTypesAt(s typedSchema, p path.Path) map[string]attr.Type {
	t, diags := s.TypeAtPath(context.Background(), p)
	if diags.HasError() {
		panic(fmt.Sprintf("provider: no type at %s: %v", p, diags))
	}
	if l, ok := t.(attr.TypeWithElementType); ok {
		t = l.ElementType()
	}
	obj, ok := t.(attr.TypeWithAttributeTypes)
	if !ok {
		panic(fmt.Sprintf("provider: %s is a %s, not an object or a list of objects", p, t))
	}
	return obj.AttributeTypes()
}

// elementAttrTypes returns the attribute types of the elements of the list attribute name of an object type.
func elementAttrTypes(attrTypes map[string]attr.Type, name string) map[string]attr.Type {
	l, ok := attrTypes[name].(attr.TypeWithElementType)
	if !ok {
		panic(fmt.Sprintf("provider: %s is not a list", name))
	}
	obj, ok := l.ElementType().(attr.TypeWithAttributeTypes)
	if !ok {
		panic(fmt.Sprintf("provider: the elements of %s are not objects", name))
	}
	return obj.AttributeTypes()
}

// description is the Description and MarkdownDescription of a validator or plan modifier, from one text.
type description string

func (d description) Description(context.Context) string { return string(d) }

func (d description) MarkdownDescription(context.Context) string { return string(d) }
