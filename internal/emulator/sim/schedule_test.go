package sim

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// jobCfg runs every job for 30 s (plus its sleeps) on nodes that take 10 s to prepare.
var jobCfg = Config{ProvisioningDelay: 10 * sec, JobDuration: 30 * sec, ScaleDownDelay: time.Minute}

// submit prepares props and submits a job to c at now, eligible 2 s later (its create operation).
func submit(t *testing.T, c *Cluster, name string, props api.JobBaseProperties, now time.Time, cfg Config) *Job {
	t.Helper()
	p, err := PrepareJob(props)
	if err != nil {
		t.Fatalf("PrepareJob: %v", err)
	}
	j := NewJob(testJobID(name), name, "demo_experiment", p, now, now.Add(2*sec))
	c.SubmitJob(j, now, cfg)
	return j
}

func withPriority(p api.JobBaseProperties, prio string) api.JobBaseProperties {
	p.SchedulingPriority = sptr(prio)
	return p
}

// jobState is a compact picture of a job, for comparisons.
type jobState struct {
	state   string
	start   time.Duration // since t0; -1 when there is no run
	nodes   int
	attempt int
}

func jobAt(j *Job) jobState {
	s := jobState{state: j.State, start: -1, attempt: j.Attempts}
	if j.Run != nil {
		s.start, s.nodes = j.Run.Start.Sub(t0), len(j.Run.Nodes)
		if !j.holdsNodes() {
			s.nodes = 0
		}
	}
	return s
}

func running(c *Cluster) int32 {
	return *c.View(c.lastEvent()).Properties.NodeStateCounts.RunningNodeCount
}

// lastEvent is a time no earlier than anything the cluster has processed, for views in tests.
func (c *Cluster) lastEvent() time.Time {
	t := c.AllocationStateTransitionTime
	for _, n := range c.Nodes {
		if n.Since.After(t) {
			t = n.Since
		}
	}
	for _, j := range c.jobs {
		if j.StateSince.After(t) {
			t = j.StateSince
		}
	}
	return t
}

func TestJobRunsOnIdleNodeAndSucceeds(t *testing.T) {
	c := NewCluster(testClusterID, "demo_cluster", mustPrepare(t, minimalProps(1)), t0, jobCfg)
	c.Advance(at(10*sec), jobCfg)
	j := submit(t, c, "hi", jobProps("echo hi", 1), at(10*sec), jobCfg)
	if got := jobAt(j); got != (jobState{state: "queued", start: -1}) || j.View(at(10*sec)).Properties.ExecutionInfo != nil {
		t.Fatalf("just submitted: %+v", got)
	}
	if v := j.View(at(11 * sec)).Properties; *v.ProvisioningState != "creating" {
		t.Errorf("before its operation is due: %s", *v.ProvisioningState)
	}
	c.Advance(at(12*sec), jobCfg)
	if got := jobAt(j); got != (jobState{state: "running", start: 12 * sec, nodes: 1, attempt: 1}) || running(c) != 1 {
		t.Fatalf("once eligible: %+v, %d running nodes", got, running(c))
	}
	v := j.View(at(20 * sec)).Properties
	if *v.ProvisioningState != "succeeded" || *v.ExecutionInfo.StartTime != *formatTime(at(12 * sec)) ||
		*v.ExecutionInfo.ExitCode != 0 || v.ExecutionInfo.EndTime != nil || *v.CoreCountPerNode != 6 || *v.VMSize != "STANDARD_NC6" {
		t.Errorf("running view: %s", mustJSON(t, v))
	}
	if logins := j.RemoteLogins(); len(logins) != 1 || *logins[0].NodeID != c.Nodes[0].ID {
		t.Errorf("job nodes: %+v", logins)
	}
	c.Advance(at(42*sec-time.Nanosecond), jobCfg)
	if j.State != "running" {
		t.Fatalf("ended early: %s", j.State)
	}
	c.Advance(at(42*sec), jobCfg)
	v = j.View(at(42 * sec)).Properties
	if *v.ExecutionState != "succeeded" || *v.ExecutionStateTransitionTime != *formatTime(at(42 * sec)) ||
		*v.ExecutionInfo.ExitCode != 0 || *v.ExecutionInfo.EndTime != *formatTime(at(42 * sec)) ||
		v.ExecutionInfo.Errors != nil || *v.ExecutionInfo.TotalJobNodeHours != 0.008333 {
		t.Errorf("ended: %s", mustJSON(t, v))
	}
	if running(c) != 0 || *c.View(at(42 * sec)).Properties.NodeStateCounts.IdleNodeCount != 1 || len(j.RemoteLogins()) != 0 {
		t.Errorf("node after the job: %+v", c.Nodes)
	}
}

