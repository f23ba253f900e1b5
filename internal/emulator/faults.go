package emulator

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"fmt"
	"maps"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// FaultKind names what an injected fault does to a request. The same names key FaultCounts and
// Config.FaultKinds, and are what the --fault-kinds flag accepts.
type FaultKind string

// The kinds of fault, each modeled on something real clients of ARM have met.
const (
	// FaultReset resets the connection (TCP RST) before the request is processed: a broken load balancer.
	// Clients see "connection reset by peer"; nothing happened on the server.
	FaultReset FaultKind = "reset"
	// FaultDrop processes the request (its changes are committed), then resets the connection instead of
	// answering: the answer is lost although the work was done, as when a gateway times out after the
	// resource provider answered. Aimed at PUT, PATCH, DELETE and POST; a GET is simply answered twice.
	FaultDrop FaultKind = "drop"
	// FaultTruncate processes the request, then sends the status line, the headers (with the full
	// Content-Length) and the first half of the body, and closes the connection: clients see an unexpected
	// EOF while reading the body. A bodiless answer (a 202, a 204) loses its headers too, as with FaultDrop.
	FaultTruncate FaultKind = "truncate"
	// FaultThrottle answers 429 SubscriptionRequestsThrottled without processing, always with Retry-After
	// (ARM always sends it on 429) and x-ms-ratelimit-remaining-subscription-* at 0.
	FaultThrottle FaultKind = "throttle"
	// FaultServerError answers 500, 502, 503 or 504 (Fault.Status, default 503) without processing.
	FaultServerError FaultKind = "server-error"
	// FaultGateway answers what recorded traffic got when polling an operation of a retired region (R20,
	// jobs-fileservers-notes.md 3): 400 NoRegisteredProviderFound for the path's resource type, with
	// x-ms-failure-cause: gateway, without processing. Aimed at poll URLs (Fault.PollsOnly).
	FaultGateway FaultKind = "gateway"
	// FaultStatus answers any other status (Fault.Status) with an ARM error body, without processing.
	FaultStatus FaultKind = "status"
)

// throttleRetryAfter is the Retry-After of a 429 that names none: ARM's smallest (an integer, in seconds).
const throttleRetryAfter = time.Second

// Fault makes matching requests fail, for tests of retries and error handling. Faults are checked before
// anything else (the token and metadata endpoints included), so a faulted request is neither
// authenticated nor throttled. Examples:
//
//	emu.InjectFault(emulator.Fault{Method: "PATCH", PathContains: "/clusters/c1", Kind: emulator.FaultTruncate})
//	emu.InjectFault(emulator.Fault{Method: "PUT", PathContains: "/clusters/", Kind: emulator.FaultDrop})
//	emu.InjectFault(emulator.Fault{Status: 429, RetryAfter: 2 * time.Second})
//	emu.InjectFault(emulator.Fault{Statuses: []int{500, 502, 503, 504}}) // a burst of four in a row
//	emu.InjectFault(emulator.Fault{PollsOnly: true, Kind: emulator.FaultGateway})
//	emu.InjectFault(emulator.Fault{PollsOnly: true}) // a connection reset mid-poll
type Fault struct {
	// Method is the HTTP method to match; "" matches every method.
	Method string
	// PathContains is a case-insensitive substring of the URL path; "" matches every path.
	PathContains string
	// PollsOnly restricts the fault to the poll URLs of long-running operations (operationresults,
	// operationstatuses and a resource group delete's operationresults).
	PollsOnly bool

	// Kind is what happens. When empty it follows from Status (or Statuses): 0 is FaultReset, 429
	// FaultThrottle, 5xx FaultServerError, anything else FaultStatus.
	Kind FaultKind
	// Status is the status answered by FaultThrottle (always 429), FaultServerError (default 503) and
	// FaultStatus.
	Status int
	// Statuses, when set, answers these statuses in turn, one per matching request (a burst of server
	// errors such as 500, 502, 503, 504); Times then defaults to len(Statuses).
	Statuses []int
	// RetryAfter is sent as Retry-After (whole seconds, at least 1) plus retry-after-ms when under a second.
	// A 429 always carries one (default 1 s); other answers carry one only when it is set.
	RetryAfter time.Duration
	// Code and Message are the ARM error's; they default by status (e.g. SubscriptionRequestsThrottled).
	Code    string
	Message string
	// Times is how many matching requests fail: 0 means once (or len(Statuses)); negative means until
	// ClearFaults.
	Times int
}

