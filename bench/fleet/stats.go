package main

import (
	"fmt"
	"sort"
	"strings"
)

// summary is the median and range of one quantity over the runs of a phase.
type summary struct {
	Median, Min, Max float64
	Runs             int
}

func summarize(values []float64) summary {
	if len(values) == 0 {
		return summary{}
	}
	v := append([]float64{}, values...)
	sort.Float64s(v)
	mid := len(v) / 2
	med := v[mid]
	if len(v)%2 == 0 {
		med = (v[mid-1] + v[mid]) / 2
	}
	return summary{Median: med, Min: v[0], Max: v[len(v)-1], Runs: len(v)}
}

// format is "median [min-max]" with the given number of decimals.
func (s summary) format(decimals int) string {
	if s.Runs == 0 {
		return "-"
	}
	f := fmt.Sprintf("%%.%df [%%.%df-%%.%df]", decimals, decimals, decimals)
	return fmt.Sprintf(f, s.Median, s.Min, s.Max)
}

// results are every measurement of a benchmark run.
type results struct {
	// Header describes the run (runHeader).
	Header       string        `json:"header,omitempty"`
	Measurements []measurement `json:"measurements"`
	Throttled    []measurement `json:"throttled,omitempty"`
	// ThrottledError is why a command of the throttled run failed, if one did.
	ThrottledError string `json:"throttled_error,omitempty"`
}

// of returns the measurements of one phase, side and size.
func (r *results) of(phase, kind string, n int) []measurement {
	var out []measurement
	for _, m := range r.Measurements {
		if m.Phase == phase && m.Kind == kind && m.N == n {
			out = append(out, m)
		}
	}
	return out
}

// stat summarizes one quantity of the measurements.
func stat(ms []measurement, f func(measurement) float64) summary {
	v := make([]float64, len(ms))
	for i, m := range ms {
		v[i] = f(m)
	}
	return summarize(v)
}

func wall(m measurement) float64        { return m.WallSeconds }
func cpu(m measurement) float64         { return m.CPUSeconds }
func providerCPU(m measurement) float64 { return m.ProviderCPUSeconds }
func coreCPU(m measurement) float64     { return m.coreCPUSeconds() }
func emulatorCPU(m measurement) float64 { return m.EmulatorCPUSeconds }
func rssMiB(m measurement) float64      { return float64(m.ProviderMaxRSSKiB) / 1024 }

// ratio is a/b, printed as "4.2x".
func ratio(a, b summary) string {
	if b.Median == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1fx", a.Median/b.Median)
}

// writeTable writes the paired figures of every phase and size, Markdown style (bench/README.md quotes it).
func (r *results) writeTable(w *strings.Builder, sizes []int) {
	fmt.Fprintln(w, "| phase | N | batchai wall s | terraform_data wall s | wall ratio | batchai CPU s | terraform_data CPU s | CPU ratio | provider CPU s | core CPU s (batchai) | emulator CPU s | provider peak RSS MiB | runs |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, phase := range []string{phasePlan, phasePlanLocal, phaseApply, phaseDestroy} {
		for _, n := range sizes {
			b, f := r.of(phase, kindBatchAI, n), r.of(phase, kindFloor, n)
			if len(b) == 0 {
				continue
			}
			bw, fw, bc, fc := stat(b, wall), stat(f, wall), stat(b, cpu), stat(f, cpu)
			fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d |\n", phase, n,
				bw.format(2), fw.format(2), ratio(bw, fw), bc.format(2), fc.format(2), ratio(bc, fc),
				stat(b, providerCPU).format(2), stat(b, coreCPU).format(2), stat(b, emulatorCPU).format(2),
				stat(b, rssMiB).format(0), len(b))
		}
	}
}

// writeRequests writes the requests of the first batchai run of each phase and size, by kind, with the
// requests per cluster.
func (r *results) writeRequests(w *strings.Builder, sizes []int) {
	for _, phase := range []string{phasePlan, phasePlanLocal, phaseApply, phaseDestroy} {
		for _, n := range sizes {
			b := r.of(phase, kindBatchAI, n)
			if len(b) == 0 {
				continue
			}
			rc := b[0].Requests
			fmt.Fprintf(w, "%-20s N=%-4d %5d requests (%.2f per cluster): %s\n", phase, n, rc.total(rc.All),
				float64(rc.total(rc.All))/float64(n), rc)
		}
	}
}

// writeThrottled writes the throttled run: its figures and its requests, 429s included, and what got through
// (requests minus 429s) next to the first unthrottled run of the same phase and size. Every 429 asks for one
// retry after its Retry-After; when what got through matches the unthrottled counts (polls aside: they depend
// on how long the operations took), the provider retried exactly what throttling asked, no more.
func (r *results) writeThrottled(w *strings.Builder) {
	for _, m := range r.Throttled {
		rc := m.Requests
		fmt.Fprintf(w, "%-20s N=%-4d wall %.1f s, CPU %.1f s (provider %.1f s); %d requests, %d throttled (429): %s\n",
			m.Phase, m.N, m.WallSeconds, m.CPUSeconds, m.ProviderCPUSeconds, rc.total(rc.All), rc.total(rc.Throttled), rc)
		through := requestCounts{All: map[string]int{}}
		for k, v := range rc.All {
			through.All[k] = v - rc.Throttled[k]
		}
		fmt.Fprintf(w, "%-20s        got through: %s\n", "", through)
		if un := r.of(m.Phase, kindBatchAI, m.N); len(un) > 0 {
			fmt.Fprintf(w, "%-20s        unthrottled: %s\n", "", un[0].Requests)
		}
	}
}

// sizesOf lists the sizes measured for a phase, ascending.
func (r *results) sizesOf(phase string) []int {
	seen := map[int]bool{}
	var out []int
	for _, m := range r.Measurements {
		if m.Phase == phase && !seen[m.N] {
			seen[m.N] = true
			out = append(out, m.N)
		}
	}
	sort.Ints(out)
	return out
}

// parseSizes reads a comma-separated list of sizes.
func parseSizes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		var n int
		if _, err := fmt.Sscanf(strings.TrimSpace(f), "%d", &n); err != nil || n < 1 {
			return nil, fmt.Errorf("sizes must be positive integers separated by commas, got %q", s)
		}
		out = append(out, n)
	}
	return out, nil
}
