package sim

import (
	"fmt"
	"strings"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// toolkit is one of the nine toolkit blocks of a job: its JSON name, its toolType, its required fields and
// the positive counts it may carry.
type toolkit struct {
	name, toolType string
	required       []field
	counts         map[string]*int32
}

// toolkits lists the toolkit blocks p sets, in spec order.
func toolkits(p *api.JobBaseProperties) []toolkit {
	var tks []toolkit
	add := func(name, toolType string, required []field, counts map[string]*int32) {
		tks = append(tks, toolkit{name, toolType, required, counts})
	}
	c, pt, tf, cf, c2, ch, cu, mpi, hv := p.CNTKSettings, p.PyTorchSettings, p.TensorFlowSettings, p.CaffeSettings,
		p.Caffe2Settings, p.ChainerSettings, p.CustomToolkitSettings, p.CustomMpiSettings, p.HorovodSettings
	if c != nil {
		add("cntkSettings", api.ToolTypeCNTK, nil, map[string]*int32{"processCount": c.ProcessCount})
	}
	if pt != nil {
		add("pyTorchSettings", api.ToolTypePyTorch, []field{{"pythonScriptFilePath", pt.PythonScriptFilePath}},
			map[string]*int32{"processCount": pt.ProcessCount})
	}
	if tf != nil {
		add("tensorFlowSettings", api.ToolTypeTensorFlow, []field{{"pythonScriptFilePath", tf.PythonScriptFilePath}},
			map[string]*int32{"workerCount": tf.WorkerCount})
	}
	if cf != nil {
		add("caffeSettings", api.ToolTypeCaffe, nil, map[string]*int32{"processCount": cf.ProcessCount})
	}
	if c2 != nil {
		add("caffe2Settings", api.ToolTypeCaffe2, []field{{"pythonScriptFilePath", c2.PythonScriptFilePath}}, nil)
	}
	if ch != nil {
		add("chainerSettings", api.ToolTypeChainer, []field{{"pythonScriptFilePath", ch.PythonScriptFilePath}},
			map[string]*int32{"processCount": ch.ProcessCount})
	}
	if cu != nil {
		add("customToolkitSettings", api.ToolTypeCustom, nil, nil)
	}
	if mpi != nil {
		add("customMpiSettings", api.ToolTypeCustomMPI, []field{{"commandLine", mpi.CommandLine}},
			map[string]*int32{"processCount": mpi.ProcessCount})
	}
	if hv != nil {
		add("horovodSettings", api.ToolTypeHorovod, []field{{"pythonScriptFilePath", hv.PythonScriptFilePath}},
			map[string]*int32{"processCount": hv.ProcessCount})
	}
	return tks
}

// toolkitNames lists every toolkit block, for messages.
const toolkitNames = "cntkSettings, pyTorchSettings, tensorFlowSettings, caffeSettings, caffe2Settings, chainerSettings, " +
	"customToolkitSettings, customMpiSettings, horovodSettings"

// ToolType is the toolType the service reports for prepared job properties ("" if no toolkit is set).
func ToolType(p api.JobBaseProperties) string {
	if tks := toolkits(&p); len(tks) > 0 {
		return tks[0].toolType
	}
	return ""
}

// PrepareJob validates the properties of a job PUT as the service did and returns them with the server's
// defaults filled in: schedulingPriority "normal", constraints.maxWallClockTime "P150D" (recorded traffic;
// a given duration comes back in ISO 8601, as the service answered), fileMode/directoryMode of job-level
// file share mounts. What needs the job's surroundings (that the cluster exists in the job's workspace,
// that nodeCount fits it, that mounted file servers exist) is checked by the HTTP layer. The first problem
// found is returned, naming its JSON path; messages never quote a secret.
func PrepareJob(in api.JobBaseProperties) (api.JobBaseProperties, *Error) {
	p := clone(in)
	prio, err := enum(pathProps+".schedulingPriority", p.SchedulingPriority, api.DefaultJobPriority,
		api.JobPriorityLow, api.JobPriorityNormal, api.JobPriorityHigh)
	if err != nil {
		return p, err
	}
	p.SchedulingPriority = prio
	if p.Cluster == nil {
		return p, missing(pathProps + ".cluster")
	}
	if err := checkResourceID(pathProps+".cluster", p.Cluster, api.ProviderNamespace, "workspaces", "clusters"); err != nil {
		return p, err
	}
	switch {
	case p.NodeCount == nil:
		return p, missing(pathProps + ".nodeCount")
	case *p.NodeCount < 1:
		return p, invalid(pathProps+".nodeCount", "%d is not a node count; a job runs on at least 1 node", *p.NodeCount)
	}
	if err := checkToolkit(&p); err != nil {
		return p, err
	}
	if cs := p.ContainerSettings; cs != nil {
		if err := checkContainer(cs); err != nil {
			return p, err
		}
	}
	if jp := p.JobPreparation; jp != nil && !isSet(jp.CommandLine) {
		return p, missing(pathProps + ".jobPreparation.commandLine")
	}
	if !isSet(p.StdOutErrPathPrefix) {
		return p, missing(pathProps + ".stdOutErrPathPrefix")
	}
	if err := checkDirectories(&p); err != nil {
		return p, err
	}
	if err := checkVariables(pathProps, p.EnvironmentVariables, p.Secrets); err != nil {
		return p, err
	}
	if err := uniqueVariables(&p); err != nil {
		return p, err
	}
	if m := p.MountVolumes; m != nil {
		if err := prepareMountVolumes(m, pathProps+".mountVolumes"); err != nil {
			return p, err
		}
	}
	return p, prepareConstraints(&p)
}

func checkToolkit(p *api.JobBaseProperties) *Error {
	tks := toolkits(p)
	switch len(tks) {
	case 0:
		e := missing(pathProps + ".customToolkitSettings")
		e.Message = "Exactly one toolkit must be specified (one of " + toolkitNames + "); none was."
		e.Target = pathProps
		return e
	case 1:
	default:
		return invalid(pathProps+"."+tks[1].name, "exactly one toolkit may be specified, but both '%s.%s' and '%s.%s' are",
			pathProps, tks[0].name, pathProps, tks[1].name)
	}
	tk := tks[0]
	path := pathProps + "." + tk.name
	if err := required(path, tk.required...); err != nil {
		return err
	}
	for _, name := range []string{"processCount", "workerCount"} {
		if v := tk.counts[name]; v != nil && *v < 1 {
			return invalid(path+"."+name, "%d must be at least 1", *v)
		}
	}
	if tf := p.TensorFlowSettings; tf != nil && tf.ParameterServerCount != nil {
		if n := *tf.ParameterServerCount; n < 0 || n > *p.NodeCount {
			return invalid(path+".parameterServerCount", "%d must be between 0 and the job's nodeCount (%d)", n, *p.NodeCount)
		}
	}
	return nil
}

func checkContainer(cs *api.ContainerSettings) *Error {
	path := pathProps + ".containerSettings.imageSourceRegistry"
	r := cs.ImageSourceRegistry
	if r == nil {
		return missing(path)
	}
	if !isSet(r.Image) {
		return missing(path + ".image")
	}
	if c := r.Credentials; c != nil {
		cp := path + ".credentials"
		if !isSet(c.Username) {
			return missing(cp + ".username")
		}
		if err := exactlyOne(cp, "password", isSet(c.Password), "passwordSecretReference", c.PasswordSecretReference != nil); err != nil {
			return err
		}
		if ref := c.PasswordSecretReference; ref != nil {
			return checkSecretReference(cp+".passwordSecretReference", ref)
		}
	}
	return nil
}

// checkDirectories checks input and output directories: ids and paths are required, ids are unique (they
// name $AZ_BATCHAI_INPUT_<id> and $AZ_BATCHAI_OUTPUT_<id>), and no output directory may use the id
// listOutputFiles reserves for stdout and stderr.
func checkDirectories(p *api.JobBaseProperties) *Error {
	seen := map[string]bool{}
	for i, d := range p.InputDirectories {
		path := fmt.Sprintf("%s.inputDirectories[%d]", pathProps, i)
		if err := required(path, field{"id", d.ID}, field{"path", d.Path}); err != nil {
			return err
		}
		if seen[strings.ToUpper(*d.ID)] {
			return invalid(path+".id", "the input directory id '%s' is used twice", *d.ID)
		}
		seen[strings.ToUpper(*d.ID)] = true
	}
	seen = map[string]bool{}
	for i, d := range p.OutputDirectories {
		path := fmt.Sprintf("%s.outputDirectories[%d]", pathProps, i)
		if err := required(path, field{"id", d.ID}, field{"pathPrefix", d.PathPrefix}); err != nil {
			return err
		}
		switch id := strings.ToUpper(*d.ID); {
		case strings.EqualFold(id, api.OutputDirectoryStdOutErr):
			return invalid(path+".id", "'%s' is reserved for the job's standard output and error", *d.ID)
		case seen[id]:
			return invalid(path+".id", "the output directory id '%s' is used twice", *d.ID)
		default:
			seen[id] = true
		}
	}
	return nil
}

// uniqueVariables refuses a name given twice among environment variables and secrets: the job would see
// only one of them.
func uniqueVariables(p *api.JobBaseProperties) *Error {
	seen := map[string]bool{}
	check := func(path, name string) *Error {
		if seen[name] {
			return invalid(path, "the environment variable '%s' is defined twice", name)
		}
		seen[name] = true
		return nil
	}
	for i, v := range p.EnvironmentVariables {
		if err := check(fmt.Sprintf("%s.environmentVariables[%d].name", pathProps, i), *v.Name); err != nil {
			return err
		}
	}
	for i, s := range p.Secrets {
		if err := check(fmt.Sprintf("%s.secrets[%d].name", pathProps, i), *s.Name); err != nil {
			return err
		}
	}
	return nil
}

func prepareConstraints(p *api.JobBaseProperties) *Error {
	path := pathProps + ".constraints.maxWallClockTime"
	if p.Constraints == nil {
		p.Constraints = &api.JobBasePropertiesConstraints{}
	}
	c := p.Constraints
	if c.MaxWallClockTime == nil {
		c.MaxWallClockTime = api.Ptr(api.DefaultMaxWallClockTime)
		return nil
	}
	d, err := api.ParseDuration(*c.MaxWallClockTime)
	if err != nil {
		return invalid(path, "%v", err)
	}
	if d <= 0 {
		return invalid(path, "the maximum wall clock time must be positive, got '%s'", *c.MaxWallClockTime)
	}
	c.MaxWallClockTime = api.Ptr(api.FormatDuration(d))
	return nil
}
