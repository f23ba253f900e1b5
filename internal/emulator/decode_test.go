package emulator_test

import (
	"github.com/batchai-tf/terraform-provider-batchai/internal/apispec"

	"encoding/json"
	"strings"
	"testing"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// TestMalformedBodies: whatever a client sends, the answer is a 4xx ARM error (never a 5xx or a
// dropped connection), naming the JSON path where there is one, and never echoing a secret.
func TestMalformedBodies(t *testing.T) {
	c := newClient(t)
	c.createWorkspace("rg", "ws")
	cluster := c.cluster("rg", "ws", "c1") + apiVersion
	ws := c.ws("rg", "ws") + apiVersion
	cases := []struct {
		name, method, path, body string
		status                   int
		code, target             string
	}{
		{"empty", "PUT", cluster, "", 400, "InvalidRequestContent", ""},
		{"whitespace", "PUT", cluster, "  \n", 400, "InvalidRequestContent", ""},
		{"null", "PUT", cluster, "null", 400, "InvalidRequestContent", ""},
		{"array", "PUT", cluster, "[]", 400, "InvalidRequestContent", ""},
		{"string", "PUT", cluster, `"x"`, 400, "InvalidRequestContent", ""},
		{"truncated", "PUT", cluster, `{"properties":{"vmSize":"STANDARD_NC6"`, 400, "InvalidRequestContent", ""},
		{"syntax", "PUT", cluster, `{"properties":}`, 400, "InvalidRequestContent", ""},
		{"trailing garbage", "PUT", cluster, `{"properties":{}} {}`, 400, "InvalidRequestContent", ""},
		{"unknown top-level", "PUT", cluster, `{"location":"eastus","properties":{}}`, 400, "InvalidRequestContent", "location"},
		{"unknown nested", "PUT", cluster, `{"properties":{"vmSize":"STANDARD_NC6","scaleSettings":{"manual":{"targetNodeCount":1,"surge":2}}}}`, 400, "InvalidRequestContent", "properties.scaleSettings.manual.surge"},
		{"unknown in array", "PUT", cluster, `{"properties":{"nodeSetup":{"setupTask":{"commandLine":"x","stdOutErrPathPrefix":"y","environmentVariables":[{"name":"a","value":"b","secret":true}]}}}}`, 400, "InvalidRequestContent", "properties.nodeSetup.setupTask.environmentVariables[0].secret"},
		{"string for int", "PUT", cluster, `{"properties":{"scaleSettings":{"manual":{"targetNodeCount":"3"}}}}`, 400, "InvalidRequestContent", "properties.scaleSettings.manual.targetNodeCount"},
		{"huge number", "PUT", cluster, `{"properties":{"scaleSettings":{"manual":{"targetNodeCount":99999999999}}}}`, 400, "InvalidRequestContent", "properties.scaleSettings.manual.targetNodeCount"},
		{"float for int", "PUT", cluster, `{"properties":{"scaleSettings":{"manual":{"targetNodeCount":1.5}}}}`, 400, "InvalidRequestContent", "properties.scaleSettings.manual.targetNodeCount"},
		{"exponent overflow", "PUT", cluster, `{"properties":{"scaleSettings":{"manual":{"targetNodeCount":1e400}}}}`, 400, "InvalidRequestContent", "properties.scaleSettings.manual.targetNodeCount"},
		{"object for string", "PUT", cluster, `{"properties":{"vmSize":{}}}`, 400, "InvalidRequestContent", "properties.vmSize"},
		{"array for object", "PUT", cluster, `{"properties":[]}`, 400, "InvalidRequestContent", "properties"},
		{"bool for string", "PUT", ws, `{"location":true}`, 400, "InvalidRequestContent", "location"},
		{"tags not strings", "PUT", ws, `{"location":"eastus","tags":{"a":1}}`, 400, "InvalidRequestContent", "tags"},
		{"negative nodes", "PUT", cluster, `{"properties":{"vmSize":"STANDARD_NC6","scaleSettings":{"manual":{"targetNodeCount":-1}},"userAccountSettings":{"adminUserName":"u","adminUserPassword":"SENTINEL-P"}}}`, 400, "InvalidPropertyValue", "properties.scaleSettings.manual.targetNodeCount"},
		{"no vmSize", "PUT", cluster, `{"properties":{"scaleSettings":{"manual":{"targetNodeCount":1}},"userAccountSettings":{"adminUserName":"u","adminUserPassword":"SENTINEL-P"}}}`, 400, "MissingRequiredProperty", "properties.vmSize"},
		{"bad priority", "PUT", cluster, `{"properties":{"vmSize":"STANDARD_NC6","vmPriority":"spot","scaleSettings":{"manual":{"targetNodeCount":1}},"userAccountSettings":{"adminUserName":"u","adminUserPassword":"SENTINEL-P"}}}`, 400, "InvalidPropertyValue", "properties.vmPriority"},
		{"premium size", "PUT", cluster, `{"properties":{"vmSize":"Standard_DS2","scaleSettings":{"manual":{"targetNodeCount":1}},"userAccountSettings":{"adminUserName":"u","adminUserPassword":"SENTINEL-P"}}}`, 400, "InvalidPropertyValue", "properties.vmSize"},
		{"no properties", "PUT", cluster, `{}`, 400, "MissingRequiredProperty", "properties"},
		{"wrong content type", "PUT", ws, `location=eastus`, 415, "UnsupportedMediaType", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var hdr []string
			if tc.code == "UnsupportedMediaType" {
				hdr = []string{"Content-Type", "application/x-www-form-urlencoded"}
			}
			r := c.do(tc.method, tc.path, tc.body, hdr...)
			var ce api.CloudError
			if err := json.Unmarshal(r.body, &ce); err != nil || ce.Error == nil {
				t.Fatalf("not an ARM error body: %d %q", r.status, r.body)
			}
			if r.status != tc.status || (tc.code != "" && *ce.Error.Code != tc.code) || api.Deref(ce.Error.Target) != tc.target {
				t.Fatalf("got %d %s target %q, want %d %s target %q: %s", r.status, *ce.Error.Code,
					api.Deref(ce.Error.Target), tc.status, tc.code, tc.target, r.body)
			}
		})
	}
	// A body over ARM's 4 MB limit.
	big := `{"properties":{"vmSize":"` + strings.Repeat("a", 5<<20) + `"}}`
	if r := c.do("PUT", cluster, big); r.status != 413 {
		t.Errorf("huge body: %d", r.status)
	}
	c.checkNoSecrets()
}

