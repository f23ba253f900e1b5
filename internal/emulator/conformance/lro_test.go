package conformance

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

var guidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// slowOps keeps operations InProgress for several polls. Tests that use it run on a paused clock
// (newPausedEnv), so that the window is measured in polls, not in wall time a loaded machine may lose.
func slowOps(c *emulator.Config) { c.OperationDelay = 400 * time.Millisecond }

// pollURL checks a polling header of a 202: an absolute https URL on the emulator's host,
// /subscriptions/{sub}/providers/Microsoft.BatchAI/locations/{location}/{kind}/{guid}?api-version=2018-05-01
// (recorded traffic: Azure-AsyncOperation -> operationresults, Location -> operationstatuses). It returns the
// URL and the operation's GUID.
func (e *env) pollURL(r *resp, header, kind string) (string, string) {
	e.t.Helper()
	raw := r.header.Get(header)
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || !strings.EqualFold("https://"+u.Host, e.base) {
		e.t.Fatalf("%s %s: %s %q is not an absolute https URL on %s", r.method, r.url, header, raw, e.base)
	}
	re := regexp.MustCompile(`^/subscriptions/` + e.sub + `/providers/Microsoft\.BatchAI/locations/[a-z0-9]+/` + kind +
		`/([0-9a-f-]{36})$`)
	m := re.FindStringSubmatch(u.Path)
	if m == nil || !guidPattern.MatchString(m[1]) {
		e.t.Fatalf("%s: %s path %q is not .../locations/{location}/%s/{guid}", r.method, header, u.Path, kind)
	}
	if u.Query().Get("api-version") != apiVersion {
		e.t.Errorf("%s: %s %q lacks api-version=%s", r.method, header, raw, apiVersion)
	}
	return raw, m[1]
}

// clientPollInterval is how often these pollers poll when an answer carries no Retry-After: recorded Batch AI
// traffic had none on operations (and neither does the emulator by default), so a client paces itself.
const clientPollInterval = 20 * time.Millisecond

// retryAfter checks the polling hint ARM defines when one is sent (Retry-After: an integer number of seconds) and
// returns how long to wait: the finer retry-after-ms when present, else Retry-After, else the client's own
// interval.
func (e *env) retryAfter(r *resp) time.Duration {
	e.t.Helper()
	ra := r.header.Get("Retry-After")
	if ra == "" && r.header.Get("retry-after-ms") == "" {
		return clientPollInterval
	}
	secs, err := strconv.Atoi(ra)
	if err != nil || secs < 0 {
		e.t.Errorf("%s %s: %d with Retry-After %q, want an integer number of seconds", r.method, r.url, r.status, ra)
		secs = 1
	}
	if ms, err := strconv.Atoi(r.header.Get("retry-after-ms")); err == nil && ms >= 0 {
		return time.Duration(ms) * time.Millisecond
	}
	return time.Duration(secs) * time.Second
}

// asyncResult is what the Azure-AsyncOperation poller saw.
type asyncResult struct {
	final      map[string]any
	inProgress int // polls that answered InProgress
}

// pollAsync follows a 202's Azure-AsyncOperation URL the way the async ARM poller does: every poll answers 200
// with {id,name,status,startTime[,endTime][,properties][,error]}; it stops at Succeeded, Failed or Canceled.
func (e *env) pollAsync(accepted *resp) map[string]any { return e.pollAsyncFull(accepted).final }

func (e *env) pollAsyncFull(accepted *resp) asyncResult {
	e.t.Helper()
	if accepted.status != http.StatusAccepted || len(accepted.raw) != 0 {
		e.t.Fatalf("%s %s: want an empty 202, got %d %.200s", accepted.method, accepted.url, accepted.status, accepted.raw)
	}
	pollURL, guid := e.pollURL(accepted, "Azure-AsyncOperation", "operationresults")
	wait := e.retryAfter(accepted)
	var res asyncResult
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); {
		e.wait(wait)
		r := e.do("GET", pollURL, nil)
		if r.status != http.StatusOK {
			e.t.Fatalf("GET %s: status polls always answer 200, got %d %s", pollURL, r.status, r.raw)
		}
		e.checkOperationBody(r.body, pollURL, guid)
		switch status := str(r.body, "status"); status {
		case "InProgress":
			res.inProgress++
			wait = e.retryAfter(r)
			continue
		case "Succeeded", "Failed", "Canceled":
			res.final = r.body
			return res
		default:
			e.t.Fatalf("GET %s: unknown status %q", pollURL, status)
		}
	}
	e.t.Fatalf("operation %s never finished", pollURL)
	return res
}

