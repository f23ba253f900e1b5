package emulator

import (
	"net/http"
	"strings"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// nameParams are the path parameters the spec constrains (pattern ^[-\w_]+$, 1 to 64 characters), outermost
// first.
var nameParams = []struct{ param, kind string }{
	{"workspaceName", "workspace"},
	{"clusterName", "cluster"},
	{"fileServerName", "file server"},
	{"experimentName", "experiment"},
	{"jobName", "job"},
}

// checkNames applies the spec's name rules to every operation, not only to creates: a name outside them is
// a 400 whatever the method, as the spec's parameters declare. ARM answers for a missing resource group
// before the resource provider validates anything, so that comes first.
func (e *Emulator) checkNames(vals map[string]string) *apiError {
	for _, np := range nameParams {
		name, ok := vals[np.param]
		if !ok || api.ValidateName(name) == nil {
			continue
		}
		if group, ok := vals["resourceGroupName"]; ok {
			if err := e.read(func(t *txn) error { _, err := t.group(group); return err }); err != nil {
				ae, _ := asAPIError(err)
				return ae
			}
		}
		return errInvalidName(np.kind, name)
	}
	return nil
}

// errInvalidName states the spec's naming rule (in the words of its parameter descriptions).
func errInvalidName(kind, name string) *apiError {
	title := strings.ToUpper(kind[:1]) + kind[1:]
	return newError(http.StatusBadRequest, "InvalidResourceName", "The %s name '%s' is invalid. %s names can only "+
		"contain a combination of alphanumeric characters along with dash (-) and underscore (_). The name must be "+
		"from 1 through 64 characters long.", kind, sanitize(name), title)
}

// headWriter turns a GET handler into ARM's HEAD existence check: no body, and 204 where the GET answers
// 200; any other status (404 for a missing resource) is kept.
type headWriter struct {
	http.ResponseWriter
	wrote bool
}

func (w *headWriter) WriteHeader(code int) {
	if w.wrote {
		return
	}
	w.wrote = true
	if code == http.StatusOK {
		code = http.StatusNoContent
		w.Header().Del("Content-Length")
		w.Header().Del("Content-Type")
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *headWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return len(b), nil // a HEAD response has no body
}

// Unwrap lets http.ResponseController reach the connection.
func (w *headWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
