package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// Flatteners of a job: from the wire model to the resource's and the data sources' models.

// setFromAPI refreshes m from a job the API returned. m holds the prior values (the plan during create, the
// state during read, almost nothing after import), which keep what the API never returns (secrets, kept by
// job_secrets.go and cluster_secrets.go) and the configured spellings (keepSpelling). The ID and names come
// from id.
func (m *jobResourceModel) setFromAPI(ctx context.Context, id api.JobID, j api.Job) diag.Diagnostics {
	var diags diag.Diagnostics
	p := api.Deref(j.Properties)
	m.ID = types.StringValue(id.String())
	m.Name = types.StringValue(id.Name)
	m.ExperimentID = keepSpelling(normalizeCaseInsensitive, m.ExperimentID, types.StringValue(id.ExperimentID().String()))
	m.ClusterID = keepSpelling(normalizeCaseInsensitive, m.ClusterID, stringValue(resourceIDString(p.Cluster)))
	m.NodeCount = int64Value(p.NodeCount)
	m.StdOutErrPathPrefix = stringValue(p.StdOutErrPathPrefix)
	m.SchedulingPriority = types.StringValue(cmpDefault(p.JobPriority(), api.DefaultJobPriority))
	m.MaxWallClockTime = keepSpelling(normalizeDuration, m.MaxWallClockTime, stringValue(api.Deref(p.Constraints).MaxWallClockTime))
	m.EnvironmentVariables = mapOrPrior(flattenEnvironment(p.EnvironmentVariables), m.EnvironmentVariables)
	// Secret values never come back: the prior ones stay (null after an import); the references do come back.
	m.SecretsWO = types.MapNull(types.StringType)
	m.SecretReferences = flattenSecretReferences(ctx, p.Secrets, &diags)
	if m.WaitForCompletion.IsNull() || m.WaitForCompletion.IsUnknown() {
		m.WaitForCompletion = types.BoolValue(true)
	}
	m.jobToolkitsModel = flattenJobToolkits(ctx, p, &diags)
	m.Container = resourceJobContainer(ctx, p.ContainerSettings, m.Container, &diags)
	m.JobPreparation = types.ObjectNull(jobPreparationAttrTypes)
	if jp := p.JobPreparation; jp != nil {
		m.JobPreparation = objectFrom(ctx, jobPreparationAttrTypes, &jobPreparationModel{CommandLine: stringValue(jp.CommandLine)}, &diags)
	}
	m.InputDirectories, m.OutputDirectories = flattenJobDirectories(ctx, p, &diags)
	m.MountVolumes = resourceMountVolumes(ctx, p.MountVolumes, m.MountVolumes, &diags)
	m.setObservedFromAPI(ctx, p, &diags)
	return diags
}

// setObservedFromAPI sets what the job's execution changes.
func (m *jobResourceModel) setObservedFromAPI(ctx context.Context, p api.JobProperties, diags *diag.Diagnostics) {
	info := api.Deref(p.ExecutionInfo)
	m.ToolType = stringOrNull(p.ToolType)
	m.ExecutionState = stringOrNull(p.ExecutionState)
	m.ExitCode = jobExitCode(p)
	m.StartTime = stringOrNull(info.StartTime)
	m.EndTime = stringOrNull(info.EndTime)
	m.Errors = flattenClusterErrors(ctx, info.Errors, diags)
	m.JobOutputDirectoryPathSegment = stringOrNull(p.JobOutputDirectoryPathSegment)
	m.CreationTime = stringOrNull(p.CreationTime)
	m.ProvisioningState = stringOrNull(p.ProvisioningState)
}

