package auth

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// File names inside the TLS directory.
const (
	CACertFile     = "ca.pem"
	CAKeyFile      = "ca-key.pem"
	ServerCertFile = "server.pem"
	ServerKeyFile  = "server-key.pem"
)

const (
	caValidity     = 10 * 365 * 24 * time.Hour
	serverValidity = 397 * 24 * time.Hour // the longest lifetime public CAs may issue; keeps clients that check happy
	renewBefore    = 30 * 24 * time.Hour
)

// defaultHosts are always in the server certificate, so the emulator is reachable by every loopback spelling.
var defaultHosts = []string{"127.0.0.1", "::1", "localhost"}

// TLSFiles holds absolute paths to the PEM files written by EnsureTLS.
type TLSFiles struct {
	CACert     string // the CA certificate clients must trust (SSL_CERT_FILE, or a provider ca_file setting)
	ServerCert string
	ServerKey  string
}

// EnsureTLS makes sure dir holds an ECDSA P-256 CA and a server certificate signed by it for hosts (plus 127.0.0.1,
// ::1 and localhost). Existing files are reused so that clients keep trusting the same CA across restarts; the
// server certificate alone is re-issued when it lacks a requested host, expires within 30 days, or does not chain
// to the CA. Private keys are written with mode 0600. Callers should hold the store lock (one emulator per data
// directory), as two processes creating the CA at the same moment could each write their own.
func EnsureTLS(dir string, hosts []string) (TLSFiles, error) {
	return ensureTLS(dir, hosts, time.Now(), serverValidity)
}

func ensureTLS(dir string, hosts []string, now time.Time, validity time.Duration) (TLSFiles, error) {
	abs, err := ensureDir(dir)
	if err != nil {
		return TLSFiles{}, fmt.Errorf("tls: %w", err)
	}
	files := TLSFiles{
		CACert:     filepath.Join(abs, CACertFile),
		ServerCert: filepath.Join(abs, ServerCertFile),
		ServerKey:  filepath.Join(abs, ServerKeyFile),
	}
	caKeyPath := filepath.Join(abs, CAKeyFile)
	names := normalizeHosts(hosts)

	ca, caKey, err := loadKeyPair(files.CACert, caKeyPath)
	if err != nil || ca == nil || !ca.IsCA || now.Add(renewBefore).After(ca.NotAfter) {
		// Missing, unreadable or nearly expired: a new CA is the only way forward (clients must re-trust it).
		if ca, caKey, err = newCA(now); err != nil {
			return TLSFiles{}, err
		}
		if err := writeKeyPair(files.CACert, caKeyPath, ca, caKey); err != nil {
			return TLSFiles{}, err
		}
	}

	leaf, _, err := loadKeyPair(files.ServerCert, files.ServerKey)
	if err == nil && leaf != nil && serverCertUsable(leaf, ca, names, now) {
		return files, nil
	}
	leaf, leafKey, err := newServerCert(ca, caKey, names, now, validity)
	if err != nil {
		return TLSFiles{}, err
	}
	if err := writeKeyPair(files.ServerCert, files.ServerKey, leaf, leafKey); err != nil {
		return TLSFiles{}, err
	}
	return files, nil
}

// ServerConfig returns a TLS configuration serving the server certificate (TLS 1.2 minimum, as ARM requires).
func (f TLSFiles) ServerConfig() (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(f.ServerCert, f.ServerKey)
	if err != nil {
		return nil, fmt.Errorf("tls: loading server key pair: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

// CertPool returns a pool holding only the emulator's CA, for clients (http.Transport.TLSClientConfig.RootCAs).
func (f TLSFiles) CertPool() (*x509.CertPool, error) {
	ca, err := readCert(f.CACert)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return pool, nil
}

// normalizeHosts lower-cases, strips ports and IPv6 brackets, adds the loopback defaults and de-duplicates.
func normalizeHosts(hosts []string) []string {
	var out []string
	for _, h := range append(slices.Clone(defaultHosts), hosts...) {
		h = strings.TrimSpace(strings.ToLower(h))
		if host, _, err := net.SplitHostPort(h); err == nil {
			h = host
		}
		h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
		if h != "" && !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}

func serverCertUsable(leaf, ca *x509.Certificate, names []string, now time.Time) bool {
	if now.Add(renewBefore).After(leaf.NotAfter) || leaf.CheckSignatureFrom(ca) != nil {
		return false
	}
	for _, n := range names {
		if leaf.VerifyHostname(n) != nil {
			return false
		}
	}
	return true
}

func newCA(now time.Time) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		Subject:               pkix.Name{CommonName: "Batch AI Emulator Local CA", Organization: []string{"batchai-emulator"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(caValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
		SubjectKeyId:          keyID(&key.PublicKey),
	}
	return sign(tmpl, tmpl, &key.PublicKey, key, key)
}

func newServerCert(ca *x509.Certificate, caKey crypto.Signer, names []string, now time.Time, validity time.Duration) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: names[0]},
		NotBefore:   now.Add(-time.Hour), // tolerate small clock differences between emulator and client
		NotAfter:    now.Add(validity),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	return sign(tmpl, ca, &key.PublicKey, caKey, key)
}

func sign(tmpl, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer, key *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, nil, err
	}
	tmpl.SerialNumber = serial
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil {
		return nil, nil, fmt.Errorf("tls: creating certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

func keyID(pub *ecdsa.PublicKey) []byte {
	der, _ := x509.MarshalPKIXPublicKey(pub)
	sum := sha1.Sum(der) // RFC 5280 method 1; not a security boundary
	return sum[:]
}

func writeKeyPair(certPath, keyPath string, cert *x509.Certificate, key *ecdsa.PrivateKey) error {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	// Key first: a crash between the two writes then leaves a cert/key mismatch, which the next start detects.
	if err := writeFileAtomic(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		return fmt.Errorf("tls: writing %s: %w", keyPath, err)
	}
	if err := writeFileAtomic(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o644); err != nil {
		return fmt.Errorf("tls: writing %s: %w", certPath, err)
	}
	return nil
}

// loadKeyPair returns (nil, nil, nil) when either file is missing, and an error when they are unreadable or do not
// belong together.
func loadKeyPair(certPath, keyPath string) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	certPEM, err := readOptional(certPath)
	if err != nil || certPEM == nil {
		return nil, nil, err
	}
	keyPEM, err := readOptional(keyPath)
	if err != nil || keyPEM == nil {
		return nil, nil, err
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM) // also checks that the key matches the certificate
	if err != nil {
		return nil, nil, err
	}
	key, ok := pair.PrivateKey.(*ecdsa.PrivateKey)
	if !ok {
		return nil, nil, errors.New("tls: key is not ECDSA")
	}
	cert, err := x509.ParseCertificate(pair.Certificate[0])
	return cert, key, err
}

func readCert(path string) (*x509.Certificate, error) {
	b, err := readOptional(path)
	if err != nil {
		return nil, fmt.Errorf("tls: reading %s: %w", path, err)
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("tls: %s holds no PEM certificate", path)
	}
	return x509.ParseCertificate(bytes.Clone(block.Bytes))
}
