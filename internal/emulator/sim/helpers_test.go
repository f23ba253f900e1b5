package sim

import (
	"github.com/batchai-tf/terraform-provider-batchai/internal/apispec"

	"encoding/json"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

const testClusterID = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/demo_resource_group" +
	"/providers/Microsoft.BatchAI/workspaces/demo_workspace/clusters/demo_cluster"

// Secret values used by fullProps: no response body or error message may contain them.
var secrets = []string{
	"s3cr3t-P@ssw0rd",
	"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQsecretkeymaterial",
	"c2VjcmV0LWFjY291bnQta2V5LWFmcw==",
	"c2VjcmV0LWFjY291bnQta2V5LWJmcw==",
	"env-secret-value-42",
	"instrumentation-key-9f0e",
}

var t0 = time.Date(2018, 6, 7, 21, 16, 0, 924_000_000, time.UTC)

// cfg is the tests' simulation: 10 s per node transition, and auto-scale clusters that keep their nodes
// for as long as any test runs unless it says otherwise (see the auto-scale tests).
var cfg = Config{ProvisioningDelay: 10 * time.Second, ScaleDownDelay: 1000 * time.Hour}

func sptr(s string) *string { return &s }
func iptr(i int32) *int32   { return &i }

func kvRef(name string) *api.KeyVaultSecretReference {
	return &api.KeyVaultSecretReference{
		SourceVault: &api.ResourceID{ID: sptr("/subscriptions/sub/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv")},
		SecretURL:   sptr("https://kv.vault.azure.net/secrets/" + name),
	}
}

// fullProps is a valid request that uses every property, with secrets in every secret slot.
func fullProps() api.ClusterBaseProperties {
	return api.ClusterBaseProperties{
		VMSize:        sptr("STANDARD_NC6"),
		ScaleSettings: &api.ScaleSettings{Manual: &api.ManualScaleSettings{TargetNodeCount: iptr(2)}},
		UserAccountSettings: &api.UserAccountSettings{
			AdminUserName:         sptr("admin_user_name"),
			AdminUserPassword:     sptr(secrets[0]),
			AdminUserSSHPublicKey: sptr(secrets[1]),
		},
		NodeSetup: &api.NodeSetup{
			SetupTask: &api.SetupTask{
				CommandLine:          sptr("apt install unzip -y"),
				EnvironmentVariables: []api.EnvironmentVariable{{Name: sptr("MODE"), Value: sptr("train")}},
				Secrets: []api.EnvironmentVariableWithSecretValue{
					{Name: sptr("TOKEN"), Value: sptr(secrets[4])},
					{Name: sptr("VAULTED"), ValueSecretReference: kvRef("vaulted")},
				},
				StdOutErrPathPrefix: sptr("$AZ_BATCHAI_MOUNT_ROOT/afs"),
			},
			MountVolumes: &api.MountVolumes{
				AzureFileShares: []api.AzureFileShareReference{{
					AccountName:       sptr("storage_account_name"),
					AzureFileURL:      sptr("https://storage_account_name.file.core.windows.net/share"),
					Credentials:       &api.AzureStorageCredentialsInfo{AccountKey: sptr(secrets[2])},
					RelativeMountPath: sptr("afs"),
				}},
				AzureBlobFileSystems: []api.AzureBlobFileSystemReference{
					{
						AccountName:       sptr("storage_account_name"),
						ContainerName:     sptr("container"),
						Credentials:       &api.AzureStorageCredentialsInfo{AccountKey: sptr(secrets[3])},
						RelativeMountPath: sptr("bfs"),
					},
					{
						AccountName:       sptr("storage_account_name"),
						ContainerName:     sptr("vaulted"),
						Credentials:       &api.AzureStorageCredentialsInfo{AccountKeySecretReference: kvRef("storagekey")},
						RelativeMountPath: sptr("bfs2"),
					},
				},
				FileServers: []api.FileServerReference{{
					FileServer: &api.ResourceID{ID: sptr("/subscriptions/sub/resourceGroups/rg/providers/Microsoft.BatchAI" +
						"/workspaces/ws/fileservers/fs")},
					RelativeMountPath: sptr("nfs"),
					MountOptions:      sptr("rw"),
				}},
				UnmanagedFileSystems: []api.UnmanagedFileSystemReference{{
					MountCommand:      sptr("mount -t nfs 10.0.0.4:/data"),
					RelativeMountPath: sptr("unmanaged"),
				}},
			},
			PerformanceCountersSettings: &api.PerformanceCountersSettings{AppInsightsReference: &api.AppInsightsReference{
				Component:          &api.ResourceID{ID: sptr("/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Insights/components/ai")},
				InstrumentationKey: sptr(secrets[5]),
			}},
		},
		Subnet: &api.ResourceID{ID: sptr("/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/default")},
	}
}

// minimalProps is the smallest valid request.
func minimalProps(target int32) api.ClusterBaseProperties {
	return api.ClusterBaseProperties{
		VMSize:              sptr("STANDARD_NC6"),
		ScaleSettings:       &api.ScaleSettings{Manual: &api.ManualScaleSettings{TargetNodeCount: iptr(target)}},
		UserAccountSettings: &api.UserAccountSettings{AdminUserName: sptr("u"), AdminUserPassword: sptr("pw")},
	}
}

func autoProps(minN, maxN int32, initial *int32) api.ClusterBaseProperties {
	p := minimalProps(0)
	p.ScaleSettings = &api.ScaleSettings{AutoScale: &api.AutoScaleSettings{
		MinimumNodeCount: iptr(minN), MaximumNodeCount: iptr(maxN), InitialNodeCount: initial,
	}}
	return p
}

func mustPrepare(t *testing.T, p api.ClusterBaseProperties) api.ClusterBaseProperties {
	t.Helper()
	out, err := PrepareCreate(p)
	if err != nil {
		t.Fatalf("PrepareCreate: %v", err)
	}
	return out
}

func newCluster(t *testing.T, p api.ClusterBaseProperties) *Cluster {
	t.Helper()
	return NewCluster(testClusterID, "demo_cluster", mustPrepare(t, p), t0, cfg)
}

func at(d time.Duration) time.Time { return t0.Add(d) }

// exampleJSON returns the request ("request") or a response body of an example file.
func exampleJSON(t *testing.T, file, part string) json.RawMessage {
	t.Helper()
	b, err := apispec.Example(file)
	if err != nil {
		t.Fatal(err)
	}
	var ex struct {
		Parameters struct {
			Parameters json.RawMessage `json:"parameters"`
		} `json:"parameters"`
		Responses map[string]struct {
			Body json.RawMessage `json:"body"`
		} `json:"responses"`
	}
	if err := json.Unmarshal(b, &ex); err != nil {
		t.Fatal(err)
	}
	if part == "request" {
		return ex.Parameters.Parameters
	}
	return ex.Responses[part].Body
}

func toMap(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// state is a compact picture of the visible node state, for comparisons.
type state struct {
	alloc                                       string
	current, preparing, idle, leaving, unusable int32
}

func viewState(c *Cluster, now time.Time) state {
	p := c.View(now).Properties
	n := p.NodeStateCounts
	return state{*p.AllocationState, *p.CurrentNodeCount, *n.PreparingNodeCount, *n.IdleNodeCount, *n.LeavingNodeCount, *n.UnusableNodeCount}
}