// FuzzClusterPut sends arbitrary bodies to the cluster PUT route: the emulator must answer every one
// with a well-formed response below 500 that never echoes a secret. `go test` runs the seeds; `go test
// -fuzz FuzzClusterPut` explores further.
func FuzzClusterPut(f *testing.F) {
	example, err := apispec.Example("PutCluster.json")
	if err != nil {
		f.Fatal(err)
	}
	{
		var ex struct {
			Parameters struct {
				Parameters json.RawMessage `json:"parameters"`
			} `json:"parameters"`
		}
		if json.Unmarshal(example, &ex) == nil {
			f.Add(string(ex.Parameters.Parameters))
		}
	}
	seed, _ := json.Marshal(clusterBody(1))
	for _, s := range []string{
		string(seed), string(seed[:len(seed)/2]), "", "{}", "null", "[", `{"properties":null}`,
		`{"properties":{"vmSize":"STANDARD_NC6","scaleSettings":{"autoScale":{"minimumNodeCount":5,"maximumNodeCount":1}},"userAccountSettings":{"adminUserName":"u","adminUserPassword":"SENTINEL-F"}}}`,
		`{"properties":{"vmSize":"STANDARD_NC6","scaleSettings":{"manual":{"targetNodeCount":2147483647}},"userAccountSettings":{"adminUserName":"u","adminUserPassword":"SENTINEL-F"}}}`,
		`{"properties":{"vmSize":"STANDARD_NC6","scaleSettings":{"manual":{"targetNodeCount":1}},"userAccountSettings":{"adminUserName":"u","adminUserSshPublicKey":"SENTINEL-not-a-key"}}}`,
		`{"properties":{"vmSize":"STANDARD_NC6","scaleSettings":{"manual":{"targetNodeCount":1}},"userAccountSettings":{"adminUserName":"u","adminUserPassword":"SENTINEL-F"},"nodeSetup":{"mountVolumes":{"azureFileShares":[{"accountName":"a","azureFileUrl":"SENTINEL-url","relativeMountPath":"p","credentials":{"accountKey":"SENTINEL-K"}}]}}}}`,
		`{"properties":{"subnet":{"id":"SENTINEL"}}}`, "\x00\xff", `{"properties":{"vmSize":"\u0000"}}`,
	} {
		f.Add(s)
	}
	c := newClient(f)
	c.createWorkspace("rg", "ws")
	path := c.cluster("rg", "ws", "fz") + apiVersion
	f.Fuzz(func(t *testing.T, body string) {
		c := &client{t: t, inst: c.inst, http: c.http, token: c.token}
		r := c.do("PUT", path, body)
		if r.status >= 500 {
			t.Fatalf("status %d for %q: %s", r.status, body, r.body)
		}
		if len(r.body) > 0 && !json.Valid(r.body) {
			t.Fatalf("invalid JSON answer %q", r.body)
		}
		if r.status >= 400 && strings.Contains(string(r.body), "SENTINEL") {
			t.Fatalf("error echoes a secret: %s", r.body)
		}
		if r.status < 300 {
			var cl api.Cluster
			g := c.must(200, "GET", path, nil)
			g.decode(t, &cl)
			if leak := secretField(cl); leak != "" {
				t.Fatalf("GET returns the secret %s: %s", leak, g.body)
			}
			c.do("DELETE", path, nil)
		}
	})
}

// secretField names a write-only field that a cluster body carries, or "".
func secretField(cl api.Cluster) string {
	p := cl.Properties
	if p == nil {
		return ""
	}
	if u := p.UserAccountSettings; u != nil && (u.AdminUserPassword != nil || u.AdminUserSSHPublicKey != nil) {
		return "userAccountSettings"
	}
	n := p.NodeSetup
	if n == nil {
		return ""
	}
	if n.SetupTask != nil {
		for _, s := range n.SetupTask.Secrets {
			if s.Value != nil {
				return "setupTask.secrets.value"
			}
		}
	}
	if m := n.MountVolumes; m != nil {
		for _, f := range m.AzureFileShares {
			if f.Credentials != nil && f.Credentials.AccountKey != nil {
				return "azureFileShares.credentials.accountKey"
			}
		}
		for _, b := range m.AzureBlobFileSystems {
			if b.Credentials != nil && b.Credentials.AccountKey != nil {
				return "azureBlobFileSystems.credentials.accountKey"
			}
		}
	}
	if pc := n.PerformanceCountersSettings; pc != nil && pc.AppInsightsReference != nil && pc.AppInsightsReference.InstrumentationKey != nil {
		return "appInsightsReference.instrumentationKey"
	}
	return ""
}