func TestJobOutcomes(t *testing.T) {
	for _, tc := range []struct {
		name     string
		props    func() api.JobBaseProperties
		end      time.Duration // after the start
		state    string
		exitCode *int32
		errCode  string
	}{
		{"exit 3", func() api.JobBaseProperties { return jobProps("echo working; exit 3", 1) }, 30 * sec, "failed", iptr(3), ""},
		{"exit code variable", func() api.JobBaseProperties {
			p := jobProps("echo fine", 1)
			p.EnvironmentVariables = []api.EnvironmentVariable{{Name: sptr(EnvExitCode), Value: sptr("42")}}
			return p
		}, 30 * sec, "failed", iptr(42), ""},
		{"sleep adds to the run time", func() api.JobBaseProperties { return jobProps("sleep 90; echo done", 1) }, 120 * sec, "succeeded", iptr(0), ""},
		{"duration variable", func() api.JobBaseProperties {
			p := jobProps("sleep 90", 1)
			p.EnvironmentVariables = []api.EnvironmentVariable{{Name: sptr(EnvDuration), Value: sptr("5s")}}
			return p
		}, 5 * sec, "succeeded", iptr(0), ""},
		{"failed preparation", func() api.JobBaseProperties {
			p := jobProps("echo never", 1)
			p.JobPreparation = &api.JobPreparation{CommandLine: sptr("pip install -r requirements.txt; false || exit 7")}
			p.EnvironmentVariables = []api.EnvironmentVariable{{Name: sptr("X"), Value: sptr("1")}}
			return p
		}, 30 * sec, "failed", nil, CodeJobPreparationFailed},
		{"wall clock", func() api.JobBaseProperties {
			p := jobProps("sleep 3600", 1)
			p.Constraints = &api.JobBasePropertiesConstraints{MaxWallClockTime: sptr("PT10S")}
			return p
		}, 10 * sec, "failed", nil, CodeMaxWallClockTimeExpired},
		{"python toolkit", func() api.JobBaseProperties {
			p := jobProps("", 1)
			p.CustomToolkitSettings = nil
			p.TensorFlowSettings = &api.TensorFlowSettings{PythonScriptFilePath: sptr("train.py"), MasterCommandLineArgs: sptr("--epochs 1")}
			return p
		}, 30 * sec, "succeeded", iptr(0), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := NewCluster(testClusterID, "demo_cluster", mustPrepare(t, minimalProps(1)), t0, jobCfg)
			c.Advance(at(10*sec), jobCfg)
			j := submit(t, c, "j", tc.props(), at(10*sec), jobCfg)
			c.Advance(at(12*sec+tc.end-time.Nanosecond), jobCfg)
			if j.State != "running" {
				t.Fatalf("ended before +%v: %s", tc.end, j.State)
			}
			c.Advance(at(12*sec+tc.end), jobCfg)
			info := j.View(at(time.Hour)).Properties.ExecutionInfo
			if j.State != tc.state || !j.EndTime.Equal(at(12*sec+tc.end)) {
				t.Fatalf("state %s at +%v", j.State, j.EndTime.Sub(t0))
			}
			if tc.name == "failed preparation" {
				tc.exitCode = iptr(7)
			}
			if (info.ExitCode == nil) != (tc.exitCode == nil) || (tc.exitCode != nil && *info.ExitCode != *tc.exitCode) {
				t.Errorf("exit code %v, want %v", info.ExitCode, tc.exitCode)
			}
			if tc.errCode == "" && info.Errors != nil || tc.errCode != "" && (len(info.Errors) != 1 || *info.Errors[0].Code != tc.errCode) {
				t.Errorf("errors %s, want %q", mustJSON(t, info.Errors), tc.errCode)
			}
		})
	}
}

