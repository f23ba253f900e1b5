package emulatortest

import (
	"sync"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// Clock is a clock for emulator.Config.Now that a test controls. The emulator computes every time-dependent
// state (operations, node allocation, deletions) from its clock, so a test that checks a state which only lasts
// a moment ("InProgress", "deleting", nodes "leaving") pauses the clock first: however slow the machine is, the
// state then lasts until the test moves time on. A wall-clock window of a few hundred milliseconds does not
// survive -race on two busy cores.
//
// A running Clock follows the wall clock, shifted by every Advance; a paused one stands still until Advance or
// Resume. Time never goes backwards.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration // added to the wall clock while running
	paused bool
	at     time.Time // the time while paused
}

// NewClock is a running clock at the wall clock's time.
func NewClock() *Clock { return &Clock{} }

// NewPausedClock is a clock paused at at.
func NewPausedClock(at time.Time) *Clock { return &Clock{paused: true, at: at} }

// WithClock makes the emulator use c, as an option of Start.
func WithClock(c *Clock) func(*emulator.Config) {
	return func(cfg *emulator.Config) { cfg.Now = c.Now }
}

// Now is the clock's current time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.paused {
		return c.at
	}
	return time.Now().Add(c.offset)
}

// Pause stops the clock at its current time.
func (c *Clock) Pause() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.paused {
		c.at, c.paused = time.Now().Add(c.offset), true
	}
}

// Resume lets a paused clock run again from the time it stands at.
func (c *Clock) Resume() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.paused {
		c.offset, c.paused = time.Until(c.at), false
	}
}

// Advance moves the clock forward by d (a negative d is ignored: time never goes backwards).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	d = max(d, 0)
	if c.paused {
		c.at = c.at.Add(d)
	} else {
		c.offset += d
	}
}
