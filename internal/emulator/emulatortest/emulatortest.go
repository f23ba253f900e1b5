// Package emulatortest starts an in-process Batch AI emulator for tests: real HTTPS on a loopback port,
// a private CA, and Azure-AD-style client credentials, exactly as a client would reach Azure.
package emulatortest

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// Test defaults: short enough that a create/delete round trip takes well under a second, long enough that
// clients really observe "InProgress", "resizing", "deleting" and a running job. The auto-scale
// ScaleDownDelay stays at the emulator's default (minutes): an idle auto-scale cluster keeps its nodes for
// the length of a test unless the test shortens it.
const (
	ProvisioningDelay = 50 * time.Millisecond
	AllocationDelay   = 10 * time.Millisecond
	OperationDelay    = 50 * time.Millisecond
	JobDuration       = 100 * time.Millisecond
	FileServerDelay   = 50 * time.Millisecond
)

// ShutdownTimeout bounds how long a test waits for an emulator to stop serving after Close. Close stops the
// listener and every connection at once, so this only runs out when shutdown is broken; the test then fails
// with every goroutine's stack instead of hanging until go test's -timeout.
const ShutdownTimeout = 10 * time.Second

// PollFrequency is the poll interval to give clients in tests. The test emulator, like the real service
// and the emulator's default, sends no Retry-After with its operations, so a client's own poll frequency
// paces every wait and is what tests exercise.
const PollFrequency = 10 * time.Millisecond

// Instance is a running emulator and everything needed to talk to it.
type Instance struct {
	emulator.Info
	Emulator *emulator.Emulator
	DataDir  string

	opts []func(*emulator.Config)
	pool *x509.CertPool
}

// Start runs an emulator on 127.0.0.1 with a fresh data directory (t.TempDir) and the short test delays;
// opts may change any of it (including DataDir, to reuse state). It is closed when the test ends.
func Start(t testing.TB, opts ...func(*emulator.Config)) *Instance {
	t.Helper()
	cfg := emulator.Config{
		DataDir:           t.TempDir(),
		ProvisioningDelay: ProvisioningDelay,
		AllocationDelay:   AllocationDelay,
		OperationDelay:    OperationDelay,
		JobDuration:       JobDuration,
		FileServerDelay:   FileServerDelay,
	}
	for _, o := range opts {
		o(&cfg)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("emulatortest: listen: %v", err)
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "https://" + ln.Addr().String()
	}
	emu, err := emulator.New(cfg)
	if err != nil {
		_ = ln.Close()
		t.Fatalf("emulatortest: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- emu.Serve(ln) }()
	t.Cleanup(func() {
		_ = emu.Close()
		awaitServe(t, done, ShutdownTimeout)
	})
	pool, err := emu.TLSFiles().CertPool()
	if err != nil {
		t.Fatalf("emulatortest: %v", err)
	}
	return &Instance{Info: emu.Info(), Emulator: emu, DataDir: cfg.DataDir, opts: opts, pool: pool}
}

// Restart closes the emulator and starts a new one on the same data directory (on a new port), as a
// process restart would: state and credentials are kept.
func (i *Instance) Restart(t testing.TB) *Instance {
	t.Helper()
	if err := i.Emulator.Close(); err != nil {
		t.Fatalf("emulatortest: close: %v", err)
	}
	dir := i.DataDir
	return Start(t, append(slices.Clone(i.opts), func(c *emulator.Config) { c.DataDir = dir })...)
}

// HTTPClient is an HTTPS client that trusts the emulator's CA (and nothing else).
func (i *Instance) HTTPClient() *http.Client {
	tr := &http.Transport{
		Proxy:               nil, // the emulator is local; never send its traffic through a proxy
		TLSClientConfig:     &tls.Config{RootCAs: i.pool, MinVersion: tls.VersionTLS12},
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second,
		ForceAttemptHTTP2:   false,
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// Cloud is the cloud configuration of the emulator, for azcore clients.
func (i *Instance) Cloud() cloud.Configuration {
	return cloud.Configuration{
		ActiveDirectoryAuthorityHost: i.AuthorityHost,
		Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
			cloud.ResourceManager: {Endpoint: i.Endpoint, Audience: i.Audience},
		},
	}
}

// Credential is an azidentity client secret credential that gets its tokens from the emulator, over TLS,
// through the same MSAL flow as against Azure AD.
func (i *Instance) Credential(t testing.TB) azcore.TokenCredential {
	t.Helper()
	cred, err := azidentity.NewClientSecretCredential(i.TenantID, i.ClientID, i.ClientSecret,
		&azidentity.ClientSecretCredentialOptions{
			ClientOptions:            azcore.ClientOptions{Cloud: i.Cloud(), Transport: i.HTTPClient()},
			DisableInstanceDiscovery: true,
		})
	if err != nil {
		t.Fatalf("emulatortest: credential: %v", err)
	}
	return cred
}

// Token mints an ARM access token directly (no HTTP round trip), for plain net/http tests.
func (i *Instance) Token(t testing.TB) string {
	t.Helper()
	tok, _, err := i.Emulator.Issuer().IssueToken(i.Audience)
	if err != nil {
		t.Fatalf("emulatortest: token: %v", err)
	}
	return tok
}

// awaitServe waits at most timeout for Serve's result on done and fails the test when it is an error or
// does not come.
func awaitServe(t testing.TB, done <-chan error, timeout time.Duration) {
	t.Helper()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("emulatortest: serve: %v", err)
		}
	case <-timer.C:
		t.Errorf("emulatortest: the emulator was still serving %s after Close; goroutines:\n%s", timeout, Goroutines())
	}
}

// Goroutines is the stack of every goroutine, for a test that gives up waiting to say what was stuck.
func Goroutines() string {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return string(buf[:n])
		}
		buf = make([]byte, 2*len(buf))
	}
}
