package emulator_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

func TestInjectedFaults(t *testing.T) {
	c := newClient(t)
	c.createWorkspace("rg", "ws")
	emu := c.inst.Emulator
	path := c.ws("rg", "ws") + apiVersion

	emu.InjectFault(emulator.Fault{Method: "GET", PathContains: "/workspaces/ws", Status: 429, Times: 2})
	for i := range 2 {
		r := c.do("GET", path, nil)
		if r.status != 429 || r.code() != "SubscriptionRequestsThrottled" || r.header.Get("Retry-After") != "1" ||
			r.header.Get("retry-after-ms") != "20" || r.header.Get("x-ms-request-id") == "" {
			t.Fatalf("throttled #%d: %d %v %s", i, r.status, r.header, r.body)
		}
	}
	c.must(200, "GET", path, nil) // the fault is used up
	c.must(200, "PUT", path, map[string]any{"location": "eastus"})

	emu.InjectFault(emulator.Fault{PathContains: "/WORKSPACES/", Status: 503, Code: "Busy", Message: "try later"})
	if r := c.do("PATCH", path, map[string]any{}); r.status != 503 || r.code() != "Busy" || r.message() != "try later" {
		t.Errorf("503: %d %s", r.status, r.body)
	}
	emu.InjectFault(emulator.Fault{Status: 500, Times: -1})
	for range 3 {
		c.must(500, "GET", path, nil)
	}
	emu.ClearFaults()
	c.must(200, "GET", path, nil)

	// A connection reset: the client sees a transport error, not a response.
	emu.InjectFault(emulator.Fault{Method: "GET", PathContains: "/workspaces/ws"})
	req, _ := http.NewRequest("GET", c.inst.Endpoint+path, nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	// A fresh connection: net/http silently retries a GET whose reused connection was closed.
	fresh := c.inst.HTTPClient()
	if tr, ok := fresh.Transport.(*http.Transport); ok {
		tr.DisableKeepAlives = true
	}
	if resp, err := fresh.Do(req); err == nil {
		_ = resp.Body.Close()
		t.Errorf("reset fault answered %d", resp.StatusCode)
	}
	c.must(200, "GET", path, nil)

	if n := emu.RequestCount("GET", "/workspaces/ws"); n != 9 {
		t.Errorf("RequestCount GET = %d, want 9", n)
	}
	if n := emu.RequestCount("", "/WORKSPACES/ws"); n != 12 {
		t.Errorf("RequestCount any = %d, want 12", n)
	}
}

// TestConcurrentRequests creates, resizes, reads and deletes from many goroutines at once (run with
// -race): every answer is a success or a well-formed ARM error, and the final state is consistent.
func TestConcurrentRequests(t *testing.T) {
	c := newClient(t, func(cfg *emulator.Config) { cfg.PageSize = 4 })
	c.createWorkspace("rg", "ws")
	if err := c.inst.Emulator.SetQuota("eastus", quotaWith(10000)); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 1000)
	for g := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("c%02d", g)
			path := c.cluster("rg", "ws", name) + apiVersion
			steps := []struct {
				method string
				body   any
				ok     []int
			}{
				{"PUT", clusterBody(1), []int{202}},
				{"GET", nil, []int{200}},
				{"PATCH", map[string]any{"properties": map[string]any{"scaleSettings": map[string]any{"manual": map[string]any{"targetNodeCount": 2}}}}, []int{200}},
				{"GET", c.cluster("rg", "ws", fmt.Sprintf("c%02d", (g+1)%12)) + apiVersion, []int{200, 404}},
				{"GET", "list", []int{200}},
				{"POST", "logins", []int{200}},
				{"PUT", clusterBody(2), []int{200}},
			}
			for _, s := range steps {
				p, body := path, s.body
				switch s.body {
				case "list":
					p, body = c.ws("rg", "ws")+"/clusters"+apiVersion, nil
				case "logins":
					p, body = c.cluster("rg", "ws", name)+"/listRemoteLoginInformation"+apiVersion, nil
				}
				if str, ok := s.body.(string); ok && s.method == "GET" && str != "list" {
					p, body = str, nil
				}
				r := c.do(s.method, p, body)
				if !contains(s.ok, r.status) {
					errs <- fmt.Sprintf("%s %s: %d %s", s.method, p, r.status, r.body)
				}
			}
			if g%2 == 0 {
				r := c.do("DELETE", path, nil)
				if r.status != 202 {
					errs <- fmt.Sprintf("DELETE %s: %d", name, r.status)
				} else {
					c.waitOperation(r.header.Get("Azure-AsyncOperation"))
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	var names []string
	for next := c.ws("rg", "ws") + "/clusters" + apiVersion; next != ""; {
		var page api.ClusterListResult
		c.must(200, "GET", next, nil).decode(t, &page)
		for _, cl := range page.Value {
			names = append(names, *cl.Name)
		}
		next = api.Deref(page.NextLink)
	}
	if len(names) != 6 {
		t.Errorf("%d clusters left, want 6: %v", len(names), names)
	}
	c.checkNoSecrets()
}

func contains(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
