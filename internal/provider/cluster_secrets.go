package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// Everything the provider does because the service never returns a cluster's secrets (admin password and
// SSH key, storage account keys, the App Insights key, setup-task secrets):
//   - the schema: each secret as a Sensitive attribute stored in state, or as a write-only `_wo` twin with
//     its `_wo_version` (sensitiveString, writeOnlyString, writeOnlyVersion);
//   - the request: a secret comes from the plan, or for a write-only twin from the configuration
//     (secretValue);
//   - the read: a secret keeps its prior value, since the API's answer has none (resourceUserAccount and
//     the other resourceX flatteners);
//   - the import: an imported cluster's secrets are unknown, not absent, and the configuration's are adopted
//     in place instead of replacing the cluster (the private-state mark and requiresReplaceUnlessAdopting).

// secretValue picks a secret from its classic attribute (plan) or, failing that, its write-only twin
// (configuration: write-only values are never in the plan).
func secretValue(classic, writeOnly types.String) *string {
	if p := stringPtr(classic); p != nil {
		return p
	}
	return stringPtr(writeOnly)
}

// sensitiveString is the classic, state-stored form of a secret, exclusive with its write-only twin.
func sensitiveString(description, writeOnlyTwin string, more ...validator.String) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		Sensitive:           true,
		MarkdownDescription: description,
		Validators: append([]validator.String{
			stringvalidator.LengthAtLeast(1),
			conflictsWithSibling(writeOnlyTwin),
		}, more...),
	}
}

// writeOnlyString is the write-only form of a secret (the azurerm `_wo` convention).
func writeOnlyString(description, versionAttr string, more ...validator.String) schema.StringAttribute {
	return schema.StringAttribute{
		Optional:            true,
		Sensitive:           true,
		WriteOnly:           true,
		MarkdownDescription: description,
		Validators: append([]validator.String{
			stringvalidator.LengthAtLeast(1),
			stringvalidator.AlsoRequires(path.MatchRelative().AtParent().AtName(versionAttr)),
		}, more...),
	}
}

// writeOnlyVersion is the `_wo_version` of a write-only secret of a cluster: stored in state, it is the only
// way Terraform can see that the secret changed.
func writeOnlyVersion(writeOnlyAttr string) schema.Int64Attribute {
	return writeOnlyVersionOf(writeOnlyAttr, "cluster")
}

// writeOnlyVersionOf is writeOnlyVersion for a secret of another kind of resource (e.g. "file server").
func writeOnlyVersionOf(writeOnlyAttr, resource string) schema.Int64Attribute {
	return schema.Int64Attribute{
		Optional: true,
		MarkdownDescription: "Any number; change it to send a new `" + writeOnlyAttr + "` (which replaces the " +
			resource + "). Required with `" + writeOnlyAttr + "`.",
		Validators: []validator.Int64{
			int64validator.AlsoRequires(path.MatchRelative().AtParent().AtName(writeOnlyAttr)),
		},
	}
}

// The flatteners of the resource's nested values that hold secrets: what the API returns, plus the secrets
// and their write-only versions from the prior value. Write-only values themselves are never kept.

// resourceUserAccount is the admin account: its name from the API, its SSH key and password from prior.
func resourceUserAccount(ctx context.Context, u *api.UserAccountSettings, prior types.Object, diags *diag.Diagnostics) types.Object {
	if u == nil {
		return types.ObjectNull(clusterUserAccountResourceAttrTypes)
	}
	out := clusterUserAccountResourceModel{clusterUserAccountModel: flattenUserAccount(u)}
	if p := objectAs[clusterUserAccountResourceModel](ctx, prior, diags); p != nil {
		out.AdminUserSSHPublicKey = p.AdminUserSSHPublicKey
		out.AdminUserSSHPublicKeyWOVersion = p.AdminUserSSHPublicKeyWOVersion
		out.AdminUserPassword = p.AdminUserPassword
		out.AdminUserPasswordWOVersion = p.AdminUserPasswordWOVersion
	}
	return objectFrom(ctx, clusterUserAccountResourceAttrTypes, &out, diags)
}

