package provider

import (
	"context"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// Builders of cluster models for unit tests: planned values as Terraform would hand them to Create.

const (
	testWorkspaceID = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.BatchAI/workspaces/ws"
	testClusterID   = testWorkspaceID + "/clusters/c1"
	testSSHKey      = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC0test user@host"
	testVaultID     = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"
)

func mustObject[T any](t *testing.T, attrTypes map[string]attr.Type, v *T) types.Object {
	t.Helper()
	var diags diag.Diagnostics
	obj := objectFrom(context.Background(), attrTypes, v, &diags)
	if diags.HasError() {
		t.Fatalf("object: %v", diags)
	}
	return obj
}

func mustList[T any](t *testing.T, attrTypes map[string]attr.Type, items ...T) types.List {
	t.Helper()
	var diags diag.Diagnostics
	l := listFrom(context.Background(), attrTypes, items, &diags)
	if diags.HasError() {
		t.Fatalf("list: %v", diags)
	}
	return l
}

func str(s string) types.String { return types.StringValue(s) }
func num(n int64) types.Int64   { return types.Int64Value(n) }

func nullTimeouts() timeouts.Value {
	return timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
		"create": types.StringType, "read": types.StringType, "update": types.StringType, "delete": types.StringType,
	})}
}

func testManualScale(t *testing.T, target int64) types.Object {
	return mustObject(t, clusterScaleSettingsAttrTypes, &clusterScaleSettingsModel{
		Manual: mustObject(t, clusterManualScaleAttrTypes, &clusterManualScaleModel{
			TargetNodeCount: num(target), NodeDeallocationOption: str(api.DeallocationRequeue),
		}),
		AutoScale: types.ObjectNull(clusterAutoScaleAttrTypes),
	})
}

func testAutoScale(t *testing.T, lo, hi, initial int64) types.Object {
	return mustObject(t, clusterScaleSettingsAttrTypes, &clusterScaleSettingsModel{
		Manual: types.ObjectNull(clusterManualScaleAttrTypes),
		AutoScale: mustObject(t, clusterAutoScaleAttrTypes, &clusterAutoScaleModel{
			MinimumNodeCount: num(lo), MaximumNodeCount: num(hi), InitialNodeCount: num(initial),
		}),
	})
}

func testUserAccount(t *testing.T, u clusterUserAccountResourceModel) types.Object {
	return mustObject(t, clusterUserAccountResourceAttrTypes, &u)
}

func testKeyVaultRef(t *testing.T, secret string) types.Object {
	return mustObject(t, clusterKeyVaultSecretReferenceAttrTypes, &clusterKeyVaultSecretReferenceModel{
		SourceVaultID: str(testVaultID), SecretURL: str("https://kv.vault.azure.net/secrets/" + secret),
	})
}

// testClusterBasicPlan is the smallest cluster: a manual target and an SSH key.
func testClusterBasicPlan(t *testing.T) clusterResourceModel {
	return clusterResourceModel{
		ID:                  str(testClusterID),
		Name:                str("c1"),
		WorkspaceID:         str(testWorkspaceID),
		VMSize:              str("Standard_NC6"),
		VMPriority:          str(api.VMPriorityDedicated),
		ScaleSettings:       testManualScale(t, 1),
		ImageReference:      types.ObjectUnknown(clusterImageReferenceAttrTypes),
		UserAccount:         testUserAccount(t, clusterUserAccountResourceModel{clusterUserAccountModel: clusterUserAccountModel{AdminUserName: str("admin")}, AdminUserSSHPublicKey: str(testSSHKey)}),
		SubnetID:            types.StringUnknown(),
		SetupTask:           types.ObjectNull(clusterSetupTaskResourceAttrTypes),
		MountVolumes:        types.ObjectNull(clusterMountVolumesResourceAttrTypes),
		PerformanceCounters: types.ObjectNull(clusterPerformanceCountersResourceAttrTypes),
		WaitForSteadyState:  types.BoolValue(true),
		AllocationState:     types.StringUnknown(),
		CurrentNodeCount:    types.Int64Unknown(),
		NodeStateCounts:     types.ObjectUnknown(clusterNodeStateCountsAttrTypes),
		Errors:              types.ListUnknown(types.ObjectType{AttrTypes: clusterErrorAttrTypes}),
		CreationTime:        types.StringUnknown(),
		ProvisioningState:   types.StringUnknown(),
		Timeouts:            nullTimeouts(),
	}
}

