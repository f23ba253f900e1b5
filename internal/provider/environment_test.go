package provider

import (
	"context"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/emulatortest"
)

// metadataArray is the shape ARM serves at /metadata/endpoints?api-version=2022-09-01 (trimmed).
const metadataArray = `[
 {"name":"AzureCloud","resourceManager":"https://management.azure.com/",
  "authentication":{"loginEndpoint":"https://login.microsoftonline.com","audiences":["https://management.core.windows.net/","https://management.azure.com/"],"tenant":"common","identityProvider":"AAD"}},
 {"name":"AzureUSGovernment","resourceManager":"https://management.usgovcloudapi.net/",
  "authentication":{"loginEndpoint":"https://login.microsoftonline.us","audiences":["https://management.core.usgovcloudapi.net/"]}}
]`

func TestParseMetadata_pickEnvironment(t *testing.T) {
	t.Parallel()
	envs, err := parseMetadata([]byte(metadataArray))
	if err != nil {
		t.Fatal(err)
	}
	for env, want := range map[string]cloudEndpoints{
		"public": {Name: "AzureCloud", ResourceManager: "https://management.azure.com",
			Audience: "https://management.core.windows.net/", AuthorityHost: "https://login.microsoftonline.com/", FromMetadata: true},
		"usgovernment": {Name: "AzureUSGovernment", ResourceManager: "https://management.usgovcloudapi.net",
			Audience: "https://management.core.usgovcloudapi.net/", AuthorityHost: "https://login.microsoftonline.us/", FromMetadata: true},
		"azureusgovernment": {Name: "AzureUSGovernment", ResourceManager: "https://management.usgovcloudapi.net",
			Audience: "https://management.core.usgovcloudapi.net/", AuthorityHost: "https://login.microsoftonline.us/", FromMetadata: true},
	} {
		got, err := pickEnvironment(envs, env)
		if err != nil {
			t.Errorf("%s: %v", env, err)
			continue
		}
		if got != want {
			t.Errorf("%s:\n got  %+v\n want %+v", env, got, want)
		}
	}
	if _, err := pickEnvironment(envs, "china"); err == nil || !strings.Contains(err.Error(), "AzureCloud, AzureUSGovernment") {
		t.Errorf("an environment missing from a document with several entries must name the choices, got %v", err)
	}
}

