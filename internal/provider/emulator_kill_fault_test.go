package provider

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// The kill -9 fault test: the emulator runs as its own process (the cmd/batchai-emulator binary) on a fixed port
// and data folder, is killed with SIGKILL while a cluster's create is under way, and restarts on the same folder,
// as a service that crashed and came back would. Its store is the same bbolt file an in-process emulator uses, so
// what this proves is that neither the provider nor the emulator loses or orphans anything across the crash.

// emulatorProcessLimit bounds the life of every emulator process a test starts: one that hangs is killed, and
// the test fails, long before go test's -timeout.
const emulatorProcessLimit = 5 * time.Minute

// buildEmulatorBinary compiles cmd/batchai-emulator into dir.
func buildEmulatorBinary(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "batchai-emulator")
	cmd := exec.Command("go", "build", "-o", bin, "../../cmd/batchai-emulator")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the emulator: %v\n%s", err, out)
	}
	return bin
}

// lockedBuffer is a bytes.Buffer that a process's output goroutine and the test may use at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// emulatorProcess is a running cmd/batchai-emulator.
type emulatorProcess struct {
	cmd    *exec.Cmd
	stderr *lockedBuffer
	exited chan struct{} // closed once the process has been waited for
}

// startEmulatorProcess runs bin on listen and dataDir with args, waits until it serves (it writes emulator.json,
// then prints its exports), and returns it with its connection details. The process is killed when the test
// ends, or after emulatorProcessLimit.
func startEmulatorProcess(t *testing.T, bin, listen, dataDir string, args ...string) (*emulatorProcess, emulator.Info) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--listen", listen, "--data", dataDir, "--quiet"}, args...)...)
	p := &emulatorProcess{cmd: cmd, stderr: &lockedBuffer{}, exited: make(chan struct{})}
	cmd.Stderr = p.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = cmd.Wait()
		close(p.exited)
	}()
	limit := time.AfterFunc(emulatorProcessLimit, func() {
		t.Errorf("the emulator process was still running after %s; killed", emulatorProcessLimit)
		_ = cmd.Process.Kill()
	})
	t.Cleanup(func() {
		limit.Stop()
		p.kill(t)
	})
	lines := make(chan string, 16)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	select {
	case _, ok := <-lines:
		if !ok {
			t.Fatalf("the emulator exited before serving: %s", p.stderr)
		}
	case <-time.After(time.Minute):
		t.Fatalf("the emulator printed nothing within a minute: %s", p.stderr)
	}
	go func() {
		for range lines { // The rest of the exports: drained so that the process never blocks on its stdout.
		}
	}()
	raw, err := os.ReadFile(filepath.Join(dataDir, "emulator.json"))
	if err != nil {
		t.Fatal(err)
	}
	var info emulator.Info
	if err := json.Unmarshal(raw, &info); err != nil {
		t.Fatalf("emulator.json: %v\n%s", err, raw)
	}
	return p, info
}

// kill sends SIGKILL (no graceful shutdown, no flush) and waits until the process is gone.
func (p *emulatorProcess) kill(t *testing.T) {
	t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	select {
	case <-p.exited:
	case <-time.After(time.Minute):
		t.Errorf("the emulator process did not end within a minute of SIGKILL")
	}
}

// freeLoopbackAddr is a loopback address whose port nothing listens on now, for an emulator that must come back
// on the same port after a restart (the configuration and the state name it).
func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	addr, ok := ln.Addr().(*net.TCPAddr)
	if !ok {
		t.Fatalf("listening on %s: not a TCP address", ln.Addr())
	}
	return "127.0.0.1:" + strconv.Itoa(addr.Port)
}

// waitForClusterInARM polls the emulator until the cluster exists (its create's PUT was processed).
func waitForClusterInARM(t *testing.T, c *client.Client, id api.ClusterID, applyDone <-chan struct{}) {
	t.Helper()
	ctx := testAccContext(t)
	err := pollUntil(ctx, 20*time.Millisecond, func(ctx context.Context) (bool, error) {
		select {
		case <-applyDone:
			return true, errors.New("the apply ended before the cluster's create was seen")
		default:
		}
		_, err := c.GetCluster(ctx, id)
		switch {
		case err == nil:
			return true, nil
		case client.IsNotFound(err):
			return false, nil
		}
		return true, err
	}, func(ctxErr error) error { return ctxErr })
	if err != nil {
		t.Fatalf("waiting for the cluster's create to reach the emulator: %v", err)
	}
}

