package api

// Job is a Batch AI job (spec: Job, a ProxyResource under an experiment).
type Job struct {
	ID         *string        `json:"id,omitempty"`
	Name       *string        `json:"name,omitempty"`
	Type       *string        `json:"type,omitempty"`
	Properties *JobProperties `json:"properties,omitempty"`
}

// JobCreateParameters is the body of a job PUT. Jobs have no update: every property is create-only.
type JobCreateParameters struct {
	Properties *JobBaseProperties `json:"properties,omitempty"`
}

// JobBaseProperties are the settings a job is created with. cluster, nodeCount and stdOutErrPathPrefix are
// required, and exactly one toolkit block must be given.
type JobBaseProperties struct {
	SchedulingPriority    *string                `json:"schedulingPriority,omitempty"`
	Cluster               *ResourceID            `json:"cluster,omitempty"`
	MountVolumes          *MountVolumes          `json:"mountVolumes,omitempty"`
	NodeCount             *int32                 `json:"nodeCount,omitempty"`
	ContainerSettings     *ContainerSettings     `json:"containerSettings,omitempty"`
	CNTKSettings          *CNTKSettings          `json:"cntkSettings,omitempty"`
	PyTorchSettings       *PyTorchSettings       `json:"pyTorchSettings,omitempty"`
	TensorFlowSettings    *TensorFlowSettings    `json:"tensorFlowSettings,omitempty"`
	CaffeSettings         *CaffeSettings         `json:"caffeSettings,omitempty"`
	Caffe2Settings        *Caffe2Settings        `json:"caffe2Settings,omitempty"`
	ChainerSettings       *ChainerSettings       `json:"chainerSettings,omitempty"`
	CustomToolkitSettings *CustomToolkitSettings `json:"customToolkitSettings,omitempty"`
	CustomMpiSettings     *CustomMpiSettings     `json:"customMpiSettings,omitempty"`
	HorovodSettings       *HorovodSettings       `json:"horovodSettings,omitempty"`
	JobPreparation        *JobPreparation        `json:"jobPreparation,omitempty"`
	StdOutErrPathPrefix   *string                `json:"stdOutErrPathPrefix,omitempty"`
	InputDirectories      []InputDirectory       `json:"inputDirectories,omitempty"`
	OutputDirectories     []OutputDirectory      `json:"outputDirectories,omitempty"`
	EnvironmentVariables  []EnvironmentVariable  `json:"environmentVariables,omitempty"`
	// Secrets are environment variables whose values the service never returns.
	Secrets     []EnvironmentVariableWithSecretValue `json:"secrets,omitempty"`
	Constraints *JobBasePropertiesConstraints        `json:"constraints,omitempty"`
}

// JobBasePropertiesConstraints are the limits a job is created with.
type JobBasePropertiesConstraints struct {
	// MaxWallClockTime is a duration, in ISO 8601 ("P7D", as the examples and Python clients write it) or
	// in .NET's [d.]hh:mm:ss form (the spec's "7.00:00:00" default); see ParseDuration. The real service
	// answered in ISO 8601.
	MaxWallClockTime *string `json:"maxWallClockTime,omitempty"`
}

