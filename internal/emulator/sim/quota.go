package sim

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/vmsize"
)

// Quota is the Batch AI quota of one subscription in one location.
type Quota struct {
	// Location is named in quota messages; the HTTP layer sets it to the workspace's location.
	Location         string `json:"location,omitempty"`
	Clusters         int    `json:"clusters"`
	DedicatedVCPUs   int    `json:"dedicatedVCPUs"`
	LowPriorityVCPUs int    `json:"lowPriorityVCPUs"`
	// Per-family limits, keyed by family label ("Standard NC Family"). A family that is not
	// listed is limited only by the regional total (and Usages reports the total as its limit).
	FamilyDedicatedVCPUs   map[string]int `json:"familyDedicatedVCPUs,omitempty"`
	FamilyLowPriorityVCPUs map[string]int `json:"familyLowPriorityVCPUs,omitempty"`
}

// DefaultQuota is a new subscription's quota in a location:
//   - 20 clusters, the "Clusters" limit of examples/ListUsages.json;
//   - 48 dedicated and 48 low-priority regional vCPUs: eight Standard_NC6 nodes, small enough
//     that tests reach the limit cheaply (the example subscription had had increases to 600/150);
//   - 0 vCPUs for the NCv2, NCv3 and ND families, as in that example: the newer GPU families
//     needed a quota request, so a cluster of Standard_NC6s_v3 fails until one is made.
func DefaultQuota() Quota {
	zeroGPU := map[string]int{"Standard NCv2 Family": 0, "Standard NCv3 Family": 0, "Standard ND Family": 0}
	return Quota{
		Clusters:               20,
		DedicatedVCPUs:         48,
		LowPriorityVCPUs:       48,
		FamilyDedicatedVCPUs:   zeroGPU,
		FamilyLowPriorityVCPUs: clone(zeroGPU),
	}
}

func (q Quota) location() string {
	if q.Location == "" {
		return "(unknown)"
	}
	return q.Location
}

// quotaLine names one usage line: value is the machine name, localized the display name
// (the example spells LowPriority as one word only in value).
type quotaLine struct{ value, localized string }

func regionalLine(priority string) quotaLine {
	if priority == api.VMPriorityLowPriority {
		return quotaLine{"Total Cluster LowPriority Regional vCPUs", "Total Cluster Low Priority Regional vCPUs"}
	}
	return quotaLine{"Total Cluster Dedicated Regional vCPUs", "Total Cluster Dedicated Regional vCPUs"}
}

func familyLine(priority, family string) quotaLine {
	if priority == api.VMPriorityLowPriority {
		return quotaLine{family + " Cluster LowPriority vCPUs", family + " Cluster Low Priority vCPUs"}
	}
	return quotaLine{family + " Cluster Dedicated vCPUs", family + " Cluster Dedicated vCPUs"}
}

func (q Quota) limits(priority, family string) (regional, fam int) {
	regional, m := q.DedicatedVCPUs, q.FamilyDedicatedVCPUs
	if priority == api.VMPriorityLowPriority {
		regional, m = q.LowPriorityVCPUs, q.FamilyLowPriorityVCPUs
	}
	if v, ok := m[family]; ok {
		return regional, v
	}
	return regional, regional
}

// Usages lists the quota lines of a location like examples/ListUsages.json: "Clusters", the
// dedicated regional total and each family, then the same for low priority. currentValue is the
// number of clusters given, and for vCPUs what they hold or are allocating (Cluster.VCPUs), so a
// cluster counts from the moment its resize is accepted until its last node has left.
func Usages(q Quota, clusters []*Cluster) []api.Usage { return UsagesOf(q, TallyOf(clusters)) }

// UsagesOf is Usages for clusters already tallied.
func UsagesOf(q Quota, t Tally) []api.Usage {
	line := func(l quotaLine, current, limit int) api.Usage {
		return api.Usage{
			Unit:         api.Ptr("Count"),
			CurrentValue: api.Ptr(int32(current)),
			Limit:        api.Ptr(int64(limit)),
			Name:         &api.UsageName{Value: api.Ptr(l.value), LocalizedValue: api.Ptr(l.localized)},
		}
	}
	out := []api.Usage{line(quotaLine{"Clusters", "Clusters"}, t.Clusters, q.Clusters)}
	for _, prio := range []string{api.VMPriorityDedicated, api.VMPriorityLowPriority} {
		total, _ := t.used(prio, "")
		regional, _ := q.limits(prio, "")
		out = append(out, line(regionalLine(prio), total, regional))
		for _, f := range vmsize.Families() {
			_, inFamily := t.used(prio, f)
			_, limit := q.limits(prio, f)
			out = append(out, line(familyLine(prio, f), inFamily, limit))
		}
	}
	return out
}

