package emulator

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// Kinds of long-running operations.
const (
	opCreateCluster    = "createCluster"
	opDeleteCluster    = "deleteCluster"
	opCreateFileServer = "createFileServer"
	opDeleteFileServer = "deleteFileServer"
	opDeleteWorkspace  = "deleteWorkspace"
	opDeleteExperiment = "deleteExperiment"
	opCreateJob        = "createJob"
	opDeleteJob        = "deleteJob"
	opTerminateJob     = "terminateJob"
	opDeleteGroup      = "deleteResourceGroup"
)

// operation is a persisted long-running operation. Its status is computed lazily: InProgress until DoneAt,
// then (for deletes) until the resource is really gone; the terminal status is then stored, so the record
// stays readable after completion and across restarts.
type operation struct {
	ID         string    `json:"id"` // a lower-case GUID
	Kind       string    `json:"kind"`
	Location   string    `json:"location"`   // the region in the polling URLs
	ResourceID string    `json:"resourceId"` // ARM ID of the resource operated on
	Start      time.Time `json:"start"`
	DoneAt     time.Time `json:"doneAt"`
	// Failure, when set, makes the operation end Failed at DoneAt (quota exceeded at create, or a failure
	// injected with FailNextOperation).
	Failure *failure `json:"failure,omitempty"`
	// Terminal state, once reached.
	Status string    `json:"status,omitempty"`
	End    time.Time `json:"end,omitzero"`
	// APIVersion is the Microsoft.Resources version a group delete was requested with, which its
	// Location URL repeats.
	APIVersion string `json:"apiVersion,omitempty"`
}

// failure is an error an operation (and the resource it worked on) ends with.
type failure struct {
	Status int                `json:"status"` // what the Location URL answers with
	Body   api.CloudErrorBody `json:"body"`
}

// startOperation records a new operation that completes OperationDelay from now. A failure queued with
// FailNextOperation for this resource takes precedence over fail.
func (t *txn) startOperation(kind, location, resourceID string, fail *failure) (*operation, error) {
	return t.startOperationFor(kind, location, resourceID, fail, t.e.cfg.OperationDelay)
}

// startOperationFor is startOperation for an operation that takes delay (negative: none).
func (t *txn) startOperationFor(kind, location, resourceID string, fail *failure, delay time.Duration) (*operation, error) {
	if err := t.write(); err != nil {
		return nil, err
	}
	if injected := t.e.takeFailure(resourceID); injected != nil {
		fail = injected
	}
	op := &operation{
		ID: uuid.NewString(), Kind: kind, Location: normalizeLocation(location), ResourceID: resourceID,
		Start: t.now, DoneAt: t.now.Add(max(delay, 0)), Failure: fail,
	}
	return op, t.put(bucketOperations, op.ID, op)
}

// operationStatus advances op to t.now and returns its status, storing a terminal status once reached.
func (t *txn) operationStatus(op *operation) (string, error) {
	if op.Status != "" {
		return op.Status, nil
	}
	if t.now.Before(op.DoneAt) {
		return api.OperationStatusInProgress, nil
	}
	status := api.OperationStatusSucceeded
	if op.Failure != nil {
		status = api.OperationStatusFailed
	}
	switch op.Kind {
	case opDeleteCluster, opDeleteFileServer, opDeleteWorkspace, opDeleteExperiment, opDeleteJob, opDeleteGroup:
		// A delete succeeds when the resource is gone (a cluster's nodes may still be leaving), and fails
		// when the resource recorded the failure. Looking the resource up settles both.
		exists, err := t.resourceExists(op.ResourceID)
		if err != nil {
			return "", err
		}
		if exists && op.Failure == nil {
			return api.OperationStatusInProgress, nil
		}
	case opCreateCluster, opCreateFileServer, opCreateJob, opTerminateJob:
		// Settle the resource too, so that it shows the outcome (a failure, a terminated job) from the same
		// instant on.
		if _, err := t.resourceExists(op.ResourceID); err != nil {
			return "", err
		}
	}
	if err := t.write(); err != nil {
		return "", err
	}
	op.Status, op.End = status, t.now
	return status, t.put(bucketOperations, op.ID, op)
}

