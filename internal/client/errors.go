package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// Error is an error answered by ARM or the resource provider. It keeps ARM's code and message
// and never the request body, so secrets sent in a request cannot leak through it.
type Error struct {
	Method     string
	URL        string // without the query
	StatusCode int
	Code       string
	Message    string
	RequestID  string
	// Response is azcore's view of the same error, for callers that use errors.As on it.
	Response *azcore.ResponseError
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Method != "" {
		fmt.Fprintf(&b, "%s %s: ", e.Method, e.URL)
	}
	fmt.Fprintf(&b, "%d", e.StatusCode)
	if e.Code != "" {
		fmt.Fprintf(&b, " %s", e.Code)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	return b.String()
}

// Unwrap exposes azcore's ResponseError.
func (e *Error) Unwrap() error {
	if e.Response == nil {
		return nil
	}
	return e.Response
}

// IsNotFound reports whether err is ARM's 404 for a missing resource (or its missing resource
// group): the one place "not found" is recognized. A 404 SubscriptionNotFound means the
// provider is pointed at the wrong subscription, not that the resource is gone, so it does not
// count: treating it as gone would drop every resource from state.
func IsNotFound(err error) bool {
	var e *Error
	if errors.As(err, &e) {
		return e.StatusCode == http.StatusNotFound && !strings.EqualFold(e.Code, "SubscriptionNotFound")
	}
	var re *azcore.ResponseError
	return errors.As(err, &re) && re.StatusCode == http.StatusNotFound && !strings.EqualFold(re.ErrorCode, "SubscriptionNotFound")
}

// ErrorCode returns ARM's error code carried by err, or "".
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		return re.ErrorCode
	}
	return ""
}

// newError reads an unsuccessful response into an *Error.
func newError(resp *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	e := &Error{StatusCode: resp.StatusCode, RequestID: resp.Header.Get("x-ms-request-id")}
	if req := resp.Request; req != nil {
		e.Method = req.Method
		u := *req.URL
		u.RawQuery = ""
		e.URL = u.String()
	}
	var ce api.CloudError
	if json.Unmarshal(body, &ce) == nil && ce.Error != nil {
		e.Code = api.Deref(ce.Error.Code)
		e.Message = api.Deref(ce.Error.Message)
	}
	if e.Code == "" {
		e.Code = resp.Header.Get("x-ms-error-code")
	}
	if e.Message == "" {
		e.Message = http.StatusText(resp.StatusCode)
	}
	e.Response = &azcore.ResponseError{ErrorCode: e.Code, StatusCode: resp.StatusCode, RawResponse: resp}
	return e
}

// asError turns azcore's errors from pollers into *Error, keeping ARM's code and message but
// dropping azcore's dump of the whole response.
func asError(err error) error {
	var re *azcore.ResponseError
	if !errors.As(err, &re) || re.RawResponse == nil {
		return err
	}
	e := &Error{StatusCode: re.StatusCode, Code: re.ErrorCode, Response: re,
		RequestID: re.RawResponse.Header.Get("x-ms-request-id")}
	if req := re.RawResponse.Request; req != nil {
		e.Method = req.Method
		u := *req.URL
		u.RawQuery = ""
		e.URL = u.String()
	}
	// azcore has already read the body into RawResponse; re-parse it for the message. Failed
	// operations carry {"status":"Failed","error":{...}}, plain errors {"error":{...}}.
	if re.RawResponse.Body != nil {
		body, _ := io.ReadAll(io.LimitReader(re.RawResponse.Body, 1<<20))
		var op struct {
			Error *api.CloudErrorBody `json:"error"`
		}
		if json.Unmarshal(body, &op) == nil && op.Error != nil {
			if e.Code == "" {
				e.Code = api.Deref(op.Error.Code)
			}
			e.Message = api.Deref(op.Error.Message)
		}
	}
	if e.Message == "" {
		e.Message = http.StatusText(e.StatusCode)
	}
	return e
}
