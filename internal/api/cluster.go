package api

// Cluster is a Batch AI cluster (spec: Cluster, a ProxyResource: no location, no tags).
type Cluster struct {
	ID         *string            `json:"id,omitempty"`
	Name       *string            `json:"name,omitempty"`
	Type       *string            `json:"type,omitempty"`
	Properties *ClusterProperties `json:"properties,omitempty"`
}

// ClusterProperties holds the create-time settings and the read-only state of a cluster.
type ClusterProperties struct {
	VMSize                      *string                      `json:"vmSize,omitempty"`
	VMPriority                  *string                      `json:"vmPriority,omitempty"`
	ScaleSettings               *ScaleSettings               `json:"scaleSettings,omitempty"`
	VirtualMachineConfiguration *VirtualMachineConfiguration `json:"virtualMachineConfiguration,omitempty"`
	NodeSetup                   *NodeSetup                   `json:"nodeSetup,omitempty"`
	UserAccountSettings         *UserAccountSettings         `json:"userAccountSettings,omitempty"`
	Subnet                      *ResourceID                  `json:"subnet,omitempty"`

	// Read-only.
	CreationTime                    *string          `json:"creationTime,omitempty"`
	ProvisioningState               *string          `json:"provisioningState,omitempty"`
	ProvisioningStateTransitionTime *string          `json:"provisioningStateTransitionTime,omitempty"`
	AllocationState                 *string          `json:"allocationState,omitempty"`
	AllocationStateTransitionTime   *string          `json:"allocationStateTransitionTime,omitempty"`
	Errors                          []BatchAIError   `json:"errors,omitempty"`
	CurrentNodeCount                *int32           `json:"currentNodeCount,omitempty"`
	NodeStateCounts                 *NodeStateCounts `json:"nodeStateCounts,omitempty"`
}

// ClusterCreateParameters is the body of a cluster PUT (spec: ClusterCreateParameters).
type ClusterCreateParameters struct {
	Properties *ClusterBaseProperties `json:"properties,omitempty"`
}

// ClusterBaseProperties are the settings a cluster can be created with. vmSize and
// userAccountSettings are required.
type ClusterBaseProperties struct {
	VMSize                      *string                      `json:"vmSize,omitempty"`
	VMPriority                  *string                      `json:"vmPriority,omitempty"`
	ScaleSettings               *ScaleSettings               `json:"scaleSettings,omitempty"`
	VirtualMachineConfiguration *VirtualMachineConfiguration `json:"virtualMachineConfiguration,omitempty"`
	NodeSetup                   *NodeSetup                   `json:"nodeSetup,omitempty"`
	UserAccountSettings         *UserAccountSettings         `json:"userAccountSettings,omitempty"`
	Subnet                      *ResourceID                  `json:"subnet,omitempty"`
}

// ClusterUpdateParameters is the body of a cluster PATCH: only scale settings can change.
type ClusterUpdateParameters struct {
	Properties *ClusterUpdateProperties `json:"properties,omitempty"`
}

// ClusterUpdateProperties is the only updatable part of a cluster.
type ClusterUpdateProperties struct {
	ScaleSettings *ScaleSettings `json:"scaleSettings,omitempty"`
}

// ClusterListResult is one page of clusters.
type ClusterListResult struct {
	Value    []Cluster `json:"value"`
	NextLink *string   `json:"nextLink,omitempty"`
}

// ScaleSettings holds exactly one of Manual or AutoScale.
type ScaleSettings struct {
	Manual    *ManualScaleSettings `json:"manual,omitempty"`
	AutoScale *AutoScaleSettings   `json:"autoScale,omitempty"`
}

// ManualScaleSettings is a fixed target node count.
type ManualScaleSettings struct {
	TargetNodeCount        *int32  `json:"targetNodeCount,omitempty"`
	NodeDeallocationOption *string `json:"nodeDeallocationOption,omitempty"`
}

// AutoScaleSettings lets the service keep the node count between minimum and maximum.
type AutoScaleSettings struct {
	MinimumNodeCount *int32 `json:"minimumNodeCount,omitempty"`
	MaximumNodeCount *int32 `json:"maximumNodeCount,omitempty"`
	InitialNodeCount *int32 `json:"initialNodeCount,omitempty"`
}

// VirtualMachineConfiguration selects the OS image of the nodes.
type VirtualMachineConfiguration struct {
	ImageReference *ImageReference `json:"imageReference,omitempty"`
}

// ImageReference is a marketplace image, optionally with a custom image built from it.
type ImageReference struct {
	Publisher             *string `json:"publisher,omitempty"`
	Offer                 *string `json:"offer,omitempty"`
	Sku                   *string `json:"sku,omitempty"`
	Version               *string `json:"version,omitempty"`
	VirtualMachineImageID *string `json:"virtualMachineImageId,omitempty"`
}

// UserAccountSettings is the admin account created on every node. The service never returns the
// SSH key or the password.
type UserAccountSettings struct {
	AdminUserName         *string `json:"adminUserName,omitempty"`
	AdminUserSSHPublicKey *string `json:"adminUserSshPublicKey,omitempty"`
	AdminUserPassword     *string `json:"adminUserPassword,omitempty"`
}

// NodeStateCounts counts the nodes of a cluster by state.
type NodeStateCounts struct {
	IdleNodeCount      *int32 `json:"idleNodeCount,omitempty"`
	RunningNodeCount   *int32 `json:"runningNodeCount,omitempty"`
	PreparingNodeCount *int32 `json:"preparingNodeCount,omitempty"`
	UnusableNodeCount  *int32 `json:"unusableNodeCount,omitempty"`
	LeavingNodeCount   *int32 `json:"leavingNodeCount,omitempty"`
}

// BatchAIError is an error reported on a cluster (for example by node setup).
type BatchAIError struct {
	Code    *string         `json:"code,omitempty"`
	Message *string         `json:"message,omitempty"`
	Details []NameValuePair `json:"details,omitempty"`
}

// NameValuePair is a detail of a BatchAIError.
type NameValuePair struct {
	Name  *string `json:"name,omitempty"`
	Value *string `json:"value,omitempty"`
}

// RemoteLoginInformation is how to reach one node over SSH.
type RemoteLoginInformation struct {
	NodeID    *string `json:"nodeId,omitempty"`
	IPAddress *string `json:"ipAddress,omitempty"`
	Port      *int32  `json:"port,omitempty"`
}

// RemoteLoginInformationListResult is one page of remote login information.
type RemoteLoginInformationListResult struct {
	Value    []RemoteLoginInformation `json:"value"`
	NextLink *string                  `json:"nextLink,omitempty"`
}
