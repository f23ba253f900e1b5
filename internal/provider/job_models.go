package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The tfsdk models of batchai_job, of its data sources (batchai_job, batchai_jobs, batchai_job_output_files)
// and of the batchai_job_output_file ephemeral resource. A job's mounts, secret references and errors use the
// cluster's models: they are the same API types, with the same attributes (TestJobTypesMatchCluster).

// jobResourceModel is the state of batchai_job.
type jobResourceModel struct {
	ID                   types.String `tfsdk:"id"`
	Name                 types.String `tfsdk:"name"`
	ExperimentID         types.String `tfsdk:"experiment_id"`
	ClusterID            types.String `tfsdk:"cluster_id"`
	NodeCount            types.Int64  `tfsdk:"node_count"`
	StdOutErrPathPrefix  types.String `tfsdk:"std_out_err_path_prefix"`
	SchedulingPriority   types.String `tfsdk:"scheduling_priority"`
	MaxWallClockTime     types.String `tfsdk:"max_wall_clock_time"`
	EnvironmentVariables types.Map    `tfsdk:"environment_variables"`
	Secrets              types.Map    `tfsdk:"secrets"`
	SecretsWO            types.Map    `tfsdk:"secrets_wo"`
	SecretsWOVersion     types.Int64  `tfsdk:"secrets_wo_version"`
	SecretReferences     types.List   `tfsdk:"secret_reference"`
	WaitForCompletion    types.Bool   `tfsdk:"wait_for_completion"`

	jobToolkitsModel
	Container         types.Object `tfsdk:"container"`
	JobPreparation    types.Object `tfsdk:"job_preparation"`
	InputDirectories  types.List   `tfsdk:"input_directory"`
	OutputDirectories types.List   `tfsdk:"output_directory"`
	MountVolumes      types.Object `tfsdk:"mount_volumes"`

	ToolType                      types.String   `tfsdk:"tool_type"`
	ExecutionState                types.String   `tfsdk:"execution_state"`
	ExitCode                      types.Int64    `tfsdk:"exit_code"`
	StartTime                     types.String   `tfsdk:"start_time"`
	EndTime                       types.String   `tfsdk:"end_time"`
	Errors                        types.List     `tfsdk:"errors"`
	JobOutputDirectoryPathSegment types.String   `tfsdk:"job_output_directory_path_segment"`
	CreationTime                  types.String   `tfsdk:"creation_time"`
	ProvisioningState             types.String   `tfsdk:"provisioning_state"`
	Timeouts                      timeouts.Value `tfsdk:"timeouts"`
}

// jobToolkitsModel holds the nine toolkit blocks, of which one is set.
type jobToolkitsModel struct {
	CNTK          types.Object `tfsdk:"cntk"`
	PyTorch       types.Object `tfsdk:"pytorch"`
	TensorFlow    types.Object `tfsdk:"tensorflow"`
	Caffe         types.Object `tfsdk:"caffe"`
	Caffe2        types.Object `tfsdk:"caffe2"`
	Chainer       types.Object `tfsdk:"chainer"`
	CustomToolkit types.Object `tfsdk:"custom_toolkit"`
	CustomMPI     types.Object `tfsdk:"custom_mpi"`
	Horovod       types.Object `tfsdk:"horovod"`
}

// fields returns the toolkit blocks by their HCL names (jobToolkits), to read or set.
func (m *jobToolkitsModel) fields() map[string]*types.Object {
	return map[string]*types.Object{
		"cntk": &m.CNTK, "pytorch": &m.PyTorch, "tensorflow": &m.TensorFlow, "caffe": &m.Caffe, "caffe2": &m.Caffe2,
		"chainer": &m.Chainer, "custom_toolkit": &m.CustomToolkit, "custom_mpi": &m.CustomMPI, "horovod": &m.Horovod,
	}
}

type jobCNTKModel struct {
	LanguageType          types.String `tfsdk:"language_type"`
	ConfigFilePath        types.String `tfsdk:"config_file_path"`
	PythonScriptFilePath  types.String `tfsdk:"python_script_file_path"`
	PythonInterpreterPath types.String `tfsdk:"python_interpreter_path"`
	CommandLineArgs       types.String `tfsdk:"command_line_args"`
	ProcessCount          types.Int64  `tfsdk:"process_count"`
}

type jobPyTorchModel struct {
	PythonScriptFilePath  types.String `tfsdk:"python_script_file_path"`
	PythonInterpreterPath types.String `tfsdk:"python_interpreter_path"`
	CommandLineArgs       types.String `tfsdk:"command_line_args"`
	ProcessCount          types.Int64  `tfsdk:"process_count"`
	CommunicationBackend  types.String `tfsdk:"communication_backend"`
}