// JobProperties holds a job's create-time settings and its read-only state.
type JobProperties struct {
	// SchedulingPriority is low, normal or high. It is the spelling of the spec and of real traffic.
	SchedulingPriority *string `json:"schedulingPriority,omitempty"`
	// Priority is how Microsoft's GetJob and PutJob examples spell SchedulingPriority. The real service
	// never sent it (recorded 2021 traffic has schedulingPriority); it is modeled so that those examples
	// decode without loss. Read a job's priority with JobPriority, which accepts both.
	Priority              *string                `json:"priority,omitempty"`
	Cluster               *ResourceID            `json:"cluster,omitempty"`
	MountVolumes          *MountVolumes          `json:"mountVolumes,omitempty"`
	NodeCount             *int32                 `json:"nodeCount,omitempty"`
	ContainerSettings     *ContainerSettings     `json:"containerSettings,omitempty"`
	ToolType              *string                `json:"toolType,omitempty"`
	CNTKSettings          *CNTKSettings          `json:"cntkSettings,omitempty"`
	PyTorchSettings       *PyTorchSettings       `json:"pyTorchSettings,omitempty"`
	TensorFlowSettings    *TensorFlowSettings    `json:"tensorFlowSettings,omitempty"`
	CaffeSettings         *CaffeSettings         `json:"caffeSettings,omitempty"`
	Caffe2Settings        *Caffe2Settings        `json:"caffe2Settings,omitempty"`
	ChainerSettings       *ChainerSettings       `json:"chainerSettings,omitempty"`
	CustomToolkitSettings *CustomToolkitSettings `json:"customToolkitSettings,omitempty"`
	CustomMpiSettings     *CustomMpiSettings     `json:"customMpiSettings,omitempty"`
	HorovodSettings       *HorovodSettings       `json:"horovodSettings,omitempty"`
	JobPreparation        *JobPreparation        `json:"jobPreparation,omitempty"`
	// JobOutputDirectoryPathSegment is the unique segment the service inserts into the job's output paths:
	// "<subscription>/<group>/workspaces/<workspace>/experiments/<experiment>/jobs/<job>/<uuid>".
	JobOutputDirectoryPathSegment *string                              `json:"jobOutputDirectoryPathSegment,omitempty"`
	StdOutErrPathPrefix           *string                              `json:"stdOutErrPathPrefix,omitempty"`
	InputDirectories              []InputDirectory                     `json:"inputDirectories,omitempty"`
	OutputDirectories             []OutputDirectory                    `json:"outputDirectories,omitempty"`
	EnvironmentVariables          []EnvironmentVariable                `json:"environmentVariables,omitempty"`
	Secrets                       []EnvironmentVariableWithSecretValue `json:"secrets,omitempty"`
	Constraints                   *JobPropertiesConstraints            `json:"constraints,omitempty"`

	// Read-only.
	CreationTime                    *string                     `json:"creationTime,omitempty"`
	ProvisioningState               *string                     `json:"provisioningState,omitempty"`
	ProvisioningStateTransitionTime *string                     `json:"provisioningStateTransitionTime,omitempty"`
	ExecutionState                  *string                     `json:"executionState,omitempty"`
	ExecutionStateTransitionTime    *string                     `json:"executionStateTransitionTime,omitempty"`
	ExecutionInfo                   *JobPropertiesExecutionInfo `json:"executionInfo,omitempty"`

	// Undocumented: not in the 2018-05-01 spec, but present in every job body of recorded 2021 traffic
	// (jobs-fileservers-notes.md 2). Clients must not depend on them.
	ExperimentName        *string `json:"experimentName,omitempty"`
	CoreCountPerNode      *int32  `json:"coreCountPerNode,omitempty"` // 0 while queued, the VM size's cores once scheduled
	VMSize                *string `json:"vmSize,omitempty"`           // once scheduled
	MaxJobDurationSeconds *int64  `json:"maxJobDurationSeconds,omitempty"`
	CleanupNodeBeforeRun  *bool   `json:"cleanupNodeBeforeRun,omitempty"`
	CleanupNodeAfterRun   *bool   `json:"cleanupNodeAfterRun,omitempty"`
}

// JobPriority is the job's scheduling priority under either spelling (schedulingPriority, or the
// examples' priority), or "" when neither is set.
func (p *JobProperties) JobPriority() string {
	if p == nil {
		return ""
	}
	if p.SchedulingPriority != nil {
		return *p.SchedulingPriority
	}
	return Deref(p.Priority)
}

// JobPropertiesConstraints are a job's limits as the service reports them.
type JobPropertiesConstraints struct {
	// MaxWallClockTime: see JobBasePropertiesConstraints.
	MaxWallClockTime *string `json:"maxWallClockTime,omitempty"`
	// MaxAttempts is undocumented: real traffic of 2021 showed "maxAttempts":5 in every job's constraints.
	MaxAttempts *int32 `json:"maxAttempts,omitempty"`
}

