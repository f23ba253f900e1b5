package conformance

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/emulatortest"
)

const (
	apiVersion = "2018-05-01"
	v          = "?api-version=" + apiVersion
	// rgAPIVersion is the Microsoft.Resources version used to create resource groups.
	rgAPIVersion = "?api-version=2021-04-01"
	// exampleSub is the subscription every Microsoft example uses; it is replaced by the emulator's.
	exampleSub = "00000000-0000-0000-0000-000000000000"
	// exampleRG is the examples' resource group, created in every test environment.
	exampleRG = "demo_resource_group"
)

// env is one running emulator and a raw HTTP client for it.
type env struct {
	t     *testing.T
	spec  *spec
	inst  *emulatortest.Instance
	hc    *http.Client
	base  string // https://host:port
	sub   string
	token string

	// clock, when set, is the emulator's paused clock: the pollers move it on by each Retry-After instead of
	// sleeping it, so an operation's InProgress window lasts exactly as many polls however slow the machine.
	clock *emulatortest.Clock

	mu      sync.Mutex
	secrets []string // every secret value sent; no response may contain one
}

// newEnv starts an emulator (with the test delays of emulatortest, changed by opts), gets a token with a plain
// OAuth2 client-credentials POST, and creates the examples' resource group.
func newEnv(t *testing.T, opts ...func(*emulator.Config)) *env {
	t.Helper()
	inst := emulatortest.Start(t, opts...)
	e := &env{t: t, spec: loadSpec(t), inst: inst, hc: inst.HTTPClient(), base: strings.TrimSuffix(inst.Endpoint, "/"),
		sub: inst.SubscriptionID}
	e.token = e.fetchToken("https://management.core.windows.net//.default")
	r := e.do("PUT", "/subscriptions/"+e.sub+"/resourcegroups/"+exampleRG+rgAPIVersion, `{"location":"eastus"}`)
	if r.status != http.StatusCreated && r.status != http.StatusOK {
		t.Fatalf("creating resource group: %d %s", r.status, r.raw)
	}
	return e
}

// newPausedEnv is newEnv on a paused clock (see env.clock), for tests that count or look at what happens while
// an operation runs.
func newPausedEnv(t *testing.T, opts ...func(*emulator.Config)) *env {
	t.Helper()
	clock := emulatortest.NewPausedClock(time.Now())
	e := newEnv(t, append(opts, emulatortest.WithClock(clock))...)
	e.clock = clock
	return e
}

// wait lets d pass before the next poll: on a paused clock by advancing it, otherwise by sleeping, as a client
// honoring Retry-After does.
func (e *env) wait(d time.Duration) {
	if e.clock != nil {
		e.clock.Advance(d)
		return
	}
	time.Sleep(d)
}

// fetchToken is the client-credentials grant against the v2.0 token endpoint of the emulator's tenant.
func (e *env) fetchToken(scope string) string {
	e.t.Helper()
	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {e.inst.ClientID},
		"client_secret": {e.inst.ClientSecret},
		"scope":         {scope},
	}
	endpoint := strings.TrimSuffix(e.inst.AuthorityHost, "/") + "/" + e.inst.TenantID + "/oauth2/v2.0/token"
	resp, err := e.hc.PostForm(endpoint, form)
	if err != nil {
		e.t.Fatalf("token request: %v", err)
	}
	defer func() { _ = resp.Body.Close() }()
	var body struct {
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != http.StatusOK {
		e.t.Fatalf("token request: %d, %v", resp.StatusCode, err)
	}
	if !strings.EqualFold(body.TokenType, "Bearer") || body.AccessToken == "" || body.ExpiresIn <= 0 {
		e.t.Fatalf("token response: type %q, expires_in %d", body.TokenType, body.ExpiresIn)
	}
	if resp.Header.Get("x-ms-request-id") == "" {
		e.t.Errorf("token endpoint: no x-ms-request-id")
	}
	return body.AccessToken
}

// secret records a value as a secret (it must never come back) and returns it.
func (e *env) secret(s string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.secrets = append(e.secrets, s)
	return s
}

