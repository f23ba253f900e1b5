package provider

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// TestJobTypesMatchCluster: a job's mounts, secret references and errors are expanded and flattened with the
// cluster's functions, which build the cluster's object types; the job's schema must declare the same.
func TestJobTypesMatchCluster(t *testing.T) {
	t.Parallel()
	for name, pair := range map[string][2]any{
		"mount_volumes":      {jobMountVolumesAttrTypes, clusterMountVolumesResourceAttrTypes},
		"secret_reference":   {jobSecretReferenceAttrTypes, clusterSecretReferenceAttrTypes},
		"errors":             {jobErrorAttrTypes, clusterErrorAttrTypes},
		"data source errors": {objectAttrTypesAt(jobDataSourceSchema(), path.Root("errors")), clusterErrorAttrTypes},
		"credentials reference": {objectAttrTypesAt(jobResourceSchema(context.Background()),
			path.Root("container").AtName("credentials").AtName("password_secret_reference")), clusterKeyVaultSecretReferenceAttrTypes},
	} {
		if !reflect.DeepEqual(pair[0], pair[1]) {
			t.Errorf("%s: the job's %v differs from the cluster's %v", name, pair[0], pair[1])
		}
	}
}

// TestJobToolkitModels: every toolkit block has a model of exactly its attributes (a conversion would fail
// otherwise), and jobToolkitsModel names every block of jobToolkits.
func TestJobToolkitModels(t *testing.T) {
	t.Parallel()
	models := map[string]any{
		"cntk": &jobCNTKModel{}, "pytorch": &jobPyTorchModel{}, "tensorflow": &jobTensorFlowModel{},
		"caffe": &jobCaffeModel{}, "caffe2": &jobScriptModel{}, "chainer": &jobScriptProcessesModel{},
		"custom_toolkit": &jobCustomToolkitModel{}, "custom_mpi": &jobCustomMPIModel{}, "horovod": &jobScriptProcessesModel{},
	}
	var names []string
	for _, tk := range jobToolkits {
		names = append(names, tk.name)
		var diags diag.Diagnostics
		objectFromAny(context.Background(), jobToolkitAttrTypes[tk.name], models[tk.name], &diags)
		if diags.HasError() {
			t.Errorf("%s: %v", tk.name, diags)
		}
	}
	var blocks []string
	for name := range (&jobToolkitsModel{}).fields() {
		blocks = append(blocks, name)
	}
	slices.Sort(names)
	slices.Sort(blocks)
	if !slices.Equal(names, blocks) {
		t.Errorf("jobToolkitsModel has %v, jobToolkits %v", blocks, names)
	}
}
