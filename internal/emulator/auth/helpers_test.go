package auth

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// testIdentity is created once: RSA key generation is the slow part of these tests.
var (
	testIdentityOnce sync.Once
	testIdentityVal  *Identity
	testIdentityErr  error
)

func testIdentity(t *testing.T) *Identity {
	t.Helper()
	testIdentityOnce.Do(func() {
		testIdentityVal, testIdentityErr = LoadOrCreateIdentity(t.TempDir())
	})
	if testIdentityErr != nil {
		t.Fatal(testIdentityErr)
	}
	return testIdentityVal
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *fakeClock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// testEnv is an emulator-shaped HTTPS server: the issuer endpoints plus an ARM catch-all behind Authenticate,
// served with certificates from EnsureTLS, and a client that trusts only the emulator's CA.
type testEnv struct {
	srv    *httptest.Server
	base   string
	issuer *Issuer
	id     *Identity
	clock  *fakeClock
	client *http.Client
	files  TLSFiles
}

// armOK is the stand-in resource provider: it reports who called.
var armOK = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	p, ok := PrincipalFromContext(r.Context())
	if !ok {
		http.Error(w, "no principal", http.StatusInternalServerError)
		return
	}
	w.Header().Set("X-Test-Principal", p.ObjectID)
	w.WriteHeader(http.StatusOK)
})

func newTestEnv(t *testing.T, clock *fakeClock) *testEnv {
	t.Helper()
	e := &testEnv{id: testIdentity(t), clock: clock}
	files, err := EnsureTLS(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	e.files = files
	mux := http.NewServeMux()
	e.srv = httptest.NewUnstartedServer(mux)
	e.base = "https://" + e.srv.Listener.Addr().String()
	cfg := Config{BaseURL: e.base, Identity: e.id}
	if clock != nil {
		cfg.Now = clock.Now
	}
	if e.issuer, err = NewIssuer(cfg); err != nil {
		t.Fatal(err)
	}
	e.issuer.Register(mux)
	mux.Handle("/", e.issuer.Authenticate(armOK))
	if e.srv.TLS, err = files.ServerConfig(); err != nil {
		t.Fatal(err)
	}
	e.srv.StartTLS()
	t.Cleanup(e.srv.Close)
	pool, err := files.CertPool()
	if err != nil {
		t.Fatal(err)
	}
	e.client = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	t.Cleanup(e.client.CloseIdleConnections)
	return e
}
