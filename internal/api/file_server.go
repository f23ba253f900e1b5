package api

// FileServer is a Batch AI NFS file server (a ProxyResource under a workspace).
type FileServer struct {
	ID         *string               `json:"id,omitempty"`
	Name       *string               `json:"name,omitempty"`
	Type       *string               `json:"type,omitempty"`
	Properties *FileServerProperties `json:"properties,omitempty"`
}

// FileServerProperties holds the create-time settings and read-only state of a file server.
type FileServerProperties struct {
	VMSize           *string           `json:"vmSize,omitempty"`
	SSHConfiguration *SSHConfiguration `json:"sshConfiguration,omitempty"`
	DataDisks        *DataDisks        `json:"dataDisks,omitempty"`
	Subnet           *ResourceID       `json:"subnet,omitempty"`

	// Read-only.
	MountSettings                   *MountSettings `json:"mountSettings,omitempty"`
	ProvisioningStateTransitionTime *string        `json:"provisioningStateTransitionTime,omitempty"`
	CreationTime                    *string        `json:"creationTime,omitempty"`
	ProvisioningState               *string        `json:"provisioningState,omitempty"`
}

// FileServerCreateParameters is the body of a file server PUT.
type FileServerCreateParameters struct {
	Properties *FileServerBaseProperties `json:"properties,omitempty"`
}

// FileServerBaseProperties are the settings a file server is created with.
type FileServerBaseProperties struct {
	VMSize           *string           `json:"vmSize,omitempty"`
	SSHConfiguration *SSHConfiguration `json:"sshConfiguration,omitempty"`
	DataDisks        *DataDisks        `json:"dataDisks,omitempty"`
	Subnet           *ResourceID       `json:"subnet,omitempty"`
}

// SSHConfiguration is the file server's admin account and the addresses allowed to reach it.
type SSHConfiguration struct {
	PublicIPsToAllow    []string             `json:"publicIPsToAllow,omitempty"`
	UserAccountSettings *UserAccountSettings `json:"userAccountSettings,omitempty"`
}

// DataDisks describes the file server's disks.
type DataDisks struct {
	DiskSizeInGB       *int32  `json:"diskSizeInGB,omitempty"`
	CachingType        *string `json:"cachingType,omitempty"`
	DiskCount          *int32  `json:"diskCount,omitempty"`
	StorageAccountType *string `json:"storageAccountType,omitempty"`
}

// MountSettings tells clusters how to mount the file server.
type MountSettings struct {
	MountPoint           *string `json:"mountPoint,omitempty"`
	FileServerPublicIP   *string `json:"fileServerPublicIP,omitempty"`
	FileServerInternalIP *string `json:"fileServerInternalIP,omitempty"`
}

// FileServerListResult is one page of file servers.
type FileServerListResult struct {
	Value    []FileServer `json:"value"`
	NextLink *string      `json:"nextLink,omitempty"`
}