type jobTensorFlowModel struct {
	PythonScriptFilePath           types.String `tfsdk:"python_script_file_path"`
	PythonInterpreterPath          types.String `tfsdk:"python_interpreter_path"`
	MasterCommandLineArgs          types.String `tfsdk:"master_command_line_args"`
	WorkerCommandLineArgs          types.String `tfsdk:"worker_command_line_args"`
	ParameterServerCommandLineArgs types.String `tfsdk:"parameter_server_command_line_args"`
	WorkerCount                    types.Int64  `tfsdk:"worker_count"`
	ParameterServerCount           types.Int64  `tfsdk:"parameter_server_count"`
}

type jobCaffeModel struct {
	ConfigFilePath        types.String `tfsdk:"config_file_path"`
	PythonScriptFilePath  types.String `tfsdk:"python_script_file_path"`
	PythonInterpreterPath types.String `tfsdk:"python_interpreter_path"`
	CommandLineArgs       types.String `tfsdk:"command_line_args"`
	ProcessCount          types.Int64  `tfsdk:"process_count"`
}

// jobScriptModel is the Caffe2 toolkit: a script, its interpreter and its arguments.
type jobScriptModel struct {
	PythonScriptFilePath  types.String `tfsdk:"python_script_file_path"`
	PythonInterpreterPath types.String `tfsdk:"python_interpreter_path"`
	CommandLineArgs       types.String `tfsdk:"command_line_args"`
}

// jobScriptProcessesModel is the Chainer and Horovod toolkits: a script and a process count.
type jobScriptProcessesModel struct {
	PythonScriptFilePath  types.String `tfsdk:"python_script_file_path"`
	PythonInterpreterPath types.String `tfsdk:"python_interpreter_path"`
	CommandLineArgs       types.String `tfsdk:"command_line_args"`
	ProcessCount          types.Int64  `tfsdk:"process_count"`
}

type jobCustomToolkitModel struct {
	CommandLine types.String `tfsdk:"command_line"`
}

type jobCustomMPIModel struct {
	CommandLine  types.String `tfsdk:"command_line"`
	ProcessCount types.Int64  `tfsdk:"process_count"`
}

type jobContainerModel struct {
	Image       types.String `tfsdk:"image"`
	ServerURL   types.String `tfsdk:"server_url"`
	ShmSize     types.String `tfsdk:"shm_size"`
	Credentials types.Object `tfsdk:"credentials"`
}

type jobRegistryCredentialsModel struct {
	Username                types.String `tfsdk:"username"`
	Password                types.String `tfsdk:"password"`
	PasswordWO              types.String `tfsdk:"password_wo"`
	PasswordWOVersion       types.Int64  `tfsdk:"password_wo_version"`
	PasswordSecretReference types.Object `tfsdk:"password_secret_reference"`
}

type jobPreparationModel struct {
	CommandLine types.String `tfsdk:"command_line"`
}

type jobInputDirectoryModel struct {
	ID   types.String `tfsdk:"id"`
	Path types.String `tfsdk:"path"`
}

type jobOutputDirectoryModel struct {
	ID         types.String `tfsdk:"id"`
	PathPrefix types.String `tfsdk:"path_prefix"`
	PathSuffix types.String `tfsdk:"path_suffix"`
}

// The object types of the job's nested values, read from the schemas (see the init of cluster_models.go).
var (
	jobToolkitAttrTypes             map[string]map[string]attr.Type // by toolkit block name
	jobContainerAttrTypes           map[string]attr.Type
	jobRegistryCredentialsAttrTypes map[string]attr.Type
	jobPreparationAttrTypes         map[string]attr.Type
	jobInputDirectoryAttrTypes      map[string]attr.Type
	jobOutputDirectoryAttrTypes     map[string]attr.Type
	jobMountVolumesAttrTypes        map[string]attr.Type
	jobSecretReferenceAttrTypes     map[string]attr.Type
	jobErrorAttrTypes               map[string]attr.Type
	jobSummaryAttrTypes             map[string]attr.Type
	outputFileAttrTypes             map[string]attr.Type
)

