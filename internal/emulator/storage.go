package emulator

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// The emulator serves the files of jobs' output directories itself, in place of the Azure Files shares and
// blob containers they lived on, through download URLs shaped like the service's: a path under
// storagePrefix and a SAS query (sv, sr, sp=rl, se, sig) whose HMAC signature and se= expiry are checked.
// A SAS is its own credential: no bearer token is needed, and the signature is never logged (the request
// log prints paths only). Expired or tampered links are answered like Azure Storage answers them: 403
// AuthenticationFailed, in XML.

// storagePrefix is where download URLs point: /storage/<jobOutputDirectoryPathSegment>/stdouterr/<file> and
// /storage/<segment>/outputs/<output directory id>/<path>.
const storagePrefix = "/storage/"

// sasVersion is the storage service version of recorded download URLs.
const sasVersion = "2018-03-28"

// sasTimeLayout is how SAS expiry times are written ("2017-09-28T01:22:35Z").
const sasTimeLayout = "2006-01-02T15:04:05Z"

const (
	bucketSettings = "settings"
	keySASKey      = "sas-key"
)

// loadSigningKey reads (or creates, on first start) the key download URLs are signed with. It is stored
// with the emulator's state, so links stay valid across restarts until they expire. It is loaded once, at
// start, so that no request ever needs a second transaction.
func (e *Emulator) loadSigningKey() error {
	var key []byte
	err := e.mutate(func(t *txn) error {
		var stored []byte
		found, err := t.get(bucketSettings, keySASKey, &stored)
		if err != nil || found {
			key = stored
			return err
		}
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return err
		}
		return t.put(bucketSettings, keySASKey, key)
	})
	e.signingKey = key
	return err
}

// downloadURL is the signed, expiring URL of a file: the file's path (segments escaped) under
// storagePrefix, valid until expiry.
func (e *Emulator) downloadURL(segment string, rel []string, expiry time.Time) string {
	parts := append(strings.Split(segment, "/"), rel...)
	escaped := make([]string, len(parts))
	for i, p := range parts {
		escaped[i] = url.PathEscape(p)
	}
	p := storagePrefix + strings.Join(escaped, "/")
	se := expiry.UTC().Format(sasTimeLayout)
	q := url.Values{}
	q.Set("sv", sasVersion)
	q.Set("sr", "f")
	q.Set("sp", "rl")
	q.Set("se", se)
	q.Set("sig", sign(e.signingKey, "rl", se, storagePrefix+strings.Join(parts, "/"), sasVersion, "f"))
	return e.BaseURL() + p + "?" + q.Encode()
}