// operationBody is the poll body of real traffic: {"id":"https://…/operationresults/{id}","name":"{id}",
// "status":"InProgress","startTime":…}, then endTime and properties.resourceId, or error.
func (e *Emulator) operationBody(op *operation, status string) api.OperationStatus {
	body := api.OperationStatus{
		ID:        api.Ptr(e.BaseURL() + e.operationPath(op, "operationresults")),
		Name:      api.Ptr(op.ID),
		Status:    api.Ptr(status),
		StartTime: armTime(op.Start),
	}
	switch status {
	case api.OperationStatusSucceeded:
		body.EndTime = armTime(op.End)
		body.Properties = &api.OperationStatusProperties{ResourceID: api.Ptr(serviceResourceID(op.ResourceID))}
	case api.OperationStatusFailed:
		body.EndTime = armTime(op.End)
		errBody := op.Failure.Body
		body.Error = &errBody
	}
	return body
}

// serviceResourceID is the service's own form of a resource ID in operation results:
// "<subscription>$<group>$<workspace>$<cluster>".
func serviceResourceID(armID string) string {
	parts := strings.Split(strings.Trim(armID, "/"), "/")
	var names []string
	for i := 0; i+1 < len(parts); i += 2 {
		if strings.EqualFold(parts[i], "providers") {
			continue // "providers/Microsoft.BatchAI" is not a type/name pair
		}
		names = append(names, parts[i+1])
	}
	return strings.Join(names, "$")
}

func (e *Emulator) operationPath(op *operation, kind string) string {
	if op.Kind == opDeleteGroup {
		return "/subscriptions/" + e.identity.SubscriptionID + "/operationresults/" + op.ID
	}
	return "/subscriptions/" + e.identity.SubscriptionID + "/providers/" + api.ProviderNamespace +
		"/locations/" + op.Location + "/" + kind + "/" + op.ID
}

// accepted is the 202 of a long-running operation: an empty body, Azure-AsyncOperation (operationresults)
// and Location (operationstatuses) as real traffic had them, and a polling hint only when Config.RetryAfter
// asks for one.
func (e *Emulator) accepted(op *operation) *reply {
	rep := newReply(http.StatusAccepted, nil)
	q := "?api-version=" + url.QueryEscape(api.APIVersion)
	if op.Kind == opDeleteGroup {
		// Microsoft.Resources answers a group delete with Location only.
		rep.header.Set("Location", e.BaseURL()+e.operationPath(op, "")+"?api-version="+url.QueryEscape(op.APIVersion))
	} else {
		rep.header.Set("Azure-AsyncOperation", e.BaseURL()+e.operationPath(op, "operationresults")+q)
		rep.header.Set("Location", e.BaseURL()+e.operationPath(op, "operationstatuses")+q)
	}
	e.retryHint(rep.header)
	return rep
}

// deletionInProgress is the answer to a DELETE of a resource that is already being deleted: the 202 of the
// first DELETE's operation, as ARM answers a repeated delete, or nil when the resource is not deleting or that
// operation is gone (the caller then starts a new one).
func (e *Emulator) deletionInProgress(t *txn, deleting bool, deleteOp string) *reply {
	if !deleting {
		return nil
	}
	var op operation
	if found, err := t.get(bucketOperations, deleteOp, &op); err == nil && found {
		return e.accepted(&op)
	}
	return nil
}

// retryHint adds Config.RetryAfter's polling hint to an operation's answer, or nothing when it is zero (the
// default): recorded Batch AI traffic had no Retry-After on operations, so clients paced themselves.
func (e *Emulator) retryHint(h http.Header) {
	if e.cfg.RetryAfter > 0 {
		retryHint(h, e.cfg.RetryAfter)
	}
}

// retryHint sets Retry-After in whole seconds (at least 1, as ARM requires an integer) and, when d is
// shorter than a second, retry-after-ms, which azcore reads first; so a client can be asked to come back
// sooner than ARM's granularity allows while clients that only know Retry-After still work.
func retryHint(h http.Header, d time.Duration) {
	h.Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(d.Seconds())))))
	if d < time.Second {
		h.Set("retry-after-ms", strconv.FormatInt(max(1, d.Milliseconds()), 10))
	}
}

// getOperation serves both polling URLs. operationresults (Azure-AsyncOperation) always answers 200 with
// the status body, as recorded. operationstatuses (Location) follows ARM's Location contract, which the
// recording never exercised: 202 while running; once done, what the request would have answered had it
// been synchronous (200 with the resource for a create, as a GET then sees it; 200 without a body for a
// delete); and the failure's own status and error body on failure. So a client polling Location never
// mistakes a running operation for done, and one that takes the last Location response as the result (as
// azcore's Location poller does) gets the resource, not the operation.
func (e *Emulator) serveOperation(isLocation bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { e.getOperation(w, r, isLocation) }
}