// nullUnknowns replaces the values only the API knows with nulls, for a state recorded without reading the
// job (state may not hold unknowns).
func (m *jobResourceModel) nullUnknowns(id api.JobID) {
	m.ID = types.StringValue(id.String())
	for _, v := range []*types.String{&m.MaxWallClockTime, &m.ToolType, &m.ExecutionState, &m.StartTime, &m.EndTime,
		&m.JobOutputDirectoryPathSegment, &m.CreationTime, &m.ProvisioningState} {
		if v.IsUnknown() {
			*v = types.StringNull()
		}
	}
	if m.ExitCode.IsUnknown() {
		m.ExitCode = types.Int64Null()
	}
	if m.Errors.IsUnknown() {
		m.Errors = types.ListNull(types.ObjectType{AttrTypes: jobErrorAttrTypes})
	}
}

// jobEnded reports a job that succeeded or failed.
func jobEnded(p api.JobProperties) bool {
	s := api.Deref(p.ExecutionState)
	return strings.EqualFold(s, api.ExecutionStateSucceeded) || strings.EqualFold(s, api.ExecutionStateFailed)
}

// jobExitCode is the exit code of an ended job. The service already reports 0 while a job runs (recorded
// traffic), which says nothing yet: it is null until the job has ended, and for a job stopped without one.
func jobExitCode(p api.JobProperties) types.Int64 {
	info := p.ExecutionInfo
	if !jobEnded(p) || info == nil || info.ExitCode == nil {
		return types.Int64Null()
	}
	return types.Int64Value(int64(*info.ExitCode))
}

func cmpDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// mapOrPrior is the API's map, or prior when the API omits an empty one (an empty map in the configuration
// must stay empty, not become null).
func mapOrPrior(fromAPI, prior types.Map) types.Map {
	if fromAPI.IsNull() && !prior.IsNull() && !prior.IsUnknown() && len(prior.Elements()) == 0 {
		return prior
	}
	return fromAPI
}

// flattenEnvironment is null when the job has no environment variables.
func flattenEnvironment(vars []api.EnvironmentVariable) types.Map {
	if len(vars) == 0 {
		return types.MapNull(types.StringType)
	}
	env := map[string]attr.Value{}
	for _, e := range vars {
		env[api.Deref(e.Name)] = types.StringValue(api.Deref(e.Value))
	}
	return types.MapValueMust(types.StringType, env)
}

// flattenSecretReferences lists the secrets read from Key Vault; secrets with values are not listed (their
// values never come back).
func flattenSecretReferences(ctx context.Context, secrets []api.EnvironmentVariableWithSecretValue, diags *diag.Diagnostics) types.List {
	var refs []clusterSecretReferenceModel
	for _, s := range secrets {
		if r := s.ValueSecretReference; r != nil {
			refs = append(refs, clusterSecretReferenceModel{
				Name:          stringValue(s.Name),
				SourceVaultID: stringValue(resourceIDString(r.SourceVault)),
				SecretURL:     stringValue(r.SecretURL),
			})
		}
	}
	return listFrom(ctx, jobSecretReferenceAttrTypes, refs, diags)
}

func flattenJobDirectories(ctx context.Context, p api.JobProperties, diags *diag.Diagnostics) (types.List, types.List) {
	in := make([]jobInputDirectoryModel, 0, len(p.InputDirectories))
	for _, d := range p.InputDirectories {
		in = append(in, jobInputDirectoryModel{ID: stringValue(d.ID), Path: stringValue(d.Path)})
	}
	out := make([]jobOutputDirectoryModel, 0, len(p.OutputDirectories))
	for _, d := range p.OutputDirectories {
		out = append(out, jobOutputDirectoryModel{ID: stringValue(d.ID), PathPrefix: stringValue(d.PathPrefix), PathSuffix: stringValue(d.PathSuffix)})
	}
	return listFrom(ctx, jobInputDirectoryAttrTypes, in, diags), listFrom(ctx, jobOutputDirectoryAttrTypes, out, diags)
}