// CheckQuota reports a 409 QuotaExceeded when a cluster of vmSize and priority ("" means
// dedicated) holding targetNodes nodes would exceed the regional or family vCPU limit, given the
// other clusters of the same subscription and location (not the cluster itself). The message
// names the quota line, location, VM size, priority, node count, requested vCPUs, current usage
// and limit. A target of 0 never exceeds anything.
func CheckQuota(q Quota, others []*Cluster, vmSize string, priority string, targetNodes int) *Error {
	return CheckQuotaOf(q, TallyOf(others), vmSize, priority, targetNodes)
}

// CheckQuotaOf is CheckQuota with the other clusters already tallied.
func CheckQuotaOf(q Quota, others Tally, vmSize string, priority string, targetNodes int) *Error {
	size, err := LookupVMSize(vmSize)
	if err != nil {
		return err
	}
	prio := api.VMPriorityDedicated
	if priority != "" {
		p, err := enum(pathPriority, &priority, "", api.VMPriorityDedicated, api.VMPriorityLowPriority)
		if err != nil {
			return err
		}
		prio = *p
	}
	if targetNodes <= 0 {
		return nil
	}
	need := targetNodes * size.VCPUs
	total, inFamily := others.used(prio, size.Family)
	regional, family := q.limits(prio, size.Family)
	switch {
	case total+need > regional:
		return quotaError(q, regionalLine(prio), vmSize, prio, targetNodes, size.VCPUs, total, regional)
	case inFamily+need > family:
		return quotaError(q, familyLine(prio, size.Family), vmSize, prio, targetNodes, size.VCPUs, inFamily, family)
	}
	return nil
}

func quotaError(q Quota, l quotaLine, vmSize, prio string, nodes, perNode, current, limit int) *Error {
	need := nodes * perNode
	// The opening words are the real service's ("Operation results in exceeding quota limits of
	// ..."); the numbers follow ARM's compute quota errors.
	return &Error{
		Status: http.StatusConflict,
		Code:   CodeQuotaExceeded,
		Target: pathScale,
		Message: fmt.Sprintf("Operation results in exceeding quota limits of %s. Location: %s, VM size: %s, "+
			"VM priority: %s, requested: %d vCPUs (%d nodes x %d vCPUs), current usage: %d vCPUs, limit: %d vCPUs, "+
			"additional required: %d vCPUs. Reduce the node count or request a quota increase.",
			l.localized, q.location(), vmSize, prio, need, nodes, perNode, current, limit, current+need-limit),
	}
}

// CheckClusterCount reports a 409 QuotaExceeded when one more cluster would exceed the
// "Clusters" limit, given the existing clusters of the subscription and location.
func CheckClusterCount(q Quota, others []*Cluster) *Error { return checkClusterCount(q, len(others)) }

func checkClusterCount(q Quota, others int) *Error {
	if others < q.Clusters {
		return nil
	}
	return &Error{
		Status: http.StatusConflict,
		Code:   CodeQuotaExceeded,
		Message: fmt.Sprintf("Operation results in exceeding quota limits of Clusters. Location: %s, "+
			"current usage: %d clusters, limit: %d clusters. Delete a cluster or request a quota increase.",
			q.location(), others, q.Clusters),
	}
}

// CheckCreate is the quota check of a cluster PUT with prepared properties: the cluster count,
// then the vCPUs of its initial target.
func CheckCreate(q Quota, others []*Cluster, props api.ClusterBaseProperties) *Error {
	return CheckCreateOf(q, TallyOf(others), props)
}

// CheckCreateOf is CheckCreate with the other clusters already tallied.
func CheckCreateOf(q Quota, others Tally, props api.ClusterBaseProperties) *Error {
	if err := checkClusterCount(q, others.Clusters); err != nil {
		return err
	}
	return CheckQuotaOf(q, others, api.Deref(props.VMSize), api.Deref(props.VMPriority), InitialTarget(props))
}

// CheckResize is the quota check of a PATCH: it validates scale like Resize, then checks the
// new target if it grows the cluster beyond what it already holds (shrinking is always
// allowed, even over a lowered quota). c itself is skipped if others contains it.
func (c *Cluster) CheckResize(q Quota, others []*Cluster, scale api.ScaleSettings) *Error {
	var rest []*Cluster
	for _, o := range others {
		if o != c && !strings.EqualFold(o.ID, c.ID) {
			rest = append(rest, o)
		}
	}
	return c.CheckResizeOf(q, TallyOf(rest), scale)
}

// CheckResizeOf is CheckResize with the other clusters (not c) already tallied.
func (c *Cluster) CheckResizeOf(q Quota, others Tally, scale api.ScaleSettings) *Error {
	s, err := PrepareScale(scale, c.Props.ScaleSettings)
	if err != nil {
		return err
	}
	target := c.TargetFor(s)
	if target <= max(c.TargetNodes, len(c.Nodes)) {
		return nil
	}
	return CheckQuotaOf(q, others, api.Deref(c.Props.VMSize), api.Deref(c.Props.VMPriority), target)
}