// JobPropertiesExecutionInfo is how the job ran (or is running).
type JobPropertiesExecutionInfo struct {
	StartTime *string `json:"startTime,omitempty"`
	// EndTime appears once the job has ended.
	EndTime *string `json:"endTime,omitempty"`
	// ExitCode is the job's exit code. The spec says it appears once the job has ended; real traffic of 2021
	// already showed 0 while the job was running, so a present exit code does not mean the job has ended
	// (read ExecutionState for that).
	ExitCode *int32         `json:"exitCode,omitempty"`
	Errors   []BatchAIError `json:"errors,omitempty"`
	// TotalJobNodeHours is undocumented (real traffic of 2021): node-seconds / 3600, 0 until the job ends.
	TotalJobNodeHours *float64 `json:"totalJobNodeHours,omitempty"`
}

// JobListResult is one page of jobs.
type JobListResult struct {
	Value    []Job   `json:"value"`
	NextLink *string `json:"nextLink,omitempty"`
}

// ContainerSettings runs the job (and its preparation) in a Docker container.
type ContainerSettings struct {
	ImageSourceRegistry *ImageSourceRegistry `json:"imageSourceRegistry,omitempty"`
	ShmSize             *string              `json:"shmSize,omitempty"`
}

// ImageSourceRegistry is the container image and the registry it comes from (Docker Hub when ServerURL is
// empty).
type ImageSourceRegistry struct {
	ServerURL   *string                     `json:"serverUrl,omitempty"`
	Image       *string                     `json:"image,omitempty"`
	Credentials *PrivateRegistryCredentials `json:"credentials,omitempty"`
}

// PrivateRegistryCredentials log in to a private registry. The service never returns the password.
type PrivateRegistryCredentials struct {
	Username                *string                  `json:"username,omitempty"`
	Password                *string                  `json:"password,omitempty"`
	PasswordSecretReference *KeyVaultSecretReference `json:"passwordSecretReference,omitempty"`
}

// JobPreparation is a command run on every node of the job before the toolkit starts.
type JobPreparation struct {
	CommandLine *string `json:"commandLine,omitempty"`
}

// InputDirectory is exposed to the job as $AZ_BATCHAI_INPUT_<id>.
type InputDirectory struct {
	ID   *string `json:"id,omitempty"`
	Path *string `json:"path,omitempty"`
}

// OutputDirectory is exposed to the job as $AZ_BATCHAI_OUTPUT_<id>, a folder under PathPrefix made unique
// by the job's output path segment.
type OutputDirectory struct {
	ID         *string `json:"id,omitempty"`
	PathPrefix *string `json:"pathPrefix,omitempty"`
	PathSuffix *string `json:"pathSuffix,omitempty"`
}

// CNTKSettings runs a CNTK job (BrainScript or Python).
type CNTKSettings struct {
	LanguageType          *string `json:"languageType,omitempty"`
	ConfigFilePath        *string `json:"configFilePath,omitempty"`
	PythonScriptFilePath  *string `json:"pythonScriptFilePath,omitempty"`
	PythonInterpreterPath *string `json:"pythonInterpreterPath,omitempty"`
	CommandLineArgs       *string `json:"commandLineArgs,omitempty"`
	ProcessCount          *int32  `json:"processCount,omitempty"`
}

// PyTorchSettings runs a PyTorch script; pythonScriptFilePath is required.
type PyTorchSettings struct {
	PythonScriptFilePath  *string `json:"pythonScriptFilePath,omitempty"`
	PythonInterpreterPath *string `json:"pythonInterpreterPath,omitempty"`
	CommandLineArgs       *string `json:"commandLineArgs,omitempty"`
	ProcessCount          *int32  `json:"processCount,omitempty"`
	CommunicationBackend  *string `json:"communicationBackend,omitempty"`
}

