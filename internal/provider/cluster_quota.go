package provider

import (
	"fmt"
	"slices"
	"strings"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/vmsize"
)

// The quota preflight: a cluster whose vCPUs exceed what is left of the location's Batch AI quota
// fails at plan time with the numbers, instead of after minutes of apply. It mirrors the service's
// checks: one more cluster under "Clusters" when creating, then the nodes the cluster steers to
// against the regional vCPU line of its priority and the line of its VM size family.

// clusterQuotaRequest is what a plan asks of the quota.
type clusterQuotaRequest struct {
	location string
	vmSize   string
	priority string // dedicated or lowpriority
	creating bool
	// nodes is the node count the cluster will steer to: the manual target, or the auto-scale
	// count (initial at creation, current later) clamped into [minimum, maximum].
	nodes int
	// heldNodes is what the cluster already holds (and Usages already count): 0 at creation,
	// else the larger of its current node count and its prior manual target. When a cluster is
	// replaced, it is what the cluster being replaced holds, which its deletion frees first.
	heldNodes int
	// heldVMSize and heldPriority are the size and priority of the held nodes when they differ from
	// the request's (a replacement); empty means the same.
	heldVMSize, heldPriority string
}

// heldVCPUs is what the held nodes count under the usage line name.
func (req clusterQuotaRequest) heldVCPUs(line string) int64 {
	size, prio := req.vmSize, req.priority
	if req.heldVMSize != "" {
		size = req.heldVMSize
	}
	if req.heldPriority != "" {
		prio = req.heldPriority
	}
	s, ok := vmsize.Lookup(size)
	if !ok || req.heldNodes <= 0 || !slices.ContainsFunc(quotaLines(s, prio), func(l string) bool { return strings.EqualFold(l, line) }) {
		return 0
	}
	return int64(req.heldNodes * s.VCPUs)
}

// sameHolding reports whether the held nodes are of the requested size and priority.
func (req clusterQuotaRequest) sameHolding() bool {
	return (req.heldVMSize == "" || strings.EqualFold(req.heldVMSize, req.vmSize)) &&
		(req.heldPriority == "" || strings.EqualFold(req.heldPriority, req.priority))
}

// quotaPriority is the priority label of the usage lines: Dedicated or LowPriority.
func quotaPriority(priority string) string {
	if strings.EqualFold(priority, api.VMPriorityLowPriority) {
		return "LowPriority"
	}
	return "Dedicated"
}

// quotaLines are the usage lines nodes of a size and priority count under.
func quotaLines(size vmsize.Size, priority string) []string {
	prio := quotaPriority(priority)
	return []string{"Total Cluster " + prio + " Regional vCPUs", size.Family + " Cluster " + prio + " vCPUs"}
}

// checkClusterQuota returns a description of the first quota line the request exceeds, or "".
// Sizes missing from the VM-size table (internal/vmsize), and lines missing from usages, are not checked.
func checkClusterQuota(req clusterQuotaRequest, usages []api.Usage) string {
	if req.creating {
		if u, ok := findUsage(usages, "Clusters"); ok {
			current, limit := int64(api.Deref(u.CurrentValue)), api.Deref(u.Limit)
			if current+1 > limit {
				return fmt.Sprintf("creating this cluster needs one more cluster under %q in %s, but %d of the "+
					"limit of %d are in use. Delete a cluster or request a quota increase.",
					"Clusters", req.location, current, limit)
			}
		}
	}
	size, ok := vmsize.Lookup(req.vmSize)
	if !ok || req.nodes <= 0 || (req.sameHolding() && req.nodes <= req.heldNodes) {
		return ""
	}
	prio := quotaPriority(req.priority)
	need := int64(req.nodes * size.VCPUs)
	for _, name := range quotaLines(size, req.priority) {
		u, ok := findUsage(usages, name)
		if !ok {
			continue
		}
		// Usages count what this cluster (or the one it replaces) holds already; the service checks the
		// others plus the new size.
		others := max(int64(api.Deref(u.CurrentValue))-req.heldVCPUs(name), 0)
		limit := api.Deref(u.Limit)
		if others+need > limit {
			return fmt.Sprintf("%d %s node(s) of %s need %d vCPUs (%d each) under %q in %s, but other clusters "+
				"use %d of its limit of %d vCPUs, leaving %d. Reduce the node count, choose a smaller VM size, or "+
				"request a quota increase.",
				req.nodes, strings.ToLower(prio), req.vmSize, need, size.VCPUs, name, req.location,
				others, limit, max(limit-others, 0))
		}
	}
	return ""
}

// findUsage finds a usage line by its machine name, case-insensitively.
func findUsage(usages []api.Usage, name string) (api.Usage, bool) {
	for _, u := range usages {
		if u.Name != nil && strings.EqualFold(api.Deref(u.Name.Value), name) {
			return u, true
		}
	}
	return api.Usage{}, false
}

// clampNodes is the service's auto-scale target: v kept inside [lo, hi].
func clampNodes(v, lo, hi int) int { return min(max(v, lo), hi) }