func init() {
	r := jobResourceSchema(context.Background())
	at := func(p path.Path) map[string]attr.Type { return objectAttrTypesAt(r, p) }
	jobToolkitAttrTypes = map[string]map[string]attr.Type{}
	for _, tk := range jobToolkits {
		jobToolkitAttrTypes[tk.name] = at(path.Root(tk.name))
	}
	jobContainerAttrTypes = at(path.Root("container"))
	jobRegistryCredentialsAttrTypes = at(path.Root("container").AtName("credentials"))
	jobPreparationAttrTypes = at(path.Root("job_preparation"))
	jobInputDirectoryAttrTypes = at(path.Root("input_directory"))
	jobOutputDirectoryAttrTypes = at(path.Root("output_directory"))
	jobMountVolumesAttrTypes = at(path.Root("mount_volumes"))
	jobSecretReferenceAttrTypes = at(path.Root("secret_reference"))
	jobErrorAttrTypes = at(path.Root("errors"))
	jobSummaryAttrTypes = objectAttrTypesAt(jobsDataSourceSchema(), path.Root("jobs"))
	outputFileAttrTypes = objectAttrTypesAt(jobOutputFilesDataSourceSchema(), path.Root("files"))
}

// jobStateModel is the read-only state of a job, shared by the batchai_job and batchai_jobs data sources.
type jobStateModel struct {
	ID                           types.String `tfsdk:"id"`
	ClusterID                    types.String `tfsdk:"cluster_id"`
	NodeCount                    types.Int64  `tfsdk:"node_count"`
	ToolType                     types.String `tfsdk:"tool_type"`
	SchedulingPriority           types.String `tfsdk:"scheduling_priority"`
	ExecutionState               types.String `tfsdk:"execution_state"`
	ExecutionStateTransitionTime types.String `tfsdk:"execution_state_transition_time"`
	ExitCode                     types.Int64  `tfsdk:"exit_code"`
	CreationTime                 types.String `tfsdk:"creation_time"`
	StartTime                    types.String `tfsdk:"start_time"`
	EndTime                      types.String `tfsdk:"end_time"`
	ProvisioningState            types.String `tfsdk:"provisioning_state"`
}

// jobDataSourceModel is the batchai_job data source.
type jobDataSourceModel struct {
	Name         types.String `tfsdk:"name"`
	ExperimentID types.String `tfsdk:"experiment_id"`
	jobStateModel
	Errors                        types.List    `tfsdk:"errors"`
	TotalJobNodeHours             types.Float64 `tfsdk:"total_job_node_hours"`
	JobOutputDirectoryPathSegment types.String  `tfsdk:"job_output_directory_path_segment"`
	StdOutErrPathPrefix           types.String  `tfsdk:"std_out_err_path_prefix"`
	OutputDirectories             types.List    `tfsdk:"output_directories"`
}

// jobsDataSourceModel is the batchai_jobs data source.
type jobsDataSourceModel struct {
	ExperimentID types.String `tfsdk:"experiment_id"`
	ID           types.String `tfsdk:"id"`
	Jobs         types.List   `tfsdk:"jobs"`
}

// jobSummaryModel is one job of batchai_jobs.
type jobSummaryModel struct {
	Name types.String `tfsdk:"name"`
	jobStateModel
}

// jobOutputFilesDataSourceModel is the batchai_job_output_files data source.
type jobOutputFilesDataSourceModel struct {
	JobID             types.String `tfsdk:"job_id"`
	OutputDirectoryID types.String `tfsdk:"output_directory_id"`
	Directory         types.String `tfsdk:"directory"`
	ID                types.String `tfsdk:"id"`
	Files             types.List   `tfsdk:"files"`
}

// outputFileModel is one entry of an output directory: never its download URL.
type outputFileModel struct {
	Name          types.String `tfsdk:"name"`
	Type          types.String `tfsdk:"type"`
	ContentLength types.Int64  `tfsdk:"content_length"`
	LastModified  types.String `tfsdk:"last_modified"`
}

// jobOutputFileEphemeralModel is the batchai_job_output_file ephemeral resource.
type jobOutputFileEphemeralModel struct {
	JobID               types.String `tfsdk:"job_id"`
	OutputDirectoryID   types.String `tfsdk:"output_directory_id"`
	Path                types.String `tfsdk:"path"`
	LinkExpiryInMinutes types.Int64  `tfsdk:"link_expiry_in_minutes"`
	ReadContent         types.Bool   `tfsdk:"read_content"`
	DownloadURL         types.String `tfsdk:"download_url"`
	ExpiresAt           types.String `tfsdk:"expires_at"`
	ContentLength       types.Int64  `tfsdk:"content_length"`
	LastModified        types.String `tfsdk:"last_modified"`
	Content             types.String `tfsdk:"content"`
}
