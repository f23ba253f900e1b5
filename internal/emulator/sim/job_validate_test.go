package sim

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

const testExperimentID = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/demo_resource_group" +
	"/providers/Microsoft.BatchAI/workspaces/demo_workspace/experiments/demo_experiment"

func testJobID(name string) string { return testExperimentID + "/jobs/" + name }

// jobProps is the smallest valid job: a custom toolkit command line on nodes of the test cluster.
func jobProps(commandLine string, nodes int32) api.JobBaseProperties {
	return api.JobBaseProperties{
		Cluster:               &api.ResourceID{ID: sptr(testClusterID)},
		NodeCount:             iptr(nodes),
		StdOutErrPathPrefix:   sptr("$AZ_BATCHAI_MOUNT_ROOT/azfiles"),
		CustomToolkitSettings: &api.CustomToolkitSettings{CommandLine: sptr(commandLine)},
	}
}

func TestPrepareJobDefaults(t *testing.T) {
	p, err := PrepareJob(jobProps("echo hi", 1))
	if err != nil {
		t.Fatal(err)
	}
	if *p.SchedulingPriority != "normal" || *p.Constraints.MaxWallClockTime != "P150D" {
		t.Errorf("defaults: priority %v, constraints %+v", p.SchedulingPriority, p.Constraints)
	}
	for given, want := range map[string]string{"7.00:00:00": "P7D", "PT1H": "PT1H", "01:30:00": "PT1H30M", "P1DT0H": "P1D"} {
		in := jobProps("true", 1)
		in.Constraints = &api.JobBasePropertiesConstraints{MaxWallClockTime: sptr(given)}
		in.SchedulingPriority = sptr("HIGH")
		p, err := PrepareJob(in)
		if err != nil || *p.Constraints.MaxWallClockTime != want || *p.SchedulingPriority != "high" {
			t.Errorf("%s: %v %v %v", given, p.Constraints.MaxWallClockTime, p.SchedulingPriority, err)
		}
	}
	// Job-level file share mounts get the service's modes.
	in := jobProps("true", 1)
	in.MountVolumes = &api.MountVolumes{AzureFileShares: []api.AzureFileShareReference{{
		AccountName: sptr("acct"), AzureFileURL: sptr("https://acct.file.core.windows.net/share"),
		Credentials: &api.AzureStorageCredentialsInfo{AccountKey: sptr("k")}, RelativeMountPath: sptr("afs"),
	}}}
	if p, err := PrepareJob(in); err != nil || *p.MountVolumes.AzureFileShares[0].FileMode != "0777" {
		t.Errorf("mounts: %+v %v", p.MountVolumes, err)
	}
	if in.MountVolumes.AzureFileShares[0].FileMode != nil || in.SchedulingPriority != nil {
		t.Error("PrepareJob changed its input")
	}
}

