package provider_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/emulatortest"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/sim"
	"github.com/batchai-tf/terraform-provider-batchai/internal/provider"
)

// Benchmarks of the provider over the plugin protocol (tfprotov6), without a Terraform CLI, plus the
// footprint figures (binary size, `providers schema` with the CLI). Targets (figures 10 and 13 of the
// research notes) and results: bench/README.md.

func benchServer(b *testing.B) tfprotov6.ProviderServer {
	b.Helper()
	srv, err := providerserver.NewProtocol6WithError(provider.New("bench")())()
	if err != nil {
		b.Fatal(err)
	}
	return srv
}

func getSchema(b *testing.B, srv tfprotov6.ProviderServer) *tfprotov6.GetProviderSchemaResponse {
	b.Helper()
	resp, err := srv.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		b.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			b.Fatalf("GetProviderSchema: %s: %s", d.Summary, d.Detail)
		}
	}
	return resp
}

// BenchmarkGetProviderSchema is GetProviderSchema as Terraform sends it (figure 13: ≤ 50 ms).
//   - cold: a new provider server each time, which is what every Terraform command that starts the
//     plugin pays (the framework then caches the schemas in the server).
//   - warm: the same server again.
func BenchmarkGetProviderSchema(b *testing.B) {
	b.Run("cold", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			getSchema(b, benchServer(b))
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
	})
	b.Run("warm", func(b *testing.B) {
		srv := benchServer(b)
		resp := getSchema(b, srv)
		b.ReportAllocs()
		for b.Loop() {
			getSchema(b, srv)
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
		b.ReportMetric(float64(len(resp.ResourceSchemas)+len(resp.DataSourceSchemas)), "schemas")
	})
}

// configValue is a value of the object type typ with every attribute null except those in set.
func configValue(b *testing.B, typ tftypes.Type, set map[string]tftypes.Value) *tfprotov6.DynamicValue {
	b.Helper()
	obj, ok := typ.(tftypes.Object)
	if !ok {
		b.Fatalf("provider schema type is %T, not an object", typ)
	}
	vals := map[string]tftypes.Value{}
	for name, t := range obj.AttributeTypes {
		if v, ok := set[name]; ok {
			vals[name] = v
		} else {
			vals[name] = tftypes.NewValue(t, nil)
		}
	}
	for name := range set {
		if _, ok := obj.AttributeTypes[name]; !ok {
			b.Fatalf("the provider schema has no attribute %q", name)
		}
	}
	dv, err := tfprotov6.NewDynamicValue(obj, tftypes.NewValue(obj, vals))
	if err != nil {
		b.Fatal(err)
	}
	return &dv
}

// BenchmarkRefreshClusters refreshes N clusters through the provider (ReadResource of imported state, as
// `terraform refresh` or plan does) and counts the requests the emulator receives: figure 10 wants
// exactly N GETs. The benchmark fails on any other count. ns/op is a whole refresh of N clusters.
func BenchmarkRefreshClusters(b *testing.B) {
	inst := emulatortest.Start(b, func(c *emulator.Config) { c.OperationDelay = -1 })
	if err := inst.Emulator.SetQuota("eastus", sim.Quota{Clusters: 1000, DedicatedVCPUs: 1000, LowPriorityVCPUs: 1000}); err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	ids := benchCreateClusters(b, inst, 100)

	srv := benchServer(b)
	schema := getSchema(b, srv)
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	cfg := configValue(b, schema.Provider.ValueType(), map[string]tftypes.Value{
		"metadata_host": str(inst.MetadataHost), "ca_certificate_file": str(inst.CACertificate),
		"subscription_id": str(inst.SubscriptionID), "tenant_id": str(inst.TenantID),
		"client_id": str(inst.ClientID), "client_secret": str(inst.ClientSecret),
		"use_cli": tftypes.NewValue(tftypes.Bool, false), "poll_interval": str("100ms"),
	})
	cr, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: cfg})
	if err != nil {
		b.Fatal(err)
	}
	for _, d := range cr.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			b.Fatalf("ConfigureProvider: %s: %s", d.Summary, d.Detail)
		}
	}

	// Import every cluster and read it once, as `terraform import` does, to get full states.
	type tracked struct {
		state   *tfprotov6.DynamicValue
		private []byte
	}
	states := make([]tracked, len(ids))
	for i, id := range ids {
		ir, err := srv.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: "batchai_cluster", ID: id.String()})
		if err != nil || len(ir.ImportedResources) != 1 {
			b.Fatalf("import %s: %v %v", id.Name, err, ir.Diagnostics)
		}
		st := tracked{state: ir.ImportedResources[0].State, private: ir.ImportedResources[0].Private}
		st.state, st.private = benchRead(b, srv, st.state, st.private)
		states[i] = st
	}

	for _, n := range []int{1, 10, 100} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			getsBefore := inst.Emulator.RequestCount("GET", "/clusters/")
			allBefore := inst.Emulator.RequestCount("", "/")
			b.ReportAllocs()
			rounds := 0
			for b.Loop() {
				for i := range n {
					states[i].state, states[i].private = benchRead(b, srv, states[i].state, states[i].private)
				}
				rounds++
			}
			gets := inst.Emulator.RequestCount("GET", "/clusters/") - getsBefore
			all := inst.Emulator.RequestCount("", "/") - allBefore
			if gets != n*rounds || all != n*rounds {
				b.Fatalf("%d refreshes of %d clusters sent %d cluster GETs and %d requests; want exactly %d of each",
					rounds, n, gets, all, n*rounds)
			}
			b.ReportMetric(float64(gets)/float64(rounds), "GETs/op")
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(rounds*n), "µs/cluster")
		})
	}
}