// resourceSetupTask is the setup task: the API's view, its secrets from prior, and an empty
// environment_variables map kept empty (the API omits it, which would read as null).
func resourceSetupTask(ctx context.Context, st *api.SetupTask, prior types.Object, diags *diag.Diagnostics) types.Object {
	if st == nil {
		return types.ObjectNull(clusterSetupTaskResourceAttrTypes)
	}
	out := clusterSetupTaskResourceModel{
		clusterSetupTaskModel: flattenSetupTask(ctx, *st, diags),
		Secrets:               types.MapNull(types.StringType),
		SecretsWO:             types.MapNull(types.StringType),
	}
	if p := objectAs[clusterSetupTaskResourceModel](ctx, prior, diags); p != nil {
		out.Secrets = p.Secrets
		out.SecretsWOVersion = p.SecretsWOVersion
		// An empty map in configuration must stay empty, not become null.
		if out.EnvironmentVariables.IsNull() && !p.EnvironmentVariables.IsNull() && !p.EnvironmentVariables.IsUnknown() &&
			len(p.EnvironmentVariables.Elements()) == 0 {
			out.EnvironmentVariables = p.EnvironmentVariables
		}
	}
	return objectFrom(ctx, clusterSetupTaskResourceAttrTypes, &out, diags)
}

// resourcePerformanceCounters is the App Insights settings: the API's view, the instrumentation key from prior.
func resourcePerformanceCounters(ctx context.Context, pc *api.PerformanceCountersSettings, prior types.Object, diags *diag.Diagnostics) types.Object {
	if pc == nil || pc.AppInsightsReference == nil {
		return types.ObjectNull(clusterPerformanceCountersResourceAttrTypes)
	}
	out := clusterPerformanceCountersResourceModel{clusterPerformanceCountersModel: flattenPerformanceCounters(ctx, *pc, diags)}
	if p := objectAs[clusterPerformanceCountersResourceModel](ctx, prior, diags); p != nil {
		out.InstrumentationKey = p.InstrumentationKey
		out.InstrumentationKeyWOVersion = p.InstrumentationKeyWOVersion
	}
	return objectFrom(ctx, clusterPerformanceCountersResourceAttrTypes, &out, diags)
}

// resourceMountVolumes adds the prior account keys to the mounts the API returns, matching each
// mount by its relative_mount_path (unique on a node), so a reordered list keeps its keys. A mountVolumes
// without mounts reads as absent: the resource's block must hold at least one.
func resourceMountVolumes(ctx context.Context, mv *api.MountVolumes, prior types.Object, diags *diag.Diagnostics) types.Object {
	if mv == nil || len(mv.AzureFileShares)+len(mv.AzureBlobFileSystems)+len(mv.FileServers)+len(mv.UnmanagedFileSystems) == 0 {
		return types.ObjectNull(clusterMountVolumesResourceAttrTypes)
	}
	var priorAFS []clusterAzureFileShareResourceModel
	var priorBFS []clusterAzureBlobFileSystemResourceModel
	if p := objectAs[clusterMountVolumesModel](ctx, prior, diags); p != nil {
		priorAFS = listAs[clusterAzureFileShareResourceModel](ctx, p.AzureFileShares, diags)
		priorBFS = listAs[clusterAzureBlobFileSystemResourceModel](ctx, p.AzureBlobFileSystems, diags)
	}
	return flattenMountVolumes(ctx, mv, clusterMountVolumesResourceAttrTypes,
		func(m clusterAzureFileShareModel) clusterAzureFileShareResourceModel {
			key := priorAccountKey(priorAFS, func(p clusterAzureFileShareResourceModel) (types.String, clusterAccountKeyModel) {
				return p.RelativeMountPath, p.clusterAccountKeyModel
			}, m.RelativeMountPath)
			return clusterAzureFileShareResourceModel{clusterAzureFileShareModel: m, clusterAccountKeyModel: key}
		},
		func(m clusterAzureBlobFileSystemModel) clusterAzureBlobFileSystemResourceModel {
			key := priorAccountKey(priorBFS, func(p clusterAzureBlobFileSystemResourceModel) (types.String, clusterAccountKeyModel) {
				return p.RelativeMountPath, p.clusterAccountKeyModel
			}, m.RelativeMountPath)
			return clusterAzureBlobFileSystemResourceModel{clusterAzureBlobFileSystemModel: m, clusterAccountKeyModel: key}
		}, diags)
}

