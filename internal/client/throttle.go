package client

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// ARM meters requests per subscription and principal with one token bucket per category (reads, writes,
// deletes), and a 429 says, with Retry-After, when that bucket has tokens again. azcore's retry policy makes
// only the throttled request wait; every other request of the process (Terraform runs ten operations at once
// through one provider) keeps drawing tokens as soon as they come back, so the throttled ones come back to an
// empty bucket, are throttled again and, after MaxRetries, fail: a fleet apply against ARM's limits ended in
// "429 SubscriptionRequestsThrottled" errors (bench/README.md). throttleGate makes the whole client respect a
// 429: until its Retry-After has passed, no request of the same subscription and category is sent, so the
// bucket refills and the requests that waited get its tokens.

// throttleGate is a per-try policy (it runs for every try, after azcore's retry policy) shared by all the
// requests of a Client.
type throttleGate struct {
	mu    sync.Mutex
	until map[string]time.Time // Keyed by throttleKey.
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
}

func newThrottleGate() *throttleGate {
	return &throttleGate{until: map[string]time.Time{}, now: time.Now, sleep: sleepContext}
}

// Do waits while the request's bucket is known to be empty, sends the request and, on a 429 with a
// Retry-After, closes the gate of its bucket until then.
func (g *throttleGate) Do(req *policy.Request) (*http.Response, error) {
	raw := req.Raw()
	key := throttleKey(raw)
	for {
		g.mu.Lock()
		wait := g.until[key].Sub(g.now())
		g.mu.Unlock()
		if wait <= 0 {
			break
		}
		if err := g.sleep(raw.Context(), wait); err != nil {
			return nil, err
		}
	}
	resp, err := req.Next()
	if err == nil && resp.StatusCode == http.StatusTooManyRequests {
		if d := retryAfter(resp); d > 0 {
			g.mu.Lock()
			if t := g.now().Add(d); t.After(g.until[key]) {
				g.until[key] = t
			}
			g.mu.Unlock()
		}
	}
	return resp, err
}

// closed reports whether the gate holds back the requests of key now.
func (g *throttleGate) closed(key string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.until[key].After(g.now())
}

// throttleKey names the bucket a request draws from: its subscription (the first path segment after
// /subscriptions/, or "" for tenant-level paths) and ARM's category of its method.
func throttleKey(r *http.Request) string {
	sub := ""
	if rest, ok := strings.CutPrefix(strings.ToLower(r.URL.Path), "/subscriptions/"); ok {
		sub, _, _ = strings.Cut(rest, "/")
	}
	category := "writes"
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		category = "reads"
	case http.MethodDelete:
		category = "deletes"
	}
	return sub + " " + category
}

// sleepContext waits d, or until ctx ends.
func sleepContext(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
