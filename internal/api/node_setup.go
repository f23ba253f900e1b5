package api

// NodeSetup is what runs and mounts on every node before it becomes idle.
type NodeSetup struct {
	SetupTask                   *SetupTask                   `json:"setupTask,omitempty"`
	MountVolumes                *MountVolumes                `json:"mountVolumes,omitempty"`
	PerformanceCountersSettings *PerformanceCountersSettings `json:"performanceCountersSettings,omitempty"`
}

// SetupTask is a command run as root on each node after allocation or reboot.
type SetupTask struct {
	CommandLine          *string                              `json:"commandLine,omitempty"`
	EnvironmentVariables []EnvironmentVariable                `json:"environmentVariables,omitempty"`
	Secrets              []EnvironmentVariableWithSecretValue `json:"secrets,omitempty"`
	StdOutErrPathPrefix  *string                              `json:"stdOutErrPathPrefix,omitempty"`
	// Read-only: where under the prefix the service writes the task's output.
	StdOutErrPathSuffix *string `json:"stdOutErrPathSuffix,omitempty"`
}

// EnvironmentVariable is a plain environment variable of the setup task.
type EnvironmentVariable struct {
	Name  *string `json:"name,omitempty"`
	Value *string `json:"value,omitempty"`
}

// EnvironmentVariableWithSecretValue is a secret environment variable; the service never returns
// its value.
type EnvironmentVariableWithSecretValue struct {
	Name                 *string                  `json:"name,omitempty"`
	Value                *string                  `json:"value,omitempty"`
	ValueSecretReference *KeyVaultSecretReference `json:"valueSecretReference,omitempty"`
}

// KeyVaultSecretReference points at a secret in Azure Key Vault.
type KeyVaultSecretReference struct {
	SourceVault *ResourceID `json:"sourceVault,omitempty"`
	SecretURL   *string     `json:"secretUrl,omitempty"`
}

// MountVolumes are the file systems mounted on every node under $AZ_BATCHAI_MOUNT_ROOT.
type MountVolumes struct {
	AzureFileShares      []AzureFileShareReference      `json:"azureFileShares,omitempty"`
	AzureBlobFileSystems []AzureBlobFileSystemReference `json:"azureBlobFileSystems,omitempty"`
	FileServers          []FileServerReference          `json:"fileServers,omitempty"`
	UnmanagedFileSystems []UnmanagedFileSystemReference `json:"unmanagedFileSystems,omitempty"`
}

// AzureFileShareReference mounts an Azure Files share.
type AzureFileShareReference struct {
	AccountName       *string                      `json:"accountName,omitempty"`
	AzureFileURL      *string                      `json:"azureFileUrl,omitempty"`
	Credentials       *AzureStorageCredentialsInfo `json:"credentials,omitempty"`
	RelativeMountPath *string                      `json:"relativeMountPath,omitempty"`
	FileMode          *string                      `json:"fileMode,omitempty"`
	DirectoryMode     *string                      `json:"directoryMode,omitempty"`
}

// AzureBlobFileSystemReference mounts a blob container with blobfuse.
type AzureBlobFileSystemReference struct {
	AccountName       *string                      `json:"accountName,omitempty"`
	ContainerName     *string                      `json:"containerName,omitempty"`
	Credentials       *AzureStorageCredentialsInfo `json:"credentials,omitempty"`
	RelativeMountPath *string                      `json:"relativeMountPath,omitempty"`
	MountOptions      *string                      `json:"mountOptions,omitempty"`
}

// AzureStorageCredentialsInfo is a storage account key or a Key Vault reference to one. The
// service never returns the key.
type AzureStorageCredentialsInfo struct {
	AccountKey                *string                  `json:"accountKey,omitempty"`
	AccountKeySecretReference *KeyVaultSecretReference `json:"accountKeySecretReference,omitempty"`
}

// FileServerReference mounts a Batch AI file server (NFS).
type FileServerReference struct {
	FileServer        *ResourceID `json:"fileServer,omitempty"`
	SourceDirectory   *string     `json:"sourceDirectory,omitempty"`
	RelativeMountPath *string     `json:"relativeMountPath,omitempty"`
	MountOptions      *string     `json:"mountOptions,omitempty"`
}

// UnmanagedFileSystemReference mounts anything a mount command can; the service appends the path.
type UnmanagedFileSystemReference struct {
	MountCommand      *string `json:"mountCommand,omitempty"`
	RelativeMountPath *string `json:"relativeMountPath,omitempty"`
}

// PerformanceCountersSettings sends node performance counters to Application Insights.
type PerformanceCountersSettings struct {
	AppInsightsReference *AppInsightsReference `json:"appInsightsReference,omitempty"`
}

// AppInsightsReference names an App Insights component and its instrumentation key (never
// returned) or a Key Vault reference to it.
type AppInsightsReference struct {
	Component                         *ResourceID              `json:"component,omitempty"`
	InstrumentationKey                *string                  `json:"instrumentationKey,omitempty"`
	InstrumentationKeySecretReference *KeyVaultSecretReference `json:"instrumentationKeySecretReference,omitempty"`
}

// ResourceID is a reference to another ARM resource.
type ResourceID struct {
	ID *string `json:"id,omitempty"`
}