// resp is a fully read response. body is the decoded JSON object, nil when there is no body.
type resp struct {
	method, url string
	status      int
	header      http.Header
	raw         []byte
	body        map[string]any
}

// reqOpt changes a request before it is sent.
type reqOpt func(*http.Request)

func withHeader(k, val string) reqOpt { return func(r *http.Request) { r.Header.Set(k, val) } }

func withoutAuth() reqOpt { return func(r *http.Request) { r.Header.Del("Authorization") } }

// do sends method to path (relative to the endpoint, or absolute). body is nil, a string (sent as is) or any
// other value (sent as JSON). Every response goes through the checks every ARM response must pass (checkCommon).
func (e *env) do(method, path string, body any, opts ...reqOpt) *resp {
	e.t.Helper()
	u := path
	if !strings.HasPrefix(u, "https://") {
		u = e.base + path
	}
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.token)
	req.Header.Set("Accept", "application/json")
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, o := range opts {
		o(req)
	}
	hr, err := e.hc.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, u, err)
	}
	defer func() { _ = hr.Body.Close() }()
	raw, err := io.ReadAll(hr.Body)
	if err != nil {
		e.t.Fatalf("%s %s: reading body: %v", method, u, err)
	}
	r := &resp{method: method, url: u, status: hr.StatusCode, header: hr.Header, raw: raw}
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			e.t.Errorf("%s %s: %d body is not a JSON object: %v: %.300s", method, u, r.status, err, raw)
		}
	}
	e.checkCommon(r)
	return r
}

// checkCommon applies the rules every response must follow: x-ms-request-id (ARM sets it on every response),
// JSON content type on bodies (and none without one), ARM's CloudError shape on every error, no secret value
// anywhere, and, for the spec's operations, a status and body the spec declares.
func (e *env) checkCommon(r *resp) {
	e.t.Helper()
	if r.header.Get("x-ms-request-id") == "" {
		e.t.Errorf("%s %s: %d without x-ms-request-id", r.method, r.url, r.status)
	}
	if len(r.raw) > 0 && !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		e.t.Errorf("%s %s: body with Content-Type %q", r.method, r.url, r.header.Get("Content-Type"))
	}
	if len(r.raw) == 0 && r.method != http.MethodHead && r.header.Get("Content-Type") != "" {
		e.t.Errorf("%s %s: %d without a body claims Content-Type %q", r.method, r.url, r.status, r.header.Get("Content-Type"))
	}
	if r.status >= 400 && r.method != http.MethodHead {
		checkCloudError(e.t, r)
	}
	// Every answer of an operation the spec defines must be one of its responses, of the declared schema.
	if op := e.spec.operationFor(r.method, r.url); op != nil {
		e.spec.checkResponse(e.t, op.id, r)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, s := range e.secrets {
		if bytes.Contains(r.raw, []byte(s)) {
			e.t.Errorf("%s %s: the response contains a secret value that was sent: %.60s...", r.method, r.url, s)
		}
	}
}

var pascalCase = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)

// checkCloudError checks ARM's error body: {"error":{"code","message"[,"target"][,"details":[...]]}} and nothing
// else (spec CloudError/CloudErrorBody; ARM's common-api-details: code is PascalCase).
func checkCloudError(t *testing.T, r *resp) {
	t.Helper()
	if r.body == nil {
		t.Errorf("%s %s: %d with no CloudError body", r.method, r.url, r.status)
		return
	}
	for k := range r.body {
		if k != "error" {
			t.Errorf("%s %s: error body has member %q besides \"error\"", r.method, r.url, k)
		}
	}
	body, ok := r.body["error"].(map[string]any)
	if !ok {
		t.Errorf("%s %s: %d body is not a CloudError: %s", r.method, r.url, r.status, r.raw)
		return
	}
	checkErrorBody(t, r.method+" "+r.url, body)
}

