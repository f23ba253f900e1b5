// Package vmsize is the one table of the Azure VM sizes a 2018 Batch AI cluster accepted, with their vCPU
// counts and quota families. The emulator validates cluster sizes and counts quota with it; the provider's
// quota preflight reads it too, since the service's Usages name only families, never sizes.
package vmsize

import (
	"slices"
	"strings"
)

// Size is an Azure VM size a cluster can use.
type Size struct {
	Name   string // Azure's canonical spelling, e.g. "Standard_NC6".
	VCPUs  int
	Family string // The quota family label of the Usages lines, e.g. "Standard NC Family".
}

// families are the quota family labels, in the order Usages lists them (the order of
// examples/ListUsages.json, extended with the families of the other sizes below).
var families = []string{
	"Standard A0-A7 Family",
	"Standard A8-A11 Family",
	"Standard Av2 Family",
	"Standard D Family",
	"Standard Dv2 Family",
	"Standard Dv3 Family",
	"Standard Ev3 Family",
	"Standard F Family",
	"Standard FSv2 Family",
	"Standard G Family",
	"Standard H Family",
	"Standard NC Family",
	"Standard NCv2 Family",
	"Standard NCv3 Family",
	"Standard ND Family",
	"Standard NV Family",
}

// table lists the sizes a 2018 Batch AI cluster accepted. The spec allows "all Azure VM sizes except
// STANDARD_A0 and those with premium storage (STANDARD_GS, STANDARD_DS, and STANDARD_DSV2 series)"; this is
// every general-purpose, compute, memory, HPC and GPU series Azure offered then without premium storage,
// with real vCPU counts. Premium-storage "s" sizes outside those series (Standard_F4s, Standard_D2s_v3) are
// not listed either: a Batch AI error recorded in microsoft/vscode#54780 shows Standard_F4s rejected, and
// the supported-size list an AmlCompute (Batch AI's successor) error attached omits D*s_v3.
var table = []Size{
	{"Standard_A1", 1, "Standard A0-A7 Family"},
	{"Standard_A2", 2, "Standard A0-A7 Family"},
	{"Standard_A3", 4, "Standard A0-A7 Family"},
	{"Standard_A4", 8, "Standard A0-A7 Family"},
	{"Standard_A5", 2, "Standard A0-A7 Family"},
	{"Standard_A6", 4, "Standard A0-A7 Family"},
	{"Standard_A7", 8, "Standard A0-A7 Family"},
	{"Standard_A8", 8, "Standard A8-A11 Family"},
	{"Standard_A9", 16, "Standard A8-A11 Family"},
	{"Standard_A10", 8, "Standard A8-A11 Family"},
	{"Standard_A11", 16, "Standard A8-A11 Family"},
	{"Standard_A1_v2", 1, "Standard Av2 Family"},
	{"Standard_A2_v2", 2, "Standard Av2 Family"},
	{"Standard_A4_v2", 4, "Standard Av2 Family"},
	{"Standard_A8_v2", 8, "Standard Av2 Family"},
	{"Standard_A2m_v2", 2, "Standard Av2 Family"},
	{"Standard_A4m_v2", 4, "Standard Av2 Family"},
	{"Standard_A8m_v2", 8, "Standard Av2 Family"},
	{"Standard_D1", 1, "Standard D Family"},
	{"Standard_D2", 2, "Standard D Family"},
	{"Standard_D3", 4, "Standard D Family"},
	{"Standard_D4", 8, "Standard D Family"},
	{"Standard_D11", 2, "Standard D Family"},
	{"Standard_D12", 4, "Standard D Family"},
	{"Standard_D13", 8, "Standard D Family"},
	{"Standard_D14", 16, "Standard D Family"},
	{"Standard_D1_v2", 1, "Standard Dv2 Family"},
	{"Standard_D2_v2", 2, "Standard Dv2 Family"},
	{"Standard_D3_v2", 4, "Standard Dv2 Family"},
	{"Standard_D4_v2", 8, "Standard Dv2 Family"},
	{"Standard_D5_v2", 16, "Standard Dv2 Family"},
	{"Standard_D11_v2", 2, "Standard Dv2 Family"},
	{"Standard_D12_v2", 4, "Standard Dv2 Family"},
	{"Standard_D13_v2", 8, "Standard Dv2 Family"},
	{"Standard_D14_v2", 16, "Standard Dv2 Family"},
	{"Standard_D15_v2", 20, "Standard Dv2 Family"},
	{"Standard_D2_v3", 2, "Standard Dv3 Family"},
	{"Standard_D4_v3", 4, "Standard Dv3 Family"},
	{"Standard_D8_v3", 8, "Standard Dv3 Family"},
	{"Standard_D16_v3", 16, "Standard Dv3 Family"},
	{"Standard_D32_v3", 32, "Standard Dv3 Family"},
	{"Standard_D64_v3", 64, "Standard Dv3 Family"},
	{"Standard_E2_v3", 2, "Standard Ev3 Family"},
	{"Standard_E4_v3", 4, "Standard Ev3 Family"},
	{"Standard_E8_v3", 8, "Standard Ev3 Family"},
	{"Standard_E16_v3", 16, "Standard Ev3 Family"},
	{"Standard_E20_v3", 20, "Standard Ev3 Family"},
	{"Standard_E32_v3", 32, "Standard Ev3 Family"},
	{"Standard_E64_v3", 64, "Standard Ev3 Family"},
	{"Standard_E64i_v3", 64, "Standard Ev3 Family"},
	{"Standard_F1", 1, "Standard F Family"},
	{"Standard_F2", 2, "Standard F Family"},
	{"Standard_F4", 4, "Standard F Family"},
	{"Standard_F8", 8, "Standard F Family"},
	{"Standard_F16", 16, "Standard F Family"},
	{"Standard_F2s_v2", 2, "Standard FSv2 Family"},
	{"Standard_F4s_v2", 4, "Standard FSv2 Family"},
	{"Standard_F8s_v2", 8, "Standard FSv2 Family"},
	{"Standard_F16s_v2", 16, "Standard FSv2 Family"},
	{"Standard_F32s_v2", 32, "Standard FSv2 Family"},
	{"Standard_F64s_v2", 64, "Standard FSv2 Family"},
	{"Standard_F72s_v2", 72, "Standard FSv2 Family"},
	{"Standard_G1", 2, "Standard G Family"},
	{"Standard_G2", 4, "Standard G Family"},
	{"Standard_G3", 8, "Standard G Family"},
	{"Standard_G4", 16, "Standard G Family"},
	{"Standard_G5", 32, "Standard G Family"},
	{"Standard_H8", 8, "Standard H Family"},
	{"Standard_H16", 16, "Standard H Family"},
	{"Standard_H8m", 8, "Standard H Family"},
	{"Standard_H16m", 16, "Standard H Family"},
	{"Standard_H16r", 16, "Standard H Family"},
	{"Standard_H16mr", 16, "Standard H Family"},
	{"Standard_NC6", 6, "Standard NC Family"},
	{"Standard_NC12", 12, "Standard NC Family"},
	{"Standard_NC24", 24, "Standard NC Family"},
	{"Standard_NC24r", 24, "Standard NC Family"},
	{"Standard_NC6s_v2", 6, "Standard NCv2 Family"},
	{"Standard_NC12s_v2", 12, "Standard NCv2 Family"},
	{"Standard_NC24s_v2", 24, "Standard NCv2 Family"},
	{"Standard_NC24rs_v2", 24, "Standard NCv2 Family"},
	{"Standard_NC6s_v3", 6, "Standard NCv3 Family"},
	{"Standard_NC12s_v3", 12, "Standard NCv3 Family"},
	{"Standard_NC24s_v3", 24, "Standard NCv3 Family"},
	{"Standard_NC24rs_v3", 24, "Standard NCv3 Family"},
	{"Standard_ND6s", 6, "Standard ND Family"},
	{"Standard_ND12s", 12, "Standard ND Family"},
	{"Standard_ND24s", 24, "Standard ND Family"},
	{"Standard_ND24rs", 24, "Standard ND Family"},
	{"Standard_NV6", 6, "Standard NV Family"},
	{"Standard_NV12", 12, "Standard NV Family"},
	{"Standard_NV24", 24, "Standard NV Family"},
}

