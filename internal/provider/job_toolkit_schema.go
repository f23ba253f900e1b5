package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// The nine toolkit blocks of batchai_job, one per toolkit settings type of the API: a job sets exactly one
// (ValidateConfig checks it). jobToolkits is the one list of them: the schema, its object types and
// ValidateConfig read it.

// jobToolkit is one toolkit block: its name in HCL, and its block (whose description names the API's settings
// member it is sent as).
type jobToolkit struct {
	name  string
	block func() schema.SingleNestedBlock
}

// jobToolkits lists the toolkit blocks in the spec's order.
var jobToolkits = []jobToolkit{
	{"cntk", cntkBlock},
	{"pytorch", pyTorchBlock},
	{"tensorflow", tensorFlowBlock},
	{"caffe", caffeBlock},
	{"caffe2", caffe2Block},
	{"chainer", chainerBlock},
	{"custom_toolkit", customToolkitBlock},
	{"custom_mpi", customMpiBlock},
	{"horovod", horovodBlock},
}

// toolkitBlock is a toolkit block with the description every one shares.
func toolkitBlock(what string, attrs map[string]schema.Attribute) schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: what + " Give exactly one toolkit block. Changing anything replaces the job.",
		PlanModifiers:       []planmodifier.Object{objectplanmodifier.RequiresReplace()},
		Attributes:          attrs,
	}
}

func toolkitString(description string) schema.StringAttribute {
	return schema.StringAttribute{Optional: true, MarkdownDescription: description,
		Validators: []validator.String{stringvalidator.LengthAtLeast(1)}}
}

// toolkitRequiredString is an attribute the toolkit requires: Optional in the schema (required in the block,
// see requiredInBlock).
func toolkitRequiredString(description string) schema.StringAttribute {
	return schema.StringAttribute{Optional: true, MarkdownDescription: "Required. " + description,
		Validators: []validator.String{requiredInBlock(), stringvalidator.LengthAtLeast(1)}}
}

func toolkitCount(description string) schema.Int64Attribute {
	return schema.Int64Attribute{Optional: true, MarkdownDescription: description,
		Validators: []validator.Int64{int64validator.AtLeast(1)}}
}

// The attributes toolkits share.
const (
	descScript      = "The Python script to run, e.g. `$AZ_BATCHAI_JOB_MOUNT_ROOT/scripts/train.py`."
	descInterpreter = "The Python interpreter to run it with, e.g. `/usr/bin/python3` (default: `python`)."
	descArgs        = "The command-line arguments of the script."
	descProcesses   = "How many processes to start (default: `node_count`)."
)

func scriptAttributes(required bool, more map[string]schema.Attribute) map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{
		"python_script_file_path": toolkitString(descScript),
		"python_interpreter_path": toolkitString(descInterpreter),
		"command_line_args":       toolkitString(descArgs),
	}
	if required {
		attrs["python_script_file_path"] = toolkitRequiredString(descScript)
	}
	for k, v := range more {
		attrs[k] = v
	}
	return attrs
}

func cntkBlock() schema.SingleNestedBlock {
	return toolkitBlock("Run a Microsoft Cognitive Toolkit (CNTK) job (`cntkSettings`), from a BrainScript configuration "+
		"file or a Python script.", scriptAttributes(false, map[string]schema.Attribute{
		"language_type": schema.StringAttribute{Optional: true,
			MarkdownDescription: "`BrainScript` (with `config_file_path`) or `Python` (with `python_script_file_path`).",
			Validators:          []validator.String{stringvalidator.OneOf("BrainScript", "Python")}},
		"config_file_path":  toolkitString("The BrainScript configuration file, for `language_type = \"BrainScript\"`."),
		"command_line_args": toolkitString("The command-line arguments of the script or of the `cntk` executable."),
		"process_count":     toolkitCount(descProcesses),
	}))
}

func pyTorchBlock() schema.SingleNestedBlock {
	return toolkitBlock("Run a PyTorch script (`pyTorchSettings`).", scriptAttributes(true, map[string]schema.Attribute{
		"process_count": toolkitCount(descProcesses),
		"communication_backend": schema.StringAttribute{Optional: true,
			MarkdownDescription: "The communication backend of a distributed job: `TCP`, `Gloo` or `MPI`.",
			Validators:          []validator.String{stringvalidator.OneOf("TCP", "Gloo", "MPI")}},
	}))
}

func tensorFlowBlock() schema.SingleNestedBlock {
	return toolkitBlock("Run a TensorFlow script (`tensorFlowSettings`), distributed over master, workers and "+
		"parameter servers when `node_count` is more than 1.", map[string]schema.Attribute{
		"python_script_file_path":            toolkitRequiredString(descScript),
		"python_interpreter_path":            toolkitString(descInterpreter),
		"master_command_line_args":           toolkitString("The command-line arguments of the script for the master task."),
		"worker_command_line_args":           toolkitString("The command-line arguments of the script for the worker tasks."),
		"parameter_server_command_line_args": toolkitString("The command-line arguments of the script for the parameter servers."),
		"worker_count":                       toolkitCount("How many worker tasks (default: `node_count`)."),
		"parameter_server_count": schema.Int64Attribute{Optional: true,
			MarkdownDescription: "How many parameter server tasks, at most `node_count` (default: 1 for a distributed job).",
			Validators:          []validator.Int64{int64validator.AtLeast(0)}},
	})
}

func caffeBlock() schema.SingleNestedBlock {
	return toolkitBlock("Run a Caffe job (`caffeSettings`), from a configuration file or a Python script.",
		scriptAttributes(false, map[string]schema.Attribute{
			"config_file_path":  toolkitString("The configuration file of the job; not with `python_script_file_path`."),
			"command_line_args": toolkitString("The command-line arguments of the Caffe job."),
			"process_count":     toolkitCount(descProcesses),
		}))
}

func caffe2Block() schema.SingleNestedBlock {
	return toolkitBlock("Run a Caffe2 script (`caffe2Settings`).", scriptAttributes(true, nil))
}

func chainerBlock() schema.SingleNestedBlock {
	return toolkitBlock("Run a Chainer script (`chainerSettings`).", scriptAttributes(true, map[string]schema.Attribute{
		"process_count": toolkitCount(descProcesses),
	}))
}

func customToolkitBlock() schema.SingleNestedBlock {
	return toolkitBlock("Run any command line on the job's first node (`customToolkitSettings`), like a `--command-line` "+
		"job of the CLI.", map[string]schema.Attribute{
		"command_line": toolkitString("The command line, run in a shell on the master node, e.g. " +
			"`python $AZ_BATCHAI_INPUT_SCRIPTS/train.py > $AZ_BATCHAI_OUTPUT_MODELS/log.txt`."),
	})
}

func customMpiBlock() schema.SingleNestedBlock {
	return toolkitBlock("Run a command line with the MPI runtime on every node (`customMpiSettings`).", map[string]schema.Attribute{
		"command_line":  toolkitRequiredString("The command line `mpirun` starts on each node."),
		"process_count": toolkitCount(descProcesses),
	})
}

func horovodBlock() schema.SingleNestedBlock {
	return toolkitBlock("Run a Horovod script (`horovodSettings`).", scriptAttributes(true, map[string]schema.Attribute{
		"process_count": toolkitCount(descProcesses),
	}))
}
