package api

import (
	"github.com/batchai-tf/terraform-provider-batchai/internal/apispec"

	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// TestExamplesRoundTrip decodes every workspace, cluster, file server, usage, operation and
// remote-login example body into the typed models and encodes it again. Any field the models
// lack or misname changes the JSON and fails here, so the client and the emulator (which share
// these types) cannot silently agree on a wrong tag.
func TestExamplesRoundTrip(t *testing.T) {
	cases := []struct {
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
	}
	for _, tc := range cases {
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
