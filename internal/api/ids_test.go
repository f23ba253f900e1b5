package api

import (
	"strings"
	"testing"
)

func TestParseClusterID(t *testing.T) {
	in := "/SUBSCRIPTIONS/sub/resourcegroups/rg/providers/microsoft.batchai/Workspaces/ws/CLUSTERS/c1"
	id, err := ParseClusterID(in)
	if err != nil {
		t.Fatal(err)
	}
	want := ClusterID{SubscriptionID: "sub", ResourceGroup: "rg", Workspace: "ws", Name: "c1"}
	if id != want {
		t.Fatalf("got %+v, want %+v", id, want)
	}
	if got := id.String(); got != "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.BatchAI/workspaces/ws/clusters/c1" {
		t.Fatalf("canonical form: %s", got)
	}
}

func TestParseIDErrors(t *testing.T) {
	for _, in := range []string{
		"",
		"subscriptions/sub/resourceGroups/rg/providers/Microsoft.BatchAI/workspaces/ws",
		"/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Compute/workspaces/ws",
		"/subscriptions/sub/resourceGroups/rg/providers/Microsoft.BatchAI/workspaces/ws/clusters/c",
		"/subscriptions//resourceGroups/rg/providers/Microsoft.BatchAI/workspaces/ws",
	} {
		if _, err := ParseWorkspaceID(in); err == nil || !strings.Contains(err.Error(), "expected /subscriptions/") {
			t.Errorf("ParseWorkspaceID(%q) = %v, want a descriptive error", in, err)
		}
	}
	if _, err := ParseFileServerID("/subscriptions/s/resourceGroups/r/providers/Microsoft.BatchAI/workspaces/w/fileservers/f"); err != nil {
		t.Errorf("file server ID with lower-case type key: %v", err)
	}
}

func TestValidateName(t *testing.T) {
	ok := []string{"a", "demo_cluster", "x-1", strings.Repeat("a", 64)}
	bad := []string{"", "has space", "dot.name", strings.Repeat("a", 65), "ünïcode"}
	for _, n := range ok {
		if err := ValidateName(n); err != nil {
			t.Errorf("ValidateName(%q) = %v", n, err)
		}
	}
	for _, n := range bad {
		if err := ValidateName(n); err == nil {
			t.Errorf("ValidateName(%q) accepted", n)
		}
	}
}

func TestParseJobAndExperimentIDs(t *testing.T) {
	in := "/subscriptions/sub/resourcegroups/rg/providers/Microsoft.BatchAI/workspaces/ws/EXPERIMENTS/exp/Jobs/j1"
	id, err := ParseJobID(in)
	if err != nil {
		t.Fatal(err)
	}
	want := JobID{SubscriptionID: "sub", ResourceGroup: "rg", Workspace: "ws", Experiment: "exp", Name: "j1"}
	if id != want {
		t.Fatalf("got %+v, want %+v", id, want)
	}
	canonical := "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.BatchAI/workspaces/ws/experiments/exp/jobs/j1"
	if id.String() != canonical {
		t.Fatalf("canonical form: %s", id.String())
	}
	if exp := id.ExperimentID(); exp.String() != strings.TrimSuffix(canonical, "/jobs/j1") || exp.WorkspaceID() != id.WorkspaceID() {
		t.Errorf("experiment of the job: %+v", exp)
	}
	if back, err := ParseExperimentID(id.ExperimentID().String()); err != nil || back != id.ExperimentID() {
		t.Errorf("experiment ID round trip: %+v %v", back, err)
	}
	// A job ID is not an experiment ID, a cluster ID is not an experiment ID (same length, other key).
	if _, err := ParseExperimentID(canonical); err == nil {
		t.Error("a job ID parsed as an experiment ID")
	}
	if _, err := ParseExperimentID("/subscriptions/s/resourceGroups/r/providers/Microsoft.BatchAI/workspaces/w/clusters/c"); err == nil ||
		!strings.Contains(err.Error(), `"clusters" where "experiments" belongs`) {
		t.Errorf("cluster ID as experiment ID: %v", err)
	}
	// The examples' typo (workspace for workspaces) is not a job's cluster.
	if _, err := ParseClusterID("/subscriptions/s/resourceGroups/r/providers/Microsoft.BatchAI/workspace/w/clusters/c"); err == nil {
		t.Error("examples/PutJob.json's malformed cluster ID parsed")
	}
}

// TestChildIDs checks that the IDs built from a parent's ID name the child in that parent, and lead back to it.
func TestChildIDs(t *testing.T) {
	ws := WorkspaceID{SubscriptionID: "sub", ResourceGroup: "rg", Name: "ws"}
	const prefix = "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.BatchAI/workspaces/ws"
	for _, c := range []struct {
		got  string
		want string
	}{
		{ws.Cluster("c").String(), prefix + "/clusters/c"},
		{ws.FileServer("f").String(), prefix + "/fileServers/f"},
		{ws.Experiment("x").String(), prefix + "/experiments/x"},
		{ws.Experiment("x").Job("j").String(), prefix + "/experiments/x/jobs/j"},
	} {
		if c.got != c.want {
			t.Errorf("got %s, want %s", c.got, c.want)
		}
	}
	if got := ws.Experiment("x").Job("j").WorkspaceID(); got != ws {
		t.Errorf("job's workspace = %+v, want %+v", got, ws)
	}
	if got := ws.Cluster("c").WorkspaceID(); got != ws {
		t.Errorf("cluster's workspace = %+v, want %+v", got, ws)
	}
}