// priorAccountKey finds the prior key of the mount at mountPath; the write-only key itself is never kept.
func priorAccountKey[T any](prior []T, key func(T) (types.String, clusterAccountKeyModel), mountPath types.String) clusterAccountKeyModel {
	for _, p := range prior {
		if path, k := key(p); path.Equal(mountPath) {
			return clusterAccountKeyModel{
				AccountKey:          k.AccountKey,
				AccountKeyWO:        types.StringNull(),
				AccountKeyWOVersion: k.AccountKeyWOVersion,
			}
		}
	}
	return clusterAccountKeyModel{AccountKey: types.StringNull(), AccountKeyWO: types.StringNull(), AccountKeyWOVersion: types.Int64Null()}
}

// Adopting secrets after an import. Azure never returns a cluster's secrets, so an imported cluster has
// them null in state; the configuration that manages it has them set. Since every secret is create-only,
// that difference would plan a replacement of a cluster that is in fact what the configuration says.
// ImportState marks the state (private data) as holding unknown secrets; while the mark is there, a
// secret (or _wo_version) going from null to a value is recorded in place instead (an update that calls
// no API), and the first successful update removes the mark. Secrets known to state still replace the
// cluster when they change.

// clusterPrivateSecretsUnknown is the private-state key of the mark.
const clusterPrivateSecretsUnknown = "secrets_unknown"

// privateState is the provider's private state of a response (ImportState's and Update's resp.Private).
type privateState interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// markSecretsUnknown sets the mark: state holds no secrets because they could not be imported.
func markSecretsUnknown(ctx context.Context, p privateState) diag.Diagnostics {
	return p.SetKey(ctx, clusterPrivateSecretsUnknown, []byte("true"))
}

// clearSecretsUnknown removes the mark: the secrets in state now come from the configuration.
func clearSecretsUnknown(ctx context.Context, p privateState) diag.Diagnostics {
	return p.SetKey(ctx, clusterPrivateSecretsUnknown, nil)
}

// requiresReplaceUnlessAdopting is RequiresReplace for a block holding secrets, except that secrets
// unknown to an imported state are adopted (the block must otherwise be unchanged), and that a block added
// or removed, and with appended the mounts appended to its lists, are left to its leaves: requiresReplaceWhenNew
// for what is new, the resource's ModifyPlan for a removed block (replaceRemovedBlocks). Terraform's plan
// renderer marks every write-only attribute of a new or removed block "# forces replacement" when the block's
// own path forces it, even one that was never set; a leaf's path marks only that leaf.
func requiresReplaceUnlessAdopting(adopt func(ctx context.Context, plan, state types.Object, diags *diag.Diagnostics) types.Object,
	appended ...func(ctx context.Context, plan, state types.Object, diags *diag.Diagnostics) types.Object) planmodifier.Object {
	return objectplanmodifier.RequiresReplaceIf(
		func(ctx context.Context, req planmodifier.ObjectRequest, resp *objectplanmodifier.RequiresReplaceIfFuncResponse) {
			if req.StateValue.IsNull() || req.PlanValue.IsNull() {
				return // a new block's leaves, or ModifyPlan for a removed block, force the replacement
			}
			planned := req.PlanValue
			if req.Private != nil {
				mark, diags := req.Private.GetKey(ctx, clusterPrivateSecretsUnknown)
				resp.Diagnostics.Append(diags...)
				if diags.HasError() {
					return
				}
				if mark != nil {
					planned = adopt(ctx, planned, req.StateValue, &resp.Diagnostics)
				}
			}
			for _, withoutAppended := range appended {
				planned = withoutAppended(ctx, planned, req.StateValue, &resp.Diagnostics)
			}
			resp.RequiresReplace = !planned.Equal(req.StateValue)
		},
		"Changing this block replaces the resource, unless it only adopts secrets after an import.",
		"Changing this block replaces the resource, unless it only adopts secrets after an import.",
	)
}

