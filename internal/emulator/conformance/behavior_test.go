package conformance

import (
	"reflect"
	"strings"
	"testing"
)

// secretCluster is a cluster body with every kind of secret the spec has.
func secretCluster(e *env) map[string]any {
	vault := map[string]any{"id": "/subscriptions/" + e.sub + "/resourceGroups/kv/providers/Microsoft.KeyVault/vaults/v1"}
	return map[string]any{"properties": map[string]any{
		"vmSize": "STANDARD_D1",
		"userAccountSettings": map[string]any{
			"adminUserName":         "admin",
			"adminUserPassword":     e.secret("Pa55w0rd-never-returned"),
			"adminUserSshPublicKey": e.secret("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCnever-returned key@host"),
		},
		"scaleSettings": map[string]any{"manual": map[string]any{"targetNodeCount": 1}},
		"nodeSetup": map[string]any{
			"setupTask": map[string]any{
				"commandLine":          "echo hi",
				"stdOutErrPathPrefix":  "$AZ_BATCHAI_MOUNT_ROOT/afs",
				"environmentVariables": []any{map[string]any{"name": "PLAIN", "value": "visible"}},
				"secrets": []any{
					map[string]any{"name": "S1", "value": e.secret("setup-secret-value-never-returned")},
					map[string]any{"name": "S2", "valueSecretReference": map[string]any{"sourceVault": vault,
						"secretUrl": "https://v1.vault.azure.net/secrets/s2"}},
				},
			},
			"mountVolumes": map[string]any{
				"azureFileShares": []any{map[string]any{"accountName": "acct", "relativeMountPath": "afs",
					"azureFileUrl": "https://acct.file.core.windows.net/share",
					"credentials":  map[string]any{"accountKey": e.secret("c2VjcmV0LWFjY291bnQta2V5LWFmcw==")}}},
				"azureBlobFileSystems": []any{map[string]any{"accountName": "acct", "containerName": "c",
					"relativeMountPath": "bfs",
					"credentials":       map[string]any{"accountKey": e.secret("c2VjcmV0LWFjY291bnQta2V5LWJmcw==")}}},
			},
			"performanceCountersSettings": map[string]any{"appInsightsReference": map[string]any{
				"component":          map[string]any{"id": "/subscriptions/" + e.sub + "/resourceGroups/ai/providers/Microsoft.Insights/components/c"},
				"instrumentationKey": e.secret("instrumentation-key-never-returned"),
			}},
		},
	}}
}

// TestSecretsNeverReturned: passwords, SSH keys, storage keys, App Insights keys and secret values are accepted
// and never come back, in any response (the harness scans every body); the rest of the settings do.
func TestSecretsNeverReturned(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.putWorkspace(exampleRG, "ws")
	path := e.cluster(exampleRG, "ws", "c")
	body := secretCluster(e)
	c := e.createAndWait(path, body)
	for p, want := range map[string]any{
		"properties.userAccountSettings":                         map[string]any{"adminUserName": "admin"},
		"properties.nodeSetup.mountVolumes.azureFileShares":      []any{map[string]any{"accountName": "acct", "relativeMountPath": "afs", "azureFileUrl": "https://acct.file.core.windows.net/share", "credentials": map[string]any{}, "fileMode": "0777", "directoryMode": "0777"}},
		"properties.nodeSetup.mountVolumes.azureBlobFileSystems": []any{map[string]any{"accountName": "acct", "containerName": "c", "relativeMountPath": "bfs", "credentials": map[string]any{}}},
		"properties.nodeSetup.setupTask.environmentVariables":    []any{map[string]any{"name": "PLAIN", "value": "visible"}},
	} {
		if !reflect.DeepEqual(get(c, p), want) {
			t.Errorf("%s = %v, want %v", p, get(c, p), want)
		}
	}
	secrets := asList(get(c, "properties.nodeSetup.setupTask.secrets"))
	if len(secrets) != 2 || str(secrets[0], "name") != "S1" || get(secrets[0], "value") != nil ||
		str(secrets[1], "valueSecretReference.secretUrl") == "" {
		t.Errorf("setup task secrets: %v", secrets)
	}
	if get(c, "properties.nodeSetup.performanceCountersSettings.appInsightsReference.component.id") == nil {
		t.Errorf("the App Insights component (not a secret) is returned: %v", get(c, "properties.nodeSetup"))
	}
	// Every other way of reading the cluster.
	e.do("PUT", path+v, body).want(t, 200, 202)
	e.do("PATCH", path+v, exampleBody(t, e, "PatchCluster.json")).want(t, 200)
	e.do("GET", e.ws(exampleRG, "ws")+"/clusters"+v, nil).want(t, 200)
	// A file server's password and key.
	fs := fileServerBody(t, e)
	object(t, fs, "properties.sshConfiguration.userAccountSettings")["adminUserSshPublicKey"] =
		e.secret("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCfileserver-key")
	f := e.createAndWait(e.fileServer(exampleRG, "ws", "fs"), fs)
	if !reflect.DeepEqual(get(f, "properties.sshConfiguration.userAccountSettings"), map[string]any{"adminUserName": "admin_user_name"}) {
		t.Errorf("file server user: %v", get(f, "properties.sshConfiguration"))
	}
	e.do("GET", e.ws(exampleRG, "ws")+"/fileServers"+v, nil).want(t, 200)
	// An invalid request does not echo the secrets either.
	object(t, body, "properties")["vmPriority"] = "bogus"
	e.do("PUT", e.cluster(exampleRG, "ws", "c2")+v, body).want(t, 400)
}

