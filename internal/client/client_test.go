package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// These tests drive the client against a scripted TLS server to pin down behavior that the
// emulator cannot easily provoke (long Retry-After, exact request sequences). The behavior
// against the emulator itself is covered in emulator_test.go.

type script struct {
	mu    sync.Mutex
	steps []func(w http.ResponseWriter, r *http.Request)
	seen  []string
	// onRequest, when set before the first request, sees every request as it arrives.
	onRequest func(r *http.Request)
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.onRequest != nil {
		s.onRequest(r)
	}
	s.seen = append(s.seen, r.Method+" "+r.URL.Path)
	if len(s.steps) == 0 {
		s.mu.Unlock()
		http.Error(w, "unexpected request "+r.Method+" "+r.URL.String(), http.StatusTeapot)
		return
	}
	step := s.steps[0]
	s.steps = s.steps[1:]
	s.mu.Unlock()
	step(w, r)
}

// requests is how many requests the server has seen so far.
func (s *script) requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.seen)
}

func scripted(t *testing.T, steps ...func(w http.ResponseWriter, r *http.Request)) (*Client, *script, *httptest.Server) {
	t.Helper()
	s := &script{steps: steps}
	srv := httptest.NewTLSServer(s)
	t.Cleanup(srv.Close)
	c, err := New(Options{
		Endpoint: srv.URL, Audience: "https://management.core.windows.net/", SubscriptionID: "sub",
		Credential: &fake.TokenCredential{}, Transport: srv.Client(), PollFrequency: 10 * time.Millisecond,
		MaxRetries: 3,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, s, srv
}

func reply(status int, body string, headers ...string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("x-ms-request-id", "req-1")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

var testCluster = api.ClusterID{SubscriptionID: "sub", ResourceGroup: "rg", Workspace: "ws", Name: "c1"}

func TestNewRejectsPlainHTTP(t *testing.T) {
	_, err := New(Options{Endpoint: "http://localhost", Audience: "a", Credential: &fake.TokenCredential{}})
	if err == nil || !strings.Contains(err.Error(), "https") {
		t.Fatalf("want an https error, got %v", err)
	}
}

func TestErrorsKeepARMCodeAndMessage(t *testing.T) {
	c, _, _ := scripted(t, reply(404, `{"error":{"code":"ClusterNotFound","message":"The specified cluster c1 is not found"}}`))
	_, err := c.GetCluster(context.Background(), testCluster)
	if !IsNotFound(err) {
		t.Fatalf("IsNotFound(%v) = false", err)
	}
	if got := ErrorCode(err); got != "ClusterNotFound" {
		t.Errorf("ErrorCode = %q", got)
	}
	var e *Error
	if !errors.As(err, &e) || e.Message != "The specified cluster c1 is not found" || e.RequestID != "req-1" {
		t.Errorf("error = %#v", err)
	}
	if strings.Contains(err.Error(), "api-version") {
		t.Errorf("the error repeats the query string: %v", err)
	}
}

func TestWrongSubscriptionIsNotNotFound(t *testing.T) {
	c, _, _ := scripted(t, reply(404, `{"error":{"code":"SubscriptionNotFound","message":"The subscription 'sub' could not be found."}}`))
	_, err := c.GetCluster(context.Background(), testCluster)
	if err == nil || IsNotFound(err) {
		t.Fatalf("IsNotFound(%v) = true; a wrong subscription would drop resources from state", err)
	}
}

func TestThrottlingIsRetried(t *testing.T) {
	c, s, _ := scripted(t,
		reply(429, `{"error":{"code":"TooManyRequests","message":"slow down"}}`, "retry-after-ms", "5"),
		reply(503, `{"error":{"code":"ServiceUnavailable","message":"busy"}}`, "Retry-After", "0"),
		reply(200, `{"id":"x","name":"c1","properties":{"vmSize":"STANDARD_NC6"}}`),
	)
	cl, err := c.GetCluster(context.Background(), testCluster)
	if err != nil {
		t.Fatal(err)
	}
	if api.Deref(cl.Properties.VMSize) != "STANDARD_NC6" || len(s.seen) != 3 {
		t.Fatalf("cluster %+v after %d requests", cl, len(s.seen))
	}
}

// A long Retry-After must be waited for, bounded by the caller's context, instead of turning into an
// immediate failure (azcore's MaxRetryDelay default would return the 429 at once).
//
// The caller gives up patience after the 429 has been answered, not from before the request: on a loaded
// machine under -race the TLS handshake alone can take longer than a deadline set up front, which then ended
// the call before the server had answered anything. A client that does not wait returns the 429 within
// microseconds of it; one that waits is still waiting when the context is canceled, and says so.
func TestLongRetryAfterIsWaitedFor(t *testing.T) {
	const patience = 300 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	answered := make(chan struct{})
	c, s, _ := scripted(t, func(w http.ResponseWriter, r *http.Request) {
		reply(429, `{"error":{"code":"TooManyRequests","message":"slow down"}}`, "Retry-After", "120")(w, r)
		close(answered)
	})
	result := make(chan error, 1)
	go func() {
		_, err := c.GetCluster(ctx, testCluster)
		result <- err
	}()
	select {
	case <-answered:
	case err := <-result:
		t.Fatalf("returned before the server answered: %v", err)
	case <-time.After(time.Minute):
		t.Fatal("the request never reached the server")
	}
	time.AfterFunc(patience, cancel)
	select {
	case err := <-result:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("returned %v within %s of the 429: the Retry-After was not waited for", err, patience)
		}
	case <-time.After(time.Minute):
		t.Fatal("the canceled wait did not return")
	}
	if n := s.requests(); n != 1 {
		t.Fatalf("%d requests: the Retry-After of 120 s was not honored", n)
	}
}

func TestCreateClusterLRO(t *testing.T) {
	var polls atomic.Int32
	var base string
	op := func(w http.ResponseWriter, r *http.Request) {
		n := polls.Add(1)
		status := "InProgress"
		if n >= 3 {
			status = "Succeeded"
		}
		reply(200, fmt.Sprintf(`{"name":"op1","status":%q,"startTime":"2018-06-07T21:16:00.924Z"}`, status), "retry-after-ms", "1")(w, r)
	}
	steps := []func(http.ResponseWriter, *http.Request){
		func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPut || !strings.Contains(r.URL.RawQuery, "api-version=2018-05-01") {
				t.Errorf("first request %s %s", r.Method, r.URL)
			}
			reply(202, "",
				"Azure-AsyncOperation", base+"/subscriptions/sub/providers/Microsoft.BatchAI/locations/eastus/operationresults/op1?api-version=2018-05-01",
				"Location", base+"/subscriptions/sub/providers/Microsoft.BatchAI/locations/eastus/operationstatuses/op1?api-version=2018-05-01",
				"retry-after-ms", "1")(w, r)
		},
		op, op, op,
		reply(200, `{"id":"/subscriptions/sub/resourceGroups/rg/providers/Microsoft.BatchAI/workspaces/ws/clusters/c1","name":"c1","properties":{"provisioningState":"succeeded","allocationState":"resizing"}}`),
	}
	c, s, srv := scripted(t, steps...)
	base = srv.URL
	params := api.ClusterCreateParameters{Properties: &api.ClusterBaseProperties{VMSize: api.Ptr("STANDARD_NC6")}}
	p, err := c.BeginCreateCluster(context.Background(), testCluster, params)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := p.Wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if api.Deref(cl.Properties.AllocationState) != "resizing" {
		t.Fatalf("final cluster %+v", cl)
	}
	want := []string{"PUT", "GET", "GET", "GET", "GET"}
	if len(s.seen) != len(want) || !strings.HasSuffix(s.seen[1], "/operationresults/op1") || !strings.HasSuffix(s.seen[4], "/clusters/c1") {
		t.Fatalf("requests %v", s.seen)
	}
}

func TestFailedLROKeepsTheServiceError(t *testing.T) {
	var base string
	c, _, srv := scripted(t,
		func(w http.ResponseWriter, r *http.Request) {
			reply(202, "", "Azure-AsyncOperation", base+"/subscriptions/sub/providers/Microsoft.BatchAI/locations/eastus/operationresults/op2?api-version=2018-05-01", "retry-after-ms", "1")(w, r)
		},
		reply(200, `{"name":"op2","status":"Failed","error":{"code":"QuotaExceeded","message":"needs 48 vCPUs, 24 left"}}`),
	)
	base = srv.URL
	p, err := c.BeginCreateCluster(context.Background(), testCluster, api.ClusterCreateParameters{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Wait(context.Background())
	var e *Error
	if !errors.As(err, &e) || e.Code != "QuotaExceeded" || !strings.Contains(e.Message, "48 vCPUs") {
		t.Fatalf("want the operation's error, got %#v (%v)", err, err)
	}
}

func TestListFollowsNextLink(t *testing.T) {
	var base string
	c, s, srv := scripted(t,
		func(w http.ResponseWriter, r *http.Request) {
			reply(200, fmt.Sprintf(`{"value":[{"name":"a"},{"name":"b"}],"nextLink":%q}`, base+"/subscriptions/sub/resourceGroups/rg/providers/Microsoft.BatchAI/workspaces/ws/clusters?api-version=2018-05-01&$skiptoken=2"))(w, r)
		},
		reply(200, `{"value":[{"name":"c"}]}`),
	)
	base = srv.URL
	got, err := c.ListClusters(context.Background(), testCluster.WorkspaceID())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || api.Deref(got[2].Name) != "c" || len(s.seen) != 2 {
		t.Fatalf("got %d clusters after %v", len(got), s.seen)
	}
}

func TestRemoteLoginIsAPost(t *testing.T) {
	c, s, _ := scripted(t, reply(200, `{"value":[{"nodeId":"n1","ipAddress":"13.84.190.124","port":50000}]}`))
	got, err := c.ListRemoteLoginInformation(context.Background(), testCluster)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || api.Deref(got[0].Port) != 50000 || s.seen[0] != "POST /subscriptions/sub/resourceGroups/rg/providers/Microsoft.BatchAI/workspaces/ws/clusters/c1/listRemoteLoginInformation" {
		t.Fatalf("got %+v via %v", got, s.seen)
	}
}

func TestDeleteMissingIsSuccess(t *testing.T) {
	c, _, _ := scripted(t, reply(204, ""))
	p, err := c.BeginDeleteCluster(context.Background(), testCluster)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
}
