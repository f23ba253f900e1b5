package auth

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEnsureTLSCreatesFiles(t *testing.T) {
	dir := t.TempDir()
	f, err := EnsureTLS(dir, []string{"Emulator.Example", "10.1.2.3:8443", "[fe80::1]"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{f.CACert, f.ServerCert, f.ServerKey} {
		if !filepath.IsAbs(p) {
			t.Errorf("%s is not absolute", p)
		}
	}
	for _, p := range []string{f.ServerKey, filepath.Join(dir, CAKeyFile)} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode = %v, want 0600", p, st.Mode().Perm())
		}
	}
	pool, err := f.CertPool()
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := readCert(f.ServerCert)
	if err != nil {
		t.Fatal(err)
	}
	for _, host := range []string{"127.0.0.1", "::1", "localhost", "emulator.example", "10.1.2.3", "fe80::1"} {
		_, err := leaf.Verify(x509.VerifyOptions{DNSName: host, Roots: pool})
		if err != nil {
			t.Errorf("certificate not valid for %s: %v", host, err)
		}
	}
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: "other.example", Roots: pool}); err == nil {
		t.Error("certificate valid for an unrequested host")
	}
	ca, _ := readCert(f.CACert)
	if !ca.IsCA || ca.PublicKeyAlgorithm != x509.ECDSA || leaf.PublicKeyAlgorithm != x509.ECDSA {
		t.Errorf("unexpected key types or CA flag: isCA=%v ca=%v leaf=%v", ca.IsCA, ca.PublicKeyAlgorithm, leaf.PublicKeyAlgorithm)
	}
}

func TestEnsureTLSReuseAndRenewal(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	f, err := ensureTLS(dir, []string{"a.example"}, now, serverValidity)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name      string
		prepare   func()
		hosts     []string
		now       time.Time
		validity  time.Duration
		newServer bool
		newCA     bool
	}{
		{name: "same hosts reuse everything", hosts: []string{"a.example"}, now: now},
		{name: "subset of hosts reuses", hosts: nil, now: now},
		{name: "new host reissues server only", hosts: []string{"a.example", "b.example"}, now: now, newServer: true},
		{name: "near expiry reissues server", hosts: []string{"a.example", "b.example"}, now: now.Add(serverValidity - 10*24*time.Hour), newServer: true},
		{name: "damaged server key reissues", hosts: []string{"a.example", "b.example"}, now: now, newServer: true,
			prepare: func() { _ = os.WriteFile(f.ServerKey, []byte("garbage"), 0o600) }},
		{name: "missing CA key makes a new CA", hosts: []string{"a.example", "b.example"}, now: now, newServer: true, newCA: true,
			prepare: func() { _ = os.Remove(filepath.Join(dir, CAKeyFile)) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.prepare != nil {
				tc.prepare()
			}
			caBefore, srvBefore := readFile(t, f.CACert), readFile(t, f.ServerCert)
			if _, err := ensureTLS(dir, tc.hosts, tc.now, serverValidity); err != nil {
				t.Fatal(err)
			}
			caAfter, srvAfter := readFile(t, f.CACert), readFile(t, f.ServerCert)
			if got := !bytes.Equal(caBefore, caAfter); got != tc.newCA {
				t.Errorf("CA changed = %v, want %v", got, tc.newCA)
			}
			if got := !bytes.Equal(srvBefore, srvAfter); got != tc.newServer {
				t.Errorf("server cert changed = %v, want %v", got, tc.newServer)
			}
			leaf, _ := readCert(f.ServerCert)
			ca, _ := readCert(f.CACert)
			if err := leaf.CheckSignatureFrom(ca); err != nil {
				t.Errorf("server cert not signed by the CA on disk: %v", err)
			}
		})
	}
}

func TestTLSHandshakeWithGeneratedFiles(t *testing.T) {
	f, err := EnsureTLS(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := f.ServerConfig()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MinVersion < tls.VersionTLS12 {
		t.Errorf("MinVersion = %x", cfg.MinVersion)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer func() { _ = srv.Close() }()
	pool, _ := f.CertPool()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	for _, host := range []string{"127.0.0.1", "localhost"} {
		c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
		resp, err := c.Get("https://" + net.JoinHostPort(host, port) + "/")
		if err != nil {
			t.Fatalf("%s: %v", host, err)
		}
		_ = resp.Body.Close()
		c.CloseIdleConnections()
	}
	// Without the CA the handshake must fail: proves the client really validates the chain.
	if resp, err := (&http.Client{}).Get("https://127.0.0.1:" + port + "/"); err == nil {
		_ = resp.Body.Close()
		t.Fatal("handshake succeeded without trusting the CA")
	}
}
