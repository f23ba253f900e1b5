package api

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// NamePattern is the spec's pattern for workspace, cluster, file server, experiment and job names
// (length 1 to 64).
var NamePattern = regexp.MustCompile(`^[-\w_]+$`)

// ResourceGroupNamePattern is the spec's pattern for resource group names.
var ResourceGroupNamePattern = regexp.MustCompile(`^[-\w\._]+$`)

// NameMaxLength is the spec's maxLength for Batch AI resource names.
const NameMaxLength = 64

// ValidateName reports why name is not a valid Batch AI resource name, or nil.
func ValidateName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("must not be empty")
	case len(name) > NameMaxLength:
		return fmt.Errorf("must be at most %d characters long, got %d", NameMaxLength, len(name))
	case !NamePattern.MatchString(name):
		return fmt.Errorf("may contain only letters, digits, '-' and '_' (pattern %s), got %q", NamePattern, name)
	}
	return nil
}

// WorkspaceID identifies a workspace.
type WorkspaceID struct {
	SubscriptionID string
	ResourceGroup  string
	Name           string
}

// String is the canonical ARM ID.
func (id WorkspaceID) String() string {
	return fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/%s/workspaces/%s",
		id.SubscriptionID, id.ResourceGroup, ProviderNamespace, id.Name)
}

// Cluster is the ID of the workspace's cluster name.
func (id WorkspaceID) Cluster(name string) ClusterID {
	return ClusterID{SubscriptionID: id.SubscriptionID, ResourceGroup: id.ResourceGroup, Workspace: id.Name, Name: name}
}

// FileServer is the ID of the workspace's file server name.
func (id WorkspaceID) FileServer(name string) FileServerID {
	return FileServerID{SubscriptionID: id.SubscriptionID, ResourceGroup: id.ResourceGroup, Workspace: id.Name, Name: name}
}

// Experiment is the ID of the workspace's experiment name.
func (id WorkspaceID) Experiment(name string) ExperimentID {
	return ExperimentID{SubscriptionID: id.SubscriptionID, ResourceGroup: id.ResourceGroup, Workspace: id.Name, Name: name}
}

// ClusterID identifies a cluster of a workspace.
type ClusterID struct {
	SubscriptionID string
	ResourceGroup  string
	Workspace      string
	Name           string
}

// WorkspaceID is the ID of the cluster's workspace.
func (id ClusterID) WorkspaceID() WorkspaceID {
	return WorkspaceID{SubscriptionID: id.SubscriptionID, ResourceGroup: id.ResourceGroup, Name: id.Workspace}
}

// String is the canonical ARM ID.
func (id ClusterID) String() string {
	return id.WorkspaceID().String() + "/clusters/" + id.Name
}

// FileServerID identifies a file server of a workspace.
type FileServerID struct {
	SubscriptionID string
	ResourceGroup  string
	Workspace      string
	Name           string
}

// String is the canonical ARM ID.
func (id FileServerID) String() string {
	ws := WorkspaceID{SubscriptionID: id.SubscriptionID, ResourceGroup: id.ResourceGroup, Name: id.Workspace}
	return ws.String() + "/fileServers/" + id.Name
}

// WorkspaceID is the ID of the file server's workspace.
func (id FileServerID) WorkspaceID() WorkspaceID {
	return WorkspaceID{SubscriptionID: id.SubscriptionID, ResourceGroup: id.ResourceGroup, Name: id.Workspace}
}

// ExperimentID identifies an experiment of a workspace.
type ExperimentID struct {
	SubscriptionID string
	ResourceGroup  string
	Workspace      string
	Name           string
}

// WorkspaceID is the ID of the experiment's workspace.
func (id ExperimentID) WorkspaceID() WorkspaceID {
	return WorkspaceID{SubscriptionID: id.SubscriptionID, ResourceGroup: id.ResourceGroup, Name: id.Workspace}
}

// String is the canonical ARM ID.
func (id ExperimentID) String() string {
	return id.WorkspaceID().String() + "/experiments/" + id.Name
}

// JobID identifies a job of an experiment.
type JobID struct {
	SubscriptionID string
	ResourceGroup  string
	Workspace      string
	Experiment     string
	Name           string
}