func TestPrepareJobErrors(t *testing.T) {
	const miss, bad = CodeMissingRequiredProperty, CodeInvalidPropertyValue
	kv := kvRef("pw")
	for _, tc := range []struct {
		name         string
		edit         func(p *api.JobBaseProperties)
		code, target string
		msg          string
	}{
		{"no cluster", func(p *api.JobBaseProperties) { p.Cluster = nil }, miss, "properties.cluster", ""},
		{"the examples' malformed cluster ID", func(p *api.JobBaseProperties) {
			p.Cluster.ID = sptr(strings.Replace(testClusterID, "/workspaces/", "/workspace/", 1))
		}, bad, "properties.cluster.id", "workspaces/{name}/clusters/{name}"},
		{"no node count", func(p *api.JobBaseProperties) { p.NodeCount = nil }, miss, "properties.nodeCount", ""},
		{"zero nodes", func(p *api.JobBaseProperties) { p.NodeCount = iptr(0) }, bad, "properties.nodeCount", "at least 1"},
		{"no prefix", func(p *api.JobBaseProperties) { p.StdOutErrPathPrefix = sptr("") }, miss, "properties.stdOutErrPathPrefix", ""},
		{"bad priority", func(p *api.JobBaseProperties) { p.SchedulingPriority = sptr("urgent") }, bad, "properties.schedulingPriority", "low, normal, high"},
		{"no toolkit", func(p *api.JobBaseProperties) { p.CustomToolkitSettings = nil }, miss, "properties", "Exactly one toolkit"},
		{"two toolkits", func(p *api.JobBaseProperties) {
			p.PyTorchSettings = &api.PyTorchSettings{PythonScriptFilePath: sptr("train.py")}
		}, bad, "properties.customToolkitSettings", "'properties.pyTorchSettings' and 'properties.customToolkitSettings'"},
		{"pytorch without script", func(p *api.JobBaseProperties) {
			p.CustomToolkitSettings, p.PyTorchSettings = nil, &api.PyTorchSettings{}
		}, miss, "properties.pyTorchSettings.pythonScriptFilePath", ""},
		{"mpi without command line", func(p *api.JobBaseProperties) {
			p.CustomToolkitSettings, p.CustomMpiSettings = nil, &api.CustomMpiSettings{ProcessCount: iptr(2)}
		}, miss, "properties.customMpiSettings.commandLine", ""},
		{"zero processes", func(p *api.JobBaseProperties) {
			p.CustomToolkitSettings, p.HorovodSettings = nil, &api.HorovodSettings{PythonScriptFilePath: sptr("a.py"), ProcessCount: iptr(0)}
		}, bad, "properties.horovodSettings.processCount", ""},
		{"too many parameter servers", func(p *api.JobBaseProperties) {
			p.CustomToolkitSettings = nil
			p.TensorFlowSettings = &api.TensorFlowSettings{PythonScriptFilePath: sptr("a.py"), ParameterServerCount: iptr(2)}
		}, bad, "properties.tensorFlowSettings.parameterServerCount", "nodeCount (1)"},
		{"container without image", func(p *api.JobBaseProperties) {
			p.ContainerSettings = &api.ContainerSettings{ImageSourceRegistry: &api.ImageSourceRegistry{}}
		}, miss, "properties.containerSettings.imageSourceRegistry.image", ""},
		{"registry password twice", func(p *api.JobBaseProperties) {
			p.ContainerSettings = &api.ContainerSettings{ImageSourceRegistry: &api.ImageSourceRegistry{Image: sptr("ubuntu"),
				Credentials: &api.PrivateRegistryCredentials{Username: sptr("u"), Password: sptr("SENTINEL"), PasswordSecretReference: kv}}}
		}, bad, "properties.containerSettings.imageSourceRegistry.credentials", "not both"},
		{"registry without username", func(p *api.JobBaseProperties) {
			p.ContainerSettings = &api.ContainerSettings{ImageSourceRegistry: &api.ImageSourceRegistry{Image: sptr("ubuntu"),
				Credentials: &api.PrivateRegistryCredentials{Password: sptr("SENTINEL")}}}
		}, miss, "properties.containerSettings.imageSourceRegistry.credentials.username", ""},
		{"preparation without command line", func(p *api.JobBaseProperties) { p.JobPreparation = &api.JobPreparation{} },
			miss, "properties.jobPreparation.commandLine", ""},
		{"input without path", func(p *api.JobBaseProperties) {
			p.InputDirectories = []api.InputDirectory{{ID: sptr("IN")}}
		}, miss, "properties.inputDirectories[0].path", ""},
		{"output id twice", func(p *api.JobBaseProperties) {
			p.OutputDirectories = []api.OutputDirectory{{ID: sptr("OUT"), PathPrefix: sptr("/a")}, {ID: sptr("out"), PathPrefix: sptr("/b")}}
		}, bad, "properties.outputDirectories[1].id", "used twice"},
		{"reserved output id", func(p *api.JobBaseProperties) {
			p.OutputDirectories = []api.OutputDirectory{{ID: sptr("stdouterr"), PathPrefix: sptr("/a")}}
		}, bad, "properties.outputDirectories[0].id", "reserved"},
		{"variable without value", func(p *api.JobBaseProperties) {
			p.EnvironmentVariables = []api.EnvironmentVariable{{Name: sptr("A")}}
		}, miss, "properties.environmentVariables[0].value", ""},
		{"secret without value", func(p *api.JobBaseProperties) {
			p.Secrets = []api.EnvironmentVariableWithSecretValue{{Name: sptr("S")}}
		}, miss, "properties.secrets[0]", ""},
		{"a name defined twice", func(p *api.JobBaseProperties) {
			p.EnvironmentVariables = []api.EnvironmentVariable{{Name: sptr("A"), Value: sptr("1")}}
			p.Secrets = []api.EnvironmentVariableWithSecretValue{{Name: sptr("A"), Value: sptr("SENTINEL")}}
		}, bad, "properties.secrets[0].name", "defined twice"},
		{"mount without key", func(p *api.JobBaseProperties) {
			p.MountVolumes = &api.MountVolumes{AzureBlobFileSystems: []api.AzureBlobFileSystemReference{{
				AccountName: sptr("a"), ContainerName: sptr("c"), RelativeMountPath: sptr("b"), Credentials: &api.AzureStorageCredentialsInfo{}}}}
		}, miss, "properties.mountVolumes.azureBlobFileSystems[0].credentials", ""},
		{"bad wall clock", func(p *api.JobBaseProperties) {
			p.Constraints = &api.JobBasePropertiesConstraints{MaxWallClockTime: sptr("a week")}
		}, bad, "properties.constraints.maxWallClockTime", "ISO 8601"},
		{"zero wall clock", func(p *api.JobBaseProperties) {
			p.Constraints = &api.JobBasePropertiesConstraints{MaxWallClockTime: sptr("PT0S")}
		}, bad, "properties.constraints.maxWallClockTime", "positive"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := jobProps("true", 1)
			tc.edit(&p)
			_, err := PrepareJob(p)
			if err == nil {
				t.Fatal("accepted")
			}
			if err.Status != 400 || err.Code != tc.code || err.Target != tc.target || !strings.Contains(err.Message, tc.msg) {
				t.Errorf("got %d %s %s: %s", err.Status, err.Code, err.Target, err.Message)
			}
			if strings.Contains(err.Message, "SENTINEL") {
				t.Errorf("the message quotes a secret: %s", err.Message)
			}
		})
	}
}

