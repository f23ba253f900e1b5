package sim

import (
	"fmt"
	"strings"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// maxJobDurationSeconds is the undocumented constant every job of recorded 2021 traffic carried.
const maxJobDurationSeconds = 2592000

// lowPriorityMaxRunTime: "jobs running longer than 24 hours on a low-priority VM are automatically
// canceled" (the seed document).
const lowPriorityMaxRunTime = 24 * time.Hour

// Codes of the errors a job reports in executionInfo.errors. A job that only exits non-zero reports its
// exit code and no error (recorded traffic has no failed job, so this is the emulator's choice: a client
// must show the exit code, not rely on errors). No recorded traffic shows these codes either; they are the
// emulator's own.
const (
	CodeJobPreparationFailed    = "JobPreparationFailed"
	CodeMaxWallClockTimeExpired = "MaxWallClockTimeExpiry"
	CodeJobTerminated           = "JobTerminated"
	CodeClusterDeleted          = "ClusterDeleted"
)

// Job is the persisted state of one job. Its execution is driven by the simulation of its cluster (see
// Cluster.AttachJobs): a job only moves while its cluster is advanced with it attached. All fields are
// exported so that the HTTP layer can store the state as JSON; change it only through the methods.
type Job struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Experiment string `json:"experiment"`
	// Props are the prepared create-time settings (PrepareJob), INCLUDING secrets, which View never returns.
	Props api.JobBaseProperties `json:"props"`
	// OutputSegment is jobOutputDirectoryPathSegment.
	OutputSegment string    `json:"outputSegment"`
	Created       time.Time `json:"created"`
	// EligibleAt is when the job's create operation is due: provisioningState is "creating" until then,
	// and the scheduler considers the job only from then on. Eligible records that it has.
	EligibleAt time.Time `json:"eligibleAt"`
	Eligible   bool      `json:"eligible,omitempty"`
	// CreateFailure, when set, ends the create operation Failed: at EligibleAt the job is
	// provisioningState "failed" and never runs.
	CreateFailure *api.BatchAIError `json:"createFailure,omitempty"`
	// DeletingSince is when a DELETE started: provisioningState "deleting", and the job no longer runs.
	DeletingSince time.Time `json:"deletingSince,omitzero"`
	// ProvisioningFailed marks a job whose create or delete operation failed: provisioningState "failed".
	ProvisioningFailed bool `json:"provisioningFailed,omitempty"`

	State      string    `json:"state"` // executionState
	StateSince time.Time `json:"stateSince"`
	// Run is the current run (running, terminating) or the last one; nil for a job that never started or
	// was requeued.
	Run *Run `json:"run,omitempty"`
	// Attempts counts the runs started, requeued ones included.
	Attempts int `json:"attempts,omitempty"`
	// TerminateAt is when a terminating job has stopped (it then fails).
	TerminateAt time.Time `json:"terminateAt,omitzero"`

	// The outcome, once the job has ended.
	EndTime  time.Time          `json:"endTime,omitzero"`
	ExitCode *int32             `json:"exitCode,omitempty"`
	Errors   []api.BatchAIError `json:"errors,omitempty"`
}

// Run is one run of a job on its nodes.
type Run struct {
	Start time.Time `json:"start"`
	// EndAt is when the run ends by itself: its command lines are done, or the wall clock limit stops it.
	EndAt        time.Time `json:"endAt"`
	Nodes        []JobNode `json:"nodes"`
	VMSize       string    `json:"vmSize"`
	CoresPerNode int       `json:"coresPerNode"`
	// The outcome at EndAt: an exit code, and the error of a run the service ended (preparation failure,
	// wall clock); a run with no error and exit code 0 succeeds.
	ExitCode *int32            `json:"exitCode,omitempty"`
	Failure  *api.BatchAIError `json:"failure,omitempty"`
}

// JobNode is a node a run holds, with its SSH address as listRemoteLoginInformation reports it.
type JobNode struct {
	ID   string `json:"id"`
	IP   string `json:"ip"`
	Port int32  `json:"port"`
}

// NewJob is the state of a job whose PUT was accepted at now, with props from PrepareJob: queued, and
// eligible for scheduling once its create operation is due at eligibleAt.
func NewJob(id, name, experiment string, props api.JobBaseProperties, now, eligibleAt time.Time) *Job {
	return &Job{
		ID: id, Name: name, Experiment: experiment, Props: clone(props),
		OutputSegment: jobOutputSegment(id, now),
		Created:       now, EligibleAt: eligibleAt,
		State: api.ExecutionStateQueued, StateSince: now,
	}
}

