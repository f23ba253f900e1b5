package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"reflect"
	"syscall"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// DefaultMaxRetries is how many times a throttled (429), failed (408, 5xx) or unanswered request is sent
// again when Options.MaxRetries is zero.
const DefaultMaxRetries = 6

// retryStatuses are the statuses azcore retries by default (policy.RetryOptions.StatusCodes).
var retryStatuses = []int{
	http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
	http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout,
}

// RetryOptions are the retries of every request the provider sends, ARM calls and metadata discovery
// alike: up to maxRetries more tries (DefaultMaxRetries when zero) of 408, 429 and 5xx answers and of
// transport errors, honoring Retry-After however long it is, except that a certificate the client does not
// trust fails at once (retrying cannot fix it, and the error names the fix).
func RetryOptions(maxRetries int32) policy.RetryOptions {
	if maxRetries == 0 {
		maxRetries = DefaultMaxRetries
	}
	return policy.RetryOptions{
		MaxRetries: maxRetries,
		// No cap: azcore gives up at once when a Retry-After exceeds MaxRetryDelay, and resource
		// providers have been seen asking for 307 s. The caller's context deadline (the resource
		// timeout) bounds the wait instead.
		MaxRetryDelay: -1,
		ShouldRetry:   shouldRetry,
	}
}

func shouldRetry(resp *http.Response, err error) bool {
	if err != nil {
		return !isCertificateError(err)
	}
	return runtime.HasStatusCode(resp, retryStatuses...)
}

func isCertificateError(err error) bool {
	var verr *tls.CertificateVerificationError
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	return errors.As(err, &verr) || errors.As(err, &unknown) || errors.As(err, &host) || errors.As(err, &invalid)
}

// lostAnswerRounds bounds how many times a write whose answer was lost is reconciled and sent again.
const lostAnswerRounds = 3

// answerLost reports a failure after which the service may have processed the request although its answer
// never arrived whole: no answer (a reset connection, an EOF), a body cut short (which azcore does not
// retry for PATCH and POST, only for GET, PUT and DELETE: runtime/policy_body_download.go), or a 408 or 5xx
// left after the retries (a gateway answering for a backend that may have finished). A canceled or
// expired context is not one: the caller gave up.
func answerLost(ctx context.Context, err error) bool {
	if err == nil || ctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var e *Error
	if errors.As(err, &e) {
		return e.StatusCode == http.StatusRequestTimeout || e.StatusCode >= http.StatusInternalServerError
	}
	if isCertificateError(err) {
		return false
	}
	var ne net.Error
	var se *json.SyntaxError
	return errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.As(err, &se)
}

// surviveLostAnswer sends an idempotent write (a PATCH, a DELETE, a POST that only reads, or the job terminate
// POST, which has the same effect however often it is sent) and, when its answer is lost, reconciles: inEffect (nil when
// sending again is always safe) re-reads the resource and reports whether the write is
// already in effect, in which case its result stands; otherwise the write is sent again, at most
// lostAnswerRounds times. A failed re-read (a 404 included: replicas may lag a write) decides nothing and
// the write is sent again, which answers for itself.
func surviveLostAnswer(ctx context.Context, write func() error, inEffect func() (bool, error)) error {
	err := write()
	for range lostAnswerRounds {
		if !answerLost(ctx, err) {
			return err
		}
		if inEffect != nil {
			if done, rerr := inEffect(); rerr == nil && done {
				return nil
			}
		}
		err = write()
	}
	return err
}

// inEffect reports whether every member the request set has the same value in the resource read back
// (compared as JSON): the server fills in defaults for what the request left out, so a request is in
// effect when it is a subset of the resource.
func inEffect(requested, current any) bool {
	var req, cur any
	if !roundTrip(requested, &req) || !roundTrip(current, &cur) {
		return false
	}
	return subset(req, cur)
}

func roundTrip(v any, out *any) bool {
	raw, err := json.Marshal(v)
	return err == nil && json.Unmarshal(raw, out) == nil
}

func subset(req, cur any) bool {
	rm, ok := req.(map[string]any)
	if !ok {
		return reflect.DeepEqual(req, cur)
	}
	cm, ok := cur.(map[string]any)
	if !ok {
		return false
	}
	for k, v := range rm {
		if !subset(v, cm[k]) {
			return false
		}
	}
	return true
}