// TestJobViewMatchesPutJobExample runs examples/PutJob.json's request (with its cluster ID corrected: the
// example writes "workspace" for "workspaces") through PrepareJob and the simulation, and compares the body
// with the example's 200 response, except for what differs on purpose: the type and priority spelling of
// recorded traffic, its constraints and undocumented members, the output segment, the times and the state.
func TestJobViewMatchesPutJobExample(t *testing.T) {
	var req api.JobCreateParameters
	if err := json.Unmarshal(exampleJSON(t, "PutJob.json", "request"), &req); err != nil {
		t.Fatal(err)
	}
	req.Properties.Cluster.ID = sptr(strings.Replace(*req.Properties.Cluster.ID, "/workspace/", "/workspaces/", 1))
	p, err := PrepareJob(*req.Properties)
	if err != nil {
		t.Fatal(err)
	}
	c := newCluster(t, minimalProps(1))
	c.Advance(at(10*sec), cfg)
	j := NewJob(testJobID("demo_job"), "demo_job", "demo_experiment", p, at(10*sec), at(11*sec))
	c.SubmitJob(j, at(10*sec), cfg)
	c.Advance(at(11*sec), Config{ProvisioningDelay: cfg.ProvisioningDelay, ScaleDownDelay: cfg.ScaleDownDelay, JobDuration: time.Hour})
	got := toMap(t, j.View(at(11*sec)))
	var want map[string]any
	if err := json.Unmarshal(exampleJSON(t, "PutJob.json", "200"), &want); err != nil {
		t.Fatal(err)
	}
	gp, _ := got["properties"].(map[string]any)
	wp, _ := want["properties"].(map[string]any)
	if gp["schedulingPriority"] != wp["priority"] || gp["executionState"] != "running" || got["type"] != api.TypeJob {
		t.Errorf("priority %v (example %v), state %v, type %v", gp["schedulingPriority"], wp["priority"], gp["executionState"], got["type"])
	}
	if c, _ := gp["constraints"].(map[string]any); c["maxWallClockTime"] != "P150D" || c["maxAttempts"] != 5.0 {
		t.Errorf("server-filled constraints: %v", c)
	}
	seg, _ := gp["jobOutputDirectoryPathSegment"].(string)
	if !strings.HasPrefix(seg, "00000000-0000-0000-0000-000000000000/demo_resource_group/workspaces/demo_workspace/experiments/demo_experiment/jobs/demo_job/") {
		t.Errorf("segment %s", seg)
	}
	delete(got, "type")
	delete(want, "type")
	delete(wp, "priority")
	for _, k := range []string{"schedulingPriority", "constraints", "jobOutputDirectoryPathSegment", "creationTime",
		"provisioningStateTransitionTime", "executionStateTransitionTime", "executionInfo", "executionState",
		"experimentName", "coreCountPerNode", "vmSize", "maxJobDurationSeconds", "cleanupNodeBeforeRun", "cleanupNodeAfterRun"} {
		delete(gp, k)
		delete(wp, k)
	}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("body differs\ngot  %s\nwant %s", g, w)
	}
}

func TestJobViewStripsSecrets(t *testing.T) {
	p := jobProps("true", 1)
	p.Secrets = []api.EnvironmentVariableWithSecretValue{{Name: sptr("TOKEN"), Value: sptr(secrets[4])}, {Name: sptr("V"), ValueSecretReference: kvRef("v")}}
	p.ContainerSettings = &api.ContainerSettings{ImageSourceRegistry: &api.ImageSourceRegistry{Image: sptr("private/img"),
		Credentials: &api.PrivateRegistryCredentials{Username: sptr("u"), Password: sptr(secrets[0])}}}
	p.MountVolumes = &api.MountVolumes{AzureFileShares: []api.AzureFileShareReference{{
		AccountName: sptr("acct"), AzureFileURL: sptr("https://acct.file.core.windows.net/share"),
		Credentials: &api.AzureStorageCredentialsInfo{AccountKey: sptr(secrets[2])}, RelativeMountPath: sptr("afs"),
	}}}
	prepared, err := PrepareJob(p)
	if err != nil {
		t.Fatal(err)
	}
	j := NewJob(testJobID("j"), "j", "demo_experiment", prepared, t0, t0)
	raw, _ := json.Marshal(j.View(t0))
	for _, s := range secrets {
		if strings.Contains(string(raw), s) {
			t.Errorf("the view leaks %q: %s", s, raw)
		}
	}
	for _, kept := range []string{`"name":"TOKEN"`, `"valueSecretReference"`, `"username":"u"`, `"credentials":{}`} {
		if !strings.Contains(string(raw), kept) {
			t.Errorf("the view lost %s: %s", kept, raw)
		}
	}
	if !strings.Contains(mustJSON(t, j.Props), secrets[0]) {
		t.Error("the stored state lost the registry password (a re-PUT compares it)")
	}
}
