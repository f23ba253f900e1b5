// Package sim holds the semantics of Batch AI clusters and file servers for the emulator: request
// validation and server defaults, VM sizes and quotas, and a node simulation computed lazily from
// timestamps. The HTTP layer checks names, tags and locations; it validates cluster and file-server
// bodies by calling the Prepare and Compare functions here.
//
// It is pure: no HTTP, no goroutines, no global mutable state. Time is always passed in, and all
// state lives in exported, JSON-tagged structs that the HTTP layer persists as they are, so a
// restarted emulator continues exactly where it stopped.
package sim

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// Error codes. Real Batch AI answered an unsupported VM size with InvalidPropertyValue (see
// vmsizes.go); the other codes follow the conventions of ARM resource providers, since no
// recorded Batch AI traffic shows them.
const (
	CodeMissingRequiredProperty  = "MissingRequiredProperty"
	CodeInvalidPropertyValue     = "InvalidPropertyValue"
	CodePropertyChangeNotAllowed = "PropertyChangeNotAllowed"
	CodeQuotaExceeded            = "QuotaExceeded"
	CodeOperationNotAllowed      = "OperationNotAllowed"
	// CodeSupportedVMSizes is the code of the detail that lists the supported sizes.
	CodeSupportedVMSizes = "SupportedVMSizes"
)

// Codes of the errors a cluster reports on its nodes. No recorded traffic shows a failed setup task or an
// allocation the region could not meet, so these are the emulator's own, named after Azure Batch's
// start-task and resize failures.
const (
	CodeSetupTaskFailed  = "SetupTaskFailed"
	CodeAllocationFailed = "AllocationFailed"
)

// Error is a service error the HTTP layer turns into an ARM error body (see CloudError).
type Error struct {
	Status  int
	Code    string
	Message string
	// Target is the JSON path of the offending property, e.g.
	// "properties.scaleSettings.autoScale.minimumNodeCount"; empty when no property is to blame.
	Target string
	// Details are nested errors, like the SupportedVMSizes list the real service attached.
	Details []Error
}

// Error makes *Error an error.
func (e *Error) Error() string {
	if e.Target != "" {
		return fmt.Sprintf("%d %s (%s): %s", e.Status, e.Code, e.Target, e.Message)
	}
	return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message)
}

// CloudError is the ARM error body for e.
func (e *Error) CloudError() api.CloudError {
	body := e.body()
	return api.CloudError{Error: &body}
}

func (e *Error) body() api.CloudErrorBody {
	b := api.CloudErrorBody{Code: api.Ptr(e.Code), Message: api.Ptr(e.Message)}
	if e.Target != "" {
		b.Target = api.Ptr(e.Target)
	}
	for i := range e.Details {
		b.Details = append(b.Details, e.Details[i].body())
	}
	return b
}

// missing reports a required property that the request left out (or left empty).
func missing(path string) *Error {
	return &Error{
		Status:  http.StatusBadRequest,
		Code:    CodeMissingRequiredProperty,
		Target:  path,
		Message: fmt.Sprintf("The required property '%s' is missing from the request.", path),
	}
}

// invalid reports a property whose value the service does not accept. The reason must never
// quote a secret.
func invalid(path, reasonFormat string, args ...any) *Error {
	return &Error{
		Status:  http.StatusBadRequest,
		Code:    CodeInvalidPropertyValue,
		Target:  path,
		Message: fmt.Sprintf("The value of property '%s' is invalid: %s", path, fmt.Sprintf(reasonFormat, args...)),
	}
}

// MissingProperty is missing for the HTTP layer's own checks (those that need more than the request body),
// so that every missing property is worded the same.
func MissingProperty(path string) *Error { return missing(path) }

// InvalidProperty is invalid for the HTTP layer's own checks.
func InvalidProperty(path, reasonFormat string, args ...any) *Error {
	return invalid(path, reasonFormat, args...)
}

// Sanitize bounds a request value before an error message echoes it: at most 120 bytes, control characters
// replaced by '?'. It is for values a client may abuse (names, enums, sizes); never pass it a secret.
func Sanitize(s string) string {
	if len(s) > 120 {
		s = s[:120] + "..."
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}
