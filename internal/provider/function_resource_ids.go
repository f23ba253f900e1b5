package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// Provider functions (Terraform >= 1.8, OpenTofu >= 1.7) for Batch AI resource IDs: parse_resource_id reads any
// of them; workspace_id, cluster_id, file_server_id, experiment_id and job_id build one from its names. They
// save writing the five ID shapes by hand (the fixed segments, the `Microsoft.BatchAI` namespace, `fileServers`
// in camel case) and check every name when the plan is made, naming the argument that is wrong. Both sides
// use internal/api's IDs, the ones the resources use.

// resourceIDKind is one kind of Batch AI resource ID: its kind as parse_resource_id reports it (the resource's
// name without `batchai_`), its builder function's arguments after subscription_id and resource_group_name,
// and how to parse and build it.
type resourceIDKind struct {
	kind  string
	names []string // The builder's name arguments, e.g. workspace_name and name.
	parse func(string) (resourceIDParts, error)
	build func(sub, rg string, names []string) string
}

// resourceIDParts is what parse_resource_id returns.
type resourceIDParts struct {
	SubscriptionID    string  `tfsdk:"subscription_id"`
	ResourceGroupName string  `tfsdk:"resource_group_name"`
	WorkspaceName     string  `tfsdk:"workspace_name"`
	ExperimentName    *string `tfsdk:"experiment_name"`
	Kind              string  `tfsdk:"kind"`
	Name              string  `tfsdk:"name"`
}

// resourceIDKinds are the Batch AI IDs, one row each: the one table parse_resource_id and the builders read.
var resourceIDKinds = []resourceIDKind{
	{
		kind: "workspace", names: []string{"name"},
		parse: func(s string) (resourceIDParts, error) {
			id, err := api.ParseWorkspaceID(s)
			return resourceIDParts{SubscriptionID: id.SubscriptionID, ResourceGroupName: id.ResourceGroup, WorkspaceName: id.Name, Name: id.Name}, err
		},
		build: func(sub, rg string, n []string) string {
			return api.WorkspaceID{SubscriptionID: sub, ResourceGroup: rg, Name: n[0]}.String()
		},
	},
	{
		kind: "cluster", names: []string{"workspace_name", "name"},
		parse: func(s string) (resourceIDParts, error) {
			id, err := api.ParseClusterID(s)
			return resourceIDParts{SubscriptionID: id.SubscriptionID, ResourceGroupName: id.ResourceGroup, WorkspaceName: id.Workspace, Name: id.Name}, err
		},
		build: func(sub, rg string, n []string) string {
			return api.ClusterID{SubscriptionID: sub, ResourceGroup: rg, Workspace: n[0], Name: n[1]}.String()
		},
	},
	{
		kind: "file_server", names: []string{"workspace_name", "name"},
		parse: func(s string) (resourceIDParts, error) {
			id, err := api.ParseFileServerID(s)
			return resourceIDParts{SubscriptionID: id.SubscriptionID, ResourceGroupName: id.ResourceGroup, WorkspaceName: id.Workspace, Name: id.Name}, err
		},
		build: func(sub, rg string, n []string) string {
			return api.FileServerID{SubscriptionID: sub, ResourceGroup: rg, Workspace: n[0], Name: n[1]}.String()
		},
	},
	{
		kind: "experiment", names: []string{"workspace_name", "name"},
		parse: func(s string) (resourceIDParts, error) {
			id, err := api.ParseExperimentID(s)
			return resourceIDParts{SubscriptionID: id.SubscriptionID, ResourceGroupName: id.ResourceGroup, WorkspaceName: id.Workspace, Name: id.Name}, err
		},
		build: func(sub, rg string, n []string) string {
			return api.ExperimentID{SubscriptionID: sub, ResourceGroup: rg, Workspace: n[0], Name: n[1]}.String()
		},
	},
	{
		kind: "job", names: []string{"workspace_name", "experiment_name", "name"},
		parse: func(s string) (resourceIDParts, error) {
			id, err := api.ParseJobID(s)
			return resourceIDParts{SubscriptionID: id.SubscriptionID, ResourceGroupName: id.ResourceGroup, WorkspaceName: id.Workspace,
				ExperimentName: api.Ptr(id.Experiment), Name: id.Name}, err
		},
		build: func(sub, rg string, n []string) string {
			return api.JobID{SubscriptionID: sub, ResourceGroup: rg, Workspace: n[0], Experiment: n[1], Name: n[2]}.String()
		},
	},
}

// resourceIDPartsAttrTypes is the object type parse_resource_id returns.
var resourceIDPartsAttrTypes = map[string]attr.Type{
	"subscription_id": types.StringType, "resource_group_name": types.StringType, "workspace_name": types.StringType,
	"experiment_name": types.StringType, "kind": types.StringType, "name": types.StringType,
}

