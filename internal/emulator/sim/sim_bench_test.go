package sim_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/sim"
)

// Benchmarks of the cluster simulation, which runs inside every emulator request that touches a cluster
// (GET advances and projects it, usages sum over every cluster of a location). Results: bench/README.md.

var benchT0 = time.Date(2018, 6, 7, 21, 16, 0, 0, time.UTC)

func benchProps(b *testing.B, target int32) api.ClusterBaseProperties {
	b.Helper()
	p, err := sim.PrepareCreate(api.ClusterBaseProperties{
		VMSize:              api.Ptr("STANDARD_NC6"),
		ScaleSettings:       &api.ScaleSettings{Manual: &api.ManualScaleSettings{TargetNodeCount: api.Ptr(target)}},
		UserAccountSettings: &api.UserAccountSettings{AdminUserName: api.Ptr("admin"), AdminUserPassword: api.Ptr("S3cret-pw!")},
		NodeSetup: &api.NodeSetup{SetupTask: &api.SetupTask{
			CommandLine:         api.Ptr("apt install unzip -y"),
			StdOutErrPathPrefix: api.Ptr("$AZ_BATCHAI_MOUNT_ROOT/afs"),
			EnvironmentVariables: []api.EnvironmentVariable{
				{Name: api.Ptr("MODE"), Value: api.Ptr("train")},
				{Name: api.Ptr("EPOCHS"), Value: api.Ptr("10")},
			},
		}},
	})
	if err != nil {
		b.Fatal(err)
	}
	return p
}

func clusterID(i int) string {
	return fmt.Sprintf("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"+
		"Microsoft.BatchAI/workspaces/ws/clusters/c%03d", i)
}

// fresh copies c for Advance, which changes only the node list and scalar fields (never Props).
func fresh(c *sim.Cluster) *sim.Cluster {
	cp := *c
	cp.Nodes = slices.Clone(c.Nodes)
	return &cp
}

// BenchmarkAdvance100Nodes brings a 100-node cluster forward by one hour, past every node event (the
// emulator does this on the first read after a restart or a long idle spell).
//   - uniform: all 100 nodes were requested at once (one create), so they change state together.
//   - staggered: the target grew by one node a second, so each node has its own events (200 of them).
func BenchmarkAdvance100Nodes(b *testing.B) {
	cfg := sim.Config{ProvisioningDelay: 10 * time.Minute, AllocationDelay: 20 * time.Second}
	uniform := sim.NewCluster(clusterID(0), "c000", benchProps(b, 100), benchT0, cfg)

	staggered := sim.NewCluster(clusterID(1), "c001", benchProps(b, 0), benchT0, cfg)
	for i := 1; i <= 100; i++ {
		s := api.ScaleSettings{Manual: &api.ManualScaleSettings{TargetNodeCount: api.Ptr(int32(i))}}
		if err := staggered.Resize(s, benchT0.Add(time.Duration(i)*time.Second), cfg); err != nil {
			b.Fatal(err)
		}
	}
	jump := benchT0.Add(time.Hour)
	for _, tc := range []struct {
		name string
		c    *sim.Cluster
	}{{"uniform", uniform}, {"staggered", staggered}} {
		b.Run(tc.name, func(b *testing.B) {
			// Fresh copies are restored in batches with the timer stopped: stopping it on every
			// iteration would cost more than the work measured.
			var pool []*sim.Cluster
			b.ReportAllocs()
			for b.Loop() {
				if len(pool) == 0 {
					b.StopTimer()
					for range 256 {
						pool = append(pool, fresh(tc.c))
					}
					b.StartTimer()
				}
				c := pool[len(pool)-1]
				pool = pool[:len(pool)-1]
				c.Advance(jump, cfg)
				if c.AllocationState != api.AllocationStateSteady || len(c.Nodes) != 100 {
					b.Fatalf("after the jump: %s with %d nodes", c.AllocationState, len(c.Nodes))
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100, "ns/node")
		})
	}
}

// BenchmarkViewMarshal is the body of a cluster GET: View (a projected, secret-free copy) plus the JSON
// encoding, for a steady cluster of 0 and of 100 nodes.
func BenchmarkViewMarshal(b *testing.B) {
	cfg := sim.Config{ProvisioningDelay: time.Minute}
	for _, nodes := range []int32{0, 100} {
		c := sim.NewCluster(clusterID(0), "c000", benchProps(b, nodes), benchT0, cfg)
		now := benchT0.Add(time.Hour)
		c.Advance(now, cfg)
		b.Run(fmt.Sprintf("nodes=%d", nodes), func(b *testing.B) {
			b.ReportAllocs()
			size := 0
			for b.Loop() {
				body, err := json.Marshal(c.View(now))
				if err != nil {
					b.Fatal(err)
				}
				size = len(body)
			}
			b.ReportMetric(float64(size), "body-bytes")
		})
	}
}

// BenchmarkUsages100Clusters is GET …/usages over 100 clusters of 4 nodes (a subscription at 8× the
// default cluster quota).
func BenchmarkUsages100Clusters(b *testing.B) {
	cfg := sim.Config{ProvisioningDelay: time.Minute}
	clusters := make([]*sim.Cluster, 100)
	props := benchProps(b, 4)
	for i := range clusters {
		clusters[i] = sim.NewCluster(clusterID(i), fmt.Sprintf("c%03d", i), props, benchT0, cfg)
	}
	q := sim.DefaultQuota()
	q.Location, q.Clusters, q.DedicatedVCPUs = "eastus", 1000, 10_000
	b.ReportAllocs()
	lines := 0
	for b.Loop() {
		lines = len(sim.Usages(q, clusters))
	}
	b.ReportMetric(float64(lines), "lines")
}