// Job is the ID of the experiment's job name.
func (id ExperimentID) Job(name string) JobID {
	return JobID{SubscriptionID: id.SubscriptionID, ResourceGroup: id.ResourceGroup, Workspace: id.Workspace,
		Experiment: id.Name, Name: name}
}

// ExperimentID is the ID of the job's experiment.
func (id JobID) ExperimentID() ExperimentID {
	return ExperimentID{SubscriptionID: id.SubscriptionID, ResourceGroup: id.ResourceGroup, Workspace: id.Workspace,
		Name: id.Experiment}
}

// WorkspaceID is the ID of the job's workspace.
func (id JobID) WorkspaceID() WorkspaceID { return id.ExperimentID().WorkspaceID() }

// String is the canonical ARM ID.
func (id JobID) String() string {
	return id.ExperimentID().String() + "/jobs/" + id.Name
}

// ParseWorkspaceID parses a workspace ARM ID. Segment keys match case-insensitively, as ARM does.
func ParseWorkspaceID(s string) (WorkspaceID, error) {
	segs, err := parseSegments(s, "workspaces")
	if err != nil {
		return WorkspaceID{}, err
	}
	return WorkspaceID{SubscriptionID: segs[0], ResourceGroup: segs[1], Name: segs[2]}, nil
}

// ParseClusterID parses a cluster ARM ID.
func ParseClusterID(s string) (ClusterID, error) {
	segs, err := parseSegments(s, "workspaces", "clusters")
	if err != nil {
		return ClusterID{}, err
	}
	return ClusterID{SubscriptionID: segs[0], ResourceGroup: segs[1], Workspace: segs[2], Name: segs[3]}, nil
}

// ParseFileServerID parses a file server ARM ID.
func ParseFileServerID(s string) (FileServerID, error) {
	segs, err := parseSegments(s, "workspaces", "fileServers")
	if err != nil {
		return FileServerID{}, err
	}
	return FileServerID{SubscriptionID: segs[0], ResourceGroup: segs[1], Workspace: segs[2], Name: segs[3]}, nil
}

// ParseExperimentID parses an experiment ARM ID.
func ParseExperimentID(s string) (ExperimentID, error) {
	segs, err := parseSegments(s, "workspaces", "experiments")
	if err != nil {
		return ExperimentID{}, err
	}
	return ExperimentID{SubscriptionID: segs[0], ResourceGroup: segs[1], Workspace: segs[2], Name: segs[3]}, nil
}

// ParseJobID parses a job ARM ID.
func ParseJobID(s string) (JobID, error) {
	segs, err := parseSegments(s, "workspaces", "experiments", "jobs")
	if err != nil {
		return JobID{}, err
	}
	return JobID{SubscriptionID: segs[0], ResourceGroup: segs[1], Workspace: segs[2], Experiment: segs[3], Name: segs[4]}, nil
}

// parseSegments checks the fixed part of a Batch AI ID and returns the subscription, the
// resource group and the names that follow each of the given type keys.
func parseSegments(s string, typeKeys ...string) ([]string, error) {
	example := "/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.BatchAI"
	for _, k := range typeKeys {
		example += "/" + k + "/{name}"
	}
	bad := func(why string) error {
		return fmt.Errorf("%q is not a valid Batch AI ID (%s); expected %s", s, why, example)
	}
	parts := strings.Split(strings.Trim(s, "/"), "/")
	if !strings.HasPrefix(s, "/") || len(parts) != 6+2*len(typeKeys) {
		return nil, bad("wrong number of segments")
	}
	want := []string{"subscriptions", "", "resourceGroups", "", "providers", ProviderNamespace}
	for _, k := range typeKeys {
		want = append(want, k, "")
	}
	var values []string
	for i, w := range want {
		p, err := url.PathUnescape(parts[i])
		if err != nil || p == "" {
			return nil, bad(fmt.Sprintf("segment %d is empty or malformed", i+1))
		}
		if w == "" {
			values = append(values, p)
			continue
		}
		if !strings.EqualFold(p, w) {
			return nil, bad(fmt.Sprintf("found %q where %q belongs", p, w))
		}
	}
	return values, nil
}