// ClusterID is the ID of the cluster the job runs on, as the request spelled it.
func (j *Job) ClusterID() string { return api.Deref(j.Props.Cluster.ID) }

// Active reports a job that still waits for or holds nodes: queued, running or terminating, and not
// being deleted.
func (j *Job) Active() bool {
	switch j.State {
	case api.ExecutionStateQueued, api.ExecutionStateRunning, api.ExecutionStateTerminating:
		return j.DeletingSince.IsZero()
	}
	return false
}

// Ended reports a job that succeeded or failed.
func (j *Job) Ended() bool {
	return j.State == api.ExecutionStateSucceeded || j.State == api.ExecutionStateFailed
}

// holdsNodes reports a job whose run still occupies nodes.
func (j *Job) holdsNodes() bool {
	return j.Run != nil && (j.State == api.ExecutionStateRunning || j.State == api.ExecutionStateTerminating)
}

func (j *Job) setState(state string, t time.Time) {
	if j.State != state {
		j.State, j.StateSince = state, t
	}
}

// end finishes the job at t with an outcome.
func (j *Job) end(t time.Time, exitCode *int32, failure *api.BatchAIError) {
	state := api.ExecutionStateSucceeded
	if failure != nil || (exitCode != nil && *exitCode != 0) {
		state = api.ExecutionStateFailed
	}
	j.setState(state, t)
	j.EndTime, j.ExitCode, j.Errors, j.TerminateAt = t, exitCode, nil, time.Time{}
	if failure != nil {
		j.Errors = []api.BatchAIError{*failure}
	}
}

// FailDelete applies the failure of a delete operation at t: the job stays, provisioningState "failed",
// and a job that was still active when the delete stopped it ends failed with the operation's error.
func (j *Job) FailDelete(t time.Time, failure *api.BatchAIError) {
	j.DeletingSince, j.ProvisioningFailed = time.Time{}, true
	if !j.Ended() {
		j.end(t, nil, failure)
	}
}

// nodeCount is the number of nodes the job is gang-scheduled on.
func (j *Job) nodeCount() int { return int(api.Deref(j.Props.NodeCount)) }

// priorityRank orders jobs for scheduling: high first, then normal, then low.
func (j *Job) priorityRank() int {
	switch api.Deref(j.Props.SchedulingPriority) {
	case api.JobPriorityHigh:
		return 0
	case api.JobPriorityLow:
		return 2
	}
	return 1
}

// wallClock is the longest the job may run: its maxWallClockTime, and at most 24 hours on low-priority
// nodes.
func (j *Job) wallClock(lowPriority bool) (time.Duration, bool) {
	d, err := api.ParseDuration(api.Deref(j.Props.Constraints.MaxWallClockTime))
	if err != nil || d <= 0 {
		d, _ = api.ParseDuration(api.DefaultMaxWallClockTime)
	}
	if lowPriority && d > lowPriorityMaxRunTime {
		return lowPriorityMaxRunTime, true
	}
	return d, false
}

// RemoteLogins lists the nodes the job runs on (running or terminating); none otherwise.
func (j *Job) RemoteLogins() []api.RemoteLoginInformation {
	out := []api.RemoteLoginInformation{}
	if !j.holdsNodes() {
		return out
	}
	for _, n := range j.Run.Nodes {
		out = append(out, api.RemoteLoginInformation{NodeID: api.Ptr(n.ID), IPAddress: api.Ptr(n.IP), Port: api.Ptr(n.Port)})
	}
	return out
}