// TestAccClusterResource_emulatorKilledDuringCreate kills the emulator process with SIGKILL while the cluster's
// create operation runs (its PUT processed, its wait under way), and restarts it on the same port and data folder:
//
//   - at once, so that the apply's wait (or its recovery) meets a service that is back;
//   - only after the apply ended, its create timeout run out while nothing answered.
//
// Whether that apply recovers or fails, nothing may be orphaned or lost: after it, and after a second apply, ARM
// holds exactly what the state holds, and a plan then has nothing to do.
func TestAccClusterResource_emulatorKilledDuringCreate(t *testing.T) {
	t.Parallel()
	testAccPreCheck(t)
	bin := buildEmulatorBinary(t, t.TempDir())
	for _, tc := range []struct {
		name          string
		restartAtOnce bool
		timeouts      string
	}{
		{name: "restart at once", restartAtOnce: true},
		{name: "down past the create timeout", timeouts: "  timeouts {\n    create = \"10s\"\n  }\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dataDir, listen := t.TempDir(), freeLoopbackAddr(t)
			// The create's operation lasts 3 s, long enough for the test to see its PUT land and kill the emulator
			// while the provider waits.
			delays := []string{"--operation-delay", "3s", "--provisioning-delay", "500ms", "--allocation-delay", "200ms"}
			emu, info := startEmulatorProcess(t, bin, listen, dataDir, delays...)
			id := api.ClusterID{SubscriptionID: info.SubscriptionID, ResourceGroup: info.ResourceGroup, Workspace: "ws", Name: "c1"}
			run := newCLIWorkdirWith(t, testAccProviderWithTiming(testAccFaultTiming), nil)
			run.writeConfig(testAccClusterConfig(info, testAccClusterManual("Standard_NC6", 1)+tc.timeouts))

			ctx, cancel := context.WithTimeout(context.Background(), cliCommandLimit)
			defer cancel()
			apply, out := run.command(ctx, "apply", "-auto-approve", "-input=false", "-no-color")
			if err := apply.Start(); err != nil {
				t.Fatal(err)
			}
			applyDone, applyErr := make(chan struct{}), error(nil)
			go func() {
				applyErr = apply.Wait()
				close(applyDone)
			}()
			waitForClusterInARM(t, testAccClient(t, info), id, applyDone)
			emu.kill(t)
			if !tc.restartAtOnce {
				<-applyDone
			}
			_, restarted := startEmulatorProcess(t, bin, listen, dataDir, delays...)
			if restarted != info {
				t.Fatalf("the restarted emulator's connection details differ:\n%+v\nwant\n%+v", restarted, info)
			}
			<-applyDone
			if ctx.Err() != nil {
				t.Fatalf("the apply did not end within %s:\n%s", cliCommandLimit, out)
			}
			failed := applyErr != nil
			tail := out.String()
			tail = tail[max(0, len(tail)-1500):]
			t.Logf("the apply across the crash failed: %v; its output ends:\n%s", failed, tail)
			if !tc.restartAtOnce && !failed {
				t.Fatalf("the apply succeeded although the emulator was down until it ended:\n%s", out)
			}
			// After the apply, failed or not, nothing is orphaned or lost (a cluster whose create failed is in
			// the state, tainted).
			checkARMMatchesState(t, info, run.stateIDs())
			if failed {
				if res, ok := run.state()[testAccClusterAddr]; !ok || !res.Tainted {
					t.Errorf("after the failed apply the cluster is in the state: %v, tainted: %v; want it there, tainted", ok, res.Tainted)
				}
			}

			run.mustApply()
			checkARMMatchesState(t, info, run.stateIDs())
			if res := run.state()[testAccClusterAddr]; res.Tainted || res.Values["allocation_state"] != api.AllocationStateSteady {
				t.Errorf("after the second apply the cluster is tainted: %v, allocation_state %v; want steady, untainted",
					res.Tainted, res.Values["allocation_state"])
			}
			if changes, planOut := run.plan(); changes {
				t.Errorf("a plan after the second apply has changes:\n%s", planOut)
			}
			if _, err := run.destroy(); err != nil {
				t.Fatalf("destroy: %v", err)
			}
			checkARMMatchesState(t, info, nil)
		})
	}
}
