package emulator_test

import (
	"net"
	"runtime"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/emulatortest"
)

// serveReturnDeadline bounds how long Serve may keep running after Close. Close stops the listener at once,
// so a healthy Serve returns in microseconds; the margin is for a loaded machine under -race.
const serveReturnDeadline = 10 * time.Second

// TestCloseDuringServeStartStopsServe closes the emulator while Serve is between its first check of "closed"
// and registering its http.Server. Before the fix, Close found no server to stop there, srv.Serve ran forever
// and every caller waiting for Serve to return (emulatortest's cleanup) hung. Serve binds its origin first when
// Config.BaseURL is empty, so BaseURL turning non-empty shows that Serve is inside that window: it then loads
// the TLS key pair from disk before registering.
func TestCloseDuringServeStartStopsServe(t *testing.T) {
	for i := range 20 {
		emu, err := emulator.New(emulator.Config{DataDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		served := make(chan error, 1)
		go func() { served <- emu.Serve(ln) }()
		for deadline := time.Now().Add(serveReturnDeadline); emu.BaseURL() == ""; runtime.Gosched() {
			if time.Now().After(deadline) {
				t.Fatalf("run %d: Serve did not bind its origin in %s", i, serveReturnDeadline)
			}
		}
		if err := emu.Close(); err != nil {
			t.Fatalf("run %d: close: %v", i, err)
		}
		select {
		case err := <-served:
			if err != nil {
				t.Fatalf("run %d: Serve after Close returned %v, want nil", i, err)
			}
		case <-time.After(serveReturnDeadline):
			t.Fatalf("run %d: Serve still running %s after Close (Close raced Serve's start); goroutines:\n%s",
				i, serveReturnDeadline, emulatortest.Goroutines())
		}
	}
}

// TestServeAfterCloseReturnsAtOnce: a Serve that starts after Close returns nil (as after any Close) and
// releases the listener instead of serving on it.
func TestServeAfterCloseReturnsAtOnce(t *testing.T) {
	emu, err := emulator.New(emulator.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if err := emu.Close(); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- emu.Serve(ln) }()
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("Serve after Close: %v, want nil", err)
		}
	case <-time.After(serveReturnDeadline):
		t.Fatalf("Serve after Close still running after %s", serveReturnDeadline)
	}
	if _, err := ln.Accept(); err == nil {
		t.Error("the listener is still open after Serve returned")
	}
}
