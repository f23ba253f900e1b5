package main

import (
	"bytes"
	"flag"
	"io"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

func parseKnobs(t *testing.T, args ...string) (emulator.Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	apply := knobFlags(fs)
	var cfg emulator.Config
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	return cfg, apply(&cfg)
}

// TestKnobFlags: every knob flag reaches its Config field; the defaults are the realistic ones.
func TestKnobFlags(t *testing.T) {
	cfg, err := parseKnobs(t)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ConsistencyLag != 0 || cfg.FaultRate != 0 || cfg.Throttle != nil || cfg.FaultKinds != nil || cfg.ResourceGroups != nil ||
		cfg.ClusterQuota != 20 || cfg.DedicatedCoreQuota != 48 || cfg.LowPriorityCoreQuota != 48 {
		t.Errorf("defaults: %+v", cfg)
	}
	cfg, err = parseKnobs(t, "--consistency-lag", "2", "--fault-rate", "0.2", "--fault-seed", "7", "--fault-kinds", "reset, drop",
		"--throttle", "--cluster-quota", "0", "--dedicated-core-quota", "96", "--low-priority-core-quota", "5",
		"--resource-group", "myresourcegroup", "--resource-group", "batchai-rg@West Europe")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ConsistencyLag != 2 || cfg.FaultRate != 0.2 || cfg.FaultSeed != 7 ||
		!slices.Equal(cfg.FaultKinds, []emulator.FaultKind{emulator.FaultReset, emulator.FaultDrop}) ||
		cfg.Throttle == nil || *cfg.Throttle != emulator.ARMThrottleLimits() ||
		cfg.ClusterQuota != -1 || cfg.DedicatedCoreQuota != 96 || cfg.LowPriorityCoreQuota != 5 ||
		!slices.Equal(cfg.ResourceGroups, []emulator.ResourceGroup{{Name: "myresourcegroup"}, {Name: "batchai-rg", Location: "westeurope"}}) {
		t.Errorf("parsed: %+v", cfg)
	}
	for _, bad := range [][]string{
		{"--fault-kinds", "meteor"}, {"--fault-rate", "1.5"}, {"--resource-group", "bad/name"},
		{"--resource-group", "rg@atlantis"}, {"--cluster-quota", "-1"}, {"--consistency-lag", "-2"},
	} {
		if _, err := parseKnobs(t, bad...); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

// TestHelpDescribesEveryKnob: --help exits cleanly and says, for every knob, what real Azure did.
func TestHelpDescribesEveryKnob(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"--help"}, io.Discard, &out); err != nil {
		t.Fatalf("--help: %v", err)
	}
	help := out.String()
	if !strings.Contains(help, "defaults follow recorded Batch AI traffic") {
		t.Errorf("--help does not say what the defaults are: %s", help)
	}
	for _, knob := range []string{"provisioning-delay", "allocation-delay", "operation-delay", "retry-after", "page-size",
		"consistency-lag", "fault-rate", "fault-kinds", "throttle", "cluster-quota", "dedicated-core-quota",
		"low-priority-core-quota", "resource-group"} {
		i := strings.Index(help, "  -"+knob+" ")
		if i < 0 {
			i = strings.Index(help, "  -"+knob+"\n") // a boolean flag
		}
		if i < 0 {
			t.Errorf("--help lacks --%s", knob)
			continue
		}
		entry, _, _ := strings.Cut(help[i+3:], "\n  -")
		if !strings.Contains(entry, "Real Azure") {
			t.Errorf("--%s does not say what real Azure did: %s", knob, entry)
		}
	}
}

// TestKnobsThroughTheBinary: the realistic default (no Retry-After on a cluster create), then a run with
// pre-created groups, throttling, a consistency lag and a higher cluster quota.
func TestKnobsThroughTheBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	p := start(t, bin, t.TempDir())
	if s := p.do(t, "PUT", p.wsPath("ws"), `{"location":"eastus"}`); s != 200 {
		t.Fatalf("PUT workspace: %d", s)
	}
	cluster := strings.Replace(p.wsPath("ws"), "?", "/clusters/c1?", 1)
	status, h := p.doHeader(t, "PUT", cluster, `{"properties":{"vmSize":"STANDARD_NC6","scaleSettings":{"manual":{"targetNodeCount":0}},`+
		`"userAccountSettings":{"adminUserName":"u","adminUserPassword":"p4ssw0rd!"}}}`)
	if status != 202 || h.Get("Azure-AsyncOperation") == "" || h.Get("Retry-After") != "" || h.Get("retry-after-ms") != "" {
		t.Errorf("cluster PUT by default: %d %v", status, h)
	}
	if err := p.stop(t, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}

	p = start(t, bin, t.TempDir(), "--resource-group", "myresourcegroup", "--resource-group", "batchai-rg@westeurope",
		"--throttle", "--consistency-lag", "1", "--cluster-quota", "500", "--retry-after", "3s")
	sub := "/subscriptions/" + p.info["subscription_id"]
	for _, g := range []string{"myresourcegroup", "batchai-rg", p.info["resource_group"]} {
		if s := p.do(t, "GET", sub+"/resourcegroups/"+g+"?api-version=2021-04-01", ""); s != 200 {
			t.Errorf("group %s: %d", g, s)
		}
	}
	ws := sub + "/resourceGroups/batchai-rg/providers/Microsoft.BatchAI/workspaces/ws?api-version=2018-05-01"
	if s, h := p.doHeader(t, "PUT", ws, `{"location":"westeurope"}`); s != 200 || h.Get("x-ms-ratelimit-remaining-subscription-writes") == "" {
		t.Errorf("PUT workspace with --throttle: %d %v", s, h)
	}
	if s := p.do(t, "GET", ws, ""); s != 404 {
		t.Errorf("first GET with --consistency-lag 1: %d, want 404", s)
	}
	if s := p.do(t, "GET", ws, ""); s != 200 {
		t.Errorf("second GET with --consistency-lag 1: %d, want 200", s)
	}
	if s, h := p.doHeader(t, "DELETE", ws, ""); s != 202 || h.Get("Retry-After") != "3" {
		t.Errorf("DELETE with --retry-after 3s: %d %v", s, h)
	}
	if err := p.stop(t, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
}