// TestServerDefaults: what the service filled in (batchai-api-notes.md 1.7): the Ubuntu 16.04-LTS image,
// vmPriority dedicated, nodeDeallocationOption requeue, fileMode/directoryMode 0777, autoScale
// initialNodeCount 0, the setup task's stdOutErrPathSuffix, a file server's cachingType none.
func TestServerDefaults(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.putWorkspace(exampleRG, "ws")
	minimal := map[string]any{"properties": map[string]any{
		"vmSize":              "STANDARD_D1",
		"userAccountSettings": map[string]any{"adminUserName": "u", "adminUserPassword": e.secret("pw-for-defaults-1")},
		"scaleSettings":       map[string]any{"manual": map[string]any{"targetNodeCount": 0}},
		"nodeSetup": map[string]any{
			"setupTask": map[string]any{"commandLine": "true", "stdOutErrPathPrefix": "/mnt/out"},
			"mountVolumes": map[string]any{"azureFileShares": []any{map[string]any{"accountName": "a",
				"azureFileUrl": "https://a.file.core.windows.net/s", "relativeMountPath": "afs",
				"credentials": map[string]any{"accountKey": e.secret("a2V5LWZvci1kZWZhdWx0cw==")}}}},
		},
	}}
	c := e.createAndWait(e.cluster(exampleRG, "ws", "m"), minimal)
	for p, want := range map[string]any{
		"properties.vmPriority": "dedicated",
		"properties.virtualMachineConfiguration.imageReference": map[string]any{"publisher": "Canonical",
			"offer": "UbuntuServer", "sku": "16.04-LTS", "version": "latest"},
		"properties.scaleSettings.manual.nodeDeallocationOption": "requeue",
	} {
		if !reflect.DeepEqual(get(c, p), want) {
			t.Errorf("%s = %v, want %v", p, get(c, p), want)
		}
	}
	share := asList(get(c, "properties.nodeSetup.mountVolumes.azureFileShares"))[0]
	if str(share, "fileMode") != "0777" || str(share, "directoryMode") != "0777" {
		t.Errorf("file share modes: %v", share)
	}
	if str(c, "properties.nodeSetup.setupTask.stdOutErrPathSuffix") == "" {
		t.Errorf("stdOutErrPathSuffix is filled in: %v", get(c, "properties.nodeSetup.setupTask"))
	}
	auto := map[string]any{"properties": map[string]any{
		"vmSize":              "STANDARD_D1",
		"userAccountSettings": map[string]any{"adminUserName": "u", "adminUserPassword": e.secret("pw-for-defaults-2")},
		"scaleSettings":       map[string]any{"autoScale": map[string]any{"minimumNodeCount": 0, "maximumNodeCount": 2}},
	}}
	a := e.createAndWait(e.cluster(exampleRG, "ws", "a"), auto)
	if get(a, "properties.scaleSettings.autoScale.initialNodeCount") != float64(0) {
		t.Errorf("autoScale: %v", get(a, "properties.scaleSettings"))
	}
	f := e.createAndWait(e.fileServer(exampleRG, "ws", "f"), fileServerBody(t, e))
	if str(f, "properties.dataDisks.cachingType") != "none" || str(f, "properties.mountSettings.mountPoint") == "" {
		t.Errorf("file server: %v", f["properties"])
	}
}