type faultRule struct {
	Fault
	left int // < 0: forever
	hits int // matching requests so far, which picks the next of Statuses
}

// faultAction is what one faulted request gets.
type faultAction struct {
	kind       FaultKind
	status     int
	retryAfter time.Duration
	code       string
	message    string
}

// InjectFault arms a fault. Faults are checked in the order they were added, before the random mode
// (Config.FaultRate); each request consumes at most one.
func (e *Emulator) InjectFault(f Fault) {
	left := f.Times
	if left == 0 {
		left = max(1, len(f.Statuses))
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = append(e.faults, &faultRule{Fault: f, left: left})
}

// ClearFaults removes every fault that is still armed. The random mode and the counters are kept.
func (e *Emulator) ClearFaults() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = nil
}

// FaultCounts is how many faults of each kind the emulator has injected so far, targeted (InjectFault)
// and random (Config.FaultRate) alike. A kind never injected is absent.
func (e *Emulator) FaultCounts() map[FaultKind]int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return maps.Clone(e.faultCounts)
}

func (f *Fault) matches(r *http.Request) bool {
	return (f.Method == "" || strings.EqualFold(f.Method, r.Method)) &&
		strings.Contains(strings.ToLower(r.URL.Path), strings.ToLower(f.PathContains)) &&
		(!f.PollsOnly || isPollPath(r.URL.Path))
}

// isPollPath reports a poll URL of a long-running operation: .../operationresults/{id} or
// .../operationstatuses/{id}.
func isPollPath(path string) bool {
	segs := strings.Split(strings.Trim(strings.ToLower(path), "/"), "/")
	n := len(segs)
	return n >= 2 && (segs[n-2] == "operationresults" || segs[n-2] == "operationstatuses")
}

// action resolves what a hit of this rule does.
func (rule *faultRule) action() *faultAction {
	status := rule.Status
	if len(rule.Statuses) > 0 {
		status = rule.Statuses[rule.hits%len(rule.Statuses)]
	}
	rule.hits++
	kind := rule.Kind
	if kind == "" {
		kind = kindOfStatus(status)
	}
	switch kind {
	case FaultThrottle:
		status = http.StatusTooManyRequests
	case FaultServerError:
		if status == 0 {
			status = http.StatusServiceUnavailable
		}
	case FaultGateway:
		status = http.StatusBadRequest
	}
	return &faultAction{kind: kind, status: status, retryAfter: rule.RetryAfter, code: rule.Code, message: rule.Message}
}

func kindOfStatus(status int) FaultKind {
	switch {
	case status == 0:
		return FaultReset
	case status == http.StatusTooManyRequests:
		return FaultThrottle
	case status >= 500:
		return FaultServerError
	}
	return FaultStatus
}

// takeFault returns what r gets from the first matching targeted fault, or else from the random mode, and
// counts it; nil means r is served normally.
func (e *Emulator) takeFault(r *http.Request) *faultAction {
	e.mu.Lock()
	defer e.mu.Unlock()
	var act *faultAction
	for i, rule := range e.faults {
		if !rule.matches(r) {
			continue
		}
		act = rule.action()
		if rule.left > 0 {
			rule.left--
			if rule.left == 0 {
				e.faults = append(e.faults[:i:i], e.faults[i+1:]...)
			}
		}
		break
	}
	if act == nil && e.chaos != nil {
		act = e.chaos.draw(r)
	}
	if act != nil {
		e.faultCounts[act.kind]++
	}
	return act
}

// serveFault carries out a fault: next is the handler that processes the request, for the kinds that
// process it before losing the answer.
func (e *Emulator) serveFault(w http.ResponseWriter, r *http.Request, act *faultAction, next http.Handler) {
	switch act.kind {
	case FaultReset:
		resetConnection(w)
	case FaultDrop, FaultTruncate:
		rec := &recordedAnswer{header: w.Header().Clone()}
		next.ServeHTTP(rec, r)
		if act.kind == FaultTruncate && rec.body.Len() > 0 {
			truncateAnswer(w, rec)
			return
		}
		resetConnection(w)
	default:
		writeError(w, act.apiError(r))
	}
}

