package emulator

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/google/uuid"
)

// statusWriter records the status a handler answered, for the request log and for panic recovery (which
// can only answer if nothing was written yet).
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// withCommon wraps every route, including the identity endpoints and auth failures: ARM's response headers,
// injected faults, request counting, panic recovery and the request log.
func (e *Emulator) withCommon(next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		start := time.Now()
		reqID := uuid.NewString()
		h := rw.Header()
		// ARM sends these on every response; clients log x-ms-request-id and x-ms-correlation-request-id
		// to match a failure with the service's traces.
		corr := r.Header.Get("x-ms-correlation-request-id")
		if _, err := uuid.Parse(corr); err != nil {
			corr = uuid.NewString()
		}
		h.Set("x-ms-request-id", reqID)
		h.Set("x-ms-correlation-request-id", corr)
		h.Set("x-ms-routing-request-id", strings.ToUpper(e.cfg.DefaultLocation)+":"+
			start.UTC().Format("20060102T150405Z")+":"+reqID)
		if cid := r.Header.Get("x-ms-client-request-id"); cid != "" && len(cid) <= 128 {
			h.Set("x-ms-client-request-id", sanitize(cid))
		}
		h.Set("Cache-Control", "no-cache")
		h.Set("Pragma", "no-cache")
		h.Set("Expires", "-1")
		h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		h.Set("X-Content-Type-Options", "nosniff")

		e.countRequest(r)
		fault := e.takeFault(r)
		w := &statusWriter{ResponseWriter: rw}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v) // the server's own way to abort a response; not a bug
				}
				e.cfg.Logger.Error("panic serving request", "method", r.Method, "path", r.URL.Path,
					"request_id", reqID, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if w.status == 0 {
					writeError(w, internalError())
				}
			}
			attrs := []slog.Attr{slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.Int("status", w.status), slog.Duration("duration", time.Since(start)),
				slog.String("request_id", reqID)}
			if fault != nil {
				attrs = append(attrs, slog.String("fault", string(fault.kind)))
			}
			e.cfg.Logger.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
		}()
		if fault != nil {
			e.serveFault(w, r, fault, next)
			return
		}
		next.ServeHTTP(w, r)
	})
}
