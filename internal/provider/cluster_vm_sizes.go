package provider

import "strings"

// clusterVMSize is what the quota preflight needs to know of a VM size.
type clusterVMSize struct {
	vcpus int
	// family is the quota family label of the Usages lines, e.g. "Standard NC Family" in
	// "Standard NC Family Cluster Dedicated vCPUs".
	family string
}

// clusterVMSizes are the sizes a 2018 Batch AI training cluster typically used, with Azure's vCPU
// counts and quota families (Microsoft's VM size pages, and the family names of the service's
// ListUsages example). Usages only name families, not sizes, so the provider needs its own table; a
// size missing here skips the quota preflight and is left to the service.
var clusterVMSizes = map[string]clusterVMSize{}

func init() {
	for family, sizes := range map[string]map[string]int{
		"Standard A0-A7 Family": {"A1": 1, "A2": 2, "A3": 4, "A4": 8, "A5": 2, "A6": 4, "A7": 8},
		"Standard Av2 Family": {"A1_v2": 1, "A2_v2": 2, "A4_v2": 4, "A8_v2": 8,
			"A2m_v2": 2, "A4m_v2": 4, "A8m_v2": 8},
		"Standard D Family": {"D1": 1, "D2": 2, "D3": 4, "D4": 8, "D11": 2, "D12": 4, "D13": 8, "D14": 16},
		"Standard Dv2 Family": {"D1_v2": 1, "D2_v2": 2, "D3_v2": 4, "D4_v2": 8, "D5_v2": 16,
			"D11_v2": 2, "D12_v2": 4, "D13_v2": 8, "D14_v2": 16, "D15_v2": 20},
		"Standard Dv3 Family": {"D2_v3": 2, "D4_v3": 4, "D8_v3": 8, "D16_v3": 16, "D32_v3": 32, "D64_v3": 64},
		"Standard F Family":   {"F1": 1, "F2": 2, "F4": 4, "F8": 8, "F16": 16},
		"Standard FSv2 Family": {"F2s_v2": 2, "F4s_v2": 4, "F8s_v2": 8, "F16s_v2": 16, "F32s_v2": 32,
			"F64s_v2": 64, "F72s_v2": 72},
		"Standard NC Family":   {"NC6": 6, "NC12": 12, "NC24": 24, "NC24r": 24},
		"Standard NCv2 Family": {"NC6s_v2": 6, "NC12s_v2": 12, "NC24s_v2": 24, "NC24rs_v2": 24},
		"Standard NCv3 Family": {"NC6s_v3": 6, "NC12s_v3": 12, "NC24s_v3": 24, "NC24rs_v3": 24},
		"Standard ND Family":   {"ND6s": 6, "ND12s": 12, "ND24s": 24, "ND24rs": 24},
		"Standard NV Family":   {"NV6": 6, "NV12": 12, "NV24": 24},
	} {
		for name, vcpus := range sizes {
			clusterVMSizes[strings.ToUpper("Standard_"+name)] = clusterVMSize{vcpus: vcpus, family: family}
		}
	}
}

// lookupClusterVMSize finds a size case-insensitively, as Azure matches sizes.
func lookupClusterVMSize(name string) (clusterVMSize, bool) {
	s, ok := clusterVMSizes[strings.ToUpper(name)]
	return s, ok
}
