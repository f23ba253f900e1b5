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
