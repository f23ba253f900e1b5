// Command profiled is the provider with a CPU profile, for the fleet benchmark only (bench/fleet): it serves
// as main.go does (its logging switch included) and, when FLEETBENCH_CPUPROFILE names a folder, writes the CPU
// profile of its whole life there as cpu-<pid>.pprof once Terraform has shut it down.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime/pprof"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/batchai-tf/terraform-provider-batchai/internal/provider"
)

func main() {
	if dir := os.Getenv("FLEETBENCH_CPUPROFILE"); dir != "" {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("cpu-%d.pprof", os.Getpid())))
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer func() {
			pprof.StopCPUProfile()
			_ = f.Close()
		}()
	}
	if err := provider.SilenceUnreadLogs(); err != nil {
		log.Fatal(err)
	}
	err := providerserver.Serve(context.Background(), provider.New("bench"), providerserver.ServeOpts{
		Address: provider.Address,
	})
	if err != nil {
		log.Print(err)
	}
}
