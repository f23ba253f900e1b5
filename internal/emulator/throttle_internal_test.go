package emulator

import (
	"testing"
	"time"
)

// TestThrottleBucketsPerPrincipal: each subscription and principal has its own buckets, which refill
// continuously and never beyond their size.
func TestThrottleBucketsPerPrincipal(t *testing.T) {
	limits := ThrottleLimits{Reads: TokenBucket{Size: 2, RefillPerSecond: 4}, Writes: TokenBucket{Size: 1, RefillPerSecond: 1},
		Deletes: TokenBucket{Size: 1, RefillPerSecond: 1}}
	th := newThrottler(&limits)
	t0 := time.Date(2018, 6, 7, 0, 0, 0, 0, time.UTC)
	for i, want := range []int{1, 0} {
		if left, wait := th.take("sub alice reads", "reads", t0); left != want || wait != 0 {
			t.Errorf("alice read %d: %d left, wait %v", i, left, wait)
		}
	}
	if _, wait := th.take("sub alice reads", "reads", t0); wait != 250*time.Millisecond {
		t.Errorf("alice's third read waits %v, want 250ms (one token at 4/s)", wait)
	}
	if left, wait := th.take("sub bob reads", "reads", t0); left != 1 || wait != 0 {
		t.Errorf("bob shares alice's bucket: %d left, wait %v", left, wait)
	}
	if left, wait := th.take("sub alice reads", "reads", t0.Add(250*time.Millisecond)); left != 0 || wait != 0 {
		t.Errorf("after 250ms: %d left, wait %v", left, wait)
	}
	if left, _ := th.take("sub alice reads", "reads", t0.Add(time.Hour)); left != 1 {
		t.Errorf("a bucket refilled beyond its size: %d left after a take", left)
	}
}
