package client

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync/atomic"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// What a failed call proves. A create whose PUT failed must know whether the service may have acted on it: if it
// may have, the resource may exist and the caller must look for it (or orphan it); if it cannot have, nothing
// happened and there is nothing to look for. azcore sends a request up to MaxRetries+1 times, so the answer the
// caller gets is only the last try's: the client records every try of each call (attemptPolicy, one of the
// pipeline's per-retry policies) and marks a failed call that no try can have changed (NotProcessed).

// attemptLog is what the tries of one call showed, shared by the call and its tries through the request's
// context.
type attemptLog struct {
	mayHaveLanded atomic.Bool
}

type attemptLogKey struct{}

// withAttemptLog returns ctx carrying a fresh attemptLog for one call.
func withAttemptLog(ctx context.Context) (context.Context, *attemptLog) {
	l := &attemptLog{}
	return context.WithValue(ctx, attemptLogKey{}, l), l
}

// attemptPolicy records each try of a call in the call's attemptLog.
type attemptPolicy struct{}

func (attemptPolicy) Do(req *policy.Request) (*http.Response, error) {
	resp, err := req.Next()
	if l, ok := req.Raw().Context().Value(attemptLogKey{}).(*attemptLog); ok && tryMayHaveLanded(resp, err) {
		l.mayHaveLanded.Store(true)
	}
	return resp, err
}

// tryMayHaveLanded reports whether one try may have been processed by the service. Only two outcomes prove that
// it was not: an answer that refuses the request (any 4xx but 408: a 400 that names a bad property, a 409, a 429
// that asks to come back later; ARM refuses these before acting), and a connection that could not be made (the
// request never left). Everything else may have: a 2xx whose body was lost, a 408 or 5xx (a gateway answering for
// a backend that may have finished), a connection reset or an EOF after the request was sent, a canceled context.
func tryMayHaveLanded(resp *http.Response, err error) bool {
	if err != nil {
		return !neverSent(err)
	}
	s := resp.StatusCode
	return s == http.StatusRequestTimeout || s < http.StatusBadRequest || s >= http.StatusInternalServerError
}

// neverSent reports a transport error that happened before any byte of the request reached the service: the
// connection was refused or the name did not resolve (a dial error), or the TLS handshake failed.
func neverSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns) || isCertificateError(err)
}

// notProcessedError marks the error of a call that no try can have changed anything with.
type notProcessedError struct{ err error }

func (e *notProcessedError) Error() string { return e.err.Error() }
func (e *notProcessedError) Unwrap() error { return e.err }

// mark returns err marked as not processed when no try of the call may have landed.
func (l *attemptLog) mark(err error) error {
	if err == nil || l.mayHaveLanded.Load() {
		return err
	}
	return &notProcessedError{err: err}
}

// NotProcessed reports whether err proves that the call it came from changed nothing: every try was refused by
// the service (a 4xx other than 408, for example a 400 naming a bad property, a 409 over quota, a 429) or never
// sent (the connection could not be made). A create whose PUT failed this way has nothing to recover; any other
// failure of a PUT may have created the resource.
func NotProcessed(err error) bool {
	var e *notProcessedError
	return errors.As(err, &e)
}
