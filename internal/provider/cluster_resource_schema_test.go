package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// TestClusterResourceSchemaTypes keeps the hand-written object types of cluster_resource_model.go in
// step with the schema: a mismatch would otherwise only show as a failed plan.
func TestClusterResourceSchemaTypes(t *testing.T) {
	ctx := context.Background()
	s := clusterResourceSchema(ctx)
	if diags := s.ValidateImplementation(ctx); diags.HasError() {
		t.Fatalf("schema: %v", diags)
	}
	for name, want := range map[string]attr.Type{
		"scale_settings":       types.ObjectType{AttrTypes: clusterScaleSettingsAttrTypes},
		"image_reference":      types.ObjectType{AttrTypes: clusterImageReferenceAttrTypes},
		"user_account":         types.ObjectType{AttrTypes: clusterUserAccountResourceAttrTypes},
		"setup_task":           types.ObjectType{AttrTypes: clusterSetupTaskResourceAttrTypes},
		"mount_volumes":        types.ObjectType{AttrTypes: clusterMountVolumesResourceAttrTypes},
		"performance_counters": types.ObjectType{AttrTypes: clusterPerformanceCountersResourceAttrTypes},
		"node_state_counts":    types.ObjectType{AttrTypes: clusterNodeStateCountsAttrTypes},
		"errors":               types.ListType{ElemType: types.ObjectType{AttrTypes: clusterErrorAttrTypes}},
	} {
		got, diags := s.TypeAtPath(ctx, path.Root(name))
		if diags.HasError() {
			t.Fatalf("%s: %v", name, diags)
		}
		if !got.Equal(want) {
			t.Errorf("%s: schema type\n%s\nmodel type\n%s", name, got, want)
		}
	}
}

// TestClusterResourceModelMatchesSchema checks every tfsdk tag of the models against the schema by
// writing a complete model into a state of that schema and reading it back.
func TestClusterResourceModelMatchesSchema(t *testing.T) {
	ctx := context.Background()
	s := clusterResourceSchema(ctx)
	in := testClusterCompletePlan(t)
	var d diag.Diagnostics
	in.setObservedFromAPI(ctx, testObservedProperties(), &d)
	st := tfsdk.State{Schema: s, Raw: tftypes.NewValue(s.Type().TerraformType(ctx), nil)}
	if diags := st.Set(ctx, &in); diags.HasError() {
		t.Fatalf("set: %v", diags)
	}
	var out clusterResourceModel
	if diags := st.Get(ctx, &out); diags.HasError() {
		t.Fatalf("get: %v", diags)
	}
	if !st.Raw.IsKnown() {
		t.Fatal("state should be known")
	}
	assertModelsEqual(t, out, in)
}

// TestClusterResourceSchemaDescriptions makes sure every attribute and block is documented.
func TestClusterResourceSchemaDescriptions(t *testing.T) {
	s := clusterResourceSchema(context.Background())
	var walkAttrs func(prefix string, attrs map[string]schema.Attribute)
	var walkBlocks func(prefix string, blocks map[string]schema.Block)
	walkAttrs = func(prefix string, attrs map[string]schema.Attribute) {
		for name, a := range attrs {
			if a.GetMarkdownDescription() == "" {
				t.Errorf("%s%s has no MarkdownDescription", prefix, name)
			}
			if n, ok := a.(schema.SingleNestedAttribute); ok {
				walkAttrs(prefix+name+".", n.Attributes)
			}
			if n, ok := a.(schema.ListNestedAttribute); ok {
				walkAttrs(prefix+name+".", n.NestedObject.Attributes)
			}
		}
	}
	walkBlocks = func(prefix string, blocks map[string]schema.Block) {
		for name, b := range blocks {
			if name == "timeouts" {
				continue // the timeouts package documents its own attributes
			}
			if b.GetMarkdownDescription() == "" {
				t.Errorf("%s%s has no MarkdownDescription", prefix, name)
			}
			switch n := b.(type) {
			case schema.SingleNestedBlock:
				walkAttrs(prefix+name+".", n.Attributes)
				walkBlocks(prefix+name+".", n.Blocks)
			case schema.ListNestedBlock:
				walkAttrs(prefix+name+".", n.NestedObject.Attributes)
				walkBlocks(prefix+name+".", n.NestedObject.Blocks)
			}
		}
	}
	walkAttrs("", s.Attributes)
	walkBlocks("", s.Blocks)
}
