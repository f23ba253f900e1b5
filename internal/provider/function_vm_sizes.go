package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/vmsize"
)

// Provider functions for quota planning, from the VM-size table both the emulator and the quota preflight read
// (internal/vmsize): vm_size describes a size (its canonical spelling, vCPUs and quota family), cluster_vcpus
// says how many vCPUs a node count of a size takes from the quota. Batch AI's usages name quota families and
// count vCPUs, never sizes, so this is what a configuration needs to check, or sum, before the service refuses.

// vmSizeModel is what vm_size returns.
type vmSizeModel struct {
	Name        string `tfsdk:"name"`
	VCPUs       int64  `tfsdk:"vcpus"`
	QuotaFamily string `tfsdk:"quota_family"`
}

var vmSizeAttrTypes = map[string]attr.Type{"name": types.StringType, "vcpus": types.Int64Type, "quota_family": types.StringType}

// lookupVMSize finds a size the service accepted, or explains why the size is refused or unknown.
func lookupVMSize(name string) (vmsize.Size, error) {
	if why := clusterVMSizeRejection(name); why != "" {
		return vmsize.Size{}, fmt.Errorf("%q is refused: %s", name, why)
	}
	s, ok := vmsize.Lookup(name)
	if !ok {
		return vmsize.Size{}, fmt.Errorf("%q is not a VM size the provider knows (it knows the %d sizes Batch AI "+
			"clusters accepted, such as Standard_NC6 and Standard_D2_v2)", name, len(vmsize.All()))
	}
	return s, nil
}

func newVMSizeFunction() function.Function { return vmSizeFunction{} }

// vmSizeFunction is provider::batchai::vm_size.
type vmSizeFunction struct{}

func (vmSizeFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "vm_size"
}

func (vmSizeFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Describe a VM size for quota planning",
		MarkdownDescription: "Describes a VM size that Batch AI clusters accept: `name` (Azure's spelling, whatever " +
			"the letter case given), `vcpus` (per node) and `quota_family` (the family label of the subscription's " +
			"Batch AI usages, such as `Standard NC Family`, whose lines `<family> Cluster Dedicated vCPUs` and " +
			"`<family> Cluster LowPriority vCPUs` count the cluster's nodes). A size the service refused " +
			"(`STANDARD_A0`, the premium-storage series) or one the provider does not know is an error.",
		Parameters: []function.Parameter{function.StringParameter{
			Name:                "name",
			MarkdownDescription: "The VM size, such as `Standard_NC6`, in any letter case.",
		}},
		Return: function.ObjectReturn{AttributeTypes: vmSizeAttrTypes},
	}
}

func (vmSizeFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var name string
	if resp.Error = req.Arguments.Get(ctx, &name); resp.Error != nil {
		return
	}
	s, err := lookupVMSize(name)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}
	resp.Error = resp.Result.Set(ctx, vmSizeModel{Name: s.Name, VCPUs: int64(s.VCPUs), QuotaFamily: s.Family})
}

func newClusterVCPUsFunction() function.Function { return clusterVCPUsFunction{} }

// clusterVCPUsFunction is provider::batchai::cluster_vcpus.
type clusterVCPUsFunction struct{}

func (clusterVCPUsFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "cluster_vcpus"
}

func (clusterVCPUsFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "The vCPUs a cluster takes from the quota",
		MarkdownDescription: "Returns how many vCPUs `node_count` nodes of `vm_size` take from the subscription's " +
			"Batch AI quota: the count under both the regional line (`Total Cluster Dedicated Regional vCPUs`, or " +
			"`LowPriority` for low-priority nodes) and the line of the size's family (see `vm_size`). Use it to check a " +
			"plan against `az batchai list-usages`, or to sum what several clusters need.",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "vm_size", MarkdownDescription: "The VM size, such as `Standard_NC6`, in any letter case."},
			function.Int64Parameter{Name: "node_count", MarkdownDescription: "The number of nodes: a manual target, or an auto-scale maximum."},
		},
		Return: function.Int64Return{},
	}
}

func (clusterVCPUsFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var name string
	var nodes int64
	if resp.Error = req.Arguments.Get(ctx, &name, &nodes); resp.Error != nil {
		return
	}
	s, err := lookupVMSize(name)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}
	if nodes < 0 {
		resp.Error = function.NewArgumentFuncError(1, fmt.Sprintf("node_count must be at least 0, got %d", nodes))
		return
	}
	resp.Error = resp.Result.Set(ctx, nodes*int64(s.VCPUs))
}
