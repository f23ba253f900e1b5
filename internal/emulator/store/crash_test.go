package store

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The tests below re-execute the test binary as a child process (selected by these environment variables) because
// durability and cross-process locking can only be proven across a real process boundary.
const (
	envChildMode = "STORE_TEST_CHILD_MODE" // "write" or "hold"
	envChildPath = "STORE_TEST_CHILD_PATH"
)

// TestChildProcess is the child's entry point; it does nothing in a normal run.
func TestChildProcess(t *testing.T) {
	mode, path := os.Getenv(envChildMode), os.Getenv(envChildPath)
	if mode == "" {
		t.Skip("helper process only")
	}
	s, err := Open(path)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	switch mode {
	case "write":
		// Write forever, acknowledging each key only after Update (and therefore fsync) returned, exactly like the
		// emulator answers an HTTP request only after its transaction committed.
		for i := 0; ; i++ {
			key := fmt.Sprintf("k%08d", i)
			if err := s.Update(func(tx *Tx) error { return tx.Put("acked", key, rec{N: i}) }); err != nil {
				fmt.Println("error", err)
				os.Exit(2)
			}
			fmt.Println("ack", i)
		}
	case "hold":
		fmt.Println("ready")
		time.Sleep(time.Minute) // killed by the parent long before this
	}
	os.Exit(0)
}

func startChild(t *testing.T, mode, path string) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), envChildMode+"="+mode, envChildPath+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// A child that hangs is killed after childLimit, which ends its output: the parent's reads of it then stop
	// and the test fails, instead of waiting for go test's -timeout.
	limit := time.AfterFunc(childLimit, func() {
		t.Errorf("the child (%s) was still running after %s; killed", mode, childLimit)
		_ = cmd.Process.Kill()
	})
	t.Cleanup(func() { limit.Stop(); _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd, bufio.NewScanner(out)
}

// childLimit bounds a child process's life. A healthy one is killed by its test within a second or two.
const childLimit = time.Minute

func TestAcknowledgedWritesSurviveKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	cmd, lines := startChild(t, "write", path)
	const wantAcks = 150
	lastAck := -1
	for lastAck < wantAcks-1 && lines.Scan() {
		f := strings.Fields(lines.Text())
		if len(f) != 2 || f[0] != "ack" {
			continue // the test framework's own output
		}
		n, err := strconv.Atoi(f[1])
		if err != nil || n != lastAck+1 {
			t.Fatalf("unexpected ack line %q after %d", lines.Text(), lastAck)
		}
		lastAck = n
	}
	if lastAck < wantAcks-1 {
		t.Fatalf("child stopped after %d acks: %v", lastAck+1, lines.Err())
	}
	// SIGKILL while the child is still writing: no deferred Close, no flush, nothing graceful.
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	s, err := Open(path) // also proves the kernel released the dead child's lock
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	err = s.View(func(tx *Tx) error {
		for i := 0; i <= lastAck; i++ {
			var r rec
			ok, err := tx.Get("acked", fmt.Sprintf("k%08d", i), &r)
			if err != nil {
				return err
			}
			if !ok || r.N != i {
				return fmt.Errorf("acknowledged write %d lost (found=%v, value=%+v)", i, ok, r)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSecondProcessGetsLockedError(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	path := filepath.Join(t.TempDir(), "locked.db")
	_, lines := startChild(t, "hold", path)
	ready := false
	for !ready && lines.Scan() {
		ready = lines.Text() == "ready"
	}
	if !ready {
		t.Fatalf("the child never held the lock: %v", lines.Err())
	}
	start := time.Now()
	_, err := OpenTimeout(path, 300*time.Millisecond)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("err = %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the file", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("took %v", d)
	}
}
