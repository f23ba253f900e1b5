package emulator

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/auth"
)

// ARM-style throttling (Config.Throttle): ARM meters requests per subscription and principal with token
// buckets, one per category of request (arm-terraform-notes.md 1.4). A request takes a token from its
// bucket, which refills continuously up to its size; with none left the answer is 429
// SubscriptionRequestsThrottled with Retry-After (whole seconds until a token is back), and the request
// is not processed. Every ARM answer then carries x-ms-ratelimit-remaining-subscription-<category>, the
// tokens left. Buckets refill lazily from the emulator's clock (Config.Now), like the rest of its state.
// The token, OpenID and metadata endpoints are not metered.

// TokenBucket is one category's limit.
type TokenBucket struct {
	// Size is how many tokens a full bucket holds: the burst a client may send at once.
	Size int
	// RefillPerSecond is how many tokens come back every second.
	RefillPerSecond float64
}

// ThrottleLimits are the buckets of each category: reads (GET, HEAD), writes (PUT, PATCH, POST) and
// deletes (DELETE).
type ThrottleLimits struct {
	Reads, Writes, Deletes TokenBucket
}

// ARMThrottleLimits are ARM's documented limits per subscription and principal (Microsoft Learn,
// "Understand how Azure Resource Manager throttles requests", 2024): reads 250 with 25 per second, writes
// 200 with 10 per second, deletes 200 with 10 per second.
func ARMThrottleLimits() ThrottleLimits {
	return ThrottleLimits{
		Reads:   TokenBucket{Size: 250, RefillPerSecond: 25},
		Writes:  TokenBucket{Size: 200, RefillPerSecond: 10},
		Deletes: TokenBucket{Size: 200, RefillPerSecond: 10},
	}
}

// throttleCategories name the buckets, as the x-ms-ratelimit-remaining-subscription-* headers do.
var throttleCategories = []string{"reads", "writes", "deletes"}

func remainingHeader(category string) string {
	return "x-ms-ratelimit-remaining-subscription-" + category
}

func requestCategory(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead:
		return "reads"
	case http.MethodDelete:
		return "deletes"
	}
	return "writes"
}

func (l ThrottleLimits) bucket(category string) TokenBucket {
	switch category {
	case "reads":
		return l.Reads
	case "deletes":
		return l.Deletes
	}
	return l.Writes
}

func (l ThrottleLimits) check() error {
	for _, c := range throttleCategories {
		if b := l.bucket(c); b.Size < 1 || b.RefillPerSecond <= 0 || math.IsInf(b.RefillPerSecond, 0) {
			return fmt.Errorf("throttle limit for %s must have a size of at least 1 and a positive refill rate, got %+v", c, b)
		}
	}
	return nil
}

// throttler holds the buckets; the emulator's mutex guards it.
type throttler struct {
	limits ThrottleLimits
	// buckets maps "subscription principal category" to its state.
	buckets map[string]*bucketState
	// throttled counts the 429s answered, by "METHOD path" (lower-case path).
	throttled map[string]int
}

type bucketState struct {
	tokens float64
	at     time.Time
}

func newThrottler(limits *ThrottleLimits) *throttler {
	t := &throttler{throttled: map[string]int{}}
	if limits != nil {
		t.limits, t.buckets = *limits, map[string]*bucketState{}
	}
	return t
}

// take takes a token for r at now. It returns the tokens left, and when none was left, how long until one
// is back.
func (t *throttler) take(key, category string, now time.Time) (int, time.Duration) {
	b := t.limits.bucket(category)
	st := t.buckets[key]
	if st == nil {
		st = &bucketState{tokens: float64(b.Size), at: now}
		t.buckets[key] = st
	}
	if now.After(st.at) {
		st.tokens = math.Min(float64(b.Size), st.tokens+now.Sub(st.at).Seconds()*b.RefillPerSecond)
		st.at = now
	}
	if st.tokens >= 1 {
		st.tokens--
		return int(st.tokens), 0
	}
	return 0, time.Duration((1 - st.tokens) / b.RefillPerSecond * float64(time.Second))
}

// meter applies throttling to an authenticated ARM request: it sets the remaining-requests header and
// returns the 429 to answer when the bucket is empty, or nil.
func (e *Emulator) meter(w http.ResponseWriter, r *http.Request) *apiError {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.throttle.buckets == nil {
		return nil
	}
	category := requestCategory(r.Method)
	sub := ""
	if segs := strings.Split(strings.Trim(r.URL.Path, "/"), "/"); len(segs) > 1 && strings.EqualFold(segs[0], "subscriptions") {
		sub = strings.ToLower(segs[1])
	}
	principal := ""
	if p, ok := auth.PrincipalFromContext(r.Context()); ok {
		principal = cmpOr(p.ObjectID, p.AppID)
	}
	left, wait := e.throttle.take(sub+" "+principal+" "+category, category, e.now())
	w.Header().Set(remainingHeader(category), strconv.Itoa(left))
	if wait <= 0 {
		return nil
	}
	e.throttle.throttled[r.Method+" "+strings.ToLower(r.URL.Path)]++
	ae := newError(http.StatusTooManyRequests, "SubscriptionRequestsThrottled", "Number of '%s' requests for "+
		"subscription '%s' actor '%s' exceeded. Please try again after '%d' seconds, when tokens are available "+
		"again.", strings.TrimSuffix(category, "s"), sub, principal, retrySeconds(wait))
	ae.Header = http.Header{}
	ae.Header.Set("Retry-After", strconv.Itoa(retrySeconds(wait)))
	return ae
}

// retrySeconds is a wait in ARM's Retry-After unit: whole seconds, rounded up, at least 1.
func retrySeconds(d time.Duration) int { return max(1, int(math.Ceil(d.Seconds()))) }

// ThrottledCount is how many requests with method ("" for any) and a path containing pathContains
// (case-insensitive) Config.Throttle answered 429. With RequestCount it tells whether a client retried
// more than throttling asked: RequestCount - ThrottledCount is what got through.
func (e *Emulator) ThrottledCount(method, pathContains string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return countMatching(e.throttle.throttled, method, pathContains)
}
