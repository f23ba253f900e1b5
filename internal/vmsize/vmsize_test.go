package vmsize

import (
	"slices"
	"strings"
	"testing"
)

func TestTableIsWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range All() {
		if seen[strings.ToUpper(s.Name)] {
			t.Errorf("duplicate %s", s.Name)
		}
		seen[strings.ToUpper(s.Name)] = true
		if s.VCPUs <= 0 || !slices.Contains(Families(), s.Family) || !strings.HasSuffix(s.Family, " Family") {
			t.Errorf("%+v: bad vCPUs or family", s)
		}
		if !strings.HasPrefix(s.Name, "Standard_") {
			t.Errorf("%s: not in Azure's canonical spelling", s.Name)
		}
		if e := Excluded(s.Name); e != NotExcluded {
			t.Errorf("%s is in the table but in a series the service refuses (%d)", s.Name, e)
		}
	}
	for _, f := range Families() {
		if !slices.ContainsFunc(All(), func(s Size) bool { return s.Family == f }) {
			t.Errorf("family %s has no size", f)
		}
	}
	// Every series of the 2018 service: the count guards against a size dropped by accident.
	if n := len(All()); n != 92 {
		t.Errorf("%d sizes, want the 92 the service accepted", n)
	}
}

func TestLookup(t *testing.T) {
	for name, want := range map[string]Size{
		"STANDARD_NC6":       {"Standard_NC6", 6, "Standard NC Family"},
		"standard_nc24r":     {"Standard_NC24r", 24, "Standard NC Family"},
		"Standard_NC24rs_v3": {"Standard_NC24rs_v3", 24, "Standard NCv3 Family"},
		"Standard_A9":        {"Standard_A9", 16, "Standard A8-A11 Family"},
		"standard_e64i_v3":   {"Standard_E64i_v3", 64, "Standard Ev3 Family"},
		"Standard_G5":        {"Standard_G5", 32, "Standard G Family"},
		"STANDARD_H16MR":     {"Standard_H16mr", 16, "Standard H Family"},
		"Standard_F72s_v2":   {"Standard_F72s_v2", 72, "Standard FSv2 Family"},
	} {
		if got, ok := Lookup(name); !ok || got != want {
			t.Errorf("Lookup(%q) = %+v, %v; want %+v", name, got, ok, want)
		}
	}
	for _, name := range []string{"", "NC6", "Standard_NC6 ", "Standard_A0", "Standard_DS2", "Standard_F4s", "bogus"} {
		if s, ok := Lookup(name); ok {
			t.Errorf("Lookup(%q) found %+v", name, s)
		}
	}
}

func TestExcluded(t *testing.T) {
	for name, want := range map[string]Exclusion{
		"Standard_A0":      ExcludedA0,
		"standard_a0":      ExcludedA0,
		"Standard_A1":      NotExcluded,
		"Standard_DS3":     ExcludedPremiumStorage,
		"Standard_DS3_v2":  ExcludedPremiumStorage,
		"Standard_DSv2_1":  ExcludedPremiumStorage,
		"standard_gs5":     ExcludedPremiumStorage,
		"Standard_D3_v2":   NotExcluded,
		"Standard_D2s_v3":  NotExcluded, // refused too, but as a size missing from the table
		"Standard_NC6s_v2": NotExcluded,
	} {
		if got := Excluded(name); got != want {
			t.Errorf("Excluded(%q) = %d, want %d", name, got, want)
		}
	}
}

func TestClosest(t *testing.T) {
	for name, want := range map[string][]string{
		"Standard_NC7":   {"Standard_NC6", "Standard_NC12", "Standard_NC24"},
		"standard_h16rr": {"Standard_H16r", "Standard_H16mr", "Standard_H16"},
		"Standard_D2v3":  {"Standard_D2_v3"},
		"nc6":            {"Standard_NC6"},
		"Standard_H16x":  {"Standard_H16", "Standard_H16m", "Standard_H16r"},
	} {
		got := Closest(name, len(want))
		if !slices.Equal(got, want) {
			t.Errorf("Closest(%q) = %v, want %v", name, got, want)
		}
	}
	if got := Closest("x", 200); len(got) != len(All()) {
		t.Errorf("Closest with n beyond the table gave %d sizes, want all %d", len(got), len(All()))
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"abc", "", 3}, {"", "ab", 2}, {"kitten", "sitting", 3}, {"NC6", "NC6", 0}, {"NC6", "NC12", 2}} {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
