package sim

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// TestViewMatchesPutClusterExample runs examples/PutCluster.json's request through the
// simulation and compares the body with the example's 200 response, except for what differs
// on purpose: the type (recorded traffic's, not the example's), the times, and the subnet the
// example shows although the request sent none.
func TestViewMatchesPutClusterExample(t *testing.T) {
	var req api.ClusterCreateParameters
	if err := json.Unmarshal(exampleJSON(t, "PutCluster.json", "request"), &req); err != nil {
		t.Fatal(err)
	}
	p, err := PrepareCreate(*req.Properties)
	if err != nil {
		t.Fatal(err)
	}
	// With an allocation delay the first answer has no nodes yet, as in the example.
	slow := Config{ProvisioningDelay: 30 * time.Second, AllocationDelay: 20 * time.Second}
	c := NewCluster(testClusterID, "demo_cluster", p, t0, slow)
	got := toMap(t, c.View(t0))

	var want map[string]any
	if err := json.Unmarshal(exampleJSON(t, "PutCluster.json", "200"), &want); err != nil {
		t.Fatal(err)
	}
	if got["type"] != "Microsoft.BatchAI/workspaces/clusters" {
		t.Errorf("type = %v", got["type"])
	}
	for _, m := range []map[string]any{got, want} {
		delete(m, "type")
		props, _ := m["properties"].(map[string]any)
		for _, k := range []string{"creationTime", "provisioningStateTransitionTime", "allocationStateTransitionTime", "subnet"} {
			delete(props, k)
		}
	}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("body differs\ngot  %s\nwant %s", g, w)
	}
}

func TestViewTimesAndShape(t *testing.T) {
	c := newCluster(t, minimalProps(1))
	v := c.View(at(10 * time.Second))
	p := v.Properties
	if *v.ID != testClusterID || *v.Name != "demo_cluster" || *v.Type != api.TypeCluster {
		t.Errorf("id/name/type: %s %s %s", *v.ID, *v.Name, *v.Type)
	}
	if *p.CreationTime != "2018-06-07T21:16:00.924Z" || *p.AllocationStateTransitionTime != "2018-06-07T21:16:10.924Z" {
		t.Errorf("times: %s %s", *p.CreationTime, *p.AllocationStateTransitionTime)
	}
	b, _ := json.Marshal(v)
	for _, k := range []string{`"idleNodeCount":1`, `"runningNodeCount":0`, `"preparingNodeCount":0`, `"unusableNodeCount":0`,
		`"leavingNodeCount":0`, `"currentNodeCount":1`, `"provisioningState":"succeeded"`, `"allocationState":"steady"`} {
		if !strings.Contains(string(b), k) {
			t.Errorf("body lacks %s: %s", k, b)
		}
	}
	if strings.Contains(string(b), `"errors"`) || strings.Contains(string(b), "stdOutErrPathSuffix") {
		t.Errorf("unexpected keys: %s", b)
	}
	// View projects to now without changing the cluster.
	if c.AllocationState != "resizing" || len(c.Nodes) != 1 || c.Nodes[0].State != NodePreparing {
		t.Error("View changed the cluster")
	}
	// A time zone other than UTC still prints as UTC.
	local := time.FixedZone("CEST", 2*3600)
	d := NewCluster(testClusterID, "demo_cluster", mustPrepare(t, minimalProps(0)), t0.In(local), cfg)
	if got := *d.View(t0).Properties.CreationTime; got != "2018-06-07T21:16:00.924Z" {
		t.Errorf("creationTime in CEST: %s", got)
	}
}

