package sim

import (
	"strings"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

func withSetupTask(p api.ClusterBaseProperties, commandLine string, env ...api.EnvironmentVariable) api.ClusterBaseProperties {
	p.NodeSetup = &api.NodeSetup{SetupTask: &api.SetupTask{
		CommandLine: sptr(commandLine), StdOutErrPathPrefix: sptr("$AZ_BATCHAI_MOUNT_ROOT/afs"), EnvironmentVariables: env,
	}}
	return p
}

func errorCodes(c *Cluster, now time.Time) []string {
	var codes []string
	for _, e := range c.View(now).Properties.Errors {
		codes = append(codes, *e.Code)
	}
	return codes
}

func TestFailedSetupTaskMakesNodesUnusable(t *testing.T) {
	for name, p := range map[string]api.ClusterBaseProperties{
		"exit 3":           withSetupTask(minimalProps(2), "apt-get install -y unzip && echo 'disk full' >&2 && exit 3"),
		"exit code env":    withSetupTask(minimalProps(2), "true", api.EnvironmentVariable{Name: sptr(EnvExitCode), Value: sptr("3")}),
		"failing pipeline": withSetupTask(minimalProps(2), "echo start; false && echo never || exit 3"),
	} {
		t.Run(name, func(t *testing.T) {
			c := newCluster(t, p)
			// Still preparing: nothing has failed yet.
			wantState(t, c, at(5*sec), state{alloc: "resizing", current: 2, preparing: 2}, t0)
			if codes := errorCodes(c, at(5*sec)); len(codes) != 0 {
				t.Errorf("errors while preparing: %v", codes)
			}
			// Once set up, every node is unusable and the cluster is steady with one error per node.
			wantState(t, c, at(10*sec), state{alloc: "steady", current: 2, unusable: 2}, at(10*sec))
			errs := c.View(at(10 * sec)).Properties.Errors
			if len(errs) != 2 {
				t.Fatalf("errors: %+v", errs)
			}
			for i, e := range errs {
				node := c.Nodes[i].ID
				if *e.Code != CodeSetupTaskFailed || !strings.Contains(*e.Message, node) || !strings.Contains(*e.Message, "exit code 3") ||
					len(e.Details) != 2 || *e.Details[0].Value != node || *e.Details[1].Value != "3" {
					t.Errorf("error %d: %s %s %+v", i, *e.Code, *e.Message, e.Details)
				}
			}
			if c.Busy() {
				t.Error("a cluster of unusable nodes is still resizing")
			}
			// Unusable nodes are reachable over SSH (to find out what went wrong) and go first when shrinking.
			if n := len(c.RemoteLogins()); n != 2 {
				t.Errorf("%d remote logins", n)
			}
			mustResize(t, c, manual(1), at(20*sec))
			wantState(t, c, at(30*sec), state{alloc: "steady", current: 1, unusable: 1}, at(30*sec))
			if codes := errorCodes(c, at(30*sec)); len(codes) != 1 {
				t.Errorf("errors after shrinking: %v", codes)
			}
		})
	}
}

func TestSucceedingSetupTaskLeavesNodesIdle(t *testing.T) {
	// A secret is never given to the interpreter: "exit $CODE" with CODE secret exits 0, not 3.
	p := withSetupTask(minimalProps(1), "echo ready; exit $CODE")
	p.NodeSetup.SetupTask.Secrets = []api.EnvironmentVariableWithSecretValue{{Name: sptr("CODE"), Value: sptr("3")}}
	c := newCluster(t, p)
	wantState(t, c, at(10*sec), state{alloc: "steady", current: 1, idle: 1}, at(10*sec))
	if codes := errorCodes(c, at(10*sec)); len(codes) != 0 {
		t.Errorf("errors: %v", codes)
	}
}

func TestRegionalCapacity(t *testing.T) {
	limited := Config{ProvisioningDelay: 10 * sec, RegionalCapacity: 2}
	c := NewCluster(testClusterID, "demo_cluster", mustPrepare(t, minimalProps(5)), t0, limited)
	advance := func(now time.Time) state {
		c.Advance(now, limited)
		return viewState(c, now)
	}
	if got := advance(t0); got != (state{alloc: "resizing", current: 2, preparing: 2}) {
		t.Errorf("allocating: %+v", got)
	}
	// The allocation the region can meet finishes: steady, below the target, with the reason.
	if got := advance(at(10 * sec)); got != (state{alloc: "steady", current: 2, idle: 2}) || c.TargetNodes != 5 {
		t.Errorf("after allocation: %+v, target %d", got, c.TargetNodes)
	}
	errs := c.View(at(10 * sec)).Properties.Errors
	if len(errs) != 1 || *errs[0].Code != CodeAllocationFailed || !strings.Contains(*errs[0].Message, "only 2 of the 5") {
		t.Fatalf("errors: %+v", errs)
	}
	// A target the region can meet clears the error; a larger one brings it back.
	if err := c.Resize(manual(2), at(20*sec), limited); err != nil {
		t.Fatal(err)
	}
	if got := advance(at(20 * sec)); got != (state{alloc: "steady", current: 2, idle: 2}) || len(errorCodes(c, at(20*sec))) != 0 {
		t.Errorf("at the capacity: %+v, errors %v", got, errorCodes(c, at(20*sec)))
	}
	if err := c.Resize(manual(3), at(30*sec), limited); err != nil {
		t.Fatal(err)
	}
	if got := advance(at(30 * sec)); got != (state{alloc: "steady", current: 2, idle: 2}) || len(errorCodes(c, at(30*sec))) != 1 {
		t.Errorf("over the capacity again: %+v, errors %v", got, errorCodes(c, at(30*sec)))
	}
	// Without the limit, the same cluster reaches its target.
	c.Advance(at(40*sec), cfg)
	if err := c.Resize(manual(3), at(40*sec), cfg); err != nil {
		t.Fatal(err)
	}
	c.Advance(at(50*sec), cfg)
	if got := viewState(c, at(50*sec)); got != (state{alloc: "steady", current: 3, idle: 3}) {
		t.Errorf("unlimited: %+v", got)
	}
}

func TestPreemptionInterval(t *testing.T) {
	pre := Config{ProvisioningDelay: 10 * sec, PreemptionInterval: 30 * sec}
	p := minimalProps(2)
	p.VMPriority = sptr(api.VMPriorityLowPriority)
	c := NewCluster(testClusterID, "demo_cluster", mustPrepare(t, p), t0, pre)
	for _, step := range []struct {
		at   time.Duration
		want state
	}{
		{10 * sec, state{alloc: "steady", current: 2, idle: 2}},
		{40*sec - time.Nanosecond, state{alloc: "steady", current: 2, idle: 2}},
		// 30 s after they became idle, both nodes are reclaimed; replacements follow once they are gone.
		{40 * sec, state{alloc: "resizing", current: 2, leaving: 2}},
		{50 * sec, state{alloc: "resizing", current: 2, preparing: 2}},
		{60 * sec, state{alloc: "steady", current: 2, idle: 2}},
		{90 * sec, state{alloc: "resizing", current: 2, leaving: 2}},
	} {
		c.Advance(at(step.at), pre)
		if got := viewState(c, at(step.at)); got != step.want {
			t.Errorf("+%v: %+v, want %+v", step.at, got, step.want)
		}
	}
	if c.NextNodeSeq != 5 {
		t.Errorf("the cluster has numbered %d nodes, want 4 (two, then their two replacements)", c.NextNodeSeq-1)
	}
	// Dedicated nodes are never reclaimed.
	d := NewCluster(testClusterID, "demo_cluster", mustPrepare(t, minimalProps(2)), t0, pre)
	d.Advance(at(time.Hour), pre)
	if got := viewState(d, at(time.Hour)); got != (state{alloc: "steady", current: 2, idle: 2}) || d.NextNodeSeq != 3 {
		t.Errorf("dedicated: %+v, %d nodes numbered", got, d.NextNodeSeq-1)
	}
}
