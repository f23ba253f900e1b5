package emulator_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/emulatortest"
)

// TestThrottling: with Config.Throttle every ARM answer carries the tokens left in its category's bucket;
// an empty bucket answers 429 with Retry-After (whole seconds until a token is back) without processing;
// buckets refill with the emulator's clock; categories are independent; identity endpoints are not metered.
func TestThrottling(t *testing.T) {
	clock := emulatortest.NewPausedClock(time.Date(2018, 6, 7, 21, 16, 0, 0, time.UTC))
	limits := emulator.ThrottleLimits{
		Reads:   emulator.TokenBucket{Size: 3, RefillPerSecond: 1},
		Writes:  emulator.TokenBucket{Size: 3, RefillPerSecond: 0.5},
		Deletes: emulator.TokenBucket{Size: 1, RefillPerSecond: 1},
	}
	c := newClient(t, emulatortest.WithClock(clock), func(cfg *emulator.Config) { cfg.Throttle = &limits })
	emu := c.inst.Emulator
	c.createGroup("rg") // one write
	ws := c.ws("rg", "ws") + apiVersion
	if r := c.must(200, "PUT", ws, map[string]any{"location": "eastus"}); r.header.Get("x-ms-ratelimit-remaining-subscription-writes") != "1" {
		t.Errorf("second write: remaining %v", r.header)
	}
	for _, want := range []string{"2", "1", "0"} {
		if r := c.must(200, "GET", ws, nil); r.header.Get("x-ms-ratelimit-remaining-subscription-reads") != want {
			t.Errorf("read: remaining %q, want %q", r.header.Get("x-ms-ratelimit-remaining-subscription-reads"), want)
		}
	}
	r := c.do("GET", ws, nil)
	if r.status != 429 || r.code() != "SubscriptionRequestsThrottled" || r.header.Get("Retry-After") != "1" ||
		r.header.Get("x-ms-ratelimit-remaining-subscription-reads") != "0" {
		t.Errorf("fourth read: %d %v %s", r.status, r.header, r.body)
	}
	// Another principal (the reader) has buckets of its own.
	reader := &client{t: t, inst: c.inst, http: c.http, token: readerToken(t, c)}
	if r := reader.must(200, "GET", ws, nil); r.header.Get("x-ms-ratelimit-remaining-subscription-reads") != "2" {
		t.Errorf("the reader's first read: remaining %v", r.header)
	}
	c.must(200, "PATCH", ws, map[string]any{"tags": map[string]any{"a": "b"}}) // writes have their own bucket
	r = c.do("PATCH", ws, map[string]any{"tags": map[string]any{"a": "c"}})
	if r.status != 429 || r.header.Get("Retry-After") != "2" {
		t.Errorf("fourth write at 0.5/s: %d %v", r.status, r.header)
	}
	var got struct {
		Tags map[string]string `json:"tags"`
	}
	// Not processed: the refused PATCH changed nothing. A second later one read is back, and only one.
	clock.Advance(time.Second)
	c.must(200, "GET", ws, nil).decode(t, &got)
	if got.Tags["a"] != "b" {
		t.Errorf("a throttled PATCH was processed: %v", got.Tags)
	}
	c.must(429, "GET", ws, nil)
	clock.Advance(time.Hour) // a full bucket holds no more than its size
	for range 3 {
		c.must(200, "GET", ws, nil)
	}
	c.must(429, "GET", ws, nil)
	c.must(202, "DELETE", ws, nil)
	c.must(429, "DELETE", ws, nil)
	if r := c.do("GET", "/metadata/endpoints?api-version=2022-09-01", nil); r.status != 200 {
		t.Errorf("the metadata endpoint was metered: %d", r.status)
	}
	if n := emu.ThrottledCount("GET", "/workspaces/ws"); n != 3 {
		t.Errorf("ThrottledCount(GET) = %d, want 3", n)
	}
	if n, all := emu.ThrottledCount("", "/workspaces/ws"), emu.RequestCount("", "/workspaces/ws"); n != 5 || all != 16 {
		t.Errorf("ThrottledCount = %d of %d requests, want 5 of 16", n, all)
	}
}

// TestNoThrottlingByDefault: without Config.Throttle nothing is metered and no rate-limit header is sent.
func TestNoThrottlingByDefault(t *testing.T) {
	c := newClient(t)
	c.createWorkspace("rg", "ws")
	for range 300 {
		r := c.must(200, "GET", c.ws("rg", "ws")+apiVersion, nil)
		if v := r.header.Get("x-ms-ratelimit-remaining-subscription-reads"); v != "" {
			t.Fatalf("rate-limit header %q without throttling", v)
		}
	}
	if n := c.inst.Emulator.ThrottledCount("", ""); n != 0 {
		t.Errorf("ThrottledCount = %d", n)
	}
}

// TestThrottleLimitsAreChecked: a bucket that could never refill is refused at start.
func TestThrottleLimitsAreChecked(t *testing.T) {
	bad := emulator.ARMThrottleLimits()
	bad.Deletes.RefillPerSecond = 0
	if e, err := emulator.New(emulator.Config{DataDir: t.TempDir(), Throttle: &bad}); err == nil {
		_ = e.Close()
		t.Error("a bucket with no refill was accepted")
	}
	arm := emulator.ARMThrottleLimits()
	if arm.Reads != (emulator.TokenBucket{Size: 250, RefillPerSecond: 25}) || arm.Writes.Size != 200 || arm.Deletes.RefillPerSecond != 10 {
		t.Errorf("ARM's limits: %+v", arm)
	}
}

// readerToken gets a token for the emulator's reader principal with a plain client-credentials grant.
func readerToken(t *testing.T, c *client) string {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {c.inst.ReaderClientID},
		"client_secret": {c.inst.ReaderClientSecret}, "scope": {"https://management.core.windows.net//.default"}}
	resp, err := c.http.PostForm(strings.TrimSuffix(c.inst.AuthorityHost, "/")+"/"+c.inst.TenantID+"/oauth2/v2.0/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.AccessToken == "" {
		t.Fatalf("reader token: %d %v", resp.StatusCode, err)
	}
	return body.AccessToken
}