// parseResourceID parses any Batch AI ID; the error says which shapes are expected.
func parseResourceID(s string) (resourceIDParts, error) {
	for _, k := range resourceIDKinds {
		if parts, err := k.parse(s); err == nil {
			parts.Kind = k.kind
			return parts, nil
		}
	}
	return resourceIDParts{}, fmt.Errorf("%q is not the ID of a Batch AI workspace, cluster, file server, experiment or "+
		"job; expected /subscriptions/{subscription}/resourceGroups/{group}/providers/%s/workspaces/{workspace}, "+
		"optionally followed by /clusters/{name}, /fileServers/{name}, /experiments/{name} or "+
		"/experiments/{name}/jobs/{name}", s, api.ProviderNamespace)
}

func newParseResourceIDFunction() function.Function { return parseResourceIDFunction{} }

// parseResourceIDFunction is provider::batchai::parse_resource_id.
type parseResourceIDFunction struct{}

func (parseResourceIDFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "parse_resource_id"
}

func (parseResourceIDFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Parse a Batch AI resource ID",
		MarkdownDescription: "Splits the ARM ID of a Batch AI workspace, cluster, file server, experiment or job into " +
			"its parts: `subscription_id`, `resource_group_name`, `workspace_name`, `experiment_name` (jobs only, " +
			"else null), `kind` (`workspace`, `cluster`, `file_server`, `experiment` or `job`) and `name` (the " +
			"resource's own name; for a workspace, its name again). The fixed segments may be in any letter case, " +
			"as ARM writes them.",
		Parameters: []function.Parameter{function.StringParameter{
			Name:                "id",
			MarkdownDescription: "The ARM ID, such as `batchai_cluster.gpu.id`.",
		}},
		Return: function.ObjectReturn{AttributeTypes: resourceIDPartsAttrTypes},
	}
}

func (parseResourceIDFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var id string
	if resp.Error = req.Arguments.Get(ctx, &id); resp.Error != nil {
		return
	}
	parts, err := parseResourceID(id)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}
	resp.Error = resp.Result.Set(ctx, parts)
}

// resourceIDBuilder is one of the functions that build an ID, such as provider::batchai::cluster_id.
type resourceIDBuilder struct {
	kind resourceIDKind
}

// resourceIDBuilders returns the builder functions, one per kind of resourceIDKinds.
func resourceIDBuilders() []func() function.Function {
	out := make([]func() function.Function, 0, len(resourceIDKinds))
	for _, k := range resourceIDKinds {
		out = append(out, func() function.Function { return resourceIDBuilder{kind: k} })
	}
	return out
}

// human is the kind as prose: "file server".
func (b resourceIDBuilder) human() string { return strings.ReplaceAll(b.kind.kind, "_", " ") }

func (b resourceIDBuilder) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = b.kind.kind + "_id"
}

func (b resourceIDBuilder) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	params := []function.Parameter{
		function.StringParameter{Name: "subscription_id", MarkdownDescription: "The subscription's ID."},
		function.StringParameter{Name: "resource_group_name", MarkdownDescription: "The resource group's name."},
	}
	for _, n := range b.kind.names {
		what := "The " + b.human() + "'s name."
		if n != "name" {
			what = "The name of the " + strings.TrimSuffix(n, "_name") + " that holds the " + b.human() + "."
		}
		params = append(params, function.StringParameter{Name: n, MarkdownDescription: what})
	}
	resp.Definition = function.Definition{
		Summary: "Build the ID of a Batch AI " + b.human(),
		MarkdownDescription: "Builds the ARM ID of a Batch AI " + b.human() + " from its names, as `batchai_" +
			b.kind.kind + "`'s `id` (and `import` blocks) write it. Every name is checked against the service's rules " +
			"(letters, digits, `-` and `_`, at most 64 characters; resource groups also allow `.`).",
		Parameters: params,
		Return:     function.StringReturn{},
	}
}

func (b resourceIDBuilder) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	values := make([]string, 2+len(b.kind.names))
	targets := make([]any, len(values))
	for i := range values {
		targets[i] = &values[i]
	}
	if resp.Error = req.Arguments.Get(ctx, targets...); resp.Error != nil {
		return
	}
	switch sub := values[0]; {
	case sub == "" || !subscriptionIDPattern.MatchString(sub):
		resp.Error = function.NewArgumentFuncError(0, fmt.Sprintf("subscription_id must be a subscription ID, got %q", sub))
	case !api.ResourceGroupNamePattern.MatchString(values[1]) || len(values[1]) > resourceGroupNameMaxLength:
		resp.Error = function.NewArgumentFuncError(1, fmt.Sprintf("resource_group_name may contain only letters, digits, "+
			"'-', '_' and '.' (1 to %d characters), got %q", resourceGroupNameMaxLength, values[1]))
	}
	for i, n := range b.kind.names {
		if err := api.ValidateName(values[2+i]); err != nil && resp.Error == nil {
			resp.Error = function.NewArgumentFuncError(int64(2+i), n+" "+err.Error())
		}
	}
	if resp.Error != nil {
		return
	}
	resp.Error = resp.Result.Set(ctx, b.kind.build(values[0], values[1], values[2:]))
}
