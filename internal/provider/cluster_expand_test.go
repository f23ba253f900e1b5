package provider

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// testServerView answers a PUT body the way the service (and the emulator) does: defaults filled,
// secrets stripped, read-only state added.
func testServerView(t *testing.T, body api.ClusterCreateParameters, obs *api.ClusterProperties) api.Cluster {
	t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	var p api.ClusterProperties
	var wrapper struct {
		Properties *api.ClusterProperties `json:"properties"`
	}
	wrapper.Properties = &p
	if err := json.Unmarshal(raw, &wrapper); err != nil {
		t.Fatal(err)
	}
	if p.VMPriority == nil {
		p.VMPriority = api.Ptr(api.VMPriorityDedicated)
	}
	if p.VirtualMachineConfiguration == nil {
		p.VirtualMachineConfiguration = &api.VirtualMachineConfiguration{ImageReference: &api.ImageReference{
			Publisher: api.Ptr(api.DefaultImagePublisher), Offer: api.Ptr(api.DefaultImageOffer),
			Sku: api.Ptr(api.DefaultImageSku), Version: api.Ptr(api.DefaultImageVersion)}}
	}
	if u := p.UserAccountSettings; u != nil {
		u.AdminUserPassword, u.AdminUserSSHPublicKey = nil, nil
	}
	if ns := p.NodeSetup; ns != nil {
		if st := ns.SetupTask; st != nil {
			st.StdOutErrPathSuffix = api.Ptr("00000000-0000-0000-0000-000000000000/ws/clusters/c1/abc")
			for i := range st.Secrets {
				st.Secrets[i].Value = nil
			}
		}
		if mv := ns.MountVolumes; mv != nil {
			for i := range mv.AzureFileShares {
				mv.AzureFileShares[i].Credentials.AccountKey = nil
			}
			for i := range mv.AzureBlobFileSystems {
				mv.AzureBlobFileSystems[i].Credentials.AccountKey = nil
			}
		}
		if pc := ns.PerformanceCountersSettings; pc != nil {
			pc.AppInsightsReference.InstrumentationKey = nil
		}
	}
	p.CreationTime, p.ProvisioningState, p.AllocationState = obs.CreationTime, obs.ProvisioningState, obs.AllocationState
	p.CurrentNodeCount, p.NodeStateCounts, p.Errors = obs.CurrentNodeCount, obs.NodeStateCounts, obs.Errors
	return api.Cluster{ID: api.Ptr(testClusterID), Name: api.Ptr("c1"), Type: api.Ptr(api.TypeCluster), Properties: &p}
}

