package auth

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

func TestMetadataEndpoint(t *testing.T) {
	base := "https://127.0.0.1:8443"
	h := MetadataHandler(base)
	tests := []struct {
		name, query string
		status      int
		code        string
		array       bool
	}{
		{"2022-09-01 is one object", "api-version=2022-09-01", 200, "", false},
		{"2019-05-01 is a list", "api-version=2019-05-01", 200, "", true},
		{"missing api-version", "", 400, "MissingApiVersionParameter", false},
		{"unsupported api-version", "api-version=2018-01-01", 400, "InvalidApiVersionParameter", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metadata/endpoints?"+tc.query, nil))
			if rec.Code != tc.status {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			if !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
				t.Errorf("content-type %q", rec.Header().Get("Content-Type"))
			}
			if tc.status != 200 {
				var e armErrorBody
				if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code != tc.code {
					t.Errorf("%s (%v)", rec.Body, err)
				}
				return
			}
			if got := strings.TrimSpace(rec.Body.String())[0] == '['; got != tc.array {
				t.Fatalf("array = %v, want %v", got, tc.array)
			}
			env, err := DecodeMetadata(rec.Body.Bytes(), MetadataEnvironmentName)
			if err != nil {
				t.Fatal(err)
			}
			if env.Name != "BatchAIEmulator" || env.ResourceManager != base+"/" || env.Authentication.LoginEndpoint != base+"/" ||
				!reflect.DeepEqual(env.Authentication.Audiences, []string{"https://management.core.windows.net/", base + "/"}) ||
				env.MicrosoftGraphResourceID == "" {
				t.Errorf("%+v", env)
			}
		})
	}
}

// TestMetadataWireKeys pins the JSON keys azurerm's go-azure-sdk reads, so a renamed field fails here.
func TestMetadataWireKeys(t *testing.T) {
	b, _ := json.Marshal(NewMetadataEnvironment("https://h"))
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	top := []string{"portal", "authentication", "media", "graphAudience", "graph", "name", "suffixes", "batch",
		"resourceManager", "vmImageAliasDoc", "activeDirectoryDataLake", "sqlManagement", "microsoftGraphResourceId",
		"appInsightsResourceId", "appInsightsTelemetryChannelResourceId", "attestationResourceId",
		"synapseAnalyticsResourceId", "logAnalyticsResourceId", "ossrDbmsResourceId"}
	suffixes := []string{"azureDataLakeStoreFileSystem", "acrLoginServer", "sqlServerHostname",
		"azureDataLakeAnalyticsCatalogAndJob", "keyVaultDns", "storage", "azureFrontDoorEndpointSuffix",
		"storageSyncEndpointSuffix", "mhsmDns", "mysqlServerEndpoint", "postgresqlServerEndpoint",
		"mariadbServerEndpoint", "synapseAnalytics", "attestationEndpoint"}
	authn := []string{"loginEndpoint", "audiences", "tenant", "identityProvider"}
	check := func(m map[string]any, keys []string) {
		if len(m) != len(keys) {
			t.Errorf("%d keys, want %d: %v", len(m), len(keys), m)
		}
		for _, k := range keys {
			if v, ok := m[k]; !ok || v == "" {
				t.Errorf("key %q missing or empty", k)
			}
		}
	}
	check(m, top)
	sub, ok1 := m["suffixes"].(map[string]any)
	auth, ok2 := m["authentication"].(map[string]any)
	if !ok1 || !ok2 {
		t.Fatalf("suffixes or authentication is not an object: %s", b)
	}
	check(sub, suffixes)
	check(auth, authn)
}

func TestDecodeMetadata(t *testing.T) {
	one, _ := json.Marshal(NewMetadataEnvironment("https://a"))
	other := NewMetadataEnvironment("https://b")
	other.Name = "Other"
	list, _ := json.Marshal([]MetadataEnvironment{other, NewMetadataEnvironment("https://a")})
	tests := []struct {
		name, doc, env, wantRM string
		wantErr                bool
	}{
		{"object", string(one), "", "https://a/", false},
		{"object with BOM", "\xef\xbb\xbf" + string(one), "", "https://a/", false},
		{"list by name", string(list), "batchaiemulator", "https://a/", false},
		{"list first", string(list), "", "https://b/", false},
		{"list missing name", string(list), "Nope", "", true},
		{"empty object", "{}", "", "", true},
		{"not json", "<html>", "", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env, err := DecodeMetadata([]byte(tc.doc), tc.env)
			if (err != nil) != tc.wantErr || env.ResourceManager != tc.wantRM {
				t.Fatalf("env.ResourceManager=%q err=%v", env.ResourceManager, err)
			}
		})
	}
}

func TestMetadataServedByIssuerWithoutToken(t *testing.T) {
	e := newTestEnv(t, nil)
	var env MetadataEnvironment
	if st := e.getJSON(t, "/metadata/endpoints?api-version=2022-09-01", &env); st != 200 || env.ResourceManager != e.base+"/" {
		t.Fatalf("%d %+v", st, env)
	}
}
