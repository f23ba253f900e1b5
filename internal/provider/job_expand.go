package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// Expanders of batchai_job: one per API type, from the planned model (and the configuration, for write-only
// secrets) to the wire model. The mounts are the cluster's expander (a job's MountVolumes is the same type).

// expandJobCreateParameters builds the body of the job PUT.
func expandJobCreateParameters(ctx context.Context, plan, config jobResourceModel) (api.JobCreateParameters, diag.Diagnostics) {
	var diags diag.Diagnostics
	p := &api.JobBaseProperties{
		SchedulingPriority:  stringPtr(plan.SchedulingPriority),
		Cluster:             &api.ResourceID{ID: stringPtr(plan.ClusterID)},
		NodeCount:           int32Ptr(plan.NodeCount),
		StdOutErrPathPrefix: stringPtr(plan.StdOutErrPathPrefix),
		ContainerSettings:   expandJobContainer(ctx, plan.Container, config.Container, &diags),
		MountVolumes: expandMountVolumes(ctx,
			objectAs[clusterMountVolumesModel](ctx, plan.MountVolumes, &diags),
			objectAs[clusterMountVolumesModel](ctx, config.MountVolumes, &diags), &diags),
	}
	expandJobToolkit(ctx, plan.jobToolkitsModel, p, &diags)
	if jp := objectAs[jobPreparationModel](ctx, plan.JobPreparation, &diags); jp != nil {
		p.JobPreparation = &api.JobPreparation{CommandLine: stringPtr(jp.CommandLine)}
	}
	for _, d := range listAs[jobInputDirectoryModel](ctx, plan.InputDirectories, &diags) {
		p.InputDirectories = append(p.InputDirectories, api.InputDirectory{ID: stringPtr(d.ID), Path: stringPtr(d.Path)})
	}
	for _, d := range listAs[jobOutputDirectoryModel](ctx, plan.OutputDirectories, &diags) {
		p.OutputDirectories = append(p.OutputDirectories, api.OutputDirectory{
			ID: stringPtr(d.ID), PathPrefix: stringPtr(d.PathPrefix), PathSuffix: stringPtr(d.PathSuffix),
		})
	}
	env := stringMap(ctx, plan.EnvironmentVariables, &diags)
	for _, k := range sortedKeys(env) {
		p.EnvironmentVariables = append(p.EnvironmentVariables, api.EnvironmentVariable{Name: api.Ptr(k), Value: api.Ptr(env[k])})
	}
	p.Secrets = expandJobSecrets(ctx, plan, config, &diags)
	if d := stringPtr(plan.MaxWallClockTime); d != nil {
		p.Constraints = &api.JobBasePropertiesConstraints{MaxWallClockTime: d}
	}
	return api.JobCreateParameters{Properties: p}, diags
}

// expandJobSecrets sends the secret values (from the plan, or the write-only twin from the configuration),
// then the Key Vault references.
func expandJobSecrets(ctx context.Context, plan, config jobResourceModel, diags *diag.Diagnostics) []api.EnvironmentVariableWithSecretValue {
	var out []api.EnvironmentVariableWithSecretValue
	secrets := stringMap(ctx, plan.Secrets, diags)
	if secrets == nil {
		secrets = stringMap(ctx, config.SecretsWO, diags)
	}
	for _, k := range sortedKeys(secrets) {
		out = append(out, api.EnvironmentVariableWithSecretValue{Name: api.Ptr(k), Value: api.Ptr(secrets[k])})
	}
	for _, r := range listAs[clusterSecretReferenceModel](ctx, plan.SecretReferences, diags) {
		out = append(out, api.EnvironmentVariableWithSecretValue{
			Name: stringPtr(r.Name),
			ValueSecretReference: &api.KeyVaultSecretReference{
				SourceVault: &api.ResourceID{ID: stringPtr(r.SourceVaultID)},
				SecretURL:   stringPtr(r.SecretURL),
			},
		})
	}
	return out
}