// apiError is the error answer of a fault that does not process the request.
func (act *faultAction) apiError(r *http.Request) *apiError {
	code, msg := act.code, act.message
	dc, dm := defaultFault(act.status)
	if act.kind == FaultGateway {
		dc, dm = gatewayFault(r.URL.Path)
	}
	ae := newError(act.status, cmpOr(code, dc), "%s", cmpOr(msg, dm))
	ae.Header = http.Header{}
	d := act.retryAfter
	if d <= 0 && act.status == http.StatusTooManyRequests {
		d = throttleRetryAfter
	}
	if d > 0 {
		retryHint(ae.Header, d)
	}
	switch act.kind {
	case FaultThrottle:
		for _, c := range throttleCategories {
			ae.Header.Set(remainingHeader(c), "0")
		}
	case FaultGateway:
		ae = ae.fromGateway()
	}
	return ae
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

// gatewayFault is the recorded NoRegisteredProviderFound of a poll URL (R20), for the path's location and
// resource type ("locations/operationresults").
func gatewayFault(path string) (string, string) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	location, typ := DefaultLocation, "locations/operationresults"
	for i := 0; i+1 < len(segs); i++ {
		if strings.EqualFold(segs[i], "locations") {
			location = strings.ToLower(segs[i+1])
			if i+2 < len(segs) {
				typ = "locations/" + strings.ToLower(segs[i+2])
			}
			break
		}
	}
	return "NoRegisteredProviderFound", fmt.Sprintf("No registered resource provider found for location '%s' "+
		"and API version '%s' for type '%s'. The supported api-versions are '2017-09-01-preview, 2018-03-01, "+
		"2018-05-01'. The supported locations are '%s'.", sanitize(location), api.APIVersion, typ,
		strings.Join(batchAILocations, ", "))
}

// recordedAnswer keeps a handler's whole answer in memory, so a fault can decide what of it to send.
type recordedAnswer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (a *recordedAnswer) Header() http.Header { return a.header }

func (a *recordedAnswer) WriteHeader(code int) {
	if a.status == 0 {
		a.status = code
	}
}

func (a *recordedAnswer) Write(b []byte) (int, error) {
	if a.status == 0 {
		a.status = http.StatusOK
	}
	return a.body.Write(b)
}

// truncateAnswer writes the status line, the headers and the first half of the body straight onto the
// connection, then closes it (a FIN, so the bytes sent do arrive): the client reads a Content-Length it
// never gets.
func truncateAnswer(w http.ResponseWriter, a *recordedAnswer) {
	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // cannot hijack (HTTP/2): abort the stream instead
	}
	defer func() { _ = conn.Close() }()
	body := a.body.Bytes()
	a.header.Set("Content-Length", strconv.Itoa(len(body)))
	a.header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	bw := rw.Writer
	if bw == nil {
		bw = bufio.NewWriter(conn)
	}
	_, _ = fmt.Fprintf(bw, "HTTP/1.1 %d %s\r\n", a.status, http.StatusText(a.status))
	_ = a.header.Write(bw)
	_, _ = bw.WriteString("\r\n")
	_, _ = bw.Write(body[:len(body)/2])
	_ = bw.Flush()
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
// (case-insensitive) the emulator has received, faulted and throttled ones included.
func (e *Emulator) RequestCount(method, pathContains string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return countMatching(e.counts, method, pathContains)
}

// RequestCounts is a copy of how many requests the emulator has received, by "METHOD path" (the path in
// lower case), faulted and throttled ones included: for tests that report every kind of request sent.
func (e *Emulator) RequestCounts() map[string]int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return maps.Clone(e.counts)
}

// countMatching sums a "METHOD path" counter map over the keys that match method and pathContains.
func countMatching(counts map[string]int, method, pathContains string) int {
	n := 0
	for k, c := range counts {
		m, p, _ := strings.Cut(k, " ")
		if (method == "" || strings.EqualFold(method, m)) && strings.Contains(p, strings.ToLower(pathContains)) {
			n += c
		}
	}
	return n
}