// index maps upper-case names to sizes: Azure matches VM sizes case-insensitively.
var index = func() map[string]Size {
	m := make(map[string]Size, len(table))
	for _, s := range table {
		m[strings.ToUpper(s.Name)] = s
	}
	return m
}()

// All returns every size, in table order.
func All() []Size { return append([]Size(nil), table...) }

// Families returns the quota family labels, in the order Usages lists them.
func Families() []string { return append([]string(nil), families...) }

// Lookup finds a size case-insensitively, as Azure matches sizes. Names outside the table (unknown,
// excluded, or mistyped) are not found.
func Lookup(name string) (Size, bool) {
	s, ok := index[strings.ToUpper(name)]
	return s, ok
}

// Exclusion says whether a size belongs to a series the service refused outright, whatever the table says.
type Exclusion int

const (
	// NotExcluded is every size outside the refused series.
	NotExcluded Exclusion = iota
	// ExcludedA0 is STANDARD_A0, too small for Batch AI.
	ExcludedA0
	// ExcludedPremiumStorage is the STANDARD_GS, STANDARD_DS and STANDARD_DSV2 (DS*_v2) series.
	ExcludedPremiumStorage
)

// Excluded reports the refused series name belongs to, comparing case-insensitively.
func Excluded(name string) Exclusion {
	upper := strings.ToUpper(name)
	switch {
	case upper == "STANDARD_A0":
		return ExcludedA0
	case strings.HasPrefix(upper, "STANDARD_GS"), strings.HasPrefix(upper, "STANDARD_DS"): // DS also covers DSV2
		return ExcludedPremiumStorage
	}
	return NotExcluded
}

// Closest returns up to n sizes of the table nearest to name, for an error that suggests what was meant:
// by edit distance of the upper-case names (with the "STANDARD_" prefix added when it is missing, so that
// "nc6" finds Standard_NC6), then by the longest common prefix, then in table order. "Standard_NC7" gives
// Standard_NC6, Standard_NC12, Standard_NC24.
func Closest(name string, n int) []string {
	type scored struct {
		name             string
		distance, common int
		order            int
	}
	const prefix = "STANDARD_"
	upper := strings.ToUpper(strings.TrimSpace(name))
	if !strings.HasPrefix(upper, prefix) {
		upper = prefix + upper
	}
	all := make([]scored, 0, len(table))
	for i, s := range table {
		candidate := strings.ToUpper(s.Name)
		all = append(all, scored{s.Name, editDistance(upper, candidate), commonPrefix(upper, candidate), i})
	}
	slices.SortFunc(all, func(a, b scored) int {
		switch {
		case a.distance != b.distance:
			return a.distance - b.distance
		case a.common != b.common:
			return b.common - a.common
		}
		return a.order - b.order
	})
	out := make([]string, 0, n)
	for _, s := range all[:min(n, len(all))] {
		out = append(out, s.name)
	}
	return out
}

// commonPrefix is the length of the longest common prefix of a and b.
func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// editDistance is the Levenshtein distance of a and b (insertions, deletions and substitutions of bytes:
// size names are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
