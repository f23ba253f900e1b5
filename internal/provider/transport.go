package provider

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
)

// newHTTPClient returns the one HTTP client used for metadata, Azure AD and ARM. It trusts the system roots
// plus, when caFile is set, the certificates of that PEM bundle: private endpoints such as the emulator or an
// Azure Stack Hub are trusted explicitly, and there is deliberately no way to skip verification.
func newHTTPClient(caFile string) (*http.Client, error) {
	base, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return nil, errors.New("http.DefaultTransport is not an *http.Transport")
	}
	t := base.Clone() // keeps proxy support (HTTPS_PROXY) and HTTP/2
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pool, err := certPoolWithBundle(caFile)
		if err != nil {
			return nil, err
		}
		cfg.RootCAs = pool
	}
	t.TLSClientConfig = cfg
	return &http.Client{Transport: t}, nil
}

// certPoolWithBundle adds the PEM certificates of path to a copy of the system roots.
func certPoolWithBundle(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading ca_certificate_file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		// Some platforms have no readable system store; the bundle alone still lets the provider reach the
		// private endpoint it names.
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("ca_certificate_file %s holds no PEM certificate", path)
	}
	return pool, nil
}
