package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// Downloads of job output files. A file's downloadUrl (listOutputFiles) is a SAS URL of Azure Storage: it is its
// own credential, so it is fetched without a bearer token (the storage pipeline has no authentication policy),
// and it must never reach a log line or an error message. azcore's logging policy already writes request URLs
// with every query value REDACTED; the errors below drop the query too, including Go's own transport errors,
// which quote the whole URL.

// ErrDownloadTooLarge says that a file holds more than the caller was willing to read.
var ErrDownloadTooLarge = errors.New("the file is larger than the limit")

// DownloadRange is what Download reads: at most Length bytes from Offset (a Range request when Offset is not
// 0). Length must be positive; the service answers with fewer bytes at the end of the file.
type DownloadRange struct {
	Offset int64
	Length int64
}

// Download reads a file through its SAS download URL. With a zero range it reads the whole file, at most
// limit bytes: a larger file is ErrDownloadTooLarge. With a range it reads that part only (limit is ignored).
func (c *Client) Download(ctx context.Context, downloadURL string, rng DownloadRange, limit int64) ([]byte, error) {
	u, err := url.Parse(downloadURL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, errors.New("the download URL is not an https URL")
	}
	req, err := runtime.NewRequest(ctx, http.MethodGet, downloadURL)
	if err != nil {
		return nil, errors.New("the download URL cannot be requested")
	}
	if rng.Length > 0 {
		// Azure Storage reads both Range and x-ms-range; Range is what net/http servers (the emulator) read.
		req.Raw().Header.Set("Range", fmt.Sprintf("bytes=%d-%d", rng.Offset, rng.Offset+rng.Length-1))
		limit = rng.Length
	}
	resp, err := c.storage.Do(req)
	if err != nil {
		return nil, withoutQuery(err, u)
	}
	defer func() { _ = resp.Body.Close() }()
	if !runtime.HasStatusCode(resp, http.StatusOK, http.StatusPartialContent) {
		return nil, newError(resp)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, withoutQuery(err, u)
	}
	if int64(len(body)) > limit {
		if rng.Length > 0 {
			return body[:limit], nil
		}
		return nil, fmt.Errorf("%w of %d bytes", ErrDownloadTooLarge, limit)
	}
	return body, nil
}

// withoutQuery rewrites err so that it never quotes the SAS query of u: a transport error (*url.Error) names
// the URL in full, and its own message may repeat it.
func withoutQuery(err error, u *url.URL) error {
	bare := *u
	bare.RawQuery, bare.ForceQuery = "", false
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	msg := err.Error()
	if u.RawQuery != "" {
		msg = strings.ReplaceAll(msg, u.RawQuery, "REDACTED")
	}
	return fmt.Errorf("GET %s: %s", bare.String(), msg)
}