func TestViewStripsSecrets(t *testing.T) {
	// The control: the request holds every secret, so the same search would find any the view kept.
	in, err := json.Marshal(fullProps())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		if !strings.Contains(string(in), s) {
			t.Fatalf("the request lacks the secret %q: the check below could not see it", s)
		}
	}
	c := newCluster(t, fullProps())
	v := c.View(t0)
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		if strings.Contains(string(b), s) {
			t.Errorf("View leaks %q", s)
		}
	}
	ns := v.Properties.NodeSetup
	checks := []struct {
		name      string
		got, want any
	}{
		{"userAccountSettings", toMap(t, v.Properties.UserAccountSettings), map[string]any{"adminUserName": "admin_user_name"}},
		{"afs credentials", toMap(t, ns.MountVolumes.AzureFileShares[0].Credentials), map[string]any{}},
		{"bfs credentials", toMap(t, ns.MountVolumes.AzureBlobFileSystems[0].Credentials), map[string]any{}},
		{"bfs key reference kept", *ns.MountVolumes.AzureBlobFileSystems[1].Credentials.AccountKeySecretReference.SecretURL,
			"https://kv.vault.azure.net/secrets/storagekey"},
		{"plain secret", toMap(t, ns.SetupTask.Secrets[0]), map[string]any{"name": "TOKEN"}},
		{"vaulted secret", *ns.SetupTask.Secrets[1].ValueSecretReference.SecretURL, "https://kv.vault.azure.net/secrets/vaulted"},
		{"instrumentation key", ns.PerformanceCountersSettings.AppInsightsReference.InstrumentationKey, (*string)(nil)},
		{"env vars kept", *ns.SetupTask.EnvironmentVariables[0].Value, "train"},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	suffix := *ns.SetupTask.StdOutErrPathSuffix
	re := regexp.MustCompile(`^00000000-0000-0000-0000-000000000000/demo_resource_group/workspaces/demo_workspace/clusters/demo_cluster/` +
		`[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if !re.MatchString(suffix) || *c.View(at(time.Hour)).Properties.NodeSetup.SetupTask.StdOutErrPathSuffix != suffix {
		t.Errorf("stdOutErrPathSuffix %q is malformed or unstable", suffix)
	}
	// The state keeps every secret, and the view shares nothing with it.
	if *c.Props.UserAccountSettings.AdminUserPassword != secrets[0] ||
		*c.Props.NodeSetup.MountVolumes.AzureFileShares[0].Credentials.AccountKey != secrets[2] {
		t.Error("View stripped the stored secrets")
	}
	*v.Properties.VMSize = "mutated"
	ns.MountVolumes.AzureFileShares[0].RelativeMountPath = sptr("mutated")
	if *c.Props.VMSize != "STANDARD_NC6" || *c.Props.NodeSetup.MountVolumes.AzureFileShares[0].RelativeMountPath != "afs" {
		t.Error("View aliases the cluster's properties")
	}
}

func TestRemoteLogins(t *testing.T) {
	c := newCluster(t, minimalProps(2))
	c.Advance(at(10*time.Second), cfg)
	logins := c.RemoteLogins()
	if len(logins) != 2 {
		t.Fatalf("%d logins", len(logins))
	}
	ip := *logins[0].IPAddress
	if !regexp.MustCompile(`^(13|20|40|52)\.\d{1,3}\.\d{1,3}\.\d{1,3}$`).MatchString(ip) || *logins[1].IPAddress != ip {
		t.Errorf("IPs %s, %s", ip, *logins[1].IPAddress)
	}
	idRE := regexp.MustCompile(`^tvm-\d{10}_(\d+)-20180607t211600z$`)
	for i, l := range logins {
		m := idRE.FindStringSubmatch(*l.NodeID)
		if m == nil || m[1] != []string{"1", "2"}[i] || *l.Port != int32(50000+i) {
			t.Errorf("login %d: %s:%d", i, *l.NodeID, *l.Port)
		}
	}
	// Deterministic from the ID: the same cluster ID (any case) gives the same IP and id prefix.
	again := NewCluster(strings.ToUpper(testClusterID), "demo_cluster", mustPrepare(t, minimalProps(1)), t0, cfg)
	if again.PublicIP != ip || again.NodeIDPrefix != c.NodeIDPrefix {
		t.Error("IP or node ids not derived from the ID")
	}
	other := NewCluster(testClusterID+"2", "demo_cluster2", mustPrepare(t, minimalProps(1)), t0, cfg)
	if other.PublicIP == ip && other.NodeIDPrefix == c.NodeIDPrefix {
		t.Error("two clusters share IP and node ids")
	}

	// A node keeps its port; a removed node's port is not handed out again right away.
	mustResize(t, c, manual(1), at(20*time.Second))
	c.Advance(at(30*time.Second), cfg)
	mustResize(t, c, manual(2), at(40*time.Second))
	logins = c.RemoteLogins()
	if len(logins) != 2 || *logins[0].Port != 50000 || *logins[1].Port != 50002 || !strings.Contains(*logins[1].NodeID, "_3-") {
		t.Errorf("after shrink and grow: %v", toMap(t, api.RemoteLoginInformationListResult{Value: logins}))
	}
}

func TestPortsWrapAround(t *testing.T) {
	c := newCluster(t, minimalProps(2))
	c.NextPort = firstPort + portCount - 1
	mustResize(t, c, manual(4), at(time.Second))
	got := []int32{c.Nodes[2].Port, c.Nodes[3].Port}
	// 54999, then wrap past 50000 and 50001 (held by nodes 1 and 2) to 50002.
	if got[0] != 54999 || got[1] != 50002 {
		t.Errorf("ports %v", got)
	}
}
