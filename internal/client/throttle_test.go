package client

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// gateTransport answers 429 (Retry-After: 2) to the paths in throttle and 200 to every other request, and
// records when, on the gate's clock, each request reached it.
type gateTransport struct {
	mu       sync.Mutex
	clock    *fakeClock
	throttle map[string]bool
	sent     []string // "METHOD path @ seconds since the start".
}

func (tr *gateTransport) Do(r *http.Request) (*http.Response, error) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.sent = append(tr.sent, r.Method+" "+r.URL.Path+" @ "+tr.clock.since().String())
	resp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("{}")), Request: r}
	if tr.throttle[r.URL.Path] {
		resp.StatusCode = http.StatusTooManyRequests
		resp.Header.Set("Retry-After", "2")
	}
	return resp, nil
}

// fakeClock is the gate's clock: its sleep advances it instead of waiting, and records what was asked.
type fakeClock struct {
	mu     sync.Mutex
	start  time.Time
	t      time.Time
	sleeps []time.Duration
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) since() time.Duration { return c.now().Sub(c.start) }

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.t = c.t.Add(d)
	return nil
}

func TestThrottleGate(t *testing.T) {
	start := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	clock := &fakeClock{start: start, t: start}
	tr := &gateTransport{clock: clock, throttle: map[string]bool{"/subscriptions/s1/throttled": true}}
	gate := newThrottleGate()
	gate.now, gate.sleep = clock.now, clock.sleep
	// No retries: the test looks at what the gate alone does to the requests that follow a 429.
	pl := runtime.NewPipeline("test", "v1", runtime.PipelineOptions{PerRetry: []policy.Policy{gate}},
		&policy.ClientOptions{Transport: tr, Retry: policy.RetryOptions{MaxRetries: -1}})
	send := func(ctx context.Context, method, path string) (*http.Response, error) {
		t.Helper()
		req, err := runtime.NewRequest(ctx, method, "https://management.example"+path)
		if err != nil {
			t.Fatal(err)
		}
		return pl.Do(req)
	}
	ctx := context.Background()

	resp, err := send(ctx, http.MethodGet, "/subscriptions/s1/throttled")
	if err != nil || resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("the throttled GET: %v %v", resp, err)
	}
	// Another subscription's reads and the same subscription's writes and deletes draw from other buckets.
	for _, r := range [][2]string{{http.MethodGet, "/subscriptions/s2/a"}, {http.MethodPut, "/subscriptions/s1/b"},
		{http.MethodDelete, "/subscriptions/S1/c"}} {
		if _, err := send(ctx, r[0], r[1]); err != nil {
			t.Fatal(err)
		}
	}
	if len(clock.sleeps) != 0 {
		t.Fatalf("requests of other buckets waited %v", clock.sleeps)
	}
	// A canceled request gives up at the gate without being sent.
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := send(canceled, http.MethodGet, "/subscriptions/s1/canceled"); !errors.Is(err, context.Canceled) {
		t.Errorf("a canceled read at a closed gate: err = %v, want context.Canceled", err)
	}
	// The same subscription's next read waits out the Retry-After (case-insensitively the same subscription).
	if _, err := send(ctx, http.MethodGet, "/subscriptions/S1/other"); err != nil {
		t.Fatal(err)
	}
	if len(clock.sleeps) != 1 || clock.sleeps[0] != 2*time.Second {
		t.Errorf("the read after a 429 with Retry-After: 2 slept %v, want [2s]", clock.sleeps)
	}
	want := []string{
		"GET /subscriptions/s1/throttled @ 0s",
		"GET /subscriptions/s2/a @ 0s", "PUT /subscriptions/s1/b @ 0s", "DELETE /subscriptions/S1/c @ 0s",
		"GET /subscriptions/S1/other @ 2s",
	}
	if strings.Join(tr.sent, "\n") != strings.Join(want, "\n") {
		t.Errorf("sent:\n%s\nwant:\n%s", strings.Join(tr.sent, "\n"), strings.Join(want, "\n"))
	}
}

// TestClientHoldsRequestsAfterA429 checks that New wires the gate: after one request is throttled, a request
// that another goroutine starts meanwhile reaches the service only once the Retry-After has passed, together
// with the retry of the throttled one, instead of drawing the token the throttled request waits for.
func TestClientHoldsRequestsAfterA429(t *testing.T) {
	throttled := make(chan struct{})
	var once sync.Once
	c, s, _ := scripted(t,
		func(w http.ResponseWriter, r *http.Request) {
			reply(http.StatusTooManyRequests, `{"error":{"code":"SubscriptionRequestsThrottled","message":"m"}}`, "Retry-After", "1")(w, r)
			once.Do(func() { close(throttled) })
		},
		reply(http.StatusOK, `{"name":"ws1"}`),
		reply(http.StatusOK, `{"name":"ws2"}`),
	)
	var arrived sync.Map
	s.onRequest = func(r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/ws2") {
			arrived.Store("ws2", time.Now())
		}
	}
	ctx := context.Background()
	errs := make(chan error, 1)
	go func() {
		_, err := c.GetWorkspace(ctx, testWorkspaceID("ws1"))
		errs <- err
	}()
	<-throttled
	// Polled with a deadline: the client closes its gate once it has read the 429, a moment after it was sent.
	for deadline := time.Now().Add(5 * time.Second); !c.gate.closed("sub reads"); {
		if time.Now().After(deadline) {
			t.Fatal("the client never closed its gate after the 429")
		}
		time.Sleep(time.Millisecond)
	}
	sentAt := time.Now()
	if _, err := c.GetWorkspace(ctx, testWorkspaceID("ws2")); err != nil {
		t.Fatal(err)
	}
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
	at, ok := arrived.Load("ws2")
	if !ok {
		t.Fatal("the second request never reached the service")
	}
	// Retry-After is whole seconds; 0.8 s tolerates the time between the 429 and the gate closing.
	arrivedAt, ok := at.(time.Time)
	if !ok {
		t.Fatalf("arrival time %T", at)
	}
	if waited := arrivedAt.Sub(sentAt); waited < 800*time.Millisecond {
		t.Errorf("the request started after a 429 with Retry-After: 1 reached the service %v later, want about 1 s", waited)
	}
	if s.requests() != 3 {
		t.Errorf("%d requests, want 3 (the throttled one, its retry, the other)", s.requests())
	}
}

func testWorkspaceID(name string) api.WorkspaceID {
	return api.WorkspaceID{SubscriptionID: "sub", ResourceGroup: "rg", Name: name}
}
