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

// TestClusterSchemaTypesAgree: the schemas are valid, and the nested object types the resource and the data
// sources share (their flatteners build them with the resource's types, read from its schema) are the same
// in every schema that declares them; a difference would otherwise only show as a failed read.
func TestClusterSchemaTypesAgree(t *testing.T) {
	ctx := context.Background()
	r := clusterResourceSchema(ctx)
	if diags := r.ValidateImplementation(ctx); diags.HasError() {
		t.Fatalf("resource schema: %v", diags)
	}
	d := clusterDataSourceSchema()
	list := clustersDataSourceSchema()
	mounts := path.Root("mount_volumes")
	for _, tc := range []struct {
		schema typedSchema
		at     path.Path
		want   map[string]attr.Type
	}{
		{d, path.Root("scale_settings"), clusterScaleSettingsAttrTypes},
		{d, path.Root("image_reference"), clusterImageReferenceAttrTypes},
		{d, path.Root("node_state_counts"), clusterNodeStateCountsAttrTypes},
		{d, path.Root("errors").AtListIndex(0), clusterErrorAttrTypes},
		{d, path.Root("setup_task").AtName("secret_reference").AtListIndex(0), clusterSecretReferenceAttrTypes},
		{d, path.Root("performance_counters").AtName("instrumentation_key_secret_reference"), clusterKeyVaultSecretReferenceAttrTypes},
		{d, mounts.AtName("azure_file_share").AtListIndex(0).AtName("account_key_secret_reference"), clusterKeyVaultSecretReferenceAttrTypes},
		{d, mounts.AtName("azure_blob_file_system").AtListIndex(0).AtName("account_key_secret_reference"), clusterKeyVaultSecretReferenceAttrTypes},
		{d, mounts.AtName("file_server").AtListIndex(0), clusterFileServerMountAttrTypes},
		{d, mounts.AtName("unmanaged_file_system").AtListIndex(0), clusterUnmanagedFileSystemAttrTypes},
		{list, path.Root("clusters").AtListIndex(0).AtName("node_state_counts"), clusterNodeStateCountsAttrTypes},
		{r, mounts.AtName("azure_file_share").AtListIndex(0).AtName("account_key_secret_reference"), clusterKeyVaultSecretReferenceAttrTypes},
	} {
		got, want := types.ObjectType{AttrTypes: objectAttrTypesAt(tc.schema, tc.at)}, types.ObjectType{AttrTypes: tc.want}
		if !got.Equal(want) {
			t.Errorf("%s: schema type\n%s\nshared type\n%s", tc.at, got, want)
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
