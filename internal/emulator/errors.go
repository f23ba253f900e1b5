package emulator

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/sim"
)

// apiError is a failure answered with ARM's error body ({"error":{"code","message","target"}}). Handlers
// return it from inside a transaction so that nothing the request wrote is committed.
type apiError struct {
	Status int
	Body   api.CloudErrorBody
	Header http.Header // extra headers such as Allow or Retry-After
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Status, api.Deref(e.Body.Code), api.Deref(e.Body.Message))
}

// newError builds an apiError. Messages must never quote request values that may be secrets.
func newError(status int, code, format string, args ...any) *apiError {
	return &apiError{Status: status, Body: api.CloudErrorBody{
		Code: api.Ptr(code), Message: api.Ptr(fmt.Sprintf(format, args...)),
	}}
}

// withTarget names the property at fault (a JSON path such as "properties.vmSize").
func (e *apiError) withTarget(target string) *apiError {
	if target != "" {
		e.Body.Target = api.Ptr(target)
	}
	return e
}

// fromGateway marks an error that ARM's front door answers before the resource provider sees the request:
// x-ms-failure-cause: gateway, as recorded with LocationNotAvailableForResourceType (batchai-api-notes.md 1.5).
func (e *apiError) fromGateway() *apiError {
	if e.Header == nil {
		e.Header = http.Header{}
	}
	e.Header.Set("x-ms-failure-cause", "gateway")
	return e
}

// fromSim converts the cluster simulation's validation and quota errors.
func fromSim(e *sim.Error) *apiError {
	ce := e.CloudError()
	return &apiError{Status: e.Status, Body: *ce.Error}
}

// asAPIError maps any handler error to the error body it is answered with. Unknown errors are internal
// failures: 500 with a generic message, so that store paths or stack details never reach a client.
func asAPIError(err error) (*apiError, bool) {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae, true
	}
	var se *sim.Error
	if errors.As(err, &se) {
		return fromSim(se), true
	}
	return internalError(), false
}

func internalError() *apiError {
	return newError(http.StatusInternalServerError, "InternalServerError",
		"The server encountered an internal error. Please retry the request.")
}

// The errors below reuse the codes and wording ARM and the real Batch AI service answered with
// (batchai-api-notes.md 1.5; ARM's documented codes for the gateway-level ones).

func errResourceGroupNotFound(name string) *apiError {
	return newError(http.StatusNotFound, "ResourceGroupNotFound", "Resource group '%s' could not be found.", name).fromGateway()
}

func errResourceGroupBeingDeleted(name string) *apiError {
	return newError(http.StatusConflict, "ResourceGroupBeingDeleted",
		"The resource group '%s' is in deprovisioning state and cannot perform this operation.", name).fromGateway()
}

// errNotFound follows the service's "The specified cluster cluster is not found" (code ClusterNotFound); the
// workspace and file server variants use the same pattern.
func errNotFound(code, kind, name string) *apiError {
	return newError(http.StatusNotFound, code, "The specified %s %s is not found", kind, name)
}

func errBeingDeleted(kind, name string) *apiError {
	return newError(http.StatusConflict, sim.CodeOperationNotAllowed,
		"The %s %s is being deleted and cannot be changed.", kind, name)
}

func errMissingAPIVersion() *apiError {
	return newError(http.StatusBadRequest, "MissingApiVersionParameter",
		"The api-version query parameter (?api-version=) is required for all requests.").fromGateway()
}

// sanitize bounds attacker-controlled values before they are echoed in a message (sim's rule, one for both).
var sanitize = sim.Sanitize
