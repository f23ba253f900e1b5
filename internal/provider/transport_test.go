package provider

import (
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCertPoolWithBundle_addsToSystemRoots(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(srv.Close)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	pool, err := certPoolWithBundle(caFile)
	if err != nil {
		t.Fatal(err)
	}
	// The bundle's certificate is trusted...
	if _, err := srv.Certificate().Verify(x509.VerifyOptions{Roots: pool, DNSName: "127.0.0.1"}); err != nil {
		t.Errorf("the bundle's CA is not trusted: %v", err)
	}
	// ...in addition to the system roots, not instead of them. (Subjects is deprecated only because it
	// cannot list platform-verifier roots; on Linux the system pool is a plain file-backed pool.)
	if sys, err := x509.SystemCertPool(); err == nil && len(sys.Subjects()) > 0 { //nolint:staticcheck // see above
		if got, want := len(pool.Subjects()), len(sys.Subjects())+1; got != want { //nolint:staticcheck // see above
			t.Errorf("pool has %d subjects, want the %d system roots plus the bundle", got, want-1)
		}
	}
}

func TestNewHTTPClient_errors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]string{
		filepath.Join(dir, "missing.pem"): "reading ca_certificate_file",
		notPEM:                            "holds no PEM certificate",
	} {
		_, err := newHTTPClient(file)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want an error containing %q", file, err, want)
		}
	}
}