// flattenJobToolkits sets the block of the toolkit the job has; the others are null.
func flattenJobToolkits(ctx context.Context, p api.JobProperties, diags *diag.Diagnostics) jobToolkitsModel {
	obj := func(name string, v any) types.Object {
		return objectFromAny(ctx, jobToolkitAttrTypes[name], v, diags)
	}
	m := jobToolkitsModel{}
	for name, v := range m.fields() {
		*v = types.ObjectNull(jobToolkitAttrTypes[name])
	}
	if t := p.CNTKSettings; t != nil {
		m.CNTK = obj("cntk", &jobCNTKModel{
			LanguageType: stringValue(t.LanguageType), ConfigFilePath: stringValue(t.ConfigFilePath),
			PythonScriptFilePath: stringValue(t.PythonScriptFilePath), PythonInterpreterPath: stringValue(t.PythonInterpreterPath),
			CommandLineArgs: stringValue(t.CommandLineArgs), ProcessCount: optionalCount(t.ProcessCount),
		})
	}
	if t := p.PyTorchSettings; t != nil {
		m.PyTorch = obj("pytorch", &jobPyTorchModel{
			PythonScriptFilePath: stringValue(t.PythonScriptFilePath), PythonInterpreterPath: stringValue(t.PythonInterpreterPath),
			CommandLineArgs: stringValue(t.CommandLineArgs), ProcessCount: optionalCount(t.ProcessCount),
			CommunicationBackend: stringValue(t.CommunicationBackend),
		})
	}
	if t := p.TensorFlowSettings; t != nil {
		m.TensorFlow = obj("tensorflow", &jobTensorFlowModel{
			PythonScriptFilePath: stringValue(t.PythonScriptFilePath), PythonInterpreterPath: stringValue(t.PythonInterpreterPath),
			MasterCommandLineArgs: stringValue(t.MasterCommandLineArgs), WorkerCommandLineArgs: stringValue(t.WorkerCommandLineArgs),
			ParameterServerCommandLineArgs: stringValue(t.ParameterServerCommandLineArgs),
			WorkerCount:                    optionalCount(t.WorkerCount), ParameterServerCount: optionalCount(t.ParameterServerCount),
		})
	}
	if t := p.CaffeSettings; t != nil {
		m.Caffe = obj("caffe", &jobCaffeModel{
			ConfigFilePath: stringValue(t.ConfigFilePath), PythonScriptFilePath: stringValue(t.PythonScriptFilePath),
			PythonInterpreterPath: stringValue(t.PythonInterpreterPath), CommandLineArgs: stringValue(t.CommandLineArgs),
			ProcessCount: optionalCount(t.ProcessCount),
		})
	}
	if t := p.Caffe2Settings; t != nil {
		m.Caffe2 = obj("caffe2", &jobScriptModel{
			PythonScriptFilePath: stringValue(t.PythonScriptFilePath), PythonInterpreterPath: stringValue(t.PythonInterpreterPath),
			CommandLineArgs: stringValue(t.CommandLineArgs),
		})
	}
	if t := p.ChainerSettings; t != nil {
		m.Chainer = obj("chainer", &jobScriptProcessesModel{
			PythonScriptFilePath: stringValue(t.PythonScriptFilePath), PythonInterpreterPath: stringValue(t.PythonInterpreterPath),
			CommandLineArgs: stringValue(t.CommandLineArgs), ProcessCount: optionalCount(t.ProcessCount),
		})
	}
	if t := p.CustomToolkitSettings; t != nil {
		m.CustomToolkit = obj("custom_toolkit", &jobCustomToolkitModel{CommandLine: stringValue(t.CommandLine)})
	}
	if t := p.CustomMpiSettings; t != nil {
		m.CustomMPI = obj("custom_mpi", &jobCustomMPIModel{CommandLine: stringValue(t.CommandLine), ProcessCount: optionalCount(t.ProcessCount)})
	}
	if t := p.HorovodSettings; t != nil {
		m.Horovod = obj("horovod", &jobScriptProcessesModel{
			PythonScriptFilePath: stringValue(t.PythonScriptFilePath), PythonInterpreterPath: stringValue(t.PythonInterpreterPath),
			CommandLineArgs: stringValue(t.CommandLineArgs), ProcessCount: optionalCount(t.ProcessCount),
		})
	}
	return m
}