// checkOperationBody checks a poll body against recorded traffic: id is the absolute operationresults URL
// (without its query), name the GUID, startTime always, endTime and properties.resourceId on success, error
// (CloudErrorBody) on failure, and nothing ARM's operation resource does not define.
func (e *env) checkOperationBody(body map[string]any, pollURL, guid string) {
	e.t.Helper()
	wantID, _, _ := strings.Cut(pollURL, "?")
	wantID = strings.Replace(wantID, "/operationstatuses/", "/operationresults/", 1)
	if str(body, "id") != wantID || str(body, "name") != guid {
		e.t.Errorf("poll body id/name = %q/%q, want %q/%q", str(body, "id"), str(body, "name"), wantID, guid)
	}
	for k := range body {
		switch k {
		case "id", "name", "status", "startTime", "endTime", "percentComplete", "properties", "error":
		default:
			e.t.Errorf("poll body has member %q, not in ARM's operation resource", k)
		}
	}
	start, err := time.Parse(time.RFC3339Nano, str(body, "startTime"))
	if err != nil {
		e.t.Errorf("poll body startTime %q: %v", str(body, "startTime"), err)
	}
	status := str(body, "status")
	if status == "InProgress" {
		if _, has := body["endTime"]; has {
			e.t.Errorf("an InProgress operation has an endTime: %v", body)
		}
		return
	}
	end, err := time.Parse(time.RFC3339Nano, str(body, "endTime"))
	if err != nil || end.Before(start) {
		e.t.Errorf("finished operation: endTime %q (start %q): %v", str(body, "endTime"), str(body, "startTime"), err)
	}
	switch status {
	case "Succeeded":
		if str(body, "properties.resourceId") == "" {
			e.t.Errorf("a succeeded operation names its resource in properties.resourceId: %v", body)
		}
	case "Failed", "Canceled":
		errBody, ok := body["error"].(map[string]any)
		if !ok {
			e.t.Errorf("a %s operation needs an error: %v", status, body)
			return
		}
		checkErrorBody(e.t, "poll body error", errBody)
	}
}

// pollLocation follows a 202's Location URL with ARM's rules only: 202 (with Retry-After) while running; any
// other status ends the operation, 2xx being success. It returns the final response.
func (e *env) pollLocation(accepted *resp) *resp {
	e.t.Helper()
	pollURL, _ := e.pollURL(accepted, "Location", "operationstatuses")
	wait := e.retryAfter(accepted)
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); {
		e.wait(wait)
		r := e.do("GET", pollURL, nil)
		if r.status != http.StatusAccepted {
			return r
		}
		wait = e.retryAfter(r)
	}
	e.t.Fatalf("operation %s never finished", pollURL)
	return nil
}

// pollLocationCounting is pollLocation that also reports how many 202s it saw.
func (e *env) pollLocationCounting(accepted *resp) (*resp, int) {
	e.t.Helper()
	pollURL, _ := e.pollURL(accepted, "Location", "operationstatuses")
	n := 0
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); {
		e.wait(e.retryAfter(accepted))
		r := e.do("GET", pollURL, nil)
		if r.status != http.StatusAccepted {
			return r, n
		}
		if len(r.raw) != 0 && r.body == nil {
			e.t.Errorf("a 202 poll has a body that is not JSON: %s", r.raw)
		}
		n++
	}
	e.t.Fatalf("operation %s never finished", pollURL)
	return nil, n
}

// minimalCluster is PutCluster.json's request without its file server mount.
func minimalCluster(t *testing.T, e *env) map[string]any {
	t.Helper()
	body := exampleBody(t, e, "PutCluster.json")
	delete(object(t, body, "properties.nodeSetup.mountVolumes"), "fileServers")
	return body
}