// withStorage routes download URLs (storagePrefix), which carry their own credential, around next (the
// token endpoints and ARM).
func withStorage(storage http.HandlerFunc, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, storagePrefix) {
			storage(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// sign is the SAS signature: HMAC-SHA256 of the signed fields and the resource, base64.
func sign(key []byte, sp, se, resource, sv, sr string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(strings.Join([]string{sp, se, resource, sv, sr}, "\n")))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// serveStorage answers a download URL: the SAS first (403 AuthenticationFailed when it is missing, expired
// or tampered with), then the file (404 ResourceNotFound when it, or its job, no longer exists).
func (e *Emulator) serveStorage(w http.ResponseWriter, r *http.Request) {
	now := e.now()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		storageError(w, now, http.StatusForbidden, "AuthorizationPermissionMismatch",
			"This request is not authorized to perform this operation using this permission.", "")
		return
	}
	q := r.URL.Query()
	sv, sr, sp, se, sig := q.Get("sv"), q.Get("sr"), q.Get("sp"), q.Get("se"), q.Get("sig")
	if sv == "" || sr == "" || sp == "" || se == "" || sig == "" {
		storageError(w, now, http.StatusForbidden, "AuthenticationFailed", authFailed, "Signature fields not well formed.")
		return
	}
	if want := sign(e.signingKey, sp, se, r.URL.Path, sv, sr); !hmac.Equal([]byte(want), []byte(sig)) {
		storageError(w, now, http.StatusForbidden, "AuthenticationFailed", authFailed, "Signature did not match.")
		return
	}
	expiry, err := time.Parse(sasTimeLayout, se)
	if err != nil || !now.Before(expiry) {
		storageError(w, now, http.StatusForbidden, "AuthenticationFailed", authFailed, fmt.Sprintf(
			"Signed expiry time [%s] must be after the current time [%s].", httpDate(expiry), httpDate(now)))
		return
	}
	if !strings.Contains(sp, "r") {
		storageError(w, now, http.StatusForbidden, "AuthorizationPermissionMismatch",
			"This request is not authorized to perform this operation using this permission.", "")
		return
	}
	content, modified, found, err := e.storedFile(strings.TrimPrefix(r.URL.Path, storagePrefix))
	switch {
	case err != nil:
		storageError(w, now, http.StatusInternalServerError, "InternalError", "Server encountered an internal error.", "")
		return
	case !found:
		storageError(w, now, http.StatusNotFound, "ResourceNotFound", "The specified resource does not exist.", "")
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("x-ms-type", "File")
	h.Set("x-ms-version", sasVersion)
	http.ServeContent(w, r, "", modified, bytes.NewReader(content))
}

// storedFile finds the file at the path of a download URL: the job's output segment (nine path
// segments), then "stdouterr/<file>" or "outputs/<id>/<path>".
func (e *Emulator) storedFile(p string) ([]byte, time.Time, bool, error) {
	parts := strings.Split(p, "/")
	if len(parts) < 11 || !strings.EqualFold(parts[2], "workspaces") || !strings.EqualFold(parts[4], "experiments") ||
		!strings.EqualFold(parts[6], "jobs") {
		return nil, time.Time{}, false, nil
	}
	segment := strings.Join(parts[:9], "/")
	dirID, rel := parts[9], parts[10:]
	if strings.EqualFold(dirID, "outputs") {
		if len(rel) < 2 {
			return nil, time.Time{}, false, nil
		}
		dirID, rel = rel[0], rel[1:]
	} else if !strings.EqualFold(dirID, api.OutputDirectoryStdOutErr) {
		return nil, time.Time{}, false, nil
	}
	var content []byte
	var modified time.Time
	found := false
	err := e.read(func(t *txn) error {
		x, err := t.experimentPath(parts[1], parts[3], parts[5])
		if err != nil {
			return ignoreNotFound(err)
		}
		j, err := t.job(x, parts[7])
		if err != nil || !strings.EqualFold(j.Sim.OutputSegment, segment) {
			return ignoreNotFound(err) // a job created again under the same name has another segment
		}
		files, _ := j.Sim.OutputFiles(dirID, t.e.simConfig().JobDuration)
		for _, f := range files {
			if f.Path == strings.Join(rel, "/") {
				content, modified, found = f.Content, f.Modified, true
			}
		}
		return nil
	})
	return content, modified, found, err
}

const authFailed = "Server failed to authenticate the request. Make sure the value of Authorization header is " +
	"formed correctly including the signature."

// storageError writes Azure Storage's XML error body.
func storageError(w http.ResponseWriter, now time.Time, status int, code, message, detail string) {
	type storageErrorBody struct {
		XMLName xml.Name `xml:"Error"`
		Code    string   `xml:"Code"`
		Message string   `xml:"Message"`
		Detail  string   `xml:"AuthenticationErrorDetail,omitempty"`
	}
	body := storageErrorBody{Code: code, Detail: detail, Message: fmt.Sprintf("%s\nRequestId:%s\nTime:%s", message,
		w.Header().Get("x-ms-request-id"), now.UTC().Format("2006-01-02T15:04:05.0000000Z"))}
	raw, _ := xml.Marshal(body)
	raw = append([]byte(xml.Header), raw...)
	h := w.Header()
	h.Set("Content-Type", "application/xml")
	h.Set("x-ms-error-code", code)
	h.Set("Content-Length", fmt.Sprint(len(raw)))
	w.WriteHeader(status)
	_, _ = w.Write(raw)
}

func httpDate(t time.Time) string { return t.UTC().Format(http.TimeFormat) }
