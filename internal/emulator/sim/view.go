package sim

import (
	"fmt"
	"strconv"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// timeLayout is how the service wrote times: UTC, milliseconds, "Z" ("2018-06-07T21:16:00.924Z").
const timeLayout = "2006-01-02T15:04:05.000Z"

func formatTime(t time.Time) *string { return api.Ptr(t.UTC().Format(timeLayout)) }

// View is the cluster's GET body as of now. It does not change c: it projects a copy to now
// (with the last Config seen), so a reader that forgot Advance still sees a
// consistent state; the HTTP layer should Advance and persist anyway so stored state keeps up.
// The body shares no memory with c.
//
// Secrets are stripped as the real service did (recorded traffic and examples/PutCluster.json):
// userAccountSettings holds only adminUserName; storage credentials come back as {} (a Key
// Vault accountKeySecretReference stays: it is a reference, not a secret); setup task secrets
// keep their name and valueSecretReference only; the App Insights instrumentationKey is dropped.
func (c *Cluster) View(now time.Time) api.Cluster {
	v := clone(*c)
	v.jobs = make([]*Job, len(c.jobs))
	for i, j := range c.jobs {
		cp := clone(*j)
		v.jobs[i] = &cp
	}
	v.advance(now)
	p := v.Props
	stripSecrets(&p)
	if p.NodeSetup != nil && p.NodeSetup.SetupTask != nil {
		p.NodeSetup.SetupTask.StdOutErrPathSuffix = api.Ptr(v.StdOutErrPathSuffix)
	}
	count := map[string]int32{}
	visible := int32(0)
	for _, n := range v.Nodes {
		if n.State != NodeAllocating {
			count[n.State]++
			visible++
		}
	}
	return api.Cluster{
		ID:   api.Ptr(v.ID),
		Name: api.Ptr(v.Name),
		Type: api.Ptr(api.TypeCluster),
		Properties: &api.ClusterProperties{
			VMSize:                          p.VMSize,
			VMPriority:                      p.VMPriority,
			ScaleSettings:                   p.ScaleSettings,
			VirtualMachineConfiguration:     p.VirtualMachineConfiguration,
			NodeSetup:                       p.NodeSetup,
			UserAccountSettings:             p.UserAccountSettings,
			Subnet:                          p.Subnet,
			CreationTime:                    formatTime(v.CreationTime),
			ProvisioningState:               api.Ptr(v.ProvisioningState),
			ProvisioningStateTransitionTime: formatTime(v.ProvisioningStateTransitionTime),
			AllocationState:                 api.Ptr(v.AllocationState),
			AllocationStateTransitionTime:   formatTime(v.AllocationStateTransitionTime),
			Errors:                          v.errors(),
			// Like Azure Batch's currentDedicatedNodes: every node that exists, leaving included
			// (nodes still being allocated do not exist yet).
			CurrentNodeCount: api.Ptr(visible),
			NodeStateCounts: &api.NodeStateCounts{
				IdleNodeCount:      api.Ptr(count[NodeIdle]),
				RunningNodeCount:   api.Ptr(count[NodeRunning]),
				PreparingNodeCount: api.Ptr(count[NodePreparing]),
				UnusableNodeCount:  api.Ptr(count[NodeUnusable]),
				LeavingNodeCount:   api.Ptr(count[NodeLeaving]),
			},
		},
	}
}

// errors are the cluster's errors as the service reported them: the failures the HTTP layer stored (a
// quota failure at create), then one SetupTaskFailed per node whose setup task failed, then an
// AllocationFailed while the region cannot allocate the target (Config.RegionalCapacity). The last two are
// derived from the nodes, so they come and go with them.
func (c *Cluster) errors() []api.BatchAIError {
	out := append([]api.BatchAIError(nil), c.Errors...)
	for _, n := range c.Nodes {
		if n.State != NodeUnusable {
			continue
		}
		out = append(out, api.BatchAIError{
			Code: api.Ptr(CodeSetupTaskFailed),
			Message: api.Ptr(fmt.Sprintf("The node setup task failed on node %s with exit code %d; the node is unusable. "+
				"Its output is under the setup task's stdOutErrPathPrefix, in %s.", n.ID, n.SetupExitCode, c.StdOutErrPathSuffix)),
			Details: []api.NameValuePair{
				{Name: api.Ptr("nodeId"), Value: api.Ptr(n.ID)},
				{Name: api.Ptr("exitCode"), Value: api.Ptr(strconv.Itoa(n.SetupExitCode))},
			},
		})
	}
	if limit := c.allocatable(); limit < c.TargetNodes && !c.deleting() {
		out = append(out, api.BatchAIError{
			Code: api.Ptr(CodeAllocationFailed),
			Message: api.Ptr(fmt.Sprintf("The region could allocate only %d of the %d %s nodes the cluster %s asks for "+
				"(insufficient regional capacity). The cluster stays at %d nodes; lower the target or try again later.",
				limit, c.TargetNodes, api.Deref(c.Props.VMSize), c.Name, limit)),
			Details: []api.NameValuePair{
				{Name: api.Ptr("requestedNodes"), Value: api.Ptr(strconv.Itoa(c.TargetNodes))},
				{Name: api.Ptr("allocatedNodes"), Value: api.Ptr(strconv.Itoa(limit))},
			},
		})
	}
	return out
}

// stripSecrets removes every write-only value from p in place.
func stripSecrets(p *api.ClusterBaseProperties) {
	if u := p.UserAccountSettings; u != nil {
		p.UserAccountSettings = &api.UserAccountSettings{AdminUserName: u.AdminUserName}
	}
	n := p.NodeSetup
	if n == nil {
		return
	}
	if t := n.SetupTask; t != nil {
		for i := range t.Secrets {
			t.Secrets[i].Value = nil
		}
	}
	stripMountCredentials(n.MountVolumes)
	if pc := n.PerformanceCountersSettings; pc != nil && pc.AppInsightsReference != nil {
		pc.AppInsightsReference.InstrumentationKey = nil
	}
}

func stripCredentials(c *api.AzureStorageCredentialsInfo) {
	if c != nil {
		c.AccountKey = nil
	}
}

// RemoteLogins lists how to reach each node over SSH, as of the last Advance: one entry per
// node that has an address (not allocating, not leaving), oldest first, all on the cluster's public IP, each with the NAT port
// it kept since it was allocated.
func (c *Cluster) RemoteLogins() []api.RemoteLoginInformation {
	out := []api.RemoteLoginInformation{}
	for _, n := range c.Nodes {
		if n.State == NodeLeaving || n.State == NodeAllocating {
			continue
		}
		out = append(out, api.RemoteLoginInformation{
			NodeID:    api.Ptr(n.ID),
			IPAddress: api.Ptr(c.PublicIP),
			Port:      api.Ptr(n.Port),
		})
	}
	return out
}