func TestLowPriorityJobsStopAfterADay(t *testing.T) {
	p := minimalProps(1)
	p.VMPriority = sptr(api.VMPriorityLowPriority)
	c := NewCluster(testClusterID, "demo_cluster", mustPrepare(t, p), t0, jobCfg)
	j := submit(t, c, "long", jobProps("sleep 2d", 1), t0, jobCfg)
	c.Advance(at(48*time.Hour), jobCfg)
	if j.State != "failed" || !j.EndTime.Equal(at(10*sec+24*time.Hour)) || *j.Errors[0].Code != CodeMaxWallClockTimeExpired {
		t.Errorf("state %s at +%v, errors %s", j.State, j.EndTime.Sub(t0), mustJSON(t, j.Errors))
	}
}

func TestGangSchedulingInPriorityOrder(t *testing.T) {
	c := NewCluster(testClusterID, "demo_cluster", mustPrepare(t, minimalProps(2)), t0, jobCfg)
	c.Advance(at(10*sec), jobCfg)
	// Submitted together: high first, then the 2-node normal job, which blocks the low one behind it.
	wide := submit(t, c, "wide", jobProps("true", 2), at(10*sec), jobCfg)
	low := submit(t, c, "low", withPriority(jobProps("true", 1), "low"), at(10*sec), jobCfg)
	high := submit(t, c, "high", withPriority(jobProps("true", 1), "high"), at(10*sec), jobCfg)
	c.Advance(at(12*sec), jobCfg)
	if jobAt(high).state != "running" || jobAt(wide).state != "queued" || jobAt(low).state != "queued" {
		t.Fatalf("at +12s: high %+v, wide %+v, low %+v", jobAt(high), jobAt(wide), jobAt(low))
	}
	c.Advance(at(42*sec), jobCfg) // high ends: the 2-node job takes both nodes
	if got := jobAt(wide); got != (jobState{state: "running", start: 42 * sec, nodes: 2, attempt: 1}) || jobAt(low).state != "queued" || running(c) != 2 {
		t.Fatalf("at +42s: wide %+v, low %+v", got, jobAt(low))
	}
	c.Advance(at(72*sec), jobCfg)
	if got := jobAt(low); got != (jobState{state: "running", start: 72 * sec, nodes: 1, attempt: 1}) || wide.State != "succeeded" {
		t.Fatalf("at +72s: low %+v, wide %s", got, wide.State)
	}
}

func TestTerminateAndRemove(t *testing.T) {
	c := NewCluster(testClusterID, "demo_cluster", mustPrepare(t, minimalProps(1)), t0, jobCfg)
	c.Advance(at(10*sec), jobCfg)
	first := submit(t, c, "first", jobProps("sleep 3600", 1), at(10*sec), jobCfg)
	next := submit(t, c, "next", jobProps("sleep 3600", 1), at(10*sec), jobCfg)
	queued := submit(t, c, "queued", jobProps("true", 1), at(10*sec), jobCfg)
	c.Advance(at(20*sec), jobCfg)
	// Terminating keeps the nodes until the terminate operation is due, then the job fails.
	c.TerminateJob(first, at(20*sec), at(22*sec), jobCfg)
	if first.State != "terminating" || running(c) != 1 || next.State != "queued" {
		t.Fatalf("terminating: %s, %d running", first.State, running(c))
	}
	c.Advance(at(22*sec), jobCfg)
	if first.State != "failed" || *first.Errors[0].Code != CodeJobTerminated || first.ExitCode != nil || next.State != "running" {
		t.Fatalf("terminated: %s %s, next %s", first.State, mustJSON(t, first.Errors), next.State)
	}
	// A terminate of a queued job needs no nodes.
	c.TerminateJob(queued, at(25*sec), at(27*sec), jobCfg)
	c.Advance(at(27*sec), jobCfg)
	if queued.State != "failed" || queued.Run != nil || queued.View(at(27*sec)).Properties.ExecutionInfo.StartTime != nil {
		t.Errorf("terminated while queued: %s", mustJSON(t, queued.View(at(27*sec)).Properties.ExecutionInfo))
	}
	// Deleting a running job frees its node at once.
	c.RemoveJob(next, at(30*sec), jobCfg)
	if next.State != "terminating" || !next.DeletingSince.Equal(at(30*sec)) || running(c) != 0 ||
		*next.View(at(30 * sec)).Properties.ProvisioningState != "deleting" {
		t.Errorf("removed: %s, %d running", next.State, running(c))
	}
	// Terminating an ended job changes nothing.
	c.TerminateJob(first, at(40*sec), at(42*sec), jobCfg)
	if first.State != "failed" || !first.EndTime.Equal(at(22*sec)) {
		t.Errorf("terminate of an ended job: %s at %v", first.State, first.EndTime.Sub(t0))
	}
}

