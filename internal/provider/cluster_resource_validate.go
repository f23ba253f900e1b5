package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

var _ resource.ResourceWithValidateConfig = &clusterResource{}

// ValidateConfig checks the rules that span attributes of a block: "exactly one of" and "at least one of".
// They live here rather than on the attributes because attribute validators also run when their single
// nested block is absent, and would then demand values nobody asked for. Unknown values skip a rule.
func (r *clusterResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m clusterResourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	diags := &resp.Diagnostics

	if ss := objectAs[clusterScaleSettingsModel](ctx, m.ScaleSettings, diags); ss != nil {
		requireOneOf(diags, path.Root("scale_settings"), true, "block",
			named{"manual", ss.Manual}, named{"auto_scale", ss.AutoScale})
	}
	if ua := objectAs[clusterUserAccountResourceModel](ctx, m.UserAccount, diags); ua != nil {
		// The service refuses an account without either ("Please provide admin user password or ssh
		// key"): nobody could log in to the nodes.
		requireOneOf(diags, path.Root("user_account"), false, "argument",
			named{"admin_user_ssh_public_key", ua.AdminUserSSHPublicKey}, named{"admin_user_ssh_public_key_wo", ua.AdminUserSSHPublicKeyWO},
			named{"admin_user_password", ua.AdminUserPassword}, named{"admin_user_password_wo", ua.AdminUserPasswordWO})
	}
	if pc := objectAs[clusterPerformanceCountersResourceModel](ctx, m.PerformanceCounters, diags); pc != nil {
		requireOneOf(diags, path.Root("performance_counters"), true, "argument",
			named{"instrumentation_key", pc.InstrumentationKey}, named{"instrumentation_key_wo", pc.InstrumentationKeyWO},
			named{"instrumentation_key_secret_reference", pc.InstrumentationKeySecretReference})
	}
	if mv := objectAs[clusterMountVolumesModel](ctx, m.MountVolumes, diags); mv != nil {
		at := path.Root("mount_volumes").AtName("azure_file_share")
		for i, s := range listAs[clusterAzureFileShareResourceModel](ctx, mv.AzureFileShares, diags) {
			requireOneOf(diags, at.AtListIndex(i), true, "argument", named{"account_key", s.AccountKey},
				named{"account_key_wo", s.AccountKeyWO}, named{"account_key_secret_reference", s.AccountKeySecretReference})
		}
		at = path.Root("mount_volumes").AtName("azure_blob_file_system")
		for i, b := range listAs[clusterAzureBlobFileSystemResourceModel](ctx, mv.AzureBlobFileSystems, diags) {
			requireOneOf(diags, at.AtListIndex(i), true, "argument", named{"account_key", b.AccountKey},
				named{"account_key_wo", b.AccountKeyWO}, named{"account_key_secret_reference", b.AccountKeySecretReference})
		}
	}
}

type named struct {
	name  string
	value attr.Value
}

// requireOneOf requires at least one of the values in the block at `at` to be set, and with exactlyOne
// at most one. It reports on the first value set twice, or on the block when none is set.
func requireOneOf(diags *diag.Diagnostics, at path.Path, exactlyOne bool, kind string, values ...named) {
	var set []string
	names := make([]string, 0, len(values))
	for _, v := range values {
		if v.value.IsUnknown() || hasUnknownAttribute(v.value) {
			return
		}
		names = append(names, "`"+v.name+"`")
		if !v.value.IsNull() {
			set = append(set, v.name)
		}
	}
	list := strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
	switch {
	case len(set) == 0:
		what := "at least one"
		if exactlyOne {
			what = "exactly one"
		}
		diags.AddAttributeError(at, "Missing Required Argument",
			fmt.Sprintf("%s needs %s %s of %s.", at, what, kind, list))
	case exactlyOne && len(set) > 1:
		diags.AddAttributeError(at.AtName(set[1]), "Conflicting Arguments",
			fmt.Sprintf("%s takes exactly one %s of %s, but both %s and %s are set.", at, kind, list,
				at.AtName(set[0]), at.AtName(set[1])))
	}
}

// hasUnknownAttribute reports whether an object has an unknown attribute. A `dynamic` block whose
// for_each is not known yet (a module input, during validate) arrives as a known object of unknown
// attributes: it may well not exist, so "exactly one of" must not count it yet.
func hasUnknownAttribute(v attr.Value) bool {
	obj, ok := v.(interface{ Attributes() map[string]attr.Value })
	if !ok || v.IsNull() {
		return false
	}
	for _, a := range obj.Attributes() {
		if a.IsUnknown() {
			return true
		}
	}
	return false
}