// expandJobToolkit sets the settings of the one toolkit block given.
func expandJobToolkit(ctx context.Context, m jobToolkitsModel, p *api.JobBaseProperties, diags *diag.Diagnostics) {
	if t := objectAs[jobCNTKModel](ctx, m.CNTK, diags); t != nil {
		p.CNTKSettings = &api.CNTKSettings{
			LanguageType: stringPtr(t.LanguageType), ConfigFilePath: stringPtr(t.ConfigFilePath),
			PythonScriptFilePath: stringPtr(t.PythonScriptFilePath), PythonInterpreterPath: stringPtr(t.PythonInterpreterPath),
			CommandLineArgs: stringPtr(t.CommandLineArgs), ProcessCount: int32Ptr(t.ProcessCount),
		}
	}
	if t := objectAs[jobPyTorchModel](ctx, m.PyTorch, diags); t != nil {
		p.PyTorchSettings = &api.PyTorchSettings{
			PythonScriptFilePath: stringPtr(t.PythonScriptFilePath), PythonInterpreterPath: stringPtr(t.PythonInterpreterPath),
			CommandLineArgs: stringPtr(t.CommandLineArgs), ProcessCount: int32Ptr(t.ProcessCount),
			CommunicationBackend: stringPtr(t.CommunicationBackend),
		}
	}
	if t := objectAs[jobTensorFlowModel](ctx, m.TensorFlow, diags); t != nil {
		p.TensorFlowSettings = &api.TensorFlowSettings{
			PythonScriptFilePath: stringPtr(t.PythonScriptFilePath), PythonInterpreterPath: stringPtr(t.PythonInterpreterPath),
			MasterCommandLineArgs: stringPtr(t.MasterCommandLineArgs), WorkerCommandLineArgs: stringPtr(t.WorkerCommandLineArgs),
			ParameterServerCommandLineArgs: stringPtr(t.ParameterServerCommandLineArgs),
			WorkerCount:                    int32Ptr(t.WorkerCount), ParameterServerCount: int32Ptr(t.ParameterServerCount),
		}
	}
	if t := objectAs[jobCaffeModel](ctx, m.Caffe, diags); t != nil {
		p.CaffeSettings = &api.CaffeSettings{
			ConfigFilePath: stringPtr(t.ConfigFilePath), PythonScriptFilePath: stringPtr(t.PythonScriptFilePath),
			PythonInterpreterPath: stringPtr(t.PythonInterpreterPath), CommandLineArgs: stringPtr(t.CommandLineArgs),
			ProcessCount: int32Ptr(t.ProcessCount),
		}
	}
	if t := objectAs[jobScriptModel](ctx, m.Caffe2, diags); t != nil {
		p.Caffe2Settings = &api.Caffe2Settings{
			PythonScriptFilePath: stringPtr(t.PythonScriptFilePath), PythonInterpreterPath: stringPtr(t.PythonInterpreterPath),
			CommandLineArgs: stringPtr(t.CommandLineArgs),
		}
	}
	if t := objectAs[jobScriptProcessesModel](ctx, m.Chainer, diags); t != nil {
		p.ChainerSettings = &api.ChainerSettings{
			PythonScriptFilePath: stringPtr(t.PythonScriptFilePath), PythonInterpreterPath: stringPtr(t.PythonInterpreterPath),
			CommandLineArgs: stringPtr(t.CommandLineArgs), ProcessCount: int32Ptr(t.ProcessCount),
		}
	}
	if t := objectAs[jobCustomToolkitModel](ctx, m.CustomToolkit, diags); t != nil {
		p.CustomToolkitSettings = &api.CustomToolkitSettings{CommandLine: stringPtr(t.CommandLine)}
	}
	if t := objectAs[jobCustomMPIModel](ctx, m.CustomMPI, diags); t != nil {
		p.CustomMpiSettings = &api.CustomMpiSettings{CommandLine: stringPtr(t.CommandLine), ProcessCount: int32Ptr(t.ProcessCount)}
	}
	if t := objectAs[jobScriptProcessesModel](ctx, m.Horovod, diags); t != nil {
		p.HorovodSettings = &api.HorovodSettings{
			PythonScriptFilePath: stringPtr(t.PythonScriptFilePath), PythonInterpreterPath: stringPtr(t.PythonInterpreterPath),
			CommandLineArgs: stringPtr(t.CommandLineArgs), ProcessCount: int32Ptr(t.ProcessCount),
		}
	}
}
