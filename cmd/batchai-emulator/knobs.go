package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// usageHeader opens --help: the defaults follow the real service, and every knob is there to be harsher.
const usageHeader = `Usage: batchai-emulator [flags]

Serves the Batch AI (Microsoft.BatchAI 2018-05-01) ARM API over HTTPS, with an Azure-AD-style token
endpoint, on --listen, keeping state in --data. Its defaults follow recorded Batch AI traffic (no
Retry-After on operations, no replication lag, no faults, no throttling, a new subscription's quota);
the knobs below make it harsher, each line saying what real Azure did.

Flags:
`

// knobFlags registers the flags of the emulator's realism and fault knobs and returns a function that
// copies their values into a Config once the flags are parsed.
func knobFlags(fs *flag.FlagSet) func(*emulator.Config) error {
	lag := fs.Int("consistency-lag", 0, "GETs of a workspace, cluster or file server that answer 404 right after it is created or "+
		"changed (PUT, PATCH); lists and polls are not affected. Real Azure: ARM's replicas sometimes lagged a write "+
		"by a read or two")
	rate := fs.Float64("fault-rate", 0, "probability (0 to 1) that an ARM request gets a random fault (see --fault-kinds); 0 "+
		"injects none. Real Azure: resets, 5xx and 429s were rare but real")
	seed := fs.Int64("fault-seed", 0, "seed of the random faults: a seed and a request sequence always give the same faults")
	kinds := fs.String("fault-kinds", "", "comma-separated random fault kinds, among "+kindList()+" (default all): reset = "+
		"connection reset before processing; drop = processed, then the connection is reset (answer lost); truncate = "+
		"processed, then half the body; throttle = 429 with Retry-After: 1; server-error = 500/502/503/504, up to 3 in a row; "+
		"gateway = 400 NoRegisteredProviderFound on poll URLs. Real Azure: clients met each of these; the gateway 400 "+
		"is from a 2020 recording of a retired region")
	throttle := fs.Bool("throttle", false, "meter requests with ARM's token buckets per subscription and principal (reads 250 "+
		"+25/s, writes 200 +10/s, deletes 200 +10/s) and answer 429 with Retry-After when one is empty. Off by default: "+
		"the buckets only bite above ARM's rates, so they slow nothing but fleet-scale runs. Real Azure: exactly these limits")
	clusters := fs.Int("cluster-quota", 20, "clusters allowed per location. Real Azure: 20 for a new subscription, raised on request")
	dedicated := fs.Int("dedicated-core-quota", 48, "dedicated vCPUs allowed per location (the NCv2, NCv3 and ND families stay "+
		"at 0). Real Azure: a new subscription's regional limit, raised on request")
	lowPriority := fs.Int("low-priority-core-quota", 48, "low-priority vCPUs allowed per location. Real Azure: as for dedicated vCPUs")
	var groups resourceGroups
	fs.Var(&groups, "resource-group", "NAME[@LOCATION]: also create this resource group at start if missing (repeatable; the "+
		"default location is eastus), for configurations that name their own. Real Azure: groups are yours to create")
	return func(cfg *emulator.Config) error {
		k, err := emulator.ParseFaultKinds(*kinds)
		if err != nil {
			return fmt.Errorf("--fault-kinds: %w", err)
		}
		if *rate < 0 || *rate > 1 {
			return fmt.Errorf("--fault-rate must be between 0 and 1, got %v", *rate)
		}
		for name, v := range map[string]int{"--consistency-lag": *lag, "--cluster-quota": *clusters,
			"--dedicated-core-quota": *dedicated, "--low-priority-core-quota": *lowPriority} {
			if v < 0 {
				return fmt.Errorf("%s must not be negative, got %d", name, v)
			}
		}
		cfg.ConsistencyLag, cfg.FaultRate, cfg.FaultSeed = *lag, *rate, *seed
		if *kinds != "" {
			cfg.FaultKinds = k
		}
		if *throttle {
			limits := emulator.ARMThrottleLimits()
			cfg.Throttle = &limits
		}
		// A quota of 0 on the command line means none; Config reads 0 as "the default".
		cfg.ClusterQuota, cfg.DedicatedCoreQuota, cfg.LowPriorityCoreQuota = noneIfZero(*clusters), noneIfZero(*dedicated),
			noneIfZero(*lowPriority)
		cfg.ResourceGroups = groups
		return nil
	}
}

func noneIfZero(v int) int {
	if v == 0 {
		return -1
	}
	return v
}

func kindList() string {
	s := make([]string, len(emulator.DefaultFaultKinds))
	for i, k := range emulator.DefaultFaultKinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// resourceGroups is the repeatable --resource-group flag.
type resourceGroups []emulator.ResourceGroup

func (g *resourceGroups) String() string {
	if g == nil {
		return ""
	}
	s := make([]string, len(*g))
	for i, rg := range *g {
		s[i] = rg.Name
		if rg.Location != "" {
			s[i] += "@" + rg.Location
		}
	}
	return strings.Join(s, ",")
}

func (g *resourceGroups) Set(v string) error {
	rg, err := emulator.ParseResourceGroup(v)
	if err != nil {
		return err
	}
	*g = append(*g, rg)
	return nil
}
