package emulator

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/sim"
)

// operationsJSON is the provider's operation list, copied from examples/ListOperation.json.
//
//go:embed operations.json
var operationsJSON []byte

var operations = func() []api.Operation {
	var ops []api.Operation
	if err := json.Unmarshal(operationsJSON, &ops); err != nil {
		panic("emulator: operations.json: " + err.Error())
	}
	return ops
}()

// listOperations serves GET /providers/Microsoft.BatchAI/operations (no subscription needed).
func (e *Emulator) listOperations(w http.ResponseWriter, r *http.Request) {
	p, ae := e.parsePage(r)
	if ae != nil {
		e.respond(w, r, nil, ae)
		return
	}
	keys := make([]string, len(operations))
	values := make([]any, len(operations))
	for i, op := range operations {
		keys[i], values[i] = fmt.Sprintf("%06d", i), op
	}
	e.respond(w, r, newReply(http.StatusOK, e.pageOf(r, p, keys, values)), nil)
}

// listUsages serves the quota of a location with what the subscription's clusters there hold
// (sim.UsagesOf: cluster count, regional and per-family vCPUs, dedicated then low priority), from the
// usage counters (usage_index.go) rather than a recount.
func (e *Emulator) listUsages(w http.ResponseWriter, r *http.Request) {
	p, ae := e.parsePage(r)
	if ae != nil {
		e.respond(w, r, nil, ae)
		return
	}
	loc := normalizeLocation(r.PathValue("location"))
	var rep *reply
	err := e.read(func(t *txn) error {
		if !knownLocation(e.cfg.Locations, loc) {
			return newError(http.StatusBadRequest, "LocationNotAvailableForResourceType", "The provided location "+
				"'%s' is not available for resource type '%s/locations/usages'. List of available regions for the "+
				"resource type is '%s'.", sanitize(r.PathValue("location")), api.ProviderNamespace, joinList(e.cfg.Locations)).fromGateway()
		}
		q, err := t.quota(loc)
		if err != nil {
			return err
		}
		held, err := t.usage(loc)
		if err != nil {
			return err
		}
		usages := sim.UsagesOf(q, held)
		keys := make([]string, len(usages))
		values := make([]any, len(usages))
		for i, u := range usages {
			keys[i], values[i] = fmt.Sprintf("%06d", i), u
		}
		rep = newReply(http.StatusOK, e.pageOf(r, p, keys, values))
		return nil
	})
	e.respond(w, r, rep, err)
}
