package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func validateString(v validator.String, value string) []string {
	req := validator.StringRequest{Path: path.Root("attr"), ConfigValue: types.StringValue(value)}
	var resp validator.StringResponse
	v.ValidateString(context.Background(), req, &resp)
	var out []string
	for _, d := range resp.Diagnostics {
		out = append(out, d.Summary()+": "+d.Detail())
	}
	return out
}

func TestClusterStringValidators(t *testing.T) {
	for name, tc := range map[string]struct {
		v     validator.String
		value string
		want  string // "" when valid
	}{
		"size ok":             {supportedVMSize(), "Standard_NC6", ""},
		"size RDMA ok":        {supportedVMSize(), "Standard_H16r", ""},
		"size any case ok":    {supportedVMSize(), "standard_nc24rs_v3", ""},
		"size unknown":        {supportedVMSize(), "Standard_NC7", "Unknown VM Size: Attribute attr is \"Standard_NC7\", which is not a VM size Batch AI supported"},
		"size suggestions":    {supportedVMSize(), "Standard_NC7", "closest supported sizes are Standard_NC6, Standard_NC12 and Standard_NC24."},
		"size typo":           {supportedVMSize(), "Standard_H16rr", "closest supported sizes are Standard_H16r, "},
		"size no prefix":      {supportedVMSize(), "NC6", "closest supported sizes are Standard_NC6, "},
		"size A0":             {supportedVMSize(), "STANDARD_A0", "STANDARD_A0"},
		"size A0 any case":    {supportedVMSize(), "standard_a0", "does not support STANDARD_A0"},
		"size A1 ok":          {supportedVMSize(), "Standard_A1", ""},
		"size DS":             {supportedVMSize(), "Standard_DS3", "premium-storage"},
		"size DSv2":           {supportedVMSize(), "Standard_DS3_v2", "premium-storage"},
		"size GS":             {supportedVMSize(), "standard_gs5", "premium-storage"},
		"size D ok":           {supportedVMSize(), "Standard_D3_v2", ""},
		"workspace ok":        {workspaceID(), testWorkspaceID, ""},
		"workspace any case":  {workspaceID(), strings.ToLower(testWorkspaceID), ""},
		"workspace cluster":   {workspaceID(), testClusterID, "must be the ID of a batchai_workspace"},
		"workspace name":      {workspaceID(), "ws", "attr"},
		"workspace bad name":  {workspaceID(), testWorkspaceID[:len(testWorkspaceID)-2] + "w.s", "letters, digits"},
		"ssh ok":              {sshPublicKey(), testSSHKey + "\n", ""},
		"ssh path":            {sshPublicKey(), "~/.ssh/id_rsa.pub", "OpenSSH RSA public key"},
		"ssh private":         {sshPublicKey(), "-----BEGIN RSA PRIVATE KEY-----\nabc", "not a path or a private key"},
		"subnet ok":           {subnetIDValidator(), "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/d", ""},
		"subnet vnet":         {subnetIDValidator(), "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v", "subnets/{name}"},
		"ssh never quoted":    {sshPublicKey(), "secret-material", "attr must be"},
		"size message path":   {supportedVMSize(), "Standard_DS1", "Attribute attr is \"Standard_DS1\""},
		"mount ok":            {relativeMountPath(), "afs", ""},
		"mount nested ok":     {relativeMountPath(), "data/afs", ""},
		"mount dots ok":       {relativeMountPath(), "my.share..v2", ""},
		"mount dot dot":       {relativeMountPath(), "/abs/../x", `Invalid Relative Mount Path: Attribute attr is "/abs/../x": it must be a path relative to $AZ_BATCHAI_MOUNT_ROOT`},
		"mount suggestion":    {relativeMountPath(), "/abs/../x", `Did you mean "x"?`},
		"mount absolute":      {relativeMountPath(), "/afs", `Did you mean "afs"?`},
		"mount empty segment": {relativeMountPath(), "a//b", `Did you mean "a/b"?`},
		"mount dot":           {relativeMountPath(), "./afs", `Did you mean "afs"?`},
		"mount escapes":       {relativeMountPath(), "..", "relative to $AZ_BATCHAI_MOUNT_ROOT"},
		"workspace quoted ID": {workspaceID(), "/subscriptions/s", "Attribute attr"},
	} {
		t.Run(name, func(t *testing.T) {
			got := strings.Join(validateString(tc.v, tc.value), "\n")
			switch {
			case tc.want == "" && got != "":
				t.Errorf("unexpected error: %s", got)
			case tc.want != "" && !strings.Contains(got, tc.want):
				t.Errorf("error %q lacks %q", got, tc.want)
			}
			if strings.Contains(got, "secret-material") {
				t.Errorf("the message quotes the key: %s", got)
			}
		})
	}
}

