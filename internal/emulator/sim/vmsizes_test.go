package sim

import (
	"strings"
	"testing"
)

func TestLookupVMSize(t *testing.T) {
	ok := []struct {
		name   string
		vcpus  int
		family string
	}{
		{"STANDARD_NC6", 6, "Standard NC Family"},
		{"standard_nc24r", 24, "Standard NC Family"},
		{"Standard_NC6s_v2", 6, "Standard NCv2 Family"},
		{"Standard_NC24rs_v3", 24, "Standard NCv3 Family"},
		{"Standard_NV12", 12, "Standard NV Family"},
		{"Standard_ND24rs", 24, "Standard ND Family"},
		{"Standard_D14", 16, "Standard D Family"},
		{"Standard_D15_v2", 20, "Standard Dv2 Family"},
		{"Standard_D64_v3", 64, "Standard Dv3 Family"},
		{"Standard_F16", 16, "Standard F Family"},
		{"Standard_F72s_v2", 72, "Standard FSv2 Family"},
		{"Standard_A4", 8, "Standard A0-A7 Family"},
		{"Standard_A8m_v2", 8, "Standard Av2 Family"},
		// The spec allows every size but STANDARD_A0 and the premium-storage series.
		{"Standard_A9", 16, "Standard A8-A11 Family"},
		{"Standard_E8_v3", 8, "Standard Ev3 Family"},
		{"Standard_G5", 32, "Standard G Family"},
		{"Standard_H16r", 16, "Standard H Family"},
	}
	for _, tc := range ok {
		s, err := LookupVMSize(tc.name)
		if err != nil || s.VCPUs != tc.vcpus || s.Family != tc.family || !strings.EqualFold(s.Name, tc.name) {
			t.Errorf("%s: got %+v, %v", tc.name, s, err)
		}
	}
	for _, name := range []string{"Standard_A0", "STANDARD_GS1", "Standard_DS1", "Standard_DS11_v2", "Standard_DSv2_1",
		"Standard_F4s", "Standard_D2s_v3", "Standard_NC6 ", "NC6", "bogus"} {
		_, err := LookupVMSize(name)
		if err == nil || err.Status != 400 || err.Target != "properties.vmSize" || !strings.Contains(err.Message, name) {
			t.Errorf("%q: got %v", name, err)
		}
	}
	_, err := LookupVMSize("Standard_DS2")
	if !strings.Contains(err.Message, "premium storage") {
		t.Errorf("premium message: %s", err.Message)
	}
}
