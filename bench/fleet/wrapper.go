package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// The provider wrapper. Terraform starts the provider it finds through dev_overrides; there the harness puts a
// copy of itself named like the provider. Started under that name, the harness runs the real provider
// (wrapperProviderEnv) as its child, with the same arguments, environment and standard streams (go-plugin's
// handshake goes through stdout unchanged), and once the provider exits appends the kernel's accounting of it
// (wait4's rusage: user and system CPU, peak RSS) to wrapperUsageEnv. That is the provider's own cost, apart
// from Terraform core's, without changing a line of the provider.

const (
	// wrapperProviderEnv names the provider binary the wrapper runs.
	wrapperProviderEnv = "FLEETBENCH_PROVIDER"
	// wrapperUsageEnv names the file the wrapper appends one usageRecord line to per provider process.
	wrapperUsageEnv = "FLEETBENCH_USAGE_LOG"
	// wrapperChildEnv holds KEY=value pairs, separated by commas, that the wrapper adds to the provider's
	// environment only (say, GOGC or GOMEMLIMIT, which would change Terraform's own runtime too).
	wrapperChildEnv = "FLEETBENCH_PROVIDER_ENV"
	// providerBinaryName is the name Terraform looks for in a dev_overrides folder.
	providerBinaryName = "terraform-provider-batchai"
)

// usageRecord is the accounting of one provider process.
type usageRecord struct {
	UserSeconds   float64 `json:"user_s"`
	SystemSeconds float64 `json:"sys_s"`
	MaxRSSKiB     int64   `json:"maxrss_kib"`
	WallSeconds   float64 `json:"wall_s"`
}

// isWrapper reports whether this process was started as the provider.
func isWrapper() bool {
	return strings.HasPrefix(filepath.Base(os.Args[0]), providerBinaryName)
}

// runWrapper is the whole life of the wrapper process; it returns the exit status.
func runWrapper() int {
	provider := os.Getenv(wrapperProviderEnv)
	if provider == "" {
		fmt.Fprintln(os.Stderr, "fleet bench wrapper: "+wrapperProviderEnv+" is not set")
		return 1
	}
	cmd := exec.Command(provider, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if extra := os.Getenv(wrapperChildEnv); extra != "" {
		cmd.Env = append(os.Environ(), strings.Split(extra, ",")...)
	}
	// Terraform signals the whole process group on an interrupt, so the provider gets it directly; the
	// wrapper only has to outlive it to account for it.
	signal.Ignore(syscall.SIGINT)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "fleet bench wrapper:", err)
		return 1
	}
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM)
	go func() {
		for s := range term {
			_ = cmd.Process.Signal(s)
		}
	}()
	err := cmd.Wait()
	wall := time.Since(start)
	status := 0
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		status = exitErr.ExitCode()
	case err != nil:
		fmt.Fprintln(os.Stderr, "fleet bench wrapper:", err)
		return 1
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		writeUsage(usageRecord{
			UserSeconds:   seconds(ru.Utime),
			SystemSeconds: seconds(ru.Stime),
			MaxRSSKiB:     ru.Maxrss, // Linux reports kibibytes.
			WallSeconds:   wall.Seconds(),
		})
	}
	return status
}

func seconds(tv syscall.Timeval) float64 {
	return float64(tv.Sec) + float64(tv.Usec)/1e6
}

// writeUsage appends one line to the usage log. A single write of a short line to a file opened with O_APPEND
// is atomic, so provider processes that end together never interleave their lines.
func writeUsage(r usageRecord) {
	path := os.Getenv(wrapperUsageEnv)
	if path == "" {
		return
	}
	line, err := json.Marshal(r)
	if err != nil {
		return
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fleet bench wrapper:", err)
		return
	}
	_, _ = f.Write(append(line, '\n'))
	_ = f.Close()
}

// readUsage reads and removes the usage log: the provider processes of one Terraform command.
func readUsage(path string) ([]usageRecord, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if err := os.Remove(path); err != nil {
		return nil, err
	}
	var out []usageRecord
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		if line == "" {
			continue
		}
		var r usageRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			return nil, fmt.Errorf("usage log %s: %w", path, err)
		}
		out = append(out, r)
	}
	return out, nil
}