// adoptString and adoptInt64 return the prior (null) value when state never knew the secret.
func adoptString(planned, prior types.String) types.String {
	if prior.IsNull() {
		return prior
	}
	return planned
}

func adoptInt64(planned, prior types.Int64) types.Int64 {
	if prior.IsNull() {
		return prior
	}
	return planned
}

// The adoptX functions return the planned block with every secret unknown to state reset to null, for
// comparison with state: equal means only adoptable secrets differ.

// adoptIn converts the planned and the prior block to T, lets reset put back the null of every secret that
// state never knew, and converts the plan back. A block that is not a known object is returned as planned.
func adoptIn[T any](ctx context.Context, plan, state types.Object, diags *diag.Diagnostics, reset func(planned, prior *T)) types.Object {
	p := objectAs[T](ctx, plan, diags)
	s := objectAs[T](ctx, state, diags)
	if p == nil || s == nil {
		return plan
	}
	reset(p, s)
	return objectFrom(ctx, plan.AttributeTypes(ctx), p, diags)
}

func adoptUserAccount(ctx context.Context, plan, state types.Object, diags *diag.Diagnostics) types.Object {
	return adoptIn(ctx, plan, state, diags, func(p, s *clusterUserAccountResourceModel) {
		p.AdminUserSSHPublicKey = adoptString(p.AdminUserSSHPublicKey, s.AdminUserSSHPublicKey)
		p.AdminUserSSHPublicKeyWOVersion = adoptInt64(p.AdminUserSSHPublicKeyWOVersion, s.AdminUserSSHPublicKeyWOVersion)
		p.AdminUserPassword = adoptString(p.AdminUserPassword, s.AdminUserPassword)
		p.AdminUserPasswordWOVersion = adoptInt64(p.AdminUserPasswordWOVersion, s.AdminUserPasswordWOVersion)
	})
}

func adoptSetupTask(ctx context.Context, plan, state types.Object, diags *diag.Diagnostics) types.Object {
	return adoptIn(ctx, plan, state, diags, func(p, s *clusterSetupTaskResourceModel) {
		if s.Secrets.IsNull() {
			p.Secrets = s.Secrets
		}
		p.SecretsWOVersion = adoptInt64(p.SecretsWOVersion, s.SecretsWOVersion)
	})
}

func adoptPerformanceCounters(ctx context.Context, plan, state types.Object, diags *diag.Diagnostics) types.Object {
	return adoptIn(ctx, plan, state, diags, func(p, s *clusterPerformanceCountersResourceModel) {
		p.InstrumentationKey = adoptString(p.InstrumentationKey, s.InstrumentationKey)
		p.InstrumentationKeyWOVersion = adoptInt64(p.InstrumentationKeyWOVersion, s.InstrumentationKeyWOVersion)
	})
}

func adoptMountVolumes(ctx context.Context, plan, state types.Object, diags *diag.Diagnostics) types.Object {
	return adoptIn(ctx, plan, state, diags, func(p, s *clusterMountVolumesModel) {
		p.AzureFileShares = adoptAccountKeys(ctx, p.AzureFileShares, s.AzureFileShares, clusterAzureFileShareResourceAttrTypes,
			func(m *clusterAzureFileShareResourceModel) *clusterAccountKeyModel { return &m.clusterAccountKeyModel }, diags)
		p.AzureBlobFileSystems = adoptAccountKeys(ctx, p.AzureBlobFileSystems, s.AzureBlobFileSystems, clusterAzureBlobFileSystemResourceAttrTypes,
			func(m *clusterAzureBlobFileSystemResourceModel) *clusterAccountKeyModel {
				return &m.clusterAccountKeyModel
			}, diags)
	})
}

// adoptAccountKeys adopts the account key of each mount of a list, mount by mount. A list is rebuilt only
// when it has elements, as many as before: Terraform hands an absent list block over as null.
func adoptAccountKeys[T any](ctx context.Context, planned, prior types.List, attrTypes map[string]attr.Type,
	key func(*T) *clusterAccountKeyModel, diags *diag.Diagnostics) types.List {
	items := listAs[T](ctx, planned, diags)
	priorItems := listAs[T](ctx, prior, diags)
	if len(items) == 0 || len(items) != len(priorItems) {
		return planned
	}
	for i := range items {
		k, pk := key(&items[i]), key(&priorItems[i])
		k.AccountKey = adoptString(k.AccountKey, pk.AccountKey)
		k.AccountKeyWOVersion = adoptInt64(k.AccountKeyWOVersion, pk.AccountKeyWOVersion)
	}
	return listFrom(ctx, attrTypes, items, diags)
}

