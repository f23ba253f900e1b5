package emulator_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	armclient "github.com/batchai-tf/terraform-provider-batchai/internal/client"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/emulatortest"
)

// Concurrent read throughput of the emulator: a cluster GET is a read-only store transaction (bbolt View,
// no fsync once the cluster is steady) plus token validation, simulation and JSON. Results: bench/README.md.

// benchEmulator starts an emulator holding a steady two-node cluster and returns the cluster's path.
func benchEmulator(b *testing.B) (*emulatortest.Instance, string) {
	b.Helper()
	inst := emulatortest.Start(b, func(c *emulator.Config) { c.OperationDelay = -1 })
	c, err := armclient.New(armclient.Options{
		Endpoint: inst.Endpoint, Audience: inst.Audience, SubscriptionID: inst.SubscriptionID,
		Credential: inst.Credential(b), Transport: inst.HTTPClient(), PollFrequency: 10 * time.Millisecond,
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	ws := api.WorkspaceID{SubscriptionID: inst.SubscriptionID, ResourceGroup: inst.ResourceGroup, Name: "ws"}
	wp, err := c.BeginCreateWorkspace(ctx, ws, api.WorkspaceCreateParameters{Location: api.Ptr("eastus")})
	if err == nil {
		_, err = wp.Wait(ctx)
	}
	if err != nil {
		b.Fatal(err)
	}
	id := api.ClusterID{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Workspace: ws.Name, Name: "c1"}
	cp, err := c.BeginCreateCluster(ctx, id, api.ClusterCreateParameters{Properties: &api.ClusterBaseProperties{
		VMSize:              api.Ptr("STANDARD_NC6"),
		ScaleSettings:       &api.ScaleSettings{Manual: &api.ManualScaleSettings{TargetNodeCount: api.Ptr(int32(2))}},
		UserAccountSettings: &api.UserAccountSettings{AdminUserName: api.Ptr("admin"), AdminUserPassword: api.Ptr("S3cret-pw!")},
	}})
	if err == nil {
		_, err = cp.Wait(ctx)
	}
	if err != nil {
		b.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		cl, err := c.GetCluster(ctx, id)
		if err != nil {
			b.Fatal(err)
		}
		if api.Deref(cl.Properties.AllocationState) == api.AllocationStateSteady && api.Deref(cl.Properties.CurrentNodeCount) == 2 {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("the cluster never became steady: %+v", cl.Properties)
		}
	}
	return inst, id.String() + "?api-version=" + api.APIVersion
}

// BenchmarkConcurrentClusterGET runs cluster GETs from 4 goroutines per CPU.
//   - handler: straight into the emulator's http.Handler (store, auth, simulation, JSON; no network).
//   - https: through TLS on loopback with keep-alive connections, as the provider reaches it.
func BenchmarkConcurrentClusterGET(b *testing.B) {
	inst, path := benchEmulator(b)
	auth := "Bearer " + inst.Token(b)

	b.Run("handler", func(b *testing.B) {
		h := inst.Emulator.Handler()
		b.ReportAllocs()
		b.SetParallelism(4)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				req := httptest.NewRequest(http.MethodGet, inst.Endpoint+path, nil)
				req.Header.Set("Authorization", auth)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Errorf("GET: %d %s", rec.Code, rec.Body)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	})

	b.Run("https", func(b *testing.B) {
		hc := inst.HTTPClient()
		b.ReportAllocs()
		b.SetParallelism(4)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := benchGET(hc, inst.Endpoint+path, auth); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	})
}

func benchGET(hc *http.Client, url, auth string) error {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", auth)
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET: %s", resp.Status)
	}
	return nil
}