func TestLROClusterCreateWithAsyncOperationPoller(t *testing.T) {
	t.Parallel()
	e := newPausedEnv(t, slowOps)
	e.putWorkspace(exampleRG, "ws")
	path := e.cluster(exampleRG, "ws", "c1")
	r := e.do("PUT", path+v, minimalCluster(t, e)).want(t, 202)
	if r.header.Get("Location") == "" {
		t.Errorf("the 202 of a cluster PUT carries Location (operationstatuses) too, as recorded")
	}
	res := e.pollAsyncFull(r)
	if res.inProgress == 0 {
		t.Errorf("the poller never saw InProgress")
	}
	if str(res.final, "status") != "Succeeded" {
		t.Fatalf("operation: %v", res.final)
	}
	if got, want := str(res.final, "properties.resourceId"), e.sub+"$"+exampleRG+"$ws$c1"; got != want {
		t.Errorf("properties.resourceId = %q, want the service's %q", got, want)
	}
	// The operation result stays readable after completion, unchanged.
	asyncURL := r.header.Get("Azure-AsyncOperation")
	again := e.do("GET", asyncURL, nil).want(t, 200)
	if str(again.body, "status") != "Succeeded" || str(again.body, "endTime") != str(res.final, "endTime") {
		t.Errorf("a finished operation changed: %v then %v", res.final, again.body)
	}
}

// TestLRORetryAfterAsRecorded: by default no operation answer carries a polling hint (recorded traffic had no
// Retry-After on cluster, file-server and job operations); a configured RetryAfter adds an integer Retry-After to
// the 202 and to every InProgress poll of both URLs.
func TestLRORetryAfterAsRecorded(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		retryAfter  time.Duration
		wantSeconds string
	}{{"default", 0, ""}, {"configured", 3 * time.Second, "3"}} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, func(c *emulator.Config) { c.OperationDelay, c.RetryAfter = time.Hour, tc.retryAfter })
			e.putWorkspace(exampleRG, "ws")
			r := e.do("PUT", e.cluster(exampleRG, "ws", "c1")+v, minimalCluster(t, e)).want(t, 202)
			answers := []*resp{r, e.do("GET", r.header.Get("Azure-AsyncOperation"), nil).want(t, 200),
				e.do("GET", r.header.Get("Location"), nil).want(t, 202)}
			for _, a := range answers {
				if got := a.header.Get("Retry-After"); got != tc.wantSeconds || a.header.Get("retry-after-ms") != "" {
					t.Errorf("%s %s: %d with Retry-After %q and retry-after-ms %q, want %q and none", a.method, a.url,
						a.status, got, a.header.Get("retry-after-ms"), tc.wantSeconds)
				}
			}
		})
	}
}

func TestLROClusterCreateWithLocationPoller(t *testing.T) {
	t.Parallel()
	e := newPausedEnv(t, slowOps)
	e.putWorkspace(exampleRG, "ws")
	path := e.cluster(exampleRG, "ws", "c1")
	r := e.do("PUT", path+v, minimalCluster(t, e)).want(t, 202)
	final, running := e.pollLocationCounting(r)
	if running == 0 {
		t.Errorf("the Location poller never saw 202 while the operation ran")
	}
	// ARM's Location contract: once done, the answer a synchronous PUT would have given, i.e. the cluster.
	final.want(t, 200)
	if str(final.body, "id") != path || str(final.body, "name") != "c1" {
		t.Errorf("final Location answer is not the cluster: %.300s", final.raw)
	}
	for _, p := range e.spec.validate(final.body, map[string]any{"$ref": "#/definitions/Cluster"}) {
		t.Errorf("final Location answer: %s", p)
	}
	e.do("GET", path+v, nil).want(t, 200)

	fs := e.fileServer(exampleRG, "ws", "fs")
	final = e.pollLocation(e.do("PUT", fs+v, fileServerBody(t, e)).want(t, 202)).want(t, 200)
	if !strings.EqualFold(str(final.body, "id"), fs) || str(final.body, "properties.provisioningState") != "succeeded" {
		t.Errorf("final Location answer is not the file server: %.300s", final.raw)
	}
	for _, p := range e.spec.validate(final.body, map[string]any{"$ref": "#/definitions/FileServer"}) {
		t.Errorf("final Location answer: %s", p)
	}
}

