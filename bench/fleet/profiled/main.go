// Command profiled is the provider with profiles, for the fleet benchmark only (bench/fleet): it serves as main.go
// does (its logging switch included) and, when FLEETBENCH_CPUPROFILE names a folder, writes there the CPU profile
// of its whole life as cpu-<pid>.pprof once Terraform has shut it down, and a heap profile as heap-<pid>.pprof,
// taken when the heap in use was at its largest (sampled twice a second).
package main

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"

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
		go sampleHeapPeak(filepath.Join(dir, fmt.Sprintf("heap-%d.pprof", os.Getpid())))
	}
	err := provider.Serve("bench", false)
	if err != nil {
		log.Print(err)
	}
}

// sampleHeapPeak writes a heap profile to path whenever the heap in use has grown by a tenth since the last one.
func sampleHeapPeak(path string) {
	var peak uint64
	for range time.Tick(500 * time.Millisecond) {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		if ms.HeapInuse <= peak+peak/10 {
			continue
		}
		peak = ms.HeapInuse
		if f, err := os.Create(path); err == nil {
			_ = pprof.WriteHeapProfile(f)
			_ = f.Close()
		}
	}
}
