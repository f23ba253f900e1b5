package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

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