func TestClusterAtLeastSibling(t *testing.T) {
	objType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"lo": tftypes.Number, "hi": tftypes.Number}}
	for name, tc := range map[string]struct {
		lo, hi int64
		fail   bool
	}{"equal": {2, 2, false}, "above": {1, 4, false}, "below": {3, 2, true}} {
		t.Run(name, func(t *testing.T) {
			raw := tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"auto": objType}},
				map[string]tftypes.Value{"auto": tftypes.NewValue(objType, map[string]tftypes.Value{
					"lo": tftypes.NewValue(tftypes.Number, tc.lo), "hi": tftypes.NewValue(tftypes.Number, tc.hi)})})
			req := validator.Int64Request{
				Path:        path.Root("auto").AtName("hi"),
				ConfigValue: types.Int64Value(tc.hi),
				Config:      tfsdk.Config{Raw: raw, Schema: testAutoSchema()},
			}
			var resp validator.Int64Response
			atLeastSibling("lo").ValidateInt64(context.Background(), req, &resp)
			if resp.Diagnostics.HasError() != tc.fail {
				t.Fatalf("fail = %v, diags %v", resp.Diagnostics.HasError(), resp.Diagnostics)
			}
			if tc.fail && !strings.Contains(resp.Diagnostics[0].Detail(), "auto.hi (2) must be greater than or equal to auto.lo (3)") {
				t.Errorf("detail: %s", resp.Diagnostics[0].Detail())
			}
		})
	}
}

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

func testAutoSchema() schema.Schema {
	return schema.Schema{Attributes: map[string]schema.Attribute{
		"auto": schema.SingleNestedAttribute{Optional: true, Attributes: map[string]schema.Attribute{
			"lo": schema.Int64Attribute{Optional: true},
			"hi": schema.Int64Attribute{Optional: true},
		}},
	}}
}

func TestRequireDistinctMountPaths(t *testing.T) {
	mount := func(p string) attr.Value {
		return types.ObjectValueMust(map[string]attr.Type{"relative_mount_path": types.StringType},
			map[string]attr.Value{"relative_mount_path": types.StringValue(p)})
	}
	list := func(paths ...string) types.List {
		elems := make([]attr.Value, 0, len(paths))
		for _, p := range paths {
			elems = append(elems, mount(p))
		}
		return types.ListValueMust(types.ObjectType{AttrTypes: map[string]attr.Type{"relative_mount_path": types.StringType}}, elems)
	}
	names := []string{"a", "b"}
	var diags diag.Diagnostics
	requireDistinctMountPaths(&diags, path.Root("mv"), names, map[string]types.List{"a": list("x", "y", "x"), "b": list("y", "z")})
	if len(diags) != 2 {
		t.Fatalf("want the second x and the second y, got %v", diags)
	}
	for i, want := range []string{`mv.a[2].relative_mount_path is "x", which is also the relative_mount_path of mv.a[0].relative_mount_path`,
		`mv.b[0].relative_mount_path is "y", which is also the relative_mount_path of mv.a[1].relative_mount_path`} {
		if !strings.Contains(diags[i].Detail(), want) {
			t.Errorf("diagnostic %d: %q lacks %q", i, diags[i].Detail(), want)
		}
	}
	diags = nil
	unknown := types.ListUnknown(types.ObjectType{AttrTypes: map[string]attr.Type{"relative_mount_path": types.StringType}})
	requireDistinctMountPaths(&diags, path.Root("mv"), names, map[string]types.List{"a": list("x"), "b": unknown})
	if len(diags) != 0 {
		t.Errorf("unknown mounts must be skipped: %v", diags)
	}
}
