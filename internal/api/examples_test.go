package api

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/batchai-tf/terraform-provider-batchai/internal/apispec"
)

// roundTrips are the example bodies TestExamplesRoundTrip decodes: every workspace, cluster, file server,
// experiment, job, output file, usage, operation and remote-login body of Microsoft's examples.
var roundTrips = []struct {
	file   string
	part   string // "request" or a response status
	newVal func() any
}{
	{"PutWorkspace.json", "request", func() any { return new(WorkspaceCreateParameters) }},
	{"PutWorkspace.json", "200", func() any { return new(Workspace) }},
	{"GetWorkspace.json", "200", func() any { return new(Workspace) }},
	{"PatchWorkspace.json", "request", func() any { return new(WorkspaceUpdateParameters) }},
	{"PatchWorkspace.json", "200", func() any { return new(Workspace) }},
	{"ListWorkspace.json", "200", func() any { return new(WorkspaceListResult) }},
	{"ListWorkspaceByResourceGroup.json", "200", func() any { return new(WorkspaceListResult) }},
	{"PutCluster.json", "request", func() any { return new(ClusterCreateParameters) }},
	{"PutCluster.json", "200", func() any { return new(Cluster) }},
	{"GetCluster.json", "200", func() any { return new(Cluster) }},
	{"PatchCluster.json", "request", func() any { return new(ClusterUpdateParameters) }},
	{"PatchCluster.json", "200", func() any { return new(Cluster) }},
	{"ListClusterByWorkspace.json", "200", func() any { return new(ClusterListResult) }},
	{"ClusterListRemoteLoginInfo.json", "200", func() any { return new(RemoteLoginInformationListResult) }},
	{"PutFileServer.json", "request", func() any { return new(FileServerCreateParameters) }},
	{"PutFileServer.json", "200", func() any { return new(FileServer) }},
	{"GetFileServer.json", "200", func() any { return new(FileServer) }},
	{"ListFileServerByWorkspace.json", "200", func() any { return new(FileServerListResult) }},
	{"ListUsages.json", "200", func() any { return new(ListUsagesResult) }},
	{"ListOperation.json", "200", func() any { return new(OperationListResult) }},
	{"PutExperiment.json", "request", func() any { return new(ExperimentCreateParameters) }},
	{"PutExperiment.json", "200", func() any { return new(Experiment) }},
	{"GetExperiment.json", "200", func() any { return new(Experiment) }},
	{"ListExperimentByWorkspace.json", "200", func() any { return new(ExperimentListResult) }},
	{"PutJob.json", "request", func() any { return new(JobCreateParameters) }},
	// The job responses spell the priority "priority" (JobProperties.Priority) and the wall clock time
	// "P7D": both survive the round trip as they are.
	{"PutJob.json", "200", func() any { return new(Job) }},
	{"GetJob.json", "200", func() any { return new(Job) }},
	{"ListJobByExperiment.json", "200", func() any { return new(JobListResult) }},
	{"ListOutputFiles.json", "200", func() any { return new(FileListResult) }},
	{"JobListRemoteLoginInfo.json", "200", func() any { return new(RemoteLoginInformationListResult) }},
}

// TestExamplesRoundTrip decodes each example body into the typed models and encodes it again. Any field the
// models lack or misname changes the JSON and fails here, so the client and the emulator (which share these
// types) cannot silently agree on a wrong tag.
func TestExamplesRoundTrip(t *testing.T) {
	for _, tc := range roundTrips {
		t.Run(tc.file+"/"+tc.part, func(t *testing.T) {
			raw := exampleBody(t, tc.file, tc.part)
			v := tc.newVal()
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			if err := dec.Decode(v); err != nil {
				t.Fatalf("decode: %v", err)
			}
			again, err := json.Marshal(v)
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			var want, got any
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(again, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(want, got) {
				t.Errorf("round trip changed the body\nwant %s\ngot  %s", raw, again)
			}
		})
	}
}

func exampleBody(t *testing.T, file, part string) []byte {
	t.Helper()
	b, err := apispec.Example(file)
	if err != nil {
		t.Fatalf("reading example: %v", err)
	}
	var ex struct {
		Parameters map[string]json.RawMessage `json:"parameters"`
		Responses  map[string]struct {
			Body json.RawMessage `json:"body"`
		} `json:"responses"`
	}
	if err := json.Unmarshal(b, &ex); err != nil {
		t.Fatal(err)
	}
	if part == "request" {
		for _, k := range []string{"parameters"} {
			if raw, ok := ex.Parameters[k]; ok {
				return raw
			}
		}
		t.Fatalf("%s has no request body", file)
	}
	r, ok := ex.Responses[part]
	if !ok || len(r.Body) == 0 {
		t.Fatalf("%s has no %s body", file, part)
	}
	return r.Body
}

// TestEveryExampleHasARoundTrip keeps the list above complete: an example nobody decodes could hide a
// model that lacks one of its members.
func TestEveryExampleHasARoundTrip(t *testing.T) {
	names, err := apispec.Examples()
	if err != nil {
		t.Fatal(err)
	}
	// Examples with no body at all (202/204 only), and the ones the spec never references.
	noBody := map[string]bool{
		"DeleteCluster.json": true, "DeleteExperiment.json": true, "DeleteFileServer.json": true,
		"DeleteJob.json": true, "DeleteWorkspace.json": true, "TerminateJob.json": true,
		"ListCluster.json": true, "ListClusterByResourceGroup.json": true, "ListFileServer.json": true,
		"ListFileServerByResourceGroup.json": true,
	}
	covered := map[string]bool{}
	for _, rt := range roundTrips {
		covered[rt.file] = true
	}
	for _, n := range names {
		if !noBody[n] && !covered[n] {
			t.Errorf("%s is not round-tripped by TestExamplesRoundTrip", n)
		}
	}
}

func TestJobPriorityAcceptsBothSpellings(t *testing.T) {
	for raw, want := range map[string]string{
		`{"schedulingPriority":"high"}`:                  "high",
		`{"priority":"low"}`:                             "low",
		`{"schedulingPriority":"high","priority":"low"}`: "high",
		`{}`: "",
	} {
		var p JobProperties
		if err := json.Unmarshal([]byte(raw), &p); err != nil {
			t.Fatal(err)
		}
		if got := p.JobPriority(); got != want {
			t.Errorf("%s: JobPriority() = %q, want %q", raw, got, want)
		}
	}
	if got := (*JobProperties)(nil).JobPriority(); got != "" {
		t.Errorf("nil properties: %q", got)
	}
}
