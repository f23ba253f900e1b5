package emulator_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/emulatortest"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/sim"
)

const apiVersion = "?api-version=2018-05-01"

// client talks to an emulator with plain net/http, the way an independent client would.
type client struct {
	t     testing.TB
	inst  *emulatortest.Instance
	http  *http.Client
	token string
	// clock, when set, is the emulator's paused clock: the waits below move it on instead of sleeping, so a
	// state that lasts a moment of emulated time lasts for as long as the test looks at it.
	clock *emulatortest.Clock
	// seen collects every response body, for checkNoSecrets.
	mu   sync.Mutex
	seen [][]byte
}

func newClient(t testing.TB, opts ...func(*emulator.Config)) *client {
	t.Helper()
	inst := emulatortest.Start(t, opts...)
	return &client{t: t, inst: inst, http: inst.HTTPClient(), token: inst.Token(t)}
}

// newPausedClient is newClient on an emulator whose clock is paused: emulated time moves only when the test
// advances c.clock or waits through c.waitOperation or c.waitFor. Tests that look at a state inside a short
// window (an operation still running, a cluster "deleting", nodes "leaving") use it, so that a slow machine
// cannot let the window close before the check.
func newPausedClient(t testing.TB, opts ...func(*emulator.Config)) *client {
	t.Helper()
	clock := emulatortest.NewPausedClock(time.Now())
	c := newClient(t, append(opts, emulatortest.WithClock(clock))...)
	c.clock = clock
	return c
}

// waitStep is how long the waits below let pass between two reads: wall time, or emulated time on a paused
// clock.
const waitStep = 10 * time.Millisecond

// waitDeadline bounds every wait in wall time.
const waitDeadline = 10 * time.Second

// pass lets waitStep go by: on the paused clock by advancing it, otherwise by sleeping between two polls.
func (c *client) pass() {
	if c.clock != nil {
		c.clock.Advance(waitStep)
		return
	}
	time.Sleep(waitStep)
}

// waitFor polls cond until it holds, letting time pass between reads; it fails the test after waitDeadline.
func (c *client) waitFor(what string, cond func() bool) {
	c.t.Helper()
	for deadline := time.Now().Add(waitDeadline); !cond(); c.pass() {
		if time.Now().After(deadline) {
			c.t.Fatalf("%s: not reached in %s", what, waitDeadline)
		}
	}
}

// response is a fully read HTTP response.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r *response) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decoding %q: %v", r.body, err)
	}
}

// code is the ARM error code of an error body, or "".
func (r *response) code() string {
	var ce api.CloudError
	if json.Unmarshal(r.body, &ce) != nil || ce.Error == nil {
		return ""
	}
	return api.Deref(ce.Error.Code)
}

func (r *response) message() string {
	var ce api.CloudError
	if json.Unmarshal(r.body, &ce) != nil || ce.Error == nil {
		return ""
	}
	return api.Deref(ce.Error.Message)
}