// TestLRODeletes deletes a cluster, a file server and a workspace, each followed with both pollers: 202 with
// both headers, then the resource is gone (404 with its code), and a second DELETE is 204.
func TestLRODeletes(t *testing.T) {
	t.Parallel()
	e := newPausedEnv(t, slowOps)
	e.putWorkspace(exampleRG, "ws")
	cluster := e.cluster(exampleRG, "ws", "c1")
	e.createAndWait(cluster, minimalCluster(t, e))
	fs := e.fileServer(exampleRG, "ws", "fs1")
	e.createAndWait(fs, fileServerBody(t, e))

	for _, tc := range []struct {
		path, opDelete, code, resourceID string
	}{
		{cluster, "Clusters_Delete", "ClusterNotFound", e.sub + "$" + exampleRG + "$ws$c1"},
		{fs, "FileServers_Delete", "FileServerNotFound", e.sub + "$" + exampleRG + "$ws$fs1"},
		{e.ws(exampleRG, "ws"), "Workspaces_Delete", "WorkspaceNotFound", e.sub + "$" + exampleRG + "$ws"},
	} {
		r := e.do("DELETE", tc.path+v, nil).want(t, 202)
		// Both pollers see the operation running, then done.
		if first := e.do("GET", r.header.Get("Azure-AsyncOperation"), nil).want(t, 200); str(first.body, "status") != "InProgress" {
			t.Errorf("%s: first async poll %v", tc.opDelete, first.body)
		}
		e.do("GET", r.header.Get("Location"), nil).want(t, 202)
		res := e.pollAsyncFull(r)
		final := e.pollLocation(r)
		final.want(t, 200, 204)
		if len(final.raw) != 0 {
			t.Errorf("%s: a synchronous DELETE has no body, and neither has its final Location answer: %.200s", tc.opDelete, final.raw)
		}
		if str(res.final, "status") != "Succeeded" || str(res.final, "properties.resourceId") != tc.resourceID {
			t.Errorf("%s: %v, want Succeeded for %s", tc.opDelete, res.final, tc.resourceID)
		}
		e.do("GET", tc.path+v, nil).wantError(t, 404, tc.code)
		e.do("DELETE", tc.path+v, nil).want(t, 204)
	}
}

// TestLROFailure: a create beyond quota is accepted, then its operation fails: Failed with an error for the
// async poller, the failure's status and CloudError for the Location poller, and the cluster "failed".
func TestLROFailure(t *testing.T) {
	t.Parallel()
	e := newPausedEnv(t, slowOps)
	e.putWorkspace(exampleRG, "ws")
	body := minimalCluster(t, e)
	object(t, body, "properties.scaleSettings.manual")["targetNodeCount"] = 500
	path := e.cluster(exampleRG, "ws", "big")
	r := e.do("PUT", path+v, body).want(t, 202)
	loc := e.pollLocation(r)
	if loc.status < 400 {
		t.Fatalf("Location poll of a failed operation: %d %s", loc.status, loc.raw)
	}
	op := e.do("GET", r.header.Get("Azure-AsyncOperation"), nil).want(t, 200).body
	if str(op, "status") != "Failed" || str(op, "error.code") != loc.code() {
		t.Errorf("async poll %v; Location poll code %q", op, loc.code())
	}
	e.checkOperationBody(op, r.header.Get("Azure-AsyncOperation"), str(op, "name"))
	if msg := str(op, "error.message"); !strings.Contains(msg, "500") {
		t.Errorf("the quota failure should name the numbers: %q", msg)
	}
	c := e.do("GET", path+v, nil).want(t, 200).body
	if str(c, "properties.provisioningState") != "failed" {
		t.Errorf("cluster after a failed create: %v", c["properties"])
	}
}

func TestOperationNotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, kind := range []string{"operationresults", "operationstatuses"} {
		p := "/subscriptions/" + e.sub + "/providers/Microsoft.BatchAI/locations/eastus/" + kind +
			"/0a5d9935-9885-4db0-89ab-8ec541ec4cad" + v
		if r := e.do("GET", p, nil); r.status != 404 {
			t.Errorf("GET of an unknown operation: %d %s", r.status, r.raw)
		}
	}
}
