package provider

import (
	"context"

	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// A module that picks its scale mode with two `dynamic` blocks validates before its inputs are
// known: both blocks then arrive as objects of unknown attributes and must not count as "both set".
func TestRequireOneOfSkipsObjectsOfUnknownAttributes(t *testing.T) {
	attrTypes := map[string]attr.Type{"target_node_count": types.Int64Type}
	unknownInside := types.ObjectValueMust(attrTypes, map[string]attr.Value{"target_node_count": types.Int64Unknown()})
	known := types.ObjectValueMust(attrTypes, map[string]attr.Value{"target_node_count": types.Int64Value(1)})

	var diags diag.Diagnostics
	requireOneOf(&diags, path.Root("scale_settings"), true, "block",
		named{"manual", unknownInside}, named{"auto_scale", unknownInside})
	if diags.HasError() {
		t.Fatalf("objects of unknown attributes counted as set: %v", diags)
	}
	requireOneOf(&diags, path.Root("scale_settings"), true, "block", named{"manual", known}, named{"auto_scale", known})
	if !diags.HasError() {
		t.Fatal("two known blocks were accepted")
	}
}

// objectAs must convert a valid object even when the diagnostics already hold an error from an earlier
// check: ValidateConfig reports every mistake of a configuration, not only the first.
func TestObjectAsIgnoresEarlierErrors(t *testing.T) {
	var diags diag.Diagnostics
	diags.AddError("Earlier", "an earlier check failed")
	got := objectAs[clusterManualScaleModel](context.Background(), types.ObjectValueMust(clusterManualScaleAttrTypes,
		map[string]attr.Value{"target_node_count": types.Int64Value(1), "node_deallocation_option": types.StringNull()}), &diags)
	if got == nil || got.TargetNodeCount.ValueInt64() != 1 {
		t.Fatalf("objectAs = %+v after an earlier error", got)
	}
	if len(diags) != 1 {
		t.Fatalf("diagnostics changed: %v", diags)
	}
}
