package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The emulator, as a process of its own started with its command-line flags (as a user would run it), so that
// its CPU is accounted apart from Terraform's and the provider's. Its request log (one line per request) is
// how the harness counts requests by kind, and the 429s of throttling.

// emulatorProcess is a running batchai-emulator.
type emulatorProcess struct {
	cmd     *exec.Cmd
	info    emulatorInfo
	logPath string
	log     *os.File
}

// emulatorInfo is the part of the emulator's emulator.json the harness needs.
type emulatorInfo struct {
	MetadataHost   string `json:"metadata_host"`
	CACertificate  string `json:"ca_certificate"`
	TenantID       string `json:"tenant_id"`
	SubscriptionID string `json:"subscription_id"`
	ClientID       string `json:"client_id"`
	ClientSecret   string `json:"client_secret"`
	ResourceGroup  string `json:"resource_group"`
}

// startEmulator runs the emulator binary with args in a fresh data folder under dir and waits until it has
// written its connection file.
func startEmulator(bin, dir string, args []string) (*emulatorProcess, error) {
	data := filepath.Join(dir, "data")
	if err := os.MkdirAll(data, 0o700); err != nil {
		return nil, err
	}
	logPath := filepath.Join(dir, "requests.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, append([]string{"--listen", "127.0.0.1:0", "--data", data}, args...)...)
	cmd.Stdout = io.Discard
	cmd.Stderr = logFile
	if err := cmd.Start(); err != nil {
		_ = logFile.Close()
		return nil, err
	}
	e := &emulatorProcess{cmd: cmd, logPath: logPath, log: logFile}
	infoPath := filepath.Join(data, "emulator.json")
	deadline := time.Now().Add(60 * time.Second)
	for {
		raw, err := os.ReadFile(infoPath)
		if err == nil && json.Unmarshal(raw, &e.info) == nil && e.info.MetadataHost != "" {
			return e, nil
		}
		if time.Now().After(deadline) {
			e.stop()
			return nil, fmt.Errorf("the emulator wrote no %s within a minute (its log: %s)", infoPath, logPath)
		}
		time.Sleep(50 * time.Millisecond) // Polling for a file another process writes, with a deadline.
	}
}

// env is the environment that points the provider at the emulator, as the emulator's printed exports do.
func (e *emulatorProcess) env() []string {
	return []string{
		"ARM_SUBSCRIPTION_ID=" + e.info.SubscriptionID, "ARM_TENANT_ID=" + e.info.TenantID,
		"ARM_CLIENT_ID=" + e.info.ClientID, "ARM_CLIENT_SECRET=" + e.info.ClientSecret,
		"ARM_METADATA_HOSTNAME=" + e.info.MetadataHost, "ARM_CA_CERTIFICATE_FILE=" + e.info.CACertificate,
	}
}

// cpuSeconds is the emulator's user plus system CPU so far, from /proc/<pid>/stat.
func (e *emulatorProcess) cpuSeconds() float64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", e.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// The command name (field 2) is in parentheses and may hold spaces: count fields after the last ")".
	s := string(raw)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return 0
	}
	utime, _ := strconv.ParseFloat(fields[11], 64)
	stime, _ := strconv.ParseFloat(fields[12], 64)
	return (utime + stime) / clockTicks
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times: 100 on every Linux architecture Go supports.
const clockTicks = 100

// logOffset is the current size of the request log: the start of the next phase's lines.
func (e *emulatorProcess) logOffset() int64 {
	fi, err := e.log.Stat()
	if err != nil {
		return 0
	}
	return fi.Size()
}

// requestsSince counts the requests logged after offset, by kind ("PUT cluster"), and the throttled (429) ones.
func (e *emulatorProcess) requestsSince(offset int64) (requestCounts, error) {
	f, err := os.Open(e.logPath)
	if err != nil {
		return requestCounts{}, err
	}
	defer func() { _ = f.Close() }()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return requestCounts{}, err
	}
	rc := requestCounts{All: map[string]int{}, Throttled: map[string]int{}}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		method, path, status, ok := parseRequestLine(sc.Text())
		if !ok {
			continue
		}
		k := method + " " + requestKind(path)
		rc.All[k]++
		if status == 429 {
			rc.Throttled[k]++
		}
	}
	return rc, sc.Err()
}

// parseRequestLine reads the method, path and status of one line of the emulator's request log
// (slog's text format: `... msg=request method=GET path=/subscriptions/... status=200 ...`).
func parseRequestLine(line string) (method, path string, status int, ok bool) {
	if !strings.Contains(line, "msg=request ") {
		return "", "", 0, false
	}
	for _, f := range strings.Fields(line) {
		k, v, found := strings.Cut(f, "=")
		if !found {
			continue
		}
		switch k {
		case "method":
			method = v
		case "path":
			path = v
		case "status":
			status, _ = strconv.Atoi(v)
		}
	}
	return method, path, status, method != "" && path != ""
}

// requestKind names what a request path addresses.
func requestKind(path string) string {
	p := strings.ToLower(path)
	switch {
	case strings.Contains(p, "/operationresults/"), strings.Contains(p, "/operationstatuses/"):
		return "operation poll"
	case strings.HasSuffix(p, "/usages"):
		return "usages"
	case strings.Contains(p, "/clusters/"):
		return "cluster"
	case strings.HasSuffix(p, "/clusters"):
		return "cluster list"
	case strings.Contains(p, "/workspaces/"):
		return "workspace"
	case strings.Contains(p, "token"), strings.Contains(p, "/oauth2"), strings.Contains(p, "openid"):
		return "token"
	case strings.Contains(p, "metadata"):
		return "metadata"
	}
	return "other"
}

// requestCounts are the requests of one phase, by kind.
type requestCounts struct {
	All       map[string]int `json:"all"`
	Throttled map[string]int `json:"throttled,omitempty"`
}

// total is the number of requests of every kind.
func (rc requestCounts) total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// String lists the counts, busiest kind first.
func (rc requestCounts) String() string {
	keys := make([]string, 0, len(rc.All))
	for k := range rc.All {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if rc.All[keys[i]] != rc.All[keys[j]] {
			return rc.All[keys[i]] > rc.All[keys[j]]
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		s := fmt.Sprintf("%s %d", k, rc.All[k])
		if t := rc.Throttled[k]; t > 0 {
			s += fmt.Sprintf(" (%d throttled)", t)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// stop ends the emulator with SIGTERM (a graceful shutdown) and waits for it.
func (e *emulatorProcess) stop() {
	if e.cmd.Process != nil {
		_ = e.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- e.cmd.Wait() }()
		select {
		case err := <-done:
			_ = err // The emulator's exit status after a SIGTERM says nothing the benchmark needs.
		case <-time.After(15 * time.Second):
			_ = e.cmd.Process.Kill()
			err := <-done
			_ = err // Killed: the status is that of the kill.
		}
	}
	_ = e.log.Close()
}
