package emulator_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

func TestInjectedFaults(t *testing.T) {
	c := newClient(t)
	c.createWorkspace("rg", "ws")
	emu := c.inst.Emulator
	path := c.ws("rg", "ws") + apiVersion

	emu.InjectFault(emulator.Fault{Method: "GET", PathContains: "/workspaces/ws", Status: 429, Times: 2})
	for i := range 2 {
		r := c.do("GET", path, nil)
		// ARM always sends Retry-After with a 429: one second when the fault names none.
		if r.status != 429 || r.code() != "SubscriptionRequestsThrottled" || r.header.Get("Retry-After") != "1" ||
			r.header.Get("retry-after-ms") != "" || r.header.Get("x-ms-request-id") == "" {
			t.Fatalf("throttled #%d: %d %v %s", i, r.status, r.header, r.body)
		}
	}
	c.must(200, "GET", path, nil) // the fault is used up
	c.must(200, "PUT", path, map[string]any{"location": "eastus"})

	emu.InjectFault(emulator.Fault{PathContains: "/WORKSPACES/", Status: 503, Code: "Busy", Message: "try later"})
	if r := c.do("PATCH", path, map[string]any{}); r.status != 503 || r.code() != "Busy" || r.message() != "try later" {
		t.Errorf("503: %d %s", r.status, r.body)
	}
	emu.InjectFault(emulator.Fault{Status: 500, Times: -1})
	for range 3 {
		c.must(500, "GET", path, nil)
	}
	emu.ClearFaults()
	c.must(200, "GET", path, nil)

	// A connection reset: the client sees a transport error, not a response.
	emu.InjectFault(emulator.Fault{Method: "GET", PathContains: "/workspaces/ws"})
	req, _ := http.NewRequest("GET", c.inst.Endpoint+path, nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	// A fresh connection: net/http silently retries a GET whose reused connection was closed.
	fresh := c.inst.HTTPClient()
	if tr, ok := fresh.Transport.(*http.Transport); ok {
		tr.DisableKeepAlives = true
	}
	if resp, err := fresh.Do(req); err == nil {
		_ = resp.Body.Close()
		t.Errorf("reset fault answered %d", resp.StatusCode)
	}
	c.must(200, "GET", path, nil)

	if n := emu.RequestCount("GET", "/workspaces/ws"); n != 9 {
		t.Errorf("RequestCount GET = %d, want 9", n)
	}
	if n := emu.RequestCount("", "/WORKSPACES/ws"); n != 12 {
		t.Errorf("RequestCount any = %d, want 12", n)
	}
}

// TestConcurrentRequests creates, resizes, reads and deletes from many goroutines at once (run with
// -race): every answer is a success or a well-formed ARM error, and the final state is consistent.
func TestConcurrentRequests(t *testing.T) {
	c := newClient(t, func(cfg *emulator.Config) { cfg.PageSize = 4 })
	c.createWorkspace("rg", "ws")
	if err := c.inst.Emulator.SetQuota("eastus", quotaWith(10000)); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 1000)
	for g := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("c%02d", g)
			path := c.cluster("rg", "ws", name) + apiVersion
			steps := []struct {
				method string
				body   any
				ok     []int
			}{
				{"PUT", clusterBody(1), []int{202}},
				{"GET", nil, []int{200}},
				{"PATCH", map[string]any{"properties": map[string]any{"scaleSettings": map[string]any{"manual": map[string]any{"targetNodeCount": 2}}}}, []int{200}},
				{"GET", c.cluster("rg", "ws", fmt.Sprintf("c%02d", (g+1)%12)) + apiVersion, []int{200, 404}},
				{"GET", "list", []int{200}},
				{"POST", "logins", []int{200}},
				{"PUT", clusterBody(2), []int{200}},
			}
			for _, s := range steps {
				p, body := path, s.body
				switch s.body {
				case "list":
					p, body = c.ws("rg", "ws")+"/clusters"+apiVersion, nil
				case "logins":
					p, body = c.cluster("rg", "ws", name)+"/listRemoteLoginInformation"+apiVersion, nil
				}
				if str, ok := s.body.(string); ok && s.method == "GET" && str != "list" {
					p, body = str, nil
				}
				r := c.do(s.method, p, body)
				if !contains(s.ok, r.status) {
					errs <- fmt.Sprintf("%s %s: %d %s", s.method, p, r.status, r.body)
				}
			}
			if g%2 == 0 {
				r := c.do("DELETE", path, nil)
				if r.status != 202 {
					errs <- fmt.Sprintf("DELETE %s: %d", name, r.status)
				} else {
					c.waitOperation(r.header.Get("Azure-AsyncOperation"))
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	var names []string
	for next := c.ws("rg", "ws") + "/clusters" + apiVersion; next != ""; {
		var page api.ClusterListResult
		c.must(200, "GET", next, nil).decode(t, &page)
		for _, cl := range page.Value {
			names = append(names, *cl.Name)
		}
		next = api.Deref(page.NextLink)
	}
	if len(names) != 6 {
		t.Errorf("%d clusters left, want 6: %v", len(names), names)
	}
	c.checkNoSecrets()
}

func contains(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// rawAnswer is what a client without retries saw: a response (possibly with a body cut short) or a
// transport error.
type rawAnswer struct {
	status  int
	header  http.Header
	body    []byte
	err     error // the request failed: no response at all
	bodyErr error // the response came, its body did not arrive whole
}

// outcome names an answer for comparisons: its status, or how it failed.
func (a rawAnswer) outcome() string {
	switch {
	case a.err != nil:
		return "transport error"
	case a.bodyErr != nil:
		return fmt.Sprintf("%d truncated", a.status)
	}
	return fmt.Sprint(a.status)
}

// doRaw sends one request on a fresh connection, so that net/http cannot silently retry it on another
// one, and reports failures instead of failing the test.
func (c *client) doRaw(method, path string, body any) rawAnswer {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	url := path
	if !strings.HasPrefix(path, "https://") {
		url = c.inst.Endpoint + path
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	fresh := c.inst.HTTPClient()
	if tr, ok := fresh.Transport.(*http.Transport); ok {
		tr.DisableKeepAlives = true
	}
	resp, err := fresh.Do(req)
	if err != nil {
		return rawAnswer{err: err}
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	return rawAnswer{status: resp.StatusCode, header: resp.Header, body: raw, bodyErr: err}
}

func scaleBody(target int) map[string]any {
	return map[string]any{"properties": map[string]any{"scaleSettings": map[string]any{"manual": map[string]any{"targetNodeCount": target}}}}
}

// targetOf reads a cluster's manual target node count.
func (c *client) targetOf(path string) int32 {
	c.t.Helper()
	var cl api.Cluster
	c.must(200, "GET", path, nil).decode(c.t, &cl)
	return api.Deref(cl.Properties.ScaleSettings.Manual.TargetNodeCount)
}

// TestFaultDropProcessesThenLosesTheAnswer: a dropped answer is a transport error for the client, but the
// write was committed: the workspace exists, the resize and the delete happened, the POST was served.
func TestFaultDropProcessesThenLosesTheAnswer(t *testing.T) {
	// Nodes that take an hour to leave keep the deleted cluster readable ("deleting") however slow the test.
	c := newClient(t, func(cfg *emulator.Config) { cfg.ProvisioningDelay = time.Hour })
	emu := c.inst.Emulator
	c.createGroup("rg")
	emu.InjectFault(emulator.Fault{Method: "PUT", PathContains: "/workspaces/ws", Kind: emulator.FaultDrop})
	if a := c.doRaw("PUT", c.ws("rg", "ws")+apiVersion, map[string]any{"location": "eastus"}); a.err == nil {
		t.Fatalf("a dropped answer arrived: %s", a.outcome())
	}
	c.must(200, "GET", c.ws("rg", "ws")+apiVersion, nil)

	path := c.cluster("rg", "ws", "c1") + apiVersion
	c.createCluster("rg", "ws", "c1", clusterBody(1))
	emu.InjectFault(emulator.Fault{Method: "PATCH", PathContains: "/clusters/c1", Kind: emulator.FaultDrop})
	if a := c.doRaw("PATCH", path, scaleBody(3)); a.err == nil {
		t.Fatalf("a dropped PATCH answered %s", a.outcome())
	}
	if got := c.targetOf(path); got != 3 {
		t.Errorf("after a dropped PATCH the target is %d, want 3: the PATCH must have been processed", got)
	}
	emu.InjectFault(emulator.Fault{Method: "POST", Kind: emulator.FaultDrop})
	if a := c.doRaw("POST", c.cluster("rg", "ws", "c1")+"/listRemoteLoginInformation"+apiVersion, nil); a.err == nil {
		t.Fatalf("a dropped POST answered %s", a.outcome())
	}
	emu.InjectFault(emulator.Fault{Method: "DELETE", PathContains: "/clusters/c1", Kind: emulator.FaultDrop})
	if a := c.doRaw("DELETE", path, nil); a.err == nil {
		t.Fatalf("a dropped DELETE answered %s", a.outcome())
	}
	var cl api.Cluster
	c.must(200, "GET", path, nil).decode(t, &cl)
	if *cl.Properties.ProvisioningState != "deleting" {
		t.Errorf("after a dropped DELETE the cluster is %s, want deleting", *cl.Properties.ProvisioningState)
	}
	if got := emu.FaultCounts(); got[emulator.FaultDrop] != 4 || len(got) != 1 {
		t.Errorf("FaultCounts = %v, want 4 drops", got)
	}
}

// TestFaultTruncateSendsHalfTheBody: the status and headers arrive with the full Content-Length, the body
// stops halfway (unexpected EOF), and the PATCH was processed. A bodyless 202 loses everything instead.
func TestFaultTruncateSendsHalfTheBody(t *testing.T) {
	c := newClient(t)
	emu := c.inst.Emulator
	c.createWorkspace("rg", "ws")
	c.createCluster("rg", "ws", "c1", clusterBody(1))
	path := c.cluster("rg", "ws", "c1") + apiVersion
	whole := c.must(200, "GET", path, nil)

	emu.InjectFault(emulator.Fault{Method: "PATCH", PathContains: "/clusters/c1", Kind: emulator.FaultTruncate})
	a := c.doRaw("PATCH", path, scaleBody(2))
	if a.err != nil || a.status != 200 || !errors.Is(a.bodyErr, io.ErrUnexpectedEOF) {
		t.Fatalf("truncated PATCH: %s, %v, %v", a.outcome(), a.err, a.bodyErr)
	}
	n, _ := strconv.Atoi(a.header.Get("Content-Length"))
	if n < len(whole.body)/2 || len(a.body) != n/2 || a.header.Get("Content-Type") == "" || a.header.Get("x-ms-request-id") == "" {
		t.Errorf("truncated PATCH sent %d of %d bytes, headers %v", len(a.body), n, a.header)
	}
	if got := c.targetOf(path); got != 2 {
		t.Errorf("after a truncated PATCH the target is %d, want 2", got)
	}

	emu.InjectFault(emulator.Fault{Method: "PUT", PathContains: "/clusters/c2", Kind: emulator.FaultTruncate})
	if a := c.doRaw("PUT", c.cluster("rg", "ws", "c2")+apiVersion, clusterBody(0)); a.err == nil {
		t.Errorf("a truncated 202 (no body) answered %s", a.outcome())
	}
	c.must(200, "GET", c.cluster("rg", "ws", "c2")+apiVersion, nil)
	if got := emu.FaultCounts()[emulator.FaultTruncate]; got != 2 {
		t.Errorf("FaultCounts[truncate] = %d, want 2", got)
	}
}

// TestFaultBurstAndThrottle: Statuses answer a burst in turn, then the requests go through; a 429 carries
// the Retry-After it was given and ARM's rate-limit headers.
func TestFaultBurstAndThrottle(t *testing.T) {
	c := newClient(t)
	emu := c.inst.Emulator
	c.createWorkspace("rg", "ws")
	path := c.ws("rg", "ws") + apiVersion
	emu.InjectFault(emulator.Fault{Method: "GET", PathContains: "/workspaces/ws", Statuses: []int{500, 502, 503, 504}})
	for _, want := range []int{500, 502, 503, 504, 200} {
		if r := c.do("GET", path, nil); r.status != want || (want >= 500 && r.code() == "") {
			t.Errorf("burst: %d %s, want %d", r.status, r.body, want)
		}
	}
	emu.InjectFault(emulator.Fault{Status: 429, RetryAfter: 7 * time.Second})
	r := c.do("GET", path, nil)
	if r.status != 429 || r.header.Get("Retry-After") != "7" || r.header.Get("x-ms-ratelimit-remaining-subscription-reads") != "0" {
		t.Errorf("throttle: %d %v", r.status, r.header)
	}
	emu.InjectFault(emulator.Fault{Kind: emulator.FaultServerError, RetryAfter: 250 * time.Millisecond})
	r = c.do("GET", path, nil)
	if r.status != 503 || r.code() != "ServiceUnavailable" || r.header.Get("Retry-After") != "1" || r.header.Get("retry-after-ms") != "250" {
		t.Errorf("server error with a hint: %d %v %s", r.status, r.header, r.body)
	}
	if got := emu.FaultCounts(); got[emulator.FaultServerError] != 5 || got[emulator.FaultThrottle] != 1 {
		t.Errorf("FaultCounts = %v", got)
	}
}

// TestFaultsOnPollURLs: PollsOnly faults hit the operation URLs and nothing else: the recorded gateway 400
// (NoRegisteredProviderFound, x-ms-failure-cause: gateway) and a reset mid-poll. The operation itself is
// unaffected and can still be watched afterwards.
func TestFaultsOnPollURLs(t *testing.T) {
	c := newClient(t)
	emu := c.inst.Emulator
	c.createWorkspace("rg", "ws")
	emu.InjectFault(emulator.Fault{PollsOnly: true, Kind: emulator.FaultGateway})
	emu.InjectFault(emulator.Fault{PollsOnly: true, Kind: emulator.FaultReset})
	r := c.must(202, "PUT", c.cluster("rg", "ws", "c1")+apiVersion, clusterBody(0))
	c.must(200, "GET", c.cluster("rg", "ws", "c1")+apiVersion, nil)
	async := r.header.Get("Azure-AsyncOperation")
	g := c.do("GET", async, nil)
	if g.status != 400 || g.code() != "NoRegisteredProviderFound" || g.header.Get("x-ms-failure-cause") != "gateway" ||
		!strings.Contains(g.message(), "for location 'eastus'") || !strings.Contains(g.message(), "type 'locations/operationresults'") {
		t.Errorf("gateway fault: %d %v %s", g.status, g.header, g.body)
	}
	if a := c.doRaw("GET", r.header.Get("Location"), nil); a.err == nil {
		t.Errorf("reset mid-poll answered %s", a.outcome())
	}
	if op := c.waitOperation(async); api.Deref(op.Status) != "Succeeded" {
		t.Errorf("operation after the poll faults: %+v", op)
	}
}

// chaosRun sends the same request sequence to a fresh emulator in random fault mode and returns what each
// request got, with the emulator's counters.
func chaosRun(t *testing.T, cfg func(*emulator.Config)) ([]string, map[emulator.FaultKind]int, *client) {
	t.Helper()
	c := newClient(t, cfg)
	c.createWorkspace("rg", "ws")
	r := c.must(202, "PUT", c.cluster("rg", "ws", "c1")+apiVersion, clusterBody(0))
	poll := r.header.Get("Location")
	if err := c.inst.Emulator.SetFaultRate(0.3); err != nil {
		t.Fatal(err)
	}
	var seq []string
	for i := range 300 {
		path := c.ws("rg", "ws") + apiVersion
		if i%3 == 0 {
			path = poll
		}
		seq = append(seq, c.doRaw("GET", path, nil).outcome())
	}
	return seq, c.inst.Emulator.FaultCounts(), c
}

// TestRandomFaultsAreDeterministic: the same seed and request sequence give the same faults; another seed
// gives others; the rate, the default mix and the gateway-on-polls rule hold.
func TestRandomFaultsAreDeterministic(t *testing.T) {
	seed := func(s int64) func(*emulator.Config) {
		return func(cfg *emulator.Config) { cfg.OperationDelay, cfg.FaultSeed = time.Hour, s }
	}
	a, countsA, c := chaosRun(t, seed(42))
	b, countsB, _ := chaosRun(t, seed(42))
	other, _, _ := chaosRun(t, seed(7))
	if !slices.Equal(a, b) || !maps.Equal(countsA, countsB) {
		t.Errorf("seed 42 gave two different runs:\n%v\n%v\n%v %v", a, b, countsA, countsB)
	}
	if slices.Equal(a, other) {
		t.Error("seeds 42 and 7 gave the same faults")
	}
	total := 0
	for _, n := range countsA {
		total += n
	}
	// 300 requests at 30%, plus burst continuations: about 90 + 10 (3 sigma is about 24).
	if total < 60 || total > 140 {
		t.Errorf("%d faults in 300 requests at a rate of 0.3: %v", total, countsA)
	}
	for _, k := range emulator.DefaultFaultKinds {
		if countsA[k] == 0 {
			t.Errorf("the default mix never injected %q: %v", k, countsA)
		}
	}
	for i, o := range a {
		if o == "400" && i%3 != 0 {
			t.Errorf("request %d (not a poll) got the gateway fault", i)
		}
	}
	// The token endpoint is never faulted: a fresh token still comes through.
	if tok := c.inst.Credential(t); tok == nil {
		t.Fatal("no credential")
	}
}

// TestRandomFaultKinds: FaultKinds restricts the mix; unknown kinds and rates out of [0, 1] are refused.
func TestRandomFaultKinds(t *testing.T) {
	_, counts, _ := chaosRun(t, func(cfg *emulator.Config) {
		cfg.FaultKinds = []emulator.FaultKind{emulator.FaultThrottle, emulator.FaultGateway}
	})
	if counts[emulator.FaultThrottle] == 0 || counts[emulator.FaultGateway] == 0 || len(counts) != 2 {
		t.Errorf("counts with kinds throttle,gateway: %v", counts)
	}
	for _, cfg := range []emulator.Config{
		{FaultRate: 1.5}, {FaultRate: -0.1}, {FaultRate: 0.1, FaultKinds: []emulator.FaultKind{"meteor"}},
		{FaultKinds: []emulator.FaultKind{emulator.FaultStatus}},
	} {
		cfg.DataDir = t.TempDir()
		if e, err := emulator.New(cfg); err == nil {
			_ = e.Close()
			t.Errorf("New accepted %+v", cfg)
		}
	}
	if _, err := emulator.ParseFaultKinds("reset, drop,truncate"); err != nil {
		t.Error(err)
	}
	if _, err := emulator.ParseFaultKinds("reset,oops"); err == nil || !strings.Contains(err.Error(), `"oops"`) {
		t.Errorf("ParseFaultKinds(reset,oops): %v", err)
	}
}
