package provider

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSelectAuthMethod(t *testing.T) {
	t.Parallel()
	ids := settings{TenantID: "t", ClientID: "c", UseCLI: true}
	with := func(f func(*settings)) settings { s := ids; f(&s); return s }
	for name, tc := range map[string]struct {
		s       settings
		want    authMethod
		wantErr string
	}{
		"secret first": {s: with(func(s *settings) {
			s.ClientSecret = "x"
			s.ClientCertificatePath = "/c"
			s.UseOIDC = true
			s.UseMSI = true
		}), want: authClientSecret},
		"certificate second":     {s: with(func(s *settings) { s.ClientCertificatePath = "/c"; s.UseOIDC = true; s.OIDCToken = "x" }), want: authClientCertificate},
		"oidc token":             {s: with(func(s *settings) { s.UseOIDC = true; s.OIDCToken = "x"; s.UseMSI = true }), want: authOIDC},
		"oidc file":              {s: with(func(s *settings) { s.UseOIDC = true; s.OIDCTokenFilePath = "/f" }), want: authOIDC},
		"oidc github":            {s: with(func(s *settings) { s.UseOIDC = true; s.OIDCRequestToken = "x"; s.OIDCRequestURL = "https://x" }), want: authOIDC},
		"oidc without token":     {s: with(func(s *settings) { s.UseOIDC = true; s.OIDCRequestToken = "x" }), wantErr: "use_oidc needs a token"},
		"msi":                    {s: with(func(s *settings) { s.UseMSI = true }), want: authMSI},
		"cli by default":         {s: ids, want: authCLI},
		"nothing enabled":        {s: settings{}, wantErr: "no authentication method"},
		"secret without tenant":  {s: settings{ClientID: "c", ClientSecret: "x"}, wantErr: "tenant_id (ARM_TENANT_ID)"},
		"secret without client":  {s: settings{TenantID: "t", ClientSecret: "x"}, wantErr: "client_id (ARM_CLIENT_ID)"},
		"certificate without id": {s: settings{ClientCertificatePath: "/c"}, wantErr: "tenant_id (ARM_TENANT_ID) and client_id"},
		"oidc without ids":       {s: settings{UseOIDC: true, OIDCToken: "x"}, wantErr: "use_oidc"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := selectAuthMethod(tc.s)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want an error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// TestNewCredential_types builds every credential (nothing is sent: azidentity only talks to Azure AD when
// asked for a token) and checks the concrete type.
func TestNewCredential_types(t *testing.T) {
	t.Parallel()
	certFile := writeTestCertificate(t)
	base := settings{TenantID: "00000000-0000-0000-0000-000000000001", ClientID: "00000000-0000-0000-0000-000000000002"}
	cloud := builtinClouds["public"]
	for name, tc := range map[string]struct {
		s    settings
		want string
	}{
		"secret":      {s: settings{ClientSecret: "x"}, want: "*azidentity.ClientSecretCredential"},
		"certificate": {s: settings{ClientCertificatePath: certFile}, want: "*azidentity.ClientCertificateCredential"},
		"oidc":        {s: settings{UseOIDC: true, OIDCToken: "x"}, want: "*azidentity.ClientAssertionCredential"},
		"msi":         {s: settings{UseMSI: true}, want: "*azidentity.ManagedIdentityCredential"},
		"cli":         {s: settings{UseCLI: true}, want: "*azidentity.AzureCLICredential"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := tc.s
			s.TenantID, s.ClientID = base.TenantID, base.ClientID
			cred, _, err := newCredential(s, cloud, http.DefaultClient)
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprintf("%T", cred); got != tc.want {
				t.Errorf("credential type %s, want %s", got, tc.want)
			}
		})
	}
	_, _, err := newCredential(settings{TenantID: "t", ClientID: "c", ClientCertificatePath: filepath.Join(t.TempDir(), "missing.pem")}, cloud, http.DefaultClient)
	if err == nil || !strings.Contains(err.Error(), "client_certificate_path") {
		t.Errorf("a missing certificate must name client_certificate_path, got %v", err)
	}
}

func TestOIDCAssertion_fileIsReReadEachTime(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "token")
	get := oidcAssertion(settings{OIDCTokenFilePath: file}, http.DefaultClient)
	for _, tok := range []string{"first", "second"} {
		if err := os.WriteFile(file, []byte(tok+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := get(context.Background())
		if err != nil || got != tok {
			t.Errorf("got %q, %v; want %q", got, err, tok)
		}
	}
}

func TestOIDCAssertion_githubActions(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer request-token" || r.URL.Query().Get("audience") != githubOIDCAudience ||
			r.URL.Query().Get("keep") != "me" {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		_, _ = w.Write([]byte(`{"value":"id-token"}`))
	}))
	t.Cleanup(srv.Close)
	get := oidcAssertion(settings{OIDCRequestToken: "request-token", OIDCRequestURL: srv.URL + "/token?keep=me"}, srv.Client())
	if got, err := get(context.Background()); err != nil || got != "id-token" {
		t.Errorf("got %q, %v", got, err)
	}
	get = oidcAssertion(settings{OIDCRequestToken: "wrong", OIDCRequestURL: srv.URL + "/token?keep=me"}, srv.Client())
	if _, err := get(context.Background()); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("got %v, want the 401 status", err)
	}
}

// writeTestCertificate writes a self-signed certificate and its key as one PEM file, the format azurerm
// users pass in client_certificate_path next to PKCS#12.
func writeTestCertificate(t *testing.T) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048) // Azure AD certificates are RSA
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "sp"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	data := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})...)
	file := filepath.Join(t.TempDir(), "sp.pem")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}