// TestClusterExpandFlattenRoundTrip expands a plan into a PUT body, answers it like the service,
// flattens the answer over the plan, and expects the plan back with its unknowns resolved: the
// secrets the service strips survive, and the server's defaults fill what was left to it.
func TestClusterExpandFlattenRoundTrip(t *testing.T) {
	ctx := context.Background()
	defaultImage := func(t *testing.T) types.Object {
		return mustObject(t, clusterImageReferenceAttrTypes, &clusterImageReferenceModel{
			Publisher: str("Canonical"), Offer: str("UbuntuServer"), Sku: str("16.04-LTS"), Version: str("latest"),
			VirtualMachineImageID: types.StringNull(),
		})
	}
	for name, tc := range map[string]struct {
		plan      func(t *testing.T) clusterResourceModel
		config    func(t *testing.T, plan clusterResourceModel) clusterResourceModel
		inBody    []string // JSON fragments the PUT body must contain
		notInBody []string
		want      func(t *testing.T, plan clusterResourceModel) clusterResourceModel
	}{
		"basic": {
			plan:      testClusterBasicPlan,
			inBody:    []string{`"vmSize":"Standard_NC6"`, `"manual":{"targetNodeCount":1,"nodeDeallocationOption":"requeue"}`, `"adminUserSshPublicKey":"ssh-rsa`},
			notInBody: []string{`"nodeSetup"`, `"virtualMachineConfiguration"`, `"subnet"`},
			want: func(t *testing.T, m clusterResourceModel) clusterResourceModel {
				m.ImageReference = defaultImage(t)
				m.SubnetID = types.StringNull()
				return m
			},
		},
		"complete": {
			plan: testClusterCompletePlan,
			inBody: []string{
				`"vmPriority":"lowpriority"`, `"autoScale":{"minimumNodeCount":1,"maximumNodeCount":4,"initialNodeCount":2}`,
				`"adminUserPassword":"secretpassword"`, `"environmentVariables":[{"name":"A","value":"1"},{"name":"B","value":"2"}]`,
				`{"name":"TOKEN","value":"s3cret"}`, `"valueSecretReference":{"sourceVault":{"id":"` + testVaultID,
				`"credentials":{"accountKey":"afs-key=="}`, `"credentials":{"accountKeySecretReference"`, `"accountKey":"bfs-key=="`,
				`"fileServer":{"id":"` + testWorkspaceID + `/fileServers/nfs"}`, `"mountCommand":"mount -t glusterfs`,
				`"instrumentationKey":"ikey"`, `"publisher":"microsoft-ads"`, `"subnet":{"id":"/subscriptions/`,
			},
			want: func(t *testing.T, m clusterResourceModel) clusterResourceModel {
				var diags diag.Diagnostics
				st := objectAs[clusterSetupTaskResourceModel](ctx, m.SetupTask, &diags)
				st.StdOutErrPathSuffix = str("00000000-0000-0000-0000-000000000000/ws/clusters/c1/abc")
				m.SetupTask = mustObject(t, clusterSetupTaskResourceAttrTypes, st)
				return m
			},
		},
		"write-only secrets come from the configuration and never reach state": {
			plan: func(t *testing.T) clusterResourceModel {
				m := testClusterBasicPlan(t)
				m.UserAccount = testUserAccount(t, clusterUserAccountResourceModel{
					clusterUserAccountModel:        clusterUserAccountModel{AdminUserName: str("admin")},
					AdminUserSSHPublicKeyWOVersion: num(1), AdminUserPasswordWOVersion: num(3),
				})
				return m
			},
			config: func(t *testing.T, m clusterResourceModel) clusterResourceModel {
				m.UserAccount = testUserAccount(t, clusterUserAccountResourceModel{
					clusterUserAccountModel: clusterUserAccountModel{AdminUserName: str("admin")},
					AdminUserSSHPublicKeyWO: str(testSSHKey), AdminUserSSHPublicKeyWOVersion: num(1),
					AdminUserPasswordWO: str("wo-password"), AdminUserPasswordWOVersion: num(3),
				})
				return m
			},
			inBody: []string{`"adminUserPassword":"wo-password"`, `"adminUserSshPublicKey":"ssh-rsa`},
			want: func(t *testing.T, m clusterResourceModel) clusterResourceModel {
				m.ImageReference = defaultImage(t)
				m.SubnetID = types.StringNull()
				return m
			},
		},
	} {
		t.Run(name, func(t *testing.T) {
			plan := tc.plan(t)
			config := plan
			if tc.config != nil {
				config = tc.config(t, plan)
			}
			body, diags := expandClusterCreateParameters(ctx, plan, config)
			if diags.HasError() {
				t.Fatalf("expand: %v", diags)
			}
			raw, _ := json.Marshal(body)
			for _, frag := range tc.inBody {
				if !strings.Contains(string(raw), frag) {
					t.Errorf("PUT body lacks %s:\n%s", frag, raw)
				}
			}
			for _, frag := range tc.notInBody {
				if strings.Contains(string(raw), frag) {
					t.Errorf("PUT body has %s:\n%s", frag, raw)
				}
			}

			got := plan
			if diags := got.setFromAPI(ctx, testServerView(t, body, testObservedProperties())); diags.HasError() {
				t.Fatalf("flatten: %v", diags)
			}
			want := tc.want(t, plan)
			want.setObservedFromAPI(ctx, testObservedProperties(), &diags)
			assertModelsEqual(t, got, want)
		})
	}
}
