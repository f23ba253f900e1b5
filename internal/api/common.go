package api

import "encoding/json"

// APIVersion is the only api-version this project speaks.
const APIVersion = "2018-05-01"

// ProviderNamespace is the ARM resource provider of Batch AI.
const ProviderNamespace = "Microsoft.BatchAI"

// Resource type strings as the real service returned them (recorded traffic, not the examples).
const (
	TypeWorkspace  = "Microsoft.BatchAI/workspaces"
	TypeCluster    = "Microsoft.BatchAI/workspaces/clusters"
	TypeFileServer = "Microsoft.BatchAI/workspaces/fileservers"
	TypeExperiment = "Microsoft.BatchAI/workspaces/experiments"
	TypeJob        = "Microsoft.BatchAI/workspaces/experiments/jobs"
)

// Provisioning states (lower case on the wire).
const (
	ProvisioningStateCreating  = "creating"
	ProvisioningStateSucceeded = "succeeded"
	ProvisioningStateFailed    = "failed"
	ProvisioningStateDeleting  = "deleting"
	ProvisioningStateUpdating  = "updating"
)

// Allocation states of a cluster.
const (
	AllocationStateSteady   = "steady"
	AllocationStateResizing = "resizing"
)

// VM priorities (x-ms-enum VmPriority, not modelAsString: anything else is rejected).
const (
	VMPriorityDedicated   = "dedicated"
	VMPriorityLowPriority = "lowpriority"
)

// Node deallocation options of manual scale settings.
const (
	DeallocationRequeue              = "requeue"
	DeallocationTerminate            = "terminate"
	DeallocationWaitForJobCompletion = "waitforjobcompletion"
)

// Job scheduling priorities (x-ms-enum JobPriority).
const (
	JobPriorityLow    = "low"
	JobPriorityNormal = "normal"
	JobPriorityHigh   = "high"
)

// Job execution states (x-ms-enum ExecutionState). "running" includes container setup and job preparation;
// "failed" also covers a job that could not be launched.
const (
	ExecutionStateQueued      = "queued"
	ExecutionStateRunning     = "running"
	ExecutionStateTerminating = "terminating"
	ExecutionStateSucceeded   = "succeeded"
	ExecutionStateFailed      = "failed"
)

// Toolkit types a job reports in toolType. The spec's enum lacks "pytorch" although pyTorchSettings
// exists (its description names it); the emulator reports "pytorch" for those jobs.
const (
	ToolTypeCNTK       = "cntk"
	ToolTypeTensorFlow = "tensorflow"
	ToolTypeCaffe      = "caffe"
	ToolTypeCaffe2     = "caffe2"
	ToolTypeChainer    = "chainer"
	ToolTypeHorovod    = "horovod"
	ToolTypeCustomMPI  = "custommpi"
	ToolTypeCustom     = "custom"
	ToolTypePyTorch    = "pytorch"
)

// File types of an output listing.
const (
	FileTypeFile      = "file"
	FileTypeDirectory = "directory"
)

// OutputDirectoryStdOutErr is the reserved output directory id of listOutputFiles that holds a job's
// stdout.txt, stderr.txt and execution.log (and its preparation's output).
const OutputDirectoryStdOutErr = "stdouterr"

// Long-running operation statuses.
const (
	OperationStatusInProgress = "InProgress"
	OperationStatusSucceeded  = "Succeeded"
	OperationStatusFailed     = "Failed"
	OperationStatusCanceled   = "Canceled"
)

// Server defaults the service fills in when a request leaves them out.
const (
	DefaultImagePublisher = "Canonical"
	DefaultImageOffer     = "UbuntuServer"
	DefaultImageSku       = "16.04-LTS"
	DefaultImageVersion   = "latest"
	DefaultFileMode       = "0777"
	DefaultDirectoryMode  = "0777"
	// DefaultMaxWallClockTime and DefaultMaxAttempts are the constraints real traffic of 2021 showed on a
	// job created without any ({"maxWallClockTime":"P150D","maxAttempts":5}), not the spec's "7.00:00:00".
	DefaultMaxWallClockTime = "P150D"
	DefaultMaxAttempts      = 5
	// DefaultJobPriority is the spec's default schedulingPriority.
	DefaultJobPriority = JobPriorityNormal
)

// CloudError is ARM's error body.
type CloudError struct {
	Error *CloudErrorBody `json:"error,omitempty"`
}

// CloudErrorBody carries a machine-readable code and a human message.
type CloudErrorBody struct {
	Code    *string          `json:"code,omitempty"`
	Message *string          `json:"message,omitempty"`
	Target  *string          `json:"target,omitempty"`
	Details []CloudErrorBody `json:"details,omitempty"`
}

// OperationStatus is the body of an operationresults/operationstatuses poll.
type OperationStatus struct {
	ID         *string                    `json:"id,omitempty"`
	Name       *string                    `json:"name,omitempty"`
	Status     *string                    `json:"status,omitempty"`
	StartTime  *string                    `json:"startTime,omitempty"`
	EndTime    *string                    `json:"endTime,omitempty"`
	Properties *OperationStatusProperties `json:"properties,omitempty"`
	Error      *CloudErrorBody            `json:"error,omitempty"`
}

// OperationStatusProperties names the resource an operation worked on, in the service's own
// "<subscription>$<group>$<workspace>$<name>" form.
type OperationStatusProperties struct {
	ResourceID *string `json:"resourceId,omitempty"`
}

// Usage is one quota line of a location.
type Usage struct {
	Unit         *string    `json:"unit,omitempty"`
	CurrentValue *int32     `json:"currentValue,omitempty"`
	Limit        *int64     `json:"limit,omitempty"`
	Name         *UsageName `json:"name,omitempty"`
}

// UsageName is the name of a quota line.
type UsageName struct {
	Value          *string `json:"value,omitempty"`
	LocalizedValue *string `json:"localizedValue,omitempty"`
}

// ListUsagesResult is one page of usages.
type ListUsagesResult struct {
	Value    []Usage `json:"value"`
	NextLink *string `json:"nextLink,omitempty"`
}

// Operation is one entry of the provider's operations list.
type Operation struct {
	Name       *string           `json:"name,omitempty"`
	Display    *OperationDisplay `json:"display,omitempty"`
	Origin     *string           `json:"origin,omitempty"`
	Properties json.RawMessage   `json:"properties"`
}

// OperationDisplay describes an operation for people.
type OperationDisplay struct {
	Provider    *string `json:"provider,omitempty"`
	Operation   *string `json:"operation,omitempty"`
	Resource    *string `json:"resource,omitempty"`
	Description *string `json:"description,omitempty"`
}

// OperationListResult is one page of operations.
type OperationListResult struct {
	Value    []Operation `json:"value"`
	NextLink *string     `json:"nextLink,omitempty"`
}

// ResourceGroup is the minimal resource group the emulator keeps (Microsoft.Resources).
type ResourceGroup struct {
	ID         *string                  `json:"id,omitempty"`
	Name       *string                  `json:"name,omitempty"`
	Type       *string                  `json:"type,omitempty"`
	Location   *string                  `json:"location,omitempty"`
	Tags       map[string]string        `json:"tags,omitempty"`
	Properties *ResourceGroupProperties `json:"properties,omitempty"`
}

// ResourceGroupProperties holds the group's provisioning state.
type ResourceGroupProperties struct {
	ProvisioningState *string `json:"provisioningState,omitempty"`
}

// Ptr returns a pointer to v; handy for building wire models.
func Ptr[T any](v T) *T { return &v }

// Deref returns *p, or the zero value when p is nil.
func Deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
