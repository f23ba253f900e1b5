package api

// Workspace is a Batch AI workspace, the tracked resource that holds clusters and file servers.
type Workspace struct {
	ID         *string              `json:"id,omitempty"`
	Name       *string              `json:"name,omitempty"`
	Type       *string              `json:"type,omitempty"`
	Location   *string              `json:"location,omitempty"`
	Tags       map[string]string    `json:"tags,omitempty"`
	Properties *WorkspaceProperties `json:"properties,omitempty"`
}

// WorkspaceProperties are read-only.
type WorkspaceProperties struct {
	CreationTime                    *string `json:"creationTime,omitempty"`
	ProvisioningState               *string `json:"provisioningState,omitempty"`
	ProvisioningStateTransitionTime *string `json:"provisioningStateTransitionTime,omitempty"`
}

// WorkspaceCreateParameters is the body of a workspace PUT; location is required.
type WorkspaceCreateParameters struct {
	Location *string           `json:"location,omitempty"`
	Tags     map[string]string `json:"tags,omitempty"`
}

// WorkspaceUpdateParameters is the body of a workspace PATCH: only tags can change.
type WorkspaceUpdateParameters struct {
	Tags map[string]string `json:"tags,omitempty"`
}

// WorkspaceListResult is one page of workspaces.
type WorkspaceListResult struct {
	Value    []Workspace `json:"value"`
	NextLink *string     `json:"nextLink,omitempty"`
}