// TestPatchAcceptsOnlyScaleSettings: Clusters_Update's body is ClusterUpdateParameters, whose only property is
// scaleSettings; anything else is a 400 (and changes nothing); Workspaces_Update takes tags only.
func TestPatchAcceptsOnlyScaleSettings(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.putWorkspace(exampleRG, "ws")
	path := e.cluster(exampleRG, "ws", "c")
	before := e.createAndWait(path, minimalCluster(t, e))
	scale := map[string]any{"manual": map[string]any{"targetNodeCount": 2}}
	for _, body := range []string{
		`{}`, `{"properties":{}}`, `{"properties":null}`,
		`{"properties":{"vmSize":"STANDARD_NC12"}}`,
		`{"properties":{"vmPriority":"lowpriority"}}`,
		`{"properties":{"userAccountSettings":{"adminUserName":"x"}}}`,
		`{"properties":{"subnet":{"id":"/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v/subnets/s"}}}`,
		`{"properties":{"scaleSettings":{"manual":{"targetNodeCount":2}},"vmSize":"STANDARD_NC12"}}`,
		`{"properties":{"scaleSettings":{"manual":{"targetNodeCount":2}}},"tags":{"a":"b"}}`,
		`{"properties":{"scaleSettings":{"manual":{"targetNodeCount":2}}},"location":"eastus"}`,
		`{"properties":{"scaleSettings":{}}}`,
		`{"properties":{"scaleSettings":{"manual":{"targetNodeCount":-1}}}}`,
	} {
		r := e.do("PATCH", path+v, body)
		if r.status != 400 {
			t.Errorf("PATCH %s: %d %.300s", body, r.status, r.raw)
		}
	}
	after := e.do("GET", path+v, nil).want(t, 200).body
	if !reflect.DeepEqual(get(after, "properties.scaleSettings"), get(before, "properties.scaleSettings")) ||
		str(after, "properties.vmSize") != str(before, "properties.vmSize") {
		t.Errorf("a refused PATCH changed the cluster: %v", after["properties"])
	}
	ok := e.do("PATCH", path+v, map[string]any{"properties": map[string]any{"scaleSettings": scale}}).want(t, 200)
	if get(ok.body, "properties.scaleSettings.manual.targetNodeCount") != float64(2) {
		t.Errorf("PATCH result: %v", ok.body["properties"])
	}
	for _, body := range []string{`{"location":"westus"}`, `{"tags":{"a":"b"},"properties":{}}`, `{"tags":"x"}`} {
		if r := e.do("PATCH", e.ws(exampleRG, "ws")+v, body); r.status != 400 {
			t.Errorf("PATCH workspace %s: %d %s", body, r.status, r.raw)
		}
	}
}

// TestIdempotentPutAndDelete: repeating a PUT with the same body is a success that changes nothing; DELETE of
// something that does not exist is 204 (spec: 200/202/204).
func TestIdempotentPutAndDelete(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w1 := e.putWorkspace(exampleRG, "ws")
	w2 := e.putWorkspace(exampleRG, "ws")
	if str(w1, "id") != str(w2, "id") || str(w1, "properties.creationTime") != str(w2, "properties.creationTime") {
		t.Errorf("a repeated workspace PUT changed it: %v then %v", w1, w2)
	}
	path := e.cluster(exampleRG, "ws", "c")
	body := minimalCluster(t, e)
	c1 := e.createAndWait(path, body)
	r := e.do("PUT", path+v, body).want(t, 200, 202)
	if r.status == 202 {
		e.pollAsync(r)
	}
	c2 := e.do("GET", path+v, nil).want(t, 200).body
	if str(c1, "properties.creationTime") != str(c2, "properties.creationTime") {
		t.Errorf("a repeated cluster PUT re-created it")
	}
	fs := e.fileServer(exampleRG, "ws", "f")
	e.createAndWait(fs, fileServerBody(t, e))
	// A different create-time setting on an existing cluster is refused, never silently applied.
	changed := minimalCluster(t, e)
	object(t, changed, "properties")["vmSize"] = "STANDARD_NC12"
	if r := e.do("PUT", path+v, changed); r.status < 400 || r.status >= 500 {
		t.Errorf("PUT changing vmSize: %d %s", r.status, r.raw)
	}
	for _, tc := range []struct{ op, path string }{
		{"Clusters_Delete", e.cluster(exampleRG, "ws", "none")},
		{"FileServers_Delete", e.fileServer(exampleRG, "ws", "none")},
		{"Workspaces_Delete", e.ws(exampleRG, "none")},
		{"Clusters_Delete", e.cluster(exampleRG, "nows", "none")},
	} {
		r := e.do("DELETE", tc.path+v, nil).want(t, 204)
		if len(r.raw) != 0 {
			t.Errorf("DELETE %s: 204 with a body", tc.path)
		}
	}
}