// testClusterCompletePlan sets every block, with classic (state-stored) secrets.
func testClusterCompletePlan(t *testing.T) clusterResourceModel {
	m := testClusterBasicPlan(t)
	m.VMPriority = str(api.VMPriorityLowPriority)
	m.ScaleSettings = testAutoScale(t, 1, 4, 2)
	m.ImageReference = mustObject(t, clusterImageReferenceAttrTypes, &clusterImageReferenceModel{
		Publisher: str("microsoft-ads"), Offer: str("linux-data-science-vm-ubuntu"), Sku: str("linuxdsvmubuntu"),
		Version: str("latest"), VirtualMachineImageID: types.StringNull(),
	})
	m.SubnetID = str("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/default")
	m.UserAccount = testUserAccount(t, clusterUserAccountResourceModel{
		clusterUserAccountModel: clusterUserAccountModel{AdminUserName: str("adminuser")},
		AdminUserSSHPublicKey:   str(testSSHKey), AdminUserPassword: str("secretpassword"),
	})
	m.SetupTask = mustObject(t, clusterSetupTaskResourceAttrTypes, &clusterSetupTaskResourceModel{
		clusterSetupTaskModel: clusterSetupTaskModel{
			CommandLine:          str("apt install unzip -y"),
			EnvironmentVariables: types.MapValueMust(types.StringType, map[string]attr.Value{"A": str("1"), "B": str("2")}),
			SecretReferences: mustList(t, clusterSecretReferenceAttrTypes, clusterSecretReferenceModel{
				Name: str("KV_SECRET"), SourceVaultID: str(testVaultID), SecretURL: str("https://kv.vault.azure.net/secrets/s"),
			}),
			StdOutErrPathPrefix: str("$AZ_BATCHAI_MOUNT_ROOT/afs"),
			StdOutErrPathSuffix: types.StringUnknown(),
		},
		Secrets:   types.MapValueMust(types.StringType, map[string]attr.Value{"TOKEN": str("s3cret")}),
		SecretsWO: types.MapNull(types.StringType),
	})
	m.MountVolumes = mustObject(t, clusterMountVolumesResourceAttrTypes, &clusterMountVolumesModel{
		AzureFileShares: mustList(t, clusterAzureFileShareResourceAttrTypes,
			clusterAzureFileShareResourceModel{
				clusterAzureFileShareModel: clusterAzureFileShareModel{
					AccountName: str("acct"), AzureFileURL: str("https://acct.file.core.windows.net/share"),
					AccountKeySecretReference: types.ObjectNull(clusterKeyVaultSecretReferenceAttrTypes),
					RelativeMountPath:         str("afs"), FileMode: str("0777"), DirectoryMode: str("0755"),
				},
				clusterAccountKeyModel: clusterAccountKeyModel{AccountKey: str("afs-key==")},
			},
			clusterAzureFileShareResourceModel{
				clusterAzureFileShareModel: clusterAzureFileShareModel{
					AccountName: str("acct"), AzureFileURL: str("https://acct.file.core.windows.net/other"),
					AccountKeySecretReference: testKeyVaultRef(t, "afskey"),
					RelativeMountPath:         str("afs2"), FileMode: str("0777"), DirectoryMode: str("0777"),
				},
			}),
		AzureBlobFileSystems: mustList(t, clusterAzureBlobFileSystemResourceAttrTypes,
			clusterAzureBlobFileSystemResourceModel{
				clusterAzureBlobFileSystemModel: clusterAzureBlobFileSystemModel{
					AccountName: str("acct"), ContainerName: str("data"),
					AccountKeySecretReference: types.ObjectNull(clusterKeyVaultSecretReferenceAttrTypes),
					RelativeMountPath:         str("bfs"), MountOptions: str("-o allow_other"),
				},
				clusterAccountKeyModel: clusterAccountKeyModel{AccountKey: str("bfs-key==")},
			}),
		FileServers: mustList(t, clusterFileServerMountAttrTypes, clusterFileServerMountModel{
			FileServerID:      str(testWorkspaceID + "/fileServers/nfs"),
			RelativeMountPath: str("nfs"), SourceDirectory: types.StringNull(), MountOptions: str("rw"),
		}),
		UnmanagedFileSystems: mustList(t, clusterUnmanagedFileSystemAttrTypes, clusterUnmanagedFileSystemModel{
			MountCommand: str("mount -t glusterfs 10.0.0.4:/gfs"), RelativeMountPath: str("gfs"),
		}),
	})
	m.PerformanceCounters = mustObject(t, clusterPerformanceCountersResourceAttrTypes, &clusterPerformanceCountersResourceModel{
		clusterPerformanceCountersModel: clusterPerformanceCountersModel{
			AppInsightsComponentID:            str("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Insights/components/ai"),
			InstrumentationKeySecretReference: types.ObjectNull(clusterKeyVaultSecretReferenceAttrTypes),
		},
		InstrumentationKey: str("ikey"),
	})
	return m
}

// testObservedProperties is the read-only part of a steady cluster with two idle nodes.
func testObservedProperties() *api.ClusterProperties {
	return &api.ClusterProperties{
		CreationTime:      api.Ptr("2018-06-07T21:16:00.924Z"),
		ProvisioningState: api.Ptr(api.ProvisioningStateSucceeded),
		AllocationState:   api.Ptr(api.AllocationStateSteady),
		CurrentNodeCount:  api.Ptr(int32(2)),
		NodeStateCounts:   &api.NodeStateCounts{IdleNodeCount: api.Ptr(int32(2))},
		Errors: []api.BatchAIError{{Code: api.Ptr("DiskFull"), Message: api.Ptr("no space"),
			Details: []api.NameValuePair{{Name: api.Ptr("node"), Value: api.Ptr("tvm-1")}}}},
	}
}

// assertModelsEqual compares two models field by field and names the fields that differ.
func assertModelsEqual(t *testing.T, got, want clusterResourceModel) {
	t.Helper()
	g, w := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := 0; i < g.NumField(); i++ {
		gv, _ := g.Field(i).Interface().(attr.Value)
		wv, _ := w.Field(i).Interface().(attr.Value)
		if gv == nil || wv == nil || !gv.Equal(wv) {
			t.Errorf("%s:\n got  %v\n want %v", g.Type().Field(i).Name, gv, wv)
		}
	}
}