// TensorFlowSettings runs a TensorFlow script; pythonScriptFilePath is required.
type TensorFlowSettings struct {
	PythonScriptFilePath           *string `json:"pythonScriptFilePath,omitempty"`
	PythonInterpreterPath          *string `json:"pythonInterpreterPath,omitempty"`
	MasterCommandLineArgs          *string `json:"masterCommandLineArgs,omitempty"`
	WorkerCommandLineArgs          *string `json:"workerCommandLineArgs,omitempty"`
	ParameterServerCommandLineArgs *string `json:"parameterServerCommandLineArgs,omitempty"`
	WorkerCount                    *int32  `json:"workerCount,omitempty"`
	ParameterServerCount           *int32  `json:"parameterServerCount,omitempty"`
}

// CaffeSettings runs a Caffe job, from a configuration file or a Python script.
type CaffeSettings struct {
	ConfigFilePath        *string `json:"configFilePath,omitempty"`
	PythonScriptFilePath  *string `json:"pythonScriptFilePath,omitempty"`
	PythonInterpreterPath *string `json:"pythonInterpreterPath,omitempty"`
	CommandLineArgs       *string `json:"commandLineArgs,omitempty"`
	ProcessCount          *int32  `json:"processCount,omitempty"`
}

// Caffe2Settings runs a Caffe2 script; pythonScriptFilePath is required.
type Caffe2Settings struct {
	PythonScriptFilePath  *string `json:"pythonScriptFilePath,omitempty"`
	PythonInterpreterPath *string `json:"pythonInterpreterPath,omitempty"`
	CommandLineArgs       *string `json:"commandLineArgs,omitempty"`
}

// ChainerSettings runs a Chainer script; pythonScriptFilePath is required.
type ChainerSettings struct {
	PythonScriptFilePath  *string `json:"pythonScriptFilePath,omitempty"`
	PythonInterpreterPath *string `json:"pythonInterpreterPath,omitempty"`
	CommandLineArgs       *string `json:"commandLineArgs,omitempty"`
	ProcessCount          *int32  `json:"processCount,omitempty"`
}

// CustomToolkitSettings runs any command line.
type CustomToolkitSettings struct {
	CommandLine *string `json:"commandLine,omitempty"`
}

// CustomMpiSettings runs a command line with mpirun; commandLine is required.
type CustomMpiSettings struct {
	CommandLine  *string `json:"commandLine,omitempty"`
	ProcessCount *int32  `json:"processCount,omitempty"`
}

// HorovodSettings runs a Horovod script; pythonScriptFilePath is required.
type HorovodSettings struct {
	PythonScriptFilePath  *string `json:"pythonScriptFilePath,omitempty"`
	PythonInterpreterPath *string `json:"pythonInterpreterPath,omitempty"`
	CommandLineArgs       *string `json:"commandLineArgs,omitempty"`
	ProcessCount          *int32  `json:"processCount,omitempty"`
}

// File is one entry of a job's output directory listing (spec: File).
type File struct {
	Name     *string `json:"name,omitempty"`
	FileType *string `json:"fileType,omitempty"`
	// DownloadURL is a SAS URL: a credential that expires and changes on every listing. Directories have none.
	DownloadURL *string `json:"downloadUrl,omitempty"`
	// Properties are absent for directories.
	Properties *FileProperties `json:"properties,omitempty"`
}

// FileProperties describe a file of a listing.
type FileProperties struct {
	LastModified  *string `json:"lastModified,omitempty"`
	ContentLength *int64  `json:"contentLength,omitempty"`
}

// FileListResult is one page of output files.
type FileListResult struct {
	Value    []File  `json:"value"`
	NextLink *string `json:"nextLink,omitempty"`
}

// Bounds of listOutputFiles' linkexpiryinminutes, how long each download URL stays valid (spec: int32, 5 to
// 600, default 60).
const (
	LinkExpiryMinMinutes     = 5
	LinkExpiryMaxMinutes     = 600
	LinkExpiryDefaultMinutes = 60
)