// View is the job's GET body as of now (the job must have been advanced with its cluster). Secrets are
// stripped as for clusters: secrets keep their name and Key Vault reference, registry passwords and
// storage keys are dropped (mount credentials come back as {}, as recorded).
func (j *Job) View(now time.Time) api.Job {
	p := clone(j.Props)
	for i := range p.Secrets {
		p.Secrets[i].Value = nil
	}
	if cs := p.ContainerSettings; cs != nil && cs.ImageSourceRegistry != nil && cs.ImageSourceRegistry.Credentials != nil {
		cs.ImageSourceRegistry.Credentials.Password = nil
	}
	stripMountCredentials(p.MountVolumes)

	prov, provSince := api.ProvisioningStateSucceeded, j.EligibleAt
	switch {
	case !j.DeletingSince.IsZero():
		prov, provSince = api.ProvisioningStateDeleting, j.DeletingSince
	case now.Before(j.EligibleAt):
		prov, provSince = api.ProvisioningStateCreating, j.Created
	case j.ProvisioningFailed:
		prov = api.ProvisioningStateFailed
	}
	props := &api.JobProperties{
		SchedulingPriority: p.SchedulingPriority, Cluster: p.Cluster, MountVolumes: p.MountVolumes,
		NodeCount: p.NodeCount, ContainerSettings: p.ContainerSettings, ToolType: api.Ptr(ToolType(p)),
		CNTKSettings: p.CNTKSettings, PyTorchSettings: p.PyTorchSettings, TensorFlowSettings: p.TensorFlowSettings,
		CaffeSettings: p.CaffeSettings, Caffe2Settings: p.Caffe2Settings, ChainerSettings: p.ChainerSettings,
		CustomToolkitSettings: p.CustomToolkitSettings, CustomMpiSettings: p.CustomMpiSettings,
		HorovodSettings: p.HorovodSettings, JobPreparation: p.JobPreparation,
		JobOutputDirectoryPathSegment: api.Ptr(j.OutputSegment), StdOutErrPathPrefix: p.StdOutErrPathPrefix,
		InputDirectories: p.InputDirectories, OutputDirectories: p.OutputDirectories,
		EnvironmentVariables: p.EnvironmentVariables, Secrets: p.Secrets,
		Constraints: &api.JobPropertiesConstraints{
			MaxWallClockTime: p.Constraints.MaxWallClockTime, MaxAttempts: api.Ptr(int32(api.DefaultMaxAttempts)),
		},
		CreationTime:                    formatTime(j.Created),
		ProvisioningState:               api.Ptr(prov),
		ProvisioningStateTransitionTime: formatTime(provSince),
		ExecutionState:                  api.Ptr(j.State),
		ExecutionStateTransitionTime:    formatTime(j.StateSince),
		ExecutionInfo:                   j.executionInfo(),
		ExperimentName:                  api.Ptr(j.Experiment),
		CoreCountPerNode:                api.Ptr(int32(0)),
		MaxJobDurationSeconds:           api.Ptr(int64(maxJobDurationSeconds)),
		CleanupNodeBeforeRun:            api.Ptr(false),
		CleanupNodeAfterRun:             api.Ptr(false),
	}
	if r := j.Run; r != nil {
		props.CoreCountPerNode, props.VMSize = api.Ptr(int32(r.CoresPerNode)), api.Ptr(r.VMSize)
	}
	return api.Job{ID: api.Ptr(j.ID), Name: api.Ptr(j.Name), Type: api.Ptr(api.TypeJob), Properties: props}
}

// executionInfo follows recorded traffic: absent while the job waits; from the start on, startTime with
// exitCode 0 (present while running, unlike what the spec says) and totalJobNodeHours 0; once ended,
// endTime, the exit code (absent when the service stopped the job), the errors and the node hours.
func (j *Job) executionInfo() *api.JobPropertiesExecutionInfo {
	if j.Run == nil && !j.Ended() {
		return nil
	}
	info := &api.JobPropertiesExecutionInfo{TotalJobNodeHours: api.Ptr(0.0)}
	if r := j.Run; r != nil {
		info.StartTime = formatTime(r.Start)
		info.ExitCode = api.Ptr(int32(0))
	}
	if !j.Ended() {
		return info
	}
	info.EndTime, info.ExitCode, info.Errors = formatTime(j.EndTime), j.ExitCode, j.Errors
	if r := j.Run; r != nil {
		hours := j.EndTime.Sub(r.Start).Hours() * float64(len(r.Nodes))
		info.TotalJobNodeHours = api.Ptr(float64(int64(hours*1e6+0.5)) / 1e6) // as the service: a few decimals
	}
	return info
}

// stripMountCredentials drops the storage keys of mounts (a Key Vault reference stays).
func stripMountCredentials(m *api.MountVolumes) {
	if m == nil {
		return
	}
	for i := range m.AzureFileShares {
		stripCredentials(m.AzureFileShares[i].Credentials)
	}
	for i := range m.AzureBlobFileSystems {
		stripCredentials(m.AzureBlobFileSystems[i].Credentials)
	}
}

// jobOutputSegment is jobOutputDirectoryPathSegment as recorded in 2021:
// "<subscription>/<group>/workspaces/<ws>/experiments/<exp>/jobs/<job>/<uuid>". The UUID depends on the
// creation time, so a job deleted and created again under the same name writes to a fresh folder (and
// download links of the old one stop working).
func jobOutputSegment(id string, created time.Time) string {
	guid := guidFrom(digest("job-output", strings.ToLower(id), created.UTC().Format(time.RFC3339Nano)))
	jid, err := api.ParseJobID(id)
	if err != nil {
		return "jobs/" + guid
	}
	return fmt.Sprintf("%s/%s/workspaces/%s/experiments/%s/jobs/%s/%s", jid.SubscriptionID, jid.ResourceGroup,
		jid.Workspace, jid.Experiment, jid.Name, guid)
}