// The rules on which secrets a configuration gives. A cluster is created with its secrets: an admin password
// or SSH key, and exactly one key (or Key Vault reference) per storage mount and for App Insights. A cluster
// imported from Azure has none in its configuration, as `terraform query -generate-config-out` writes it,
// since Azure never returns them: those configurations must validate and plan nothing. So ValidateConfig
// only rejects a secret given twice, and the create's plan (ModifyPlan with no prior state, which is also the
// create half of a replacement) requires them.

// forEachSecretRule calls rule with each block of m that must hold one of its secrets at creation: exactlyOne
// says that the values exclude each other (else at least one is needed, and more are allowed).
func forEachSecretRule(ctx context.Context, m clusterResourceModel, diags *diag.Diagnostics,
	rule func(at path.Path, exactlyOne bool, values ...named)) {
	if ua := objectAs[clusterUserAccountResourceModel](ctx, m.UserAccount, diags); ua != nil {
		// The service refuses an account without either ("Please provide admin user password or ssh
		// key"): nobody could log in to the nodes.
		rule(path.Root("user_account"), false,
			named{"admin_user_ssh_public_key", ua.AdminUserSSHPublicKey}, named{"admin_user_ssh_public_key_wo", ua.AdminUserSSHPublicKeyWO},
			named{"admin_user_password", ua.AdminUserPassword}, named{"admin_user_password_wo", ua.AdminUserPasswordWO})
	}
	if pc := objectAs[clusterPerformanceCountersResourceModel](ctx, m.PerformanceCounters, diags); pc != nil {
		rule(path.Root("performance_counters"), true,
			named{"instrumentation_key", pc.InstrumentationKey}, named{"instrumentation_key_wo", pc.InstrumentationKeyWO},
			named{"instrumentation_key_secret_reference", pc.InstrumentationKeySecretReference})
	}
	forEachMountKeyRule(ctx, m.MountVolumes, path.Root("mount_volumes"), diags, rule)
}

// forEachMountKeyRule calls rule for the storage account key of every Azure Files share and blob container of a
// mount_volumes block at `at` (a cluster's, or a job's): exactly one of its forms.
func forEachMountKeyRule(ctx context.Context, mountVolumes types.Object, at path.Path, diags *diag.Diagnostics,
	rule func(at path.Path, exactlyOne bool, values ...named)) {
	mv := objectAs[clusterMountVolumesModel](ctx, mountVolumes, diags)
	if mv == nil {
		return
	}
	for i, s := range listAs[clusterAzureFileShareResourceModel](ctx, mv.AzureFileShares, diags) {
		rule(at.AtName("azure_file_share").AtListIndex(i), true, named{"account_key", s.AccountKey},
			named{"account_key_wo", s.AccountKeyWO}, named{"account_key_secret_reference", s.AccountKeySecretReference})
	}
	for i, b := range listAs[clusterAzureBlobFileSystemResourceModel](ctx, mv.AzureBlobFileSystems, diags) {
		rule(at.AtName("azure_blob_file_system").AtListIndex(i), true, named{"account_key", b.AccountKey},
			named{"account_key_wo", b.AccountKeyWO}, named{"account_key_secret_reference", b.AccountKeySecretReference})
	}
}

// requireSecretsForCreate checks, in the plan of a create, that the configuration (which alone holds the
// write-only secrets) gives every secret the new cluster needs.
func requireSecretsForCreate(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) {
	var m clusterResourceModel
	if d := config.Get(ctx, &m); d.HasError() {
		diags.Append(d...)
		return
	}
	forEachSecretRule(ctx, m, diags, func(at path.Path, exactlyOne bool, values ...named) {
		requireOneOf(diags, at, exactlyOne, "argument", values...)
	})
}