// TestWorkspaceDeleteCascades: deleting a workspace deletes its clusters and file servers with it.
func TestWorkspaceDeleteCascades(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.putWorkspace(exampleRG, "ws")
	c := e.cluster(exampleRG, "ws", "c")
	e.createAndWait(c, minimalCluster(t, e))
	f := e.fileServer(exampleRG, "ws", "f")
	e.createAndWait(f, fileServerBody(t, e))
	r := e.do("DELETE", e.ws(exampleRG, "ws")+v, nil).want(t, 202)
	if got := e.do("GET", c+v, nil); got.status == 200 && str(got.body, "properties.provisioningState") != "deleting" {
		t.Errorf("a cluster of a deleting workspace: %v", got.body["properties"])
	}
	if op := e.pollAsync(r); str(op, "status") != "Succeeded" {
		t.Fatalf("workspace delete: %v", op)
	}
	e.do("GET", c+v, nil).want(t, 404)
	e.do("GET", f+v, nil).want(t, 404)
	e.do("GET", e.ws(exampleRG, "ws")+v, nil).wantError(t, 404, "WorkspaceNotFound")
	if l := e.do("GET", e.rg(exampleRG)+"/providers/Microsoft.BatchAI/workspaces"+v, nil).want(t, 200); len(asList(l.body["value"])) != 0 {
		t.Errorf("list after delete: %s", l.raw)
	}
	if strings.Contains(string(e.do("GET", "/subscriptions/"+e.sub+"/providers/Microsoft.BatchAI/workspaces"+v, nil).raw), `"ws"`) {
		t.Errorf("the deleted workspace is still listed")
	}
}

// TestVMSizes: "Batch AI service supports all Azure VM sizes except STANDARD_A0 and those with premium storage
// (STANDARD_GS, STANDARD_DS, and STANDARD_DSV2 series)" (spec, ClusterBaseProperties.vmSize).
func TestVMSizes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.putWorkspace(exampleRG, "ws")
	body := func(size string) map[string]any {
		return map[string]any{"properties": map[string]any{
			"vmSize":              size,
			"userAccountSettings": map[string]any{"adminUserName": "u", "adminUserPassword": e.secret("pw-vm-sizes")},
			"scaleSettings":       map[string]any{"manual": map[string]any{"targetNodeCount": 0}},
		}}
	}
	for i, size := range []string{"STANDARD_NC6", "Standard_D2_v2", "standard_nc24rs_v3", "Standard_ND6s", "Standard_NV6",
		"Standard_F4", "Standard_A2_v2", "Standard_D4_v3", "Standard_E8_v3", "Standard_H16r", "Standard_A9", "Standard_G2"} {
		r := e.do("PUT", e.cluster(exampleRG, "ws", "ok"+strings.Repeat("x", i))+v, body(size))
		if r.status != 202 && r.status != 200 {
			t.Errorf("vmSize %s: %d %s", size, r.status, r.raw)
		}
	}
	for _, size := range []string{"STANDARD_A0", "Standard_GS2", "Standard_DS3", "Standard_DS3_v2", "Standard_Bogus"} {
		r := e.do("PUT", e.cluster(exampleRG, "ws", "bad")+v, body(size)).wantError(t, 400, "InvalidPropertyValue")
		if str(r.body, "error.target") != "properties.vmSize" {
			t.Errorf("vmSize %s: target %q", size, str(r.body, "error.target"))
		}
	}
}
