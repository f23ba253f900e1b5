package emulator

import (
	"net/http"
	"net/url"
	"strings"
)

// Path hygiene. Every path is checked before any route sees it, the identity endpoints included: a path with an
// empty segment ("//"), a dot segment ("." or "..", also percent-encoded), a segment holding an encoded slash or
// backslash ("a%2Fb", "x%2F"), a control character, a double encoding ("%25") or a broken escape is answered with
// ARM's error body and status 400. Without this, Go's ServeMux answers the first three with a 307 redirect and an
// HTML body, and routing on the decoded path would let "workspaces/a%2Fclusters%2Fb" reach cluster b. A single
// trailing slash stays accepted, as it always was.

// rejectMalformedPaths answers malformed paths itself and passes the others on.
func rejectMalformedPaths(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ae := checkPath(r.URL); ae != nil {
			writeError(w, ae)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// checkPath returns the error for a malformed path, or nil.
func checkPath(u *url.URL) *apiError {
	raw := u.EscapedPath()
	bad := func(reason string, args ...any) *apiError {
		ae := newError(http.StatusBadRequest, "InvalidRequestUri", "The request URI '%s' is not valid: "+reason+".",
			append([]any{sanitize(raw)}, args...)...)
		return ae.fromGateway()
	}
	if !strings.HasPrefix(raw, "/") {
		return bad("the path must start with '/'")
	}
	if raw == "/" {
		return nil
	}
	segs := strings.Split(raw[1:], "/")
	if segs[len(segs)-1] == "" {
		segs = segs[:len(segs)-1] // one trailing slash
	}
	for _, seg := range segs {
		if seg == "" {
			return bad("it has an empty segment ('//')")
		}
		if strings.Contains(seg, "%25") {
			// ARM's own check and wording for a percent sign sent encoded twice.
			return newError(http.StatusBadRequest, "InvalidDoubleEncodedRequestUri", "The request URI '%s' is not "+
				"valid, because it contains double encoding sequence '%%25'.", sanitize(raw)).fromGateway()
		}
		// net/http already refuses most broken escapes; a handler mounted behind another server may not.
		name, err := url.PathUnescape(seg)
		if err != nil {
			return bad("segment '%s' is not correctly percent-encoded", sanitize(seg))
		}
		switch {
		case name == "." || name == "..":
			return bad("it has a '.' or '..' segment; every segment of an ARM path is a name")
		case strings.ContainsAny(name, `/\`):
			return bad("segment '%s' holds an encoded '/' or '\\', which no name may contain", sanitize(seg))
		case strings.ContainsFunc(name, func(c rune) bool { return c < 0x20 || c == 0x7f }):
			return bad("segment '%s' holds a control character", sanitize(seg))
		}
	}
	return nil
}
