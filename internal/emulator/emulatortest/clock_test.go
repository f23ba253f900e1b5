package emulatortest

import (
	"testing"
	"time"
)

func TestClockPausedStandsStillUntilAdvanced(t *testing.T) {
	at := time.Date(2018, 6, 7, 21, 16, 0, 0, time.UTC)
	c := NewPausedClock(at)
	if got := c.Now(); !got.Equal(at) {
		t.Fatalf("paused clock reads %s, want %s", got, at)
	}
	c.Advance(90 * time.Second)
	c.Advance(-time.Hour)
	if got, want := c.Now(), at.Add(90*time.Second); !got.Equal(want) {
		t.Fatalf("after Advance(90s) and Advance(-1h): %s, want %s", got, want)
	}
}

// TestClockResumesWhereItStood: a resumed clock runs on from the time it was paused at (shifted by any
// Advance), never from the wall clock, and Pause freezes it again.
func TestClockResumesWhereItStood(t *testing.T) {
	at := time.Now().Add(-time.Hour)
	c := NewPausedClock(at)
	c.Advance(time.Minute)
	start := at.Add(time.Minute)
	before := time.Now()
	c.Resume()
	got := c.Now()
	if elapsed := time.Since(before); got.Before(start) || got.Sub(start) > elapsed {
		t.Fatalf("resumed clock reads %s, want within %s after %s", got, elapsed, start)
	}
	c.Advance(time.Hour)
	if got := c.Now(); got.Before(start.Add(time.Hour)) {
		t.Fatalf("running clock after Advance(1h) reads %s, before %s", got, start.Add(time.Hour))
	}
	c.Pause()
	frozen := c.Now()
	c.Pause() // pausing twice keeps the first instant
	if again := c.Now(); !again.Equal(frozen) {
		t.Fatalf("paused clock moved from %s to %s", frozen, again)
	}
}

func TestClockRunningFollowsTheWallClock(t *testing.T) {
	c := NewClock()
	before := time.Now()
	got := c.Now()
	if got.Before(before) || got.Sub(before) > time.Since(before) {
		t.Fatalf("running clock reads %s, wall clock %s", got, before)
	}
}
