package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// reply is a response computed inside a transaction and written only after the transaction committed, so
// a client never sees a success the store did not make durable.
type reply struct {
	status int
	body   any // nil: no body
	header http.Header
}

func newReply(status int, body any) *reply {
	return &reply{status: status, body: body, header: http.Header{}}
}

// withResource adds the etag and last-modified headers real Batch AI sent with resource bodies.
func (r *reply) withResource(etag string, modified time.Time) *reply {
	if etag != "" {
		r.header.Set("ETag", `"`+etag+`"`)
	}
	if !modified.IsZero() {
		r.header.Set("Last-Modified", modified.UTC().Format(http.TimeFormat))
	}
	return r
}

func (e *Emulator) respond(w http.ResponseWriter, r *http.Request, rep *reply, err error) {
	if err != nil {
		ae, known := asAPIError(err)
		if !known {
			e.cfg.Logger.Error("internal error", "method", r.Method, "path", r.URL.Path,
				"request_id", w.Header().Get("x-ms-request-id"), "error", err.Error())
		}
		writeError(w, ae)
		return
	}
	for k, v := range rep.header {
		w.Header()[k] = v
	}
	writeJSON(w, rep.status, rep.body)
}

// writeJSON writes body as JSON (nil: an empty body, without Content-Type). HTML characters are not
// escaped, as the service's .NET serializer does not escape them either.
func writeJSON(w http.ResponseWriter, status int, body any) {
	h := w.Header()
	if body == nil {
		// No body, no content type: ARM's 202s and 204s carry none.
		h.Set("Content-Length", "0")
		w.WriteHeader(status)
		return
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	buf, ok := bufPool.Get().(*bytes.Buffer)
	if !ok {
		buf = new(bytes.Buffer)
	}
	defer bufPool.Put(buf)
	buf.Reset()
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil {
		status, buf = http.StatusInternalServerError, bytes.NewBufferString(
			`{"error":{"code":"InternalServerError","message":"The response could not be serialized."}}`)
	}
	out := bytes.TrimRight(buf.Bytes(), "\n")
	h.Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(status)
	_, _ = w.Write(out)
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func writeError(w http.ResponseWriter, e *apiError) {
	for k, v := range e.Header {
		w.Header()[k] = v
	}
	writeJSON(w, e.Status, api.CloudError{Error: &e.Body})
}

// newETag returns an etag in the service's style ("0x8D5CCBBDEA4E238": the .NET ticks of the change, in
// hex) that is strictly greater than prev, so two changes within one tick still differ.
func newETag(now time.Time, prev string) string {
	const unixEpochTicks = 621355968000000000
	ticks := uint64(now.UnixNano()/100) + unixEpochTicks
	var p uint64
	if _, err := fmt.Sscanf(prev, "0x%X", &p); err == nil && ticks <= p {
		ticks = p + 1
	}
	return fmt.Sprintf("0x%X", ticks)
}

// armTime formats a timestamp as the service did ("2018-06-07T21:16:00.924Z").
func armTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	return api.Ptr(t.UTC().Format("2006-01-02T15:04:05.000Z"))
}