func (e *Emulator) getOperation(w http.ResponseWriter, r *http.Request, isLocation bool) {
	var rep *reply
	err := e.read(func(t *txn) error {
		var op operation
		found, err := t.get(bucketOperations, r.PathValue("operationId"), &op)
		if err != nil {
			return err
		}
		if !found || op.Kind == opDeleteGroup || !strings.EqualFold(op.Location, r.PathValue("location")) {
			return errNotFound("OperationNotFound", "operation", sanitize(r.PathValue("operationId")))
		}
		status, err := t.operationStatus(&op)
		if err != nil {
			return err
		}
		rep = newReply(http.StatusOK, e.operationBody(&op, status))
		switch {
		case status == api.OperationStatusInProgress:
			if isLocation {
				rep.status = http.StatusAccepted
			}
			e.retryHint(rep.header)
		case status == api.OperationStatusFailed && isLocation:
			body := op.Failure.Body
			rep = newReply(op.Failure.Status, api.CloudError{Error: &body})
		case status == api.OperationStatusSucceeded && isLocation:
			if final, err := t.locationResult(&op); err != nil || final != nil {
				rep = final
				return err
			}
		}
		return nil
	})
	e.respond(w, r, rep, err)
}

// locationResult is the synchronous answer of a succeeded operation, or nil when there is none any more (the
// resource a create made has since been deleted; the Location URL then keeps answering the status body).
func (t *txn) locationResult(op *operation) (*reply, error) {
	switch op.Kind {
	case opDeleteCluster, opDeleteFileServer, opDeleteWorkspace, opDeleteExperiment, opDeleteJob, opTerminateJob:
		return newReply(http.StatusOK, nil), nil
	case opCreateJob:
		id, err := api.ParseJobID(op.ResourceID)
		if err != nil {
			return nil, err
		}
		x, err := t.experimentPath(id.ResourceGroup, id.Workspace, id.Experiment)
		if err != nil {
			return nil, ignoreNotFound(err)
		}
		j, err := t.job(x, id.Name)
		if err != nil {
			return nil, ignoreNotFound(err)
		}
		return j.reply(http.StatusOK, t.now), nil
	case opCreateCluster:
		id, err := api.ParseClusterID(op.ResourceID)
		if err != nil {
			return nil, err
		}
		c, err := t.clusterPath(id.ResourceGroup, id.Workspace, id.Name)
		if err != nil {
			return nil, ignoreNotFound(err)
		}
		return newReply(http.StatusOK, c.Sim.View(t.now)).withResource(c.ETag, c.Modified), nil
	case opCreateFileServer:
		id, err := api.ParseFileServerID(op.ResourceID)
		if err != nil {
			return nil, err
		}
		fs, err := t.fileServerPath(id.ResourceGroup, id.Workspace, id.Name)
		if err != nil {
			return nil, ignoreNotFound(err)
		}
		return fs.reply(http.StatusOK), nil
	}
	return nil, nil
}

func ignoreNotFound(err error) error {
	if isNotFound(err) {
		return nil
	}
	return err
}

// getGroupOperation is Microsoft.Resources' Location URL of a resource group delete: 202 while running,
// 200 with no body when the group is gone.
func (e *Emulator) getGroupOperation(w http.ResponseWriter, r *http.Request) {
	var rep *reply
	err := e.read(func(t *txn) error {
		var op operation
		found, err := t.get(bucketOperations, r.PathValue("operationId"), &op)
		if err != nil {
			return err
		}
		if !found || op.Kind != opDeleteGroup {
			return errNotFound("OperationNotFound", "operation", sanitize(r.PathValue("operationId")))
		}
		status, err := t.operationStatus(&op)
		if err != nil {
			return err
		}
		switch status {
		case api.OperationStatusInProgress:
			rep = newReply(http.StatusAccepted, nil)
			rep.header.Set("Location", e.BaseURL()+e.operationPath(&op, "")+"?api-version="+url.QueryEscape(op.APIVersion))
			e.retryHint(rep.header)
		case api.OperationStatusFailed:
			body := op.Failure.Body
			rep = newReply(op.Failure.Status, api.CloudError{Error: &body})
		default:
			rep = newReply(http.StatusOK, nil)
		}
		return nil
	})
	e.respond(w, r, rep, err)
}