// do sends a request to path (relative to the endpoint, or absolute) with the client's token. body may
// be nil, a string or []byte (sent as is), or a value (sent as JSON).
func (c *client) do(method, path string, body any, header ...string) *response {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	url := path
	if !strings.HasPrefix(path, "https://") {
		url = c.inst.Endpoint + path
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] == "" {
			req.Header.Del(header[i])
		} else {
			req.Header.Set(header[i], header[i+1])
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	c.mu.Lock()
	c.seen = append(c.seen, raw)
	c.mu.Unlock()
	return &response{status: resp.StatusCode, header: resp.Header, body: raw}
}

// checkNoSecrets fails if any response body so far contained a sentinel secret.
func (c *client) checkNoSecrets() {
	c.t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, b := range c.seen {
		if bytes.Contains(b, []byte("SENTINEL")) {
			c.t.Errorf("a response leaked a secret: %s", b)
		}
	}
}

// must sends a request and fails the test unless the status is want.
func (c *client) must(want int, method, path string, body any) *response {
	c.t.Helper()
	r := c.do(method, path, body)
	if r.status != want {
		c.t.Fatalf("%s %s: status %d, want %d; body %s", method, path, r.status, want, r.body)
	}
	return r
}

func (c *client) sub() string { return "/subscriptions/" + c.inst.SubscriptionID }

func (c *client) rg(name string) string { return c.sub() + "/resourcegroups/" + name }

func (c *client) ws(rg, name string) string {
	return c.sub() + "/resourceGroups/" + rg + "/providers/Microsoft.BatchAI/workspaces/" + name
}

func (c *client) cluster(rg, ws, name string) string { return c.ws(rg, ws) + "/clusters/" + name }

func (c *client) fileServer(rg, ws, name string) string { return c.ws(rg, ws) + "/fileServers/" + name }

// createGroup creates a resource group in eastus.
func (c *client) createGroup(name string) {
	c.t.Helper()
	r := c.do("PUT", c.rg(name)+"?api-version=2021-04-01", map[string]any{"location": "eastus"})
	if r.status != http.StatusCreated && r.status != http.StatusOK {
		c.t.Fatalf("creating group %s: %d %s", name, r.status, r.body)
	}
}

// createWorkspace creates a group and a workspace in it.
func (c *client) createWorkspace(rg, ws string) {
	c.t.Helper()
	c.createGroup(rg)
	c.must(http.StatusOK, "PUT", c.ws(rg, ws)+apiVersion, map[string]any{"location": "eastus"})
}

// clusterBody is a valid cluster create body; the secrets are sentinels that must never come back.
func clusterBody(target int) map[string]any {
	return map[string]any{"properties": map[string]any{
		"vmSize":        "STANDARD_NC6",
		"scaleSettings": map[string]any{"manual": map[string]any{"targetNodeCount": target}},
		"userAccountSettings": map[string]any{
			"adminUserName":         "admin_user",
			"adminUserPassword":     "SENTINEL-PASSWORD-1",
			"adminUserSshPublicKey": "ssh-rsa SENTINEL-KEY-2 user@host",
		},
	}}
}

// waitOperation polls an operation URL until it is terminal and returns the last body.
func (c *client) waitOperation(url string) api.OperationStatus {
	c.t.Helper()
	for deadline := time.Now().Add(waitDeadline); ; c.pass() {
		r := c.do("GET", url, nil)
		var op api.OperationStatus
		if r.status == http.StatusOK || r.status == http.StatusAccepted {
			r.decode(c.t, &op)
		} else {
			c.t.Fatalf("polling %s: %d %s", url, r.status, r.body)
		}
		if s := api.Deref(op.Status); s != api.OperationStatusInProgress {
			return op
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("operation %s still running after %s", url, waitDeadline)
		}
	}
}

// createCluster creates a cluster and waits for its operation.
func (c *client) createCluster(rg, ws, name string, body any) api.OperationStatus {
	c.t.Helper()
	r := c.must(http.StatusAccepted, "PUT", c.cluster(rg, ws, name)+apiVersion, body)
	return c.waitOperation(r.header.Get("Azure-AsyncOperation"))
}

// fileServerBody is a valid file server create body with a sentinel password.
func fileServerBody() map[string]any {
	return map[string]any{"properties": map[string]any{
		"vmSize": "Standard_D2_v2",
		"sshConfiguration": map[string]any{"userAccountSettings": map[string]any{
			"adminUserName": "admin_user", "adminUserPassword": "SENTINEL-FS-PASSWORD",
		}},
		"dataDisks": map[string]any{"diskSizeInGB": 10, "diskCount": 2, "storageAccountType": "Standard_LRS"},
	}}
}

// quotaWith is the default quota with a different regional dedicated vCPU limit.
func quotaWith(dedicated int) sim.Quota {
	q := sim.DefaultQuota()
	q.DedicatedVCPUs = dedicated
	return q
}

// obj is v as a JSON object (nil if it is not one), for editing request bodies in tests.
func obj(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}