func TestParseMetadata_singleEntry(t *testing.T) {
	t.Parallel()
	// A document with one entry (an object or a one-element array) is used whatever its name.
	for _, doc := range []string{
		"\xef\xbb\xbf" + `{"name":"Emulator","resourceManager":"https://127.0.0.1:8443","authentication":{"loginEndpoint":"https://127.0.0.1:8443/","audiences":["https://management.core.windows.net/"]}}`,
		`[{"name":"Emulator","resourceManager":"https://127.0.0.1:8443/","authentication":{"loginEndpoint":"https://127.0.0.1:8443","audiences":["https://management.core.windows.net/"]}}]`,
	} {
		envs, err := parseMetadata([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		got, err := pickEnvironment(envs, "public")
		if err != nil {
			t.Fatal(err)
		}
		if got.ResourceManager != "https://127.0.0.1:8443" || got.AuthorityHost != "https://127.0.0.1:8443/" || !got.FromMetadata {
			t.Errorf("got %+v", got)
		}
	}
}

func TestParseMetadata_invalid(t *testing.T) {
	t.Parallel()
	for name, doc := range map[string]string{
		"not json":      `<html>`,
		"empty array":   `[]`,
		"no audience":   `[{"name":"X","resourceManager":"https://a","authentication":{"loginEndpoint":"https://b"}}]`,
		"plain http rm": `[{"name":"X","resourceManager":"http://a","authentication":{"loginEndpoint":"https://b","audiences":["x"]}}]`,
		"no login":      `[{"name":"X","resourceManager":"https://a","authentication":{"audiences":["x"]}}]`,
	} {
		envs, err := parseMetadata([]byte(doc))
		if err == nil {
			_, err = pickEnvironment(envs, "public")
		}
		if err == nil {
			t.Errorf("%s: expected an error", name)
		}
	}
}

func TestMetadataURL(t *testing.T) {
	t.Parallel()
	for host, want := range map[string]string{
		"management.azure.com":    "https://management.azure.com/metadata/endpoints?api-version=2022-09-01",
		"127.0.0.1:8443":          "https://127.0.0.1:8443/metadata/endpoints?api-version=2022-09-01",
		"https://127.0.0.1:8443/": "https://127.0.0.1:8443/metadata/endpoints?api-version=2022-09-01",
		"http://127.0.0.1:8443":   "",
		"host/path":               "",
		"":                        "",
	} {
		got, err := metadataURL(host)
		if want == "" {
			if err == nil {
				t.Errorf("%q: expected an error, got %q", host, got)
			}
			continue
		}
		if err != nil || got != want {
			t.Errorf("%q: got %q, %v; want %q", host, got, err, want)
		}
	}
}

func TestResolveEndpoints_builtin(t *testing.T) {
	t.Parallel()
	got, err := resolveEndpoints(context.Background(), settings{Environment: "china"}, http.DefaultClient)
	if err != nil {
		t.Fatal(err)
	}
	if got.ResourceManager != "https://management.chinacloudapi.cn" || got.FromMetadata {
		t.Errorf("got %+v", got)
	}
}

// TestResolveEndpoints_metadataHostWithCABundle fetches the document from a TLS server whose CA is known
// only through ca_certificate_file: it fails with the system roots alone and works with the bundle added.
func TestResolveEndpoints_metadataHostWithCABundle(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metadata/endpoints" || r.URL.Query().Get("api-version") != metadataAPIVersion {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[{"name":"AzureCloud","resourceManager":"https://` + r.Host + `",` +
			`"authentication":{"loginEndpoint":"https://` + r.Host + `","audiences":["https://management.core.windows.net/"]}}]`))
	}))
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "https://")
	s := settings{Environment: "public", MetadataHost: host}

	plain, err := newHTTPClient("")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := resolveEndpoints(context.Background(), s, plain); err == nil {
		t.Fatal("the emulator's certificate must not be trusted without ca_certificate_file")
	}

	caFile := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(caFile, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	hc, err := newHTTPClient(caFile)
	if err != nil {
		t.Fatal(err)
	}
	got, err := resolveEndpoints(context.Background(), s, hc)
	if err != nil {
		t.Fatal(err)
	}
	if got.ResourceManager != srv.URL || got.AuthorityHost != srv.URL+"/" || !got.FromMetadata {
		t.Errorf("got %+v", got)
	}

	// A host that answers something else than 200 names the URL and the status.
	s.MetadataHost = host + "/nope"
	if _, err := resolveEndpoints(context.Background(), s, hc); err == nil {
		t.Error("expected an error for a host with a path")
	}
}

// TestFetchMetadata_retries: metadata discovery retries like every other call: a 503, a reset connection or
// an answer cut short on /metadata/endpoints is retried, and only a failure that outlasts the retries fails
// the plan, naming the URL and the status.
func TestFetchMetadata_retries(t *testing.T) {
	t.Parallel()
	inst := emulatortest.Start(t)
	host := inst.MetadataHost
	for _, f := range []emulator.Fault{
		{PathContains: "/metadata/endpoints", Status: 503},
		{PathContains: "/metadata/endpoints", Kind: emulator.FaultReset},
		{PathContains: "/metadata/endpoints", Kind: emulator.FaultTruncate},
		{PathContains: "/metadata/endpoints", Statuses: []int{500, 502, 504}, RetryAfter: time.Millisecond},
	} {
		before := inst.Emulator.RequestCount("GET", "/metadata/endpoints")
		inst.Emulator.InjectFault(f)
		envs, err := fetchMetadata(t.Context(), inst.HTTPClient(), host)
		if err != nil || len(envs) != 1 || strings.TrimSuffix(envs[0].ResourceManager, "/") != inst.Endpoint {
			t.Errorf("after %+v: %+v %v", f, envs, err)
		}
		if n, want := inst.Emulator.RequestCount("GET", "/metadata/endpoints")-before, 1+max(1, len(f.Statuses)); n != want {
			t.Errorf("after %+v: %d requests, want %d", f, n, want)
		}
	}
	inst.Emulator.InjectFault(emulator.Fault{PathContains: "/metadata/endpoints", Status: 503, RetryAfter: time.Millisecond, Times: -1})
	_, err := fetchMetadata(t.Context(), inst.HTTPClient(), host)
	if err == nil || !strings.Contains(err.Error(), "/metadata/endpoints") || !strings.Contains(err.Error(), "503") {
		t.Errorf("a metadata host that never recovers: %v", err)
	}
	if n := inst.Emulator.FaultCounts()[emulator.FaultServerError]; n != 1+3+1+client.DefaultMaxRetries {
		t.Errorf("%d server errors injected, want %d", n, 1+3+1+client.DefaultMaxRetries)
	}
}
