package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// Expanders of batchai_file_server: from the planned model (and the configuration, for write-only secrets) to
// the wire model.

// expandFileServerCreateParameters builds the body of the file server PUT.
func expandFileServerCreateParameters(ctx context.Context, plan, config fileServerResourceModel) (api.FileServerCreateParameters, diag.Diagnostics) {
	var diags diag.Diagnostics
	props := &api.FileServerBaseProperties{
		VMSize: stringPtr(plan.VMSize),
		SSHConfiguration: &api.SSHConfiguration{
			UserAccountSettings: expandUserAccount(
				objectAs[clusterUserAccountResourceModel](ctx, plan.UserAccount, &diags),
				objectAs[clusterUserAccountResourceModel](ctx, config.UserAccount, &diags)),
		},
	}
	if !plan.PublicIPsToAllow.IsNull() && !plan.PublicIPsToAllow.IsUnknown() {
		diags.Append(plan.PublicIPsToAllow.ElementsAs(ctx, &props.SSHConfiguration.PublicIPsToAllow, false)...)
	}
	if d := objectAs[fileServerDataDisksModel](ctx, plan.DataDisks, &diags); d != nil {
		props.DataDisks = expandDataDisks(*d)
	}
	if s := stringPtr(plan.SubnetID); s != nil {
		props.Subnet = &api.ResourceID{ID: s}
	}
	return api.FileServerCreateParameters{Properties: props}, diags
}

func expandDataDisks(m fileServerDataDisksModel) *api.DataDisks {
	return &api.DataDisks{
		DiskSizeInGB:       int32Ptr(m.DiskSizeInGB),
		DiskCount:          int32Ptr(m.DiskCount),
		StorageAccountType: stringPtr(m.StorageAccountType),
		CachingType:        stringPtr(m.CachingType),
	}
}
