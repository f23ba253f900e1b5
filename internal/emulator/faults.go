package emulator

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// Fault makes matching requests fail before they reach any route (the token endpoint included), for
// tests of retries and error handling.
type Fault struct {
	Method       string // "" matches every method
	PathContains string // case-insensitive substring of the URL path; "" matches every path
	// Status is the HTTP status to answer (429, 500, 503...). 0 resets the connection without answering.
	Status int
	// RetryAfter is sent as Retry-After (whole seconds, at least 1) plus retry-after-ms when under a
	// second. Zero sends none, except for 429 and 503, which get the emulator's RetryAfter.
	RetryAfter time.Duration
	Code       string // ARM error code; defaults by status (e.g. SubscriptionRequestsThrottled for 429)
	Message    string // defaults by status
	// Times is how many matching requests fail: 0 means once; negative means until ClearFaults.
	Times int
}

type faultRule struct {
	Fault
	left int // < 0: forever
}

// InjectFault adds a fault. Faults are checked in the order they were added; each request consumes at
// most one.
func (e *Emulator) InjectFault(f Fault) {
	left := f.Times
	if left == 0 {
		left = 1
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = append(e.faults, &faultRule{Fault: f, left: left})
}

// ClearFaults removes every fault that is still armed.
func (e *Emulator) ClearFaults() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = nil
}

func (f *Fault) matches(r *http.Request) bool {
	return (f.Method == "" || strings.EqualFold(f.Method, r.Method)) &&
		strings.Contains(strings.ToLower(r.URL.Path), strings.ToLower(f.PathContains))
}

// injectFault answers r with the first matching fault and reports whether it did.
func (e *Emulator) injectFault(w http.ResponseWriter, r *http.Request) bool {
	e.mu.Lock()
	var hit *Fault
	for i, rule := range e.faults {
		if rule.matches(r) {
			f := rule.Fault
			hit = &f
			if rule.left > 0 {
				rule.left--
				if rule.left == 0 {
					e.faults = append(e.faults[:i:i], e.faults[i+1:]...)
				}
			}
			break
		}
	}
	e.mu.Unlock()
	if hit == nil {
		return false
	}
	if hit.Status == 0 {
		resetConnection(w)
		return true
	}
	code, msg := hit.Code, hit.Message
	if code == "" || msg == "" {
		dc, dm := defaultFault(hit.Status)
		code, msg = cmpOr(code, dc), cmpOr(msg, dm)
	}
	ae := newError(hit.Status, code, "%s", msg)
	ae.Header = http.Header{}
	d := hit.RetryAfter
	if d == 0 && (hit.Status == http.StatusTooManyRequests || hit.Status == http.StatusServiceUnavailable) {
		d = e.cfg.RetryAfter
	}
	if d > 0 {
		retryHint(ae.Header, d)
	}
	if hit.Status == http.StatusTooManyRequests {
		ae.Header.Set("x-ms-ratelimit-remaining-subscription-reads", "0")
		ae.Header.Set("x-ms-ratelimit-remaining-subscription-writes", "0")
	}
	writeError(w, ae)
	return true
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func defaultFault(status int) (string, string) {
	switch status {
	case http.StatusTooManyRequests:
		return "SubscriptionRequestsThrottled", "Number of requests for the subscription exceeded the limit. " +
			"Please try again after the time given in the Retry-After header."
	case http.StatusInternalServerError:
		return "InternalServerError", "Encountered internal server error. Please try again."
	case http.StatusBadGateway:
		return "BadGateway", "The gateway did not receive a response from the resource provider."
	case http.StatusServiceUnavailable:
		return "ServiceUnavailable", "The service is temporarily unavailable. Please try again later."
	case http.StatusGatewayTimeout:
		return "GatewayTimeout", "The gateway did not receive a response from 'Microsoft.BatchAI' within the " +
			"specified time period."
	}
	return "InjectedFault", fmt.Sprintf("An injected fault answered %d.", status)
}

// resetConnection drops the connection with a TCP RST (SO_LINGER 0), which clients see as "connection
// reset by peer", as with a broken load balancer.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // cannot hijack (HTTP/2): abort the stream instead
	}
	raw := conn
	if tc, ok := conn.(*tls.Conn); ok {
		raw = tc.NetConn()
	}
	if tcp, ok := raw.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = raw.Close()
}

// OperationFailure makes the next long-running operation on a matching resource end Failed (with the
// resource left "failed"), for tests of LRO failure handling.
type OperationFailure struct {
	PathContains string // case-insensitive substring of the resource ID; "" matches every resource
	Status       int    // what the Location URL answers the failure with; default 500
	Code         string // default "InternalServerError"
	Message      string // default "An internal error occurred while processing the operation."
}

// FailNextOperation queues f; the next operation started on a matching resource consumes it.
func (e *Emulator) FailNextOperation(f OperationFailure) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.failNext = append(e.failNext, f)
}

func (e *Emulator) takeFailure(resourceID string) *failure {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i, f := range e.failNext {
		if strings.Contains(strings.ToLower(resourceID), strings.ToLower(f.PathContains)) {
			e.failNext = append(e.failNext[:i:i], e.failNext[i+1:]...)
			status := f.Status
			if status == 0 {
				status = http.StatusInternalServerError
			}
			return &failure{
				Status: status,
				Body: api.CloudErrorBody{
					Code:    api.Ptr(cmpOr(f.Code, "InternalServerError")),
					Message: api.Ptr(cmpOr(f.Message, "An internal error occurred while processing the operation.")),
				},
			}
		}
	}
	return nil
}

// countRequest records a request for RequestCount.
func (e *Emulator) countRequest(r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.counts[r.Method+" "+strings.ToLower(r.URL.Path)]++
}

// RequestCount is how many requests with method ("" for any) and a path containing pathContains
// (case-insensitive) the emulator has received, faulted ones included.
func (e *Emulator) RequestCount(method, pathContains string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for k, c := range e.counts {
		m, p, _ := strings.Cut(k, " ")
		if (method == "" || strings.EqualFold(method, m)) && strings.Contains(p, strings.ToLower(pathContains)) {
			n += c
		}
	}
	return n
}

// startLag arms Config.ConsistencyLag for a resource that was just created.
func (e *Emulator) startLag(id string) {
	if e.cfg.ConsistencyLag <= 0 {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.lag[strings.ToLower(id)] = e.cfg.ConsistencyLag
}

// lagging consumes one 404 of a resource's consistency lag and reports whether one was left.
func (e *Emulator) lagging(id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	k := strings.ToLower(id)
	if e.lag[k] <= 0 {
		return false
	}
	e.lag[k]--
	return true
}
