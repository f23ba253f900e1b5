package emulator

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

func newTestEmulator(t *testing.T, logs *bytes.Buffer) *Emulator {
	t.Helper()
	e, err := New(Config{DataDir: t.TempDir(), BaseURL: "https://127.0.0.1:1",
		Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	return e
}

// TestPanicRecovered: a handler panic becomes a 500 with an ARM body and the request headers, and is
// logged with its stack; the server keeps serving.
func TestPanicRecovered(t *testing.T) {
	var logs bytes.Buffer
	e := newTestEmulator(t, &logs)
	h := e.withCommon(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
	var ce api.CloudError
	if rec.Code != 500 || json.Unmarshal(rec.Body.Bytes(), &ce) != nil || *ce.Error.Code != "InternalServerError" ||
		rec.Header().Get("x-ms-request-id") == "" {
		t.Fatalf("%d %v %s", rec.Code, rec.Header(), rec.Body)
	}
	if !strings.Contains(logs.String(), "boom") || !strings.Contains(logs.String(), "stack=") {
		t.Errorf("panic not logged: %s", logs.String())
	}
}

// TestRequestLogHasNoSecrets: the request log names method, path, status, duration and request id, and
// never a body or a token.
func TestRequestLogHasNoSecrets(t *testing.T) {
	var logs bytes.Buffer
	e := newTestEmulator(t, &logs)
	tok, _, err := e.Issuer().IssueToken("https://management.core.windows.net/")
	if err != nil {
		t.Fatal(err)
	}
	body := `{"properties":{"vmSize":"STANDARD_NC6","scaleSettings":{"manual":{"targetNodeCount":0}},` +
		`"userAccountSettings":{"adminUserName":"u","adminUserPassword":"SENTINEL-LOG"}}}`
	req := httptest.NewRequest("PUT", "/subscriptions/"+e.identity.SubscriptionID+"/resourceGroups/"+
		DefaultResourceGroup+"/providers/Microsoft.BatchAI/workspaces/ws/clusters/c?api-version=2018-05-01", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	rec := httptest.NewRecorder()
	e.Handler().ServeHTTP(rec, req)
	out := logs.String()
	for _, want := range []string{"method=PUT", "status=404", "duration=", "request_id=" + rec.Header().Get("x-ms-request-id")} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q: %s", want, out)
		}
	}
	if strings.Contains(out, "SENTINEL") || strings.Contains(out, tok[:20]) || strings.Contains(out, "api-version") {
		t.Errorf("log leaks: %s", out)
	}
}

func TestETagsIncrease(t *testing.T) {
	now := time.Date(2018, 6, 7, 0, 0, 0, 0, time.UTC)
	a := newETag(now, "")
	b := newETag(now, a)
	if !strings.HasPrefix(a, "0x8D5CC") || a >= b || len(a) != len(b) {
		t.Errorf("etags %s %s", a, b)
	}
}

func TestRetryHint(t *testing.T) {
	for _, tc := range []struct {
		d       time.Duration
		sec, ms string
	}{{20 * time.Millisecond, "1", "20"}, {time.Second, "1", ""}, {1500 * time.Millisecond, "2", ""}, {15 * time.Second, "15", ""}} {
		h := http.Header{}
		retryHint(h, tc.d)
		if h.Get("Retry-After") != tc.sec || h.Get("retry-after-ms") != tc.ms {
			t.Errorf("%v: %v", tc.d, h)
		}
	}
}
