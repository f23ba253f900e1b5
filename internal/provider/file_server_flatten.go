package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// Flatteners of a file server: from the wire model to the resource's and the data source's models.

// setFromAPI refreshes m from a file server the API returned. m holds the prior values (the plan during
// create, the state during read, almost nothing after import), which keep what the API never returns (the
// password and SSH key, kept in the user account by resourceUserAccount) and the configured spellings. The
// ID and names come from id, so that they match what was configured (the service spells the type
// "fileservers").
func (m *fileServerResourceModel) setFromAPI(ctx context.Context, id api.FileServerID, fs api.FileServer) diag.Diagnostics {
	var diags diag.Diagnostics
	p := api.Deref(fs.Properties)
	m.ID = types.StringValue(id.String())
	m.Name = types.StringValue(id.Name)
	m.WorkspaceID = keepSpelling(normalizeCaseInsensitive, m.WorkspaceID, types.StringValue(id.WorkspaceID().String()))
	m.VMSize = keepSpelling(normalizeCaseInsensitive, m.VMSize, stringValue(p.VMSize))
	ssh := api.Deref(p.SSHConfiguration)
	m.UserAccount = resourceUserAccount(ctx, ssh.UserAccountSettings, m.UserAccount, &diags)
	m.PublicIPsToAllow = flattenPublicIPs(ctx, ssh.PublicIPsToAllow, &diags)
	m.DataDisks = flattenDataDisks(ctx, p.DataDisks, &diags)
	m.SubnetID = keepSpelling(normalizeCaseInsensitive, m.SubnetID, stringValue(resourceIDString(p.Subnet)))
	m.setObservedFromAPI(p)
	return diags
}

// setObservedFromAPI sets the read-only values.
func (m *fileServerResourceModel) setObservedFromAPI(p api.FileServerProperties) {
	ms := api.Deref(p.MountSettings)
	m.MountPoint = stringOrNull(ms.MountPoint)
	m.PublicIP = stringOrNull(ms.FileServerPublicIP)
	m.InternalIP = stringOrNull(ms.FileServerInternalIP)
	m.CreationTime = stringOrNull(p.CreationTime)
	m.ProvisioningState = stringOrNull(p.ProvisioningState)
}

// nullUnknowns replaces the values only the API knows with nulls, for a state recorded without reading the
// file server (state may not hold unknowns).
func (m *fileServerResourceModel) nullUnknowns(id api.FileServerID) {
	m.ID = types.StringValue(id.String())
	for _, v := range []*types.String{&m.SubnetID, &m.MountPoint, &m.PublicIP, &m.InternalIP, &m.CreationTime, &m.ProvisioningState} {
		if v.IsUnknown() {
			*v = types.StringNull()
		}
	}
}

// flatten fills the batchai_file_server data source's model.
func (m *fileServerDataSourceModel) flatten(ctx context.Context, id api.FileServerID, fs api.FileServer) diag.Diagnostics {
	var diags diag.Diagnostics
	p := api.Deref(fs.Properties)
	ssh := api.Deref(p.SSHConfiguration)
	ms := api.Deref(p.MountSettings)
	m.ID = types.StringValue(id.String())
	m.Name = types.StringValue(id.Name)
	m.WorkspaceID = types.StringValue(id.WorkspaceID().String())
	m.VMSize = stringValue(p.VMSize)
	m.AdminUserName = flattenUserAccount(ssh.UserAccountSettings).AdminUserName
	m.PublicIPsToAllow = flattenPublicIPs(ctx, ssh.PublicIPsToAllow, &diags)
	m.DataDisks = flattenDataDisks(ctx, p.DataDisks, &diags)
	m.SubnetID = stringValue(resourceIDString(p.Subnet))
	m.MountPoint = stringOrNull(ms.MountPoint)
	m.PublicIP = stringOrNull(ms.FileServerPublicIP)
	m.InternalIP = stringOrNull(ms.FileServerInternalIP)
	m.CreationTime = stringOrNull(p.CreationTime)
	m.ProvisioningState = stringOrNull(p.ProvisioningState)
	m.ProvisioningStateTransitionTime = stringOrNull(p.ProvisioningStateTransitionTime)
	return diags
}

// flattenPublicIPs is null when the service reports none: every source may connect (the configuration
// cannot hold an empty list).
func flattenPublicIPs(ctx context.Context, ips []string, diags *diag.Diagnostics) types.List {
	if len(ips) == 0 {
		return types.ListNull(types.StringType)
	}
	l, d := types.ListValueFrom(ctx, types.StringType, ips)
	diags.Append(d...)
	return l
}

// flattenDataDisks fills in the spec's default caching type when the service leaves it out.
func flattenDataDisks(ctx context.Context, d *api.DataDisks, diags *diag.Diagnostics) types.Object {
	if d == nil {
		return types.ObjectNull(fileServerDataDisksAttrTypes)
	}
	return objectFrom(ctx, fileServerDataDisksAttrTypes, &fileServerDataDisksModel{
		DiskSizeInGB:       int64Value(d.DiskSizeInGB),
		DiskCount:          int64Value(d.DiskCount),
		StorageAccountType: stringValue(d.StorageAccountType),
		CachingType:        stringValue(defaultString(d.CachingType, fileServerDefaultCaching)),
	}, diags)
}