func TestPreemptedNodeRequeuesItsJob(t *testing.T) {
	pre := jobCfg
	pre.PreemptionInterval = 20 * sec
	p := minimalProps(1)
	p.VMPriority = sptr(api.VMPriorityLowPriority)
	c := NewCluster(testClusterID, "demo_cluster", mustPrepare(t, p), t0, pre)
	j := submit(t, c, "j", jobProps("true", 1), t0, pre)
	c.Advance(at(10*sec), pre)
	if got := jobAt(j); got != (jobState{state: "running", start: 10 * sec, nodes: 1, attempt: 1}) {
		t.Fatalf("first run: %+v", got)
	}
	c.Advance(at(30*sec), pre) // 20 s after it became idle the node is reclaimed, 10 s before the job would end
	if got := jobAt(j); got != (jobState{state: "queued", start: -1, attempt: 1}) || j.View(at(30*sec)).Properties.ExecutionInfo != nil {
		t.Fatalf("after preemption: %+v", got)
	}
	// The replacement is idle at +50 s and runs the job again; it is reclaimed at +70 s, 10 s early again.
	c.Advance(at(50*sec), pre)
	if got := jobAt(j); got != (jobState{state: "running", start: 50 * sec, nodes: 1, attempt: 2}) {
		t.Fatalf("second run: %+v", got)
	}
	// The hook preempts on demand too.
	if n := c.Preempt(at(55*sec), pre); n != 1 || j.State != "queued" {
		t.Errorf("Preempt: %d nodes, job %s", n, j.State)
	}
}

func TestAutoScaleFollowsTheQueue(t *testing.T) {
	c := NewCluster(testClusterID, "demo_cluster", mustPrepare(t, autoProps(0, 3, nil)), t0, jobCfg)
	if c.TargetNodes != 0 {
		t.Fatalf("initial target %d", c.TargetNodes)
	}
	// A 2-node job makes it grow once the job is eligible.
	j := submit(t, c, "j", jobProps("true", 2), at(5*sec), jobCfg)
	c.Advance(at(7*sec), jobCfg)
	if c.TargetNodes != 2 || *c.View(at(7 * sec)).Properties.NodeStateCounts.PreparingNodeCount != 2 {
		t.Fatalf("growth: target %d, nodes %+v", c.TargetNodes, c.Nodes)
	}
	c.Advance(at(17*sec), jobCfg)
	if jobAt(j).state != "running" {
		t.Fatalf("job on the new nodes: %+v", jobAt(j))
	}
	// A 5-node job can never start: the cluster grows only to its maximum, and the job stays queued.
	big := submit(t, c, "big", jobProps("true", 5), at(20*sec), jobCfg)
	c.Advance(at(40*sec), jobCfg)
	if c.TargetNodes != 3 || big.State != "queued" {
		t.Fatalf("capped growth: target %d, big %s", c.TargetNodes, big.State)
	}
	// Terminating the big job at +40 s lowers the demand: the cluster keeps its nodes for the scale-down
	// delay, then shrinks to what its jobs need by then (nothing: the first job ended at +47 s).
	c.TerminateJob(big, at(40*sec), at(40*sec), jobCfg)
	c.Advance(at(100*sec-time.Nanosecond), jobCfg)
	if j.State != "succeeded" || c.TargetNodes != 3 {
		t.Fatalf("before the scale-down delay: job %s, target %d", j.State, c.TargetNodes)
	}
	c.Advance(at(100*sec), jobCfg)
	if c.TargetNodes != 0 || *c.View(at(100 * sec)).Properties.NodeStateCounts.LeavingNodeCount != 3 {
		t.Fatalf("after the delay: target %d, nodes %+v", c.TargetNodes, c.Nodes)
	}
	c.Advance(at(time.Hour), jobCfg)
	if got := viewState(c, at(time.Hour)); got != (state{alloc: "steady"}) {
		t.Errorf("idle auto-scale cluster: %+v", got)
	}
}

