package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Adopting secrets after an import. Azure never returns a cluster's secrets, so an imported cluster has
// them null in state; the configuration that manages it has them set. Since every secret is create-only,
// that difference would plan a replacement of a cluster that is in fact what the configuration says.
// ImportState marks the state (private data) as holding unknown secrets; while the mark is there, a
// secret (or _wo_version) going from null to a value is recorded in place instead (an update that calls
// no API), and the first successful update removes the mark. Secrets known to state still replace the
// cluster when they change.

// clusterPrivateSecretsUnknown is the private-state key of the mark.
const clusterPrivateSecretsUnknown = "secrets_unknown"

// requiresReplaceUnlessAdopting is RequiresReplace for a block holding secrets, except that secrets
// unknown to an imported state are adopted (the block must otherwise be unchanged).
func requiresReplaceUnlessAdopting(adopt func(ctx context.Context, plan, state types.Object, diags *diag.Diagnostics) types.Object) planmodifier.Object {
	return objectplanmodifier.RequiresReplaceIf(
		func(ctx context.Context, req planmodifier.ObjectRequest, resp *objectplanmodifier.RequiresReplaceIfFuncResponse) {
			resp.RequiresReplace = true
			if req.Private == nil {
				return
			}
			mark, diags := req.Private.GetKey(ctx, clusterPrivateSecretsUnknown)
			resp.Diagnostics.Append(diags...)
			if mark == nil || diags.HasError() {
				return
			}
			adopted := adopt(ctx, req.PlanValue, req.StateValue, &resp.Diagnostics)
			resp.RequiresReplace = !adopted.Equal(req.StateValue)
		},
		"Changing this block replaces the cluster.",
		"Changing this block replaces the cluster.",
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

func adoptUserAccount(ctx context.Context, plan, state types.Object, diags *diag.Diagnostics) types.Object {
	p := objectAs[clusterUserAccountResourceModel](ctx, plan, diags)
	s := objectAs[clusterUserAccountResourceModel](ctx, state, diags)
	if p == nil || s == nil {
		return plan
	}
	p.AdminUserSSHPublicKey = adoptString(p.AdminUserSSHPublicKey, s.AdminUserSSHPublicKey)
	p.AdminUserSSHPublicKeyWOVersion = adoptInt64(p.AdminUserSSHPublicKeyWOVersion, s.AdminUserSSHPublicKeyWOVersion)
	p.AdminUserPassword = adoptString(p.AdminUserPassword, s.AdminUserPassword)
	p.AdminUserPasswordWOVersion = adoptInt64(p.AdminUserPasswordWOVersion, s.AdminUserPasswordWOVersion)
	return objectFrom(ctx, clusterUserAccountResourceAttrTypes, p, diags)
}

func adoptSetupTask(ctx context.Context, plan, state types.Object, diags *diag.Diagnostics) types.Object {
	p := objectAs[clusterSetupTaskResourceModel](ctx, plan, diags)
	s := objectAs[clusterSetupTaskResourceModel](ctx, state, diags)
	if p == nil || s == nil {
		return plan
	}
	if s.Secrets.IsNull() {
		p.Secrets = s.Secrets
	}
	p.SecretsWOVersion = adoptInt64(p.SecretsWOVersion, s.SecretsWOVersion)
	return objectFrom(ctx, clusterSetupTaskResourceAttrTypes, p, diags)
}

func adoptPerformanceCounters(ctx context.Context, plan, state types.Object, diags *diag.Diagnostics) types.Object {
	p := objectAs[clusterPerformanceCountersResourceModel](ctx, plan, diags)
	s := objectAs[clusterPerformanceCountersResourceModel](ctx, state, diags)
	if p == nil || s == nil {
		return plan
	}
	p.InstrumentationKey = adoptString(p.InstrumentationKey, s.InstrumentationKey)
	p.InstrumentationKeyWOVersion = adoptInt64(p.InstrumentationKeyWOVersion, s.InstrumentationKeyWOVersion)
	return objectFrom(ctx, clusterPerformanceCountersResourceAttrTypes, p, diags)
}

func adoptMountVolumes(ctx context.Context, plan, state types.Object, diags *diag.Diagnostics) types.Object {
	p := objectAs[clusterMountVolumesModel](ctx, plan, diags)
	s := objectAs[clusterMountVolumesModel](ctx, state, diags)
	if p == nil || s == nil {
		return plan
	}
	// Lists are rebuilt only when they have elements: Terraform hands an absent list block over as null.
	adoptKey := func(planned, prior clusterAccountKeyModel) clusterAccountKeyModel {
		planned.AccountKey = adoptString(planned.AccountKey, prior.AccountKey)
		planned.AccountKeyWOVersion = adoptInt64(planned.AccountKeyWOVersion, prior.AccountKeyWOVersion)
		return planned
	}
	afs := listAs[clusterAzureFileShareResourceModel](ctx, p.AzureFileShares, diags)
	priorAFS := listAs[clusterAzureFileShareResourceModel](ctx, s.AzureFileShares, diags)
	if len(afs) > 0 && len(afs) == len(priorAFS) {
		for i := range afs {
			afs[i].clusterAccountKeyModel = adoptKey(afs[i].clusterAccountKeyModel, priorAFS[i].clusterAccountKeyModel)
		}
		p.AzureFileShares = listFrom(ctx, clusterAzureFileShareResourceAttrTypes, afs, diags)
	}
	bfs := listAs[clusterAzureBlobFileSystemResourceModel](ctx, p.AzureBlobFileSystems, diags)
	priorBFS := listAs[clusterAzureBlobFileSystemResourceModel](ctx, s.AzureBlobFileSystems, diags)
	if len(bfs) > 0 && len(bfs) == len(priorBFS) {
		for i := range bfs {
			bfs[i].clusterAccountKeyModel = adoptKey(bfs[i].clusterAccountKeyModel, priorBFS[i].clusterAccountKeyModel)
		}
		p.AzureBlobFileSystems = listFrom(ctx, clusterAzureBlobFileSystemResourceAttrTypes, bfs, diags)
	}
	return objectFrom(ctx, clusterMountVolumesResourceAttrTypes, p, diags)
}