func checkErrorBody(t *testing.T, where string, body map[string]any) {
	t.Helper()
	code, _ := body["code"].(string)
	msg, _ := body["message"].(string)
	if !pascalCase.MatchString(code) || strings.TrimSpace(msg) == "" {
		t.Errorf("%s: CloudErrorBody needs a PascalCase code and a message, got %v", where, body)
	}
	for k, val := range body {
		switch k {
		case "code", "message":
		case "target":
			if _, ok := val.(string); !ok {
				t.Errorf("%s: target is not a string: %v", where, val)
			}
		case "details":
			list, ok := val.([]any)
			if !ok {
				t.Errorf("%s: details is not an array: %v", where, val)
			}
			for _, d := range list {
				if m, ok := d.(map[string]any); ok {
					checkErrorBody(t, where+" details", m)
				} else {
					t.Errorf("%s: a detail is not an object: %v", where, d)
				}
			}
		default:
			t.Errorf("%s: CloudErrorBody has unknown member %q", where, k)
		}
	}
}

// code is the ARM error code of r, or "".
func (r *resp) code() string {
	if m, ok := r.body["error"].(map[string]any); ok {
		s, _ := m["code"].(string)
		return s
	}
	return ""
}

func (r *resp) message() string {
	if m, ok := r.body["error"].(map[string]any); ok {
		s, _ := m["message"].(string)
		return s
	}
	return ""
}

// want fails the test unless r has one of the statuses.
func (r *resp) want(t *testing.T, statuses ...int) *resp {
	t.Helper()
	for _, s := range statuses {
		if r.status == s {
			return r
		}
	}
	t.Fatalf("%s %s: got %d, want %v: %.500s", r.method, r.url, r.status, statuses, r.raw)
	return r
}

// wantError fails the test unless r is status with ARM error code.
func (r *resp) wantError(t *testing.T, status int, code string) *resp {
	t.Helper()
	if r.status != status || r.code() != code {
		t.Errorf("%s %s: got %d %q, want %d %q: %.400s", r.method, r.url, r.status, r.code(), status, code, r.raw)
	}
	return r
}

// get returns the value at a dotted path of a decoded JSON object ("properties.scaleSettings.manual").
func get(m any, path string) any {
	cur := m
	for _, k := range strings.Split(path, ".") {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = obj[k]
	}
	return cur
}

// object is the JSON object at path, for editing request bodies; the test fails if there is none.
func object(t *testing.T, m any, path string) map[string]any {
	t.Helper()
	obj, ok := get(m, path).(map[string]any)
	if !ok {
		t.Fatalf("no JSON object at %s", path)
	}
	return obj
}

func str(m any, path string) string {
	s, _ := get(m, path).(string)
	return s
}

// Paths of the resources the tests create.

func (e *env) rg(name string) string { return "/subscriptions/" + e.sub + "/resourceGroups/" + name }

func (e *env) ws(rg, name string) string {
	return e.rg(rg) + "/providers/Microsoft.BatchAI/workspaces/" + name
}

func (e *env) cluster(rg, ws, name string) string { return e.ws(rg, ws) + "/clusters/" + name }

func (e *env) fileServer(rg, ws, name string) string { return e.ws(rg, ws) + "/fileServers/" + name }

// putWorkspace creates a workspace and fails the test unless it succeeds (200, or 202 then polled).
func (e *env) putWorkspace(rg, name string) map[string]any {
	e.t.Helper()
	r := e.do("PUT", e.ws(rg, name)+v, `{"location":"eastus"}`).want(e.t, 200, 202)
	if r.status == 202 {
		e.pollAsync(r)
		return e.do("GET", e.ws(rg, name)+v, nil).want(e.t, 200).body
	}
	return r.body
}

// createAndWait PUTs body to path, follows the operation with the Azure-AsyncOperation poller, and returns the
// resource as a GET then sees it.
func (e *env) createAndWait(path string, body any) map[string]any {
	e.t.Helper()
	r := e.do("PUT", path+v, body).want(e.t, 200, 202)
	if r.status == 202 {
		if op := e.pollAsync(r); str(op, "status") != "Succeeded" {
			e.t.Fatalf("PUT %s: operation ended %v", path, op)
		}
	}
	return e.do("GET", path+v, nil).want(e.t, 200).body
}

// eventually retries cond until it holds or 10 s pass.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