func TestAutoScaleKeepsNodesForTheNextJob(t *testing.T) {
	p := autoProps(1, 4, iptr(2))
	c := NewCluster(testClusterID, "demo_cluster", mustPrepare(t, p), t0, jobCfg)
	// Created with 2 nodes and no job: it shrinks to its minimum once the delay has passed.
	c.Advance(at(time.Minute-time.Nanosecond), jobCfg)
	if c.TargetNodes != 2 {
		t.Fatalf("initial nodes gone early: %d", c.TargetNodes)
	}
	c.Advance(at(time.Minute), jobCfg)
	if c.TargetNodes != 1 {
		t.Fatalf("not shrunk to the minimum: %d", c.TargetNodes)
	}
	// A job within the delay after the previous one reuses the nodes without any resize.
	c.Advance(at(2*time.Minute), jobCfg)
	j1 := submit(t, c, "j1", jobProps("true", 1), at(2*time.Minute), jobCfg)
	c.Advance(at(3*time.Minute), jobCfg)
	seq := c.NextNodeSeq
	j2 := submit(t, c, "j2", jobProps("true", 1), at(3*time.Minute), jobCfg)
	c.Advance(at(4*time.Minute), jobCfg)
	if j1.State != "succeeded" || j2.State != "succeeded" || c.NextNodeSeq != seq || c.TargetNodes != 1 {
		t.Errorf("j1 %s, j2 %s, %d new nodes, target %d", j1.State, j2.State, c.NextNodeSeq-seq, c.TargetNodes)
	}
}

func TestResizeDownDeallocation(t *testing.T) {
	for opt, want := range map[string]string{
		api.DeallocationRequeue: "queued", api.DeallocationTerminate: "failed", api.DeallocationWaitForJobCompletion: "running",
	} {
		t.Run(opt, func(t *testing.T) {
			c := NewCluster(testClusterID, "demo_cluster", mustPrepare(t, minimalProps(2)), t0, jobCfg)
			c.Advance(at(10*sec), jobCfg)
			j := submit(t, c, "j", jobProps("true", 2), at(10*sec), jobCfg)
			c.Advance(at(20*sec), jobCfg)
			s := manual(1)
			s.Manual.NodeDeallocationOption = sptr(opt)
			if err := c.Resize(s, at(20*sec), jobCfg); err != nil {
				t.Fatal(err)
			}
			if j.State != want {
				t.Fatalf("job %s, want %s", j.State, want)
			}
			c.Advance(at(42*sec), jobCfg)
			switch opt {
			case api.DeallocationWaitForJobCompletion:
				if j.State != "succeeded" || *c.View(at(42 * sec)).Properties.NodeStateCounts.LeavingNodeCount != 1 {
					t.Errorf("after the job: %s, nodes %+v", j.State, c.Nodes)
				}
			case api.DeallocationTerminate:
				if *j.Errors[0].Code != CodeJobTerminated {
					t.Errorf("errors %s", mustJSON(t, j.Errors))
				}
			case api.DeallocationRequeue:
				if j.State != "queued" || j.Attempts != 1 {
					t.Errorf("a 2-node job on a 1-node cluster stays queued: %s", j.State)
				}
			}
		})
	}
}

func TestClusterDeleteFailsItsJobs(t *testing.T) {
	c := NewCluster(testClusterID, "demo_cluster", mustPrepare(t, minimalProps(1)), t0, jobCfg)
	c.Advance(at(10*sec), jobCfg)
	run := submit(t, c, "run", jobProps("sleep 60", 1), at(10*sec), jobCfg)
	wait := submit(t, c, "wait", jobProps("true", 1), at(10*sec), jobCfg)
	c.Advance(at(20*sec), jobCfg)
	c.BeginDelete(at(20 * sec))
	for _, j := range []*Job{run, wait} {
		if j.State != "failed" || *j.Errors[0].Code != CodeClusterDeleted {
			t.Errorf("%s: %s %s", j.Name, j.State, mustJSON(t, j.Errors))
		}
	}
	if !c.DeleteDone(at(30*sec), jobCfg) {
		t.Error("the cluster did not finish deleting")
	}
}