// optionalCount is an optional count of a toolkit: null when the service reports none (it then uses its
// default, e.g. node_count).
func optionalCount(p *int32) types.Int64 {
	if p == nil {
		return types.Int64Null()
	}
	return types.Int64Value(int64(*p))
}

// objectFromAny is objectFrom for a model given as any (the toolkit models differ in type).
func objectFromAny(ctx context.Context, attrTypes map[string]attr.Type, v any, diags *diag.Diagnostics) types.Object {
	obj, d := types.ObjectValueFrom(ctx, attrTypes, v)
	diags.Append(d...)
	return obj
}

// flattenJobState is the read-only state of both job data sources.
func flattenJobState(id api.JobID, p api.JobProperties) jobStateModel {
	info := api.Deref(p.ExecutionInfo)
	return jobStateModel{
		ID:                           types.StringValue(id.String()),
		ClusterID:                    stringValue(resourceIDString(p.Cluster)),
		NodeCount:                    int64Value(p.NodeCount),
		ToolType:                     stringOrNull(p.ToolType),
		SchedulingPriority:           types.StringValue(cmpDefault(p.JobPriority(), api.DefaultJobPriority)),
		ExecutionState:               stringOrNull(p.ExecutionState),
		ExecutionStateTransitionTime: stringOrNull(p.ExecutionStateTransitionTime),
		ExitCode:                     jobExitCode(p),
		CreationTime:                 stringOrNull(p.CreationTime),
		StartTime:                    stringOrNull(info.StartTime),
		EndTime:                      stringOrNull(info.EndTime),
		ProvisioningState:            stringOrNull(p.ProvisioningState),
	}
}

// flatten fills the batchai_job data source's model.
func (m *jobDataSourceModel) flatten(ctx context.Context, id api.JobID, j api.Job) diag.Diagnostics {
	var diags diag.Diagnostics
	p := api.Deref(j.Properties)
	info := api.Deref(p.ExecutionInfo)
	m.Name = types.StringValue(id.Name)
	m.ExperimentID = types.StringValue(id.ExperimentID().String())
	m.jobStateModel = flattenJobState(id, p)
	m.Errors = flattenClusterErrors(ctx, info.Errors, &diags)
	m.TotalJobNodeHours = types.Float64Value(api.Deref(info.TotalJobNodeHours))
	m.JobOutputDirectoryPathSegment = stringOrNull(p.JobOutputDirectoryPathSegment)
	m.StdOutErrPathPrefix = stringValue(p.StdOutErrPathPrefix)
	_, m.OutputDirectories = flattenJobDirectories(ctx, p, &diags)
	return diags
}

// flattenJobSummaries keeps the service's order; the IDs are built from the experiment ID the user gave.
func flattenJobSummaries(ctx context.Context, x api.ExperimentID, jobs []api.Job, diags *diag.Diagnostics) types.List {
	items := make([]jobSummaryModel, 0, len(jobs))
	for _, j := range jobs {
		name := api.Deref(j.Name)
		id := x.Job(name)
		items = append(items, jobSummaryModel{Name: types.StringValue(name), jobStateModel: flattenJobState(id, api.Deref(j.Properties))})
	}
	return listFrom(ctx, jobSummaryAttrTypes, items, diags)
}

// flattenOutputFiles lists names, types, sizes and times: never the download URLs, which are credentials that
// change on every listing.
func flattenOutputFiles(ctx context.Context, files []api.File, diags *diag.Diagnostics) types.List {
	items := make([]outputFileModel, 0, len(files))
	for _, f := range files {
		m := outputFileModel{
			Name: stringValue(f.Name), Type: stringValue(f.FileType),
			ContentLength: types.Int64Null(), LastModified: types.StringNull(),
		}
		if fp := f.Properties; fp != nil {
			if fp.ContentLength != nil {
				m.ContentLength = types.Int64Value(*fp.ContentLength)
			}
			m.LastModified = stringOrNull(fp.LastModified)
		}
		items = append(items, m)
	}
	return listFrom(ctx, outputFileAttrTypes, items, diags)
}
