package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

func TestRetryAfter(t *testing.T) {
	for name, tc := range map[string]struct {
		headers []string
		want    time.Duration
	}{
		"none":                   {nil, 0},
		"seconds":                {[]string{"Retry-After", "15"}, 15 * time.Second},
		"milliseconds first":     {[]string{"Retry-After", "15", "retry-after-ms", "250"}, 250 * time.Millisecond},
		"x-ms milliseconds":      {[]string{"x-ms-retry-after-ms", "40"}, 40 * time.Millisecond},
		"garbage":                {[]string{"Retry-After", "soon"}, 0},
		"zero":                   {[]string{"Retry-After", "0"}, 0},
		"negative ms":            {[]string{"retry-after-ms", "-5", "Retry-After", "2"}, 2 * time.Second},
		"date in the past":       {[]string{"Retry-After", "Mon, 02 Jan 2006 15:04:05 GMT"}, 0},
		"date in a minute or so": {[]string{"Retry-After", time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)}, time.Minute},
	} {
		t.Run(name, func(t *testing.T) {
			resp := &http.Response{Header: http.Header{}}
			for i := 0; i+1 < len(tc.headers); i += 2 {
				resp.Header.Set(tc.headers[i], tc.headers[i+1])
			}
			got := retryAfter(resp)
			if name == "date in a minute or so" {
				if got < tc.want || got > 90*time.Second {
					t.Fatalf("retryAfter = %s, want about 90s", got)
				}
				return
			}
			if got != tc.want {
				t.Fatalf("retryAfter = %s, want %s", got, tc.want)
			}
		})
	}
	if retryAfter(nil) != 0 {
		t.Fatal("no response, no delay")
	}
}

// TestWaitPollsAtItsOwnFrequency: with no Retry-After (as real Batch AI sent none), the poller keeps
// polling at the client's frequency, even below one second, until the operation ends; and a context that
// ends stops it with the context's error.
func TestWaitPollsAtItsOwnFrequency(t *testing.T) {
	var polls atomic.Int32
	var base string
	op := func(w http.ResponseWriter, r *http.Request) {
		status := "InProgress"
		if polls.Add(1) >= 4 {
			status = "Succeeded"
		}
		reply(200, fmt.Sprintf(`{"name":"op1","status":%q}`, status))(w, r)
	}
	c, s, srv := scripted(t,
		func(w http.ResponseWriter, r *http.Request) {
			reply(202, "", "Azure-AsyncOperation", base+"/subscriptions/sub/providers/Microsoft.BatchAI/locations/eastus/operationresults/op1?api-version=2018-05-01")(w, r)
		},
		op, op, op, op,
		reply(200, `{"id":"/subscriptions/sub/resourceGroups/rg/providers/Microsoft.BatchAI/workspaces/ws/clusters/c1","name":"c1","properties":{"provisioningState":"succeeded"}}`),
	)
	base = srv.URL
	p, err := c.BeginCreateCluster(context.Background(), testCluster, api.ClusterCreateParameters{})
	if err != nil {
		t.Fatal(err)
	}
	if p.frequency >= time.Second {
		t.Fatalf("the test needs a sub-second frequency, got %s", p.frequency)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cl, err := p.Wait(ctx)
	if err != nil {
		t.Fatalf("a %s poll frequency must be honored: %v", p.frequency, err)
	}
	if api.Deref(cl.Name) != "c1" || polls.Load() != 4 || len(s.seen) != 6 {
		t.Fatalf("got %+v after %d polls, requests %v", cl, polls.Load(), s.seen)
	}

	// An operation that never ends: the context stops the wait (canceled from the second poll's answer).
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	inProgress := reply(200, `{"name":"op2","status":"InProgress"}`)
	c2, s2, srv2 := scripted(t,
		func(w http.ResponseWriter, r *http.Request) {
			reply(202, "", "Azure-AsyncOperation", base+"/subscriptions/sub/providers/Microsoft.BatchAI/locations/eastus/operationresults/op2?api-version=2018-05-01")(w, r)
		},
		inProgress,
		func(w http.ResponseWriter, r *http.Request) { cancel2(); inProgress(w, r) },
	)
	base = srv2.URL
	p2, err := c2.BeginCreateCluster(context.Background(), testCluster, api.ClusterCreateParameters{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p2.Wait(ctx2); !errors.Is(err, context.Canceled) {
		t.Fatalf("want the context's error, got %v", err)
	}
	if len(s2.seen) != 3 {
		t.Fatalf("requests %v: the wait went on after the context ended", s2.seen)
	}
}