func TestJobsOnUnusableOrMissingNodesWait(t *testing.T) {
	c := NewCluster(testClusterID, "demo_cluster", mustPrepare(t, withSetupTask(minimalProps(1), "exit 1")), t0, jobCfg)
	j := submit(t, c, "j", jobProps("true", 1), t0, jobCfg)
	c.Advance(at(time.Hour), jobCfg)
	if j.State != "queued" {
		t.Errorf("a job ran on an unusable node: %s", j.State)
	}
	limited := jobCfg
	limited.RegionalCapacity = 2
	a := NewCluster(testClusterID, "demo_cluster", mustPrepare(t, autoProps(0, 5, nil)), t0, limited)
	wide := submit(t, a, "wide", jobProps("true", 3), t0, limited)
	a.Advance(at(time.Hour), limited)
	if wide.State != "queued" || a.TargetNodes != 3 || len(a.Nodes) != 2 || len(a.View(at(time.Hour)).Properties.Errors) != 1 {
		t.Errorf("beyond regional capacity: job %s, target %d, %d nodes", wide.State, a.TargetNodes, len(a.Nodes))
	}
}

// TestJobsAdvanceOneJumpEqualsManySteps: with jobs, preemption and auto-scale, advancing in small steps
// lands in exactly the state one jump gives.
func TestJobsAdvanceOneJumpEqualsManySteps(t *testing.T) {
	cfgs := []Config{
		jobCfg,
		{ProvisioningDelay: 3 * sec, AllocationDelay: sec, JobDuration: 7 * sec, ScaleDownDelay: 5 * sec, PreemptionInterval: 11 * sec},
		{JobDuration: 4 * sec},
	}
	play := func(cfg Config, step time.Duration) string {
		p := autoProps(0, 3, iptr(1))
		p.VMPriority = sptr(api.VMPriorityLowPriority)
		c := NewCluster(testClusterID, "demo_cluster", mustPrepare(t, p), t0, cfg)
		var jobs []*Job
		ops := []struct {
			at time.Duration
			do func(now time.Time)
		}{
			{2 * sec, func(now time.Time) { jobs = append(jobs, submit(t, c, "a", jobProps("sleep 5", 2), now, cfg)) }},
			{3 * sec, func(now time.Time) {
				jobs = append(jobs, submit(t, c, "b", withPriority(jobProps("true", 1), "high"), now, cfg))
			}},
			{9 * sec, func(now time.Time) { jobs = append(jobs, submit(t, c, "c", jobProps("exit 2", 3), now, cfg)) }},
			{15 * sec, func(now time.Time) { c.TerminateJob(jobs[0], now, now.Add(2*sec), cfg) }},
			{21 * sec, func(now time.Time) { c.PreemptNodes(1, now, cfg) }},
			{40 * sec, func(now time.Time) { c.RemoveJob(jobs[2], now, cfg) }},
		}
		now := time.Duration(0)
		for _, o := range append(ops, struct {
			at time.Duration
			do func(time.Time)
		}{at: 2 * time.Minute}) {
			for step > 0 && now+step < o.at {
				now += step
				c.Advance(at(now), cfg)
			}
			now = o.at
			c.Advance(at(now), cfg)
			if o.do != nil {
				o.do(at(now))
			}
		}
		b, _ := json.Marshal(struct {
			C *Cluster
			J []*Job
		}{c, jobs})
		return string(b)
	}
	for _, cfg := range cfgs {
		jump := play(cfg, 0)
		for _, step := range []time.Duration{300 * time.Millisecond, sec, 7 * sec} {
			if got := play(cfg, step); got != jump {
				t.Errorf("cfg %+v, step %v:\nsteps %s\njump  %s", cfg, step, got, jump)
			}
		}
	}
}
