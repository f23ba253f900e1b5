package emulator

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/store"
)

// page is the request's paging position: how many items a page holds and the key the previous page ended
// with. Pages are keyed, not numbered, so items created or deleted between two page requests never make a
// client skip or repeat the others.
type page struct {
	size       int
	after      string // "" for the first page
	maxResults string // as sent, repeated in nextLink
}

// parsePage reads maxresults (the spec's 1..1000, default 1000) and the opaque $skiptoken of a nextLink.
func (e *Emulator) parsePage(r *http.Request) (page, *apiError) {
	q := r.URL.Query()
	p := page{size: e.cfg.PageSize}
	if v := q.Get("maxresults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return p, newError(http.StatusBadRequest, "InvalidParameter", "The value '%s' of query parameter "+
				"'maxresults' is invalid: it must be an integer between 1 and 1000.", sanitize(v)).withTarget("maxresults")
		}
		p.size, p.maxResults = min(n, p.size), v
	}
	if tok := q.Get("$skiptoken"); tok != "" {
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || !strings.HasPrefix(string(raw), "k:") {
			return p, newError(http.StatusBadRequest, "InvalidSkipToken",
				"The $skiptoken query parameter is not valid. Use the nextLink of the previous page as it is.")
		}
		p.after = strings.TrimPrefix(string(raw), "k:")
	}
	return p, nil
}

// nextLink is the absolute URL of the page after lastKey, on the same path with the same query (an action's
// parameters, such as listOutputFiles' outputdirectoryid, apply to every page).
func (e *Emulator) nextLink(r *http.Request, p page, lastKey string) *string {
	q := url.Values{}
	for k, v := range r.URL.Query() {
		if k != "$skiptoken" && len(v) > 0 {
			q.Set(k, v[0])
		}
	}
	if p.maxResults != "" {
		q.Set("maxresults", p.maxResults)
	}
	q.Set("$skiptoken", base64.RawURLEncoding.EncodeToString([]byte("k:"+lastKey)))
	return api.Ptr(e.BaseURL() + r.URL.EscapedPath() + "?" + q.Encode())
}

// listPage is the body of every list: {"value":[...],"nextLink":...}.
type listPage struct {
	Value    []any   `json:"value"`
	NextLink *string `json:"nextLink,omitempty"`
}

// lister describes a list served from one bucket.
type lister struct {
	bucket string
	prefix string // key prefix (lower-cased before use)
	// pre runs first, e.g. to answer 404 when the parent does not exist.
	pre func(t *txn) error
	// item converts a stored record into its response body, or returns nil to leave it out (a resource
	// whose deletion just finished).
	item func(t *txn, raw []byte) (any, error)
}

// servePage answers one page of a list.
func (e *Emulator) servePage(w http.ResponseWriter, r *http.Request, l lister) {
	p, ae := e.parsePage(r)
	if ae != nil {
		e.respond(w, r, nil, ae)
		return
	}
	var rep *reply
	err := e.read(func(t *txn) error {
		if l.pre != nil {
			if err := l.pre(t); err != nil {
				return err
			}
		}
		// Collect first, convert after: converting may settle (delete) records, which must not happen while
		// the bucket is being iterated.
		type entry struct {
			key string
			raw []byte
		}
		var entries []entry
		more := false
		err := t.List(l.bucket, strings.ToLower(l.prefix), func(key string, raw []byte) error {
			if p.after != "" && key <= p.after {
				return nil
			}
			if len(entries) == p.size {
				more = true
				return store.ErrStop
			}
			entries = append(entries, entry{key, append([]byte(nil), raw...)})
			return nil
		})
		if err != nil {
			return err
		}
		body := listPage{Value: []any{}}
		for _, en := range entries {
			v, err := l.item(t, en.raw)
			if err != nil {
				return err
			}
			if v != nil {
				body.Value = append(body.Value, v)
			}
		}
		if more {
			body.NextLink = e.nextLink(r, p, entries[len(entries)-1].key)
		}
		rep = newReply(http.StatusOK, body)
		return nil
	})
	e.respond(w, r, rep, err)
}

// pageOf slices an in-memory list (items ordered by their keys) the same way.
func (e *Emulator) pageOf(r *http.Request, p page, keys []string, values []any) listPage {
	body := listPage{Value: []any{}}
	for i, k := range keys {
		if p.after != "" && k <= p.after {
			continue
		}
		if len(body.Value) == p.size {
			body.NextLink = e.nextLink(r, p, keys[i-1])
			break
		}
		body.Value = append(body.Value, values[i])
	}
	return body
}

func decodeRecord(raw []byte, v any) error { return store.DecodeJSON(raw, v) }