// benchCreateClusters creates n zero-node clusters in a new workspace "ws" with the ARM client.
func benchCreateClusters(b *testing.B, inst *emulatortest.Instance, n int) []api.ClusterID {
	b.Helper()
	ctx := b.Context()
	c, err := client.New(client.Options{
		Endpoint: inst.Endpoint, Audience: inst.Audience, SubscriptionID: inst.SubscriptionID,
		Credential: inst.Credential(b), Transport: inst.HTTPClient(), PollFrequency: 10 * time.Millisecond,
	})
	if err != nil {
		b.Fatal(err)
	}
	ws := api.WorkspaceID{SubscriptionID: inst.SubscriptionID, ResourceGroup: inst.ResourceGroup, Name: "ws"}
	wp, err := c.BeginCreateWorkspace(ctx, ws, api.WorkspaceCreateParameters{Location: api.Ptr("eastus")})
	if err == nil {
		_, err = wp.Wait(ctx)
	}
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]api.ClusterID, n)
	for i := range ids {
		ids[i] = api.ClusterID{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Workspace: ws.Name, Name: fmt.Sprintf("c-%03d", i)}
		p, err := c.BeginCreateCluster(ctx, ids[i], api.ClusterCreateParameters{Properties: &api.ClusterBaseProperties{
			VMSize:              api.Ptr("STANDARD_NC6"),
			ScaleSettings:       &api.ScaleSettings{Manual: &api.ManualScaleSettings{TargetNodeCount: api.Ptr(int32(0))}},
			UserAccountSettings: &api.UserAccountSettings{AdminUserName: api.Ptr("admin"), AdminUserPassword: api.Ptr("S3cret-pw!")},
		}})
		if err == nil {
			_, err = p.Wait(ctx)
		}
		if err != nil {
			b.Fatalf("create %s: %v", ids[i].Name, err)
		}
	}
	return ids
}

// benchRead is one ReadResource of a batchai_cluster.
func benchRead(b *testing.B, srv tfprotov6.ProviderServer, state *tfprotov6.DynamicValue, private []byte) (*tfprotov6.DynamicValue, []byte) {
	rr, err := srv.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{
		TypeName: "batchai_cluster", CurrentState: state, Private: private,
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, d := range rr.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			b.Fatalf("ReadResource: %s: %s", d.Summary, d.Detail)
		}
	}
	if rr.NewState == nil {
		b.Fatal("ReadResource removed the cluster from state")
	}
	return rr.NewState, rr.Private
}

// BenchmarkProviderFootprint builds the provider as a release does (CGO_ENABLED=0, -trimpath,
// -ldflags "-s -w"; .goreleaser.yml) and as `go build` does, and reports both sizes (figure 13: ≤ 40 MB).
// With a Terraform CLI (TF_ACC_TERRAFORM_PATH, exported by `make bench`) each iteration then runs
// `providers schema -json` on a configuration that uses only this provider (figure 13: ≤ 1 s);
// without one it only reports the sizes.
func BenchmarkProviderFootprint(b *testing.B) {
	root, err := filepath.Abs("../..")
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	goos, goarch := runtime.GOOS, runtime.GOARCH
	plugin := filepath.Join(dir, "plugins", "registry.terraform.io", "hashicorp", "batchai", "0.0.1", goos+"_"+goarch, "terraform-provider-batchai")
	build := func(out string, env []string, args ...string) float64 {
		cmd := exec.Command("go", append(append([]string{"build"}, args...), "-o", out, ".")...)
		cmd.Dir, cmd.Env = root, append(os.Environ(), env...)
		if msg, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("go build: %v\n%s", err, msg)
		}
		fi, err := os.Stat(out)
		if err != nil {
			b.Fatal(err)
		}
		return float64(fi.Size()) / (1 << 20)
	}
	release := build(plugin, []string{"CGO_ENABLED=0"}, "-trimpath", "-ldflags", "-s -w")
	plain := build(filepath.Join(dir, "plain"), nil)

	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		b.Logf("no TF_ACC_TERRAFORM_PATH: `providers schema` not timed (run `make bench`)")
		b.ReportMetric(release, "release-MiB")
		b.ReportMetric(plain, "gobuild-MiB")
		return
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"),
		[]byte("terraform {\n  required_providers {\n    batchai = { source = \"registry.terraform.io/hashicorp/batchai\" }\n  }\n}\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "empty.tfrc"), nil, 0o600); err != nil {
		b.Fatal(err)
	}
	run := func(args ...string) []byte {
		cmd := exec.Command(tf, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+filepath.Join(dir, "empty.tfrc"), "TF_IN_AUTOMATION=1",
			"CHECKPOINT_DISABLE=1", "TF_PLUGIN_CACHE_DIR=", "TF_DATA_DIR=", "TF_CLI_ARGS=", "TF_REATTACH_PROVIDERS=")
		out, err := cmd.Output()
		if err != nil {
			msg := ""
			if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
				msg = string(ee.Stderr)
			}
			b.Fatalf("%s %v: %v\n%s%s", tf, args, err, out, msg)
		}
		return out
	}
	run("init", "-input=false", "-no-color", "-plugin-dir=./plugins")
	size := 0
	for b.Loop() {
		size = len(run("providers", "schema", "-json"))
	}
	b.ReportMetric(release, "release-MiB")
	b.ReportMetric(plain, "gobuild-MiB")
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "schema-ms")
	b.ReportMetric(float64(size)/1024, "schema-KiB")
}
