// Package emulator is a local emulator of the Microsoft.BatchAI 2018-05-01 ARM API: the same paths, JSON,
// long-running-operation headers, errors and Azure-AD-style authentication (over TLS) that real Azure used,
// backed by an embedded store so that state survives restarts.
//
// Time-dependent state (node allocation, operations, deletions) is stored as timestamps and advanced lazily
// whenever a request reads it: there are no background goroutines, and tests control time through the
// configured delays or Config.Now.
package emulator

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/auth"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/sim"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/store"
)

// Defaults for a standalone emulator. Tests use much shorter delays (see emulatortest).
const (
	DefaultProvisioningDelay = 5 * time.Second
	DefaultAllocationDelay   = time.Second
	DefaultOperationDelay    = 2 * time.Second
	DefaultJobDuration       = 10 * time.Second
	// DefaultFileServerDelay: recorded file-server creates stayed InProgress for about 3 min 45 s.
	DefaultFileServerDelay = 4 * time.Minute
	DefaultScaleDownDelay  = 5 * time.Minute
	DefaultPageSize        = 1000 // the spec's default (and maximum) maxresults
	DefaultResourceGroup   = "batchai-emulator-rg"
	DefaultLocation        = "eastus"
	// DatabaseFile is the store's file inside Config.DataDir.
	DatabaseFile = "emulator.db"
	// tlsDir and authDir hold the TLS material and the identity inside Config.DataDir.
	tlsDir  = "tls"
	authDir = "auth"
)

// DefaultRetryAfter is none: recorded Batch AI traffic had no Retry-After on cluster, file-server and job
// operations (batchai-api-notes.md 1.4), so clients must pace their polling themselves.
const DefaultRetryAfter time.Duration = 0

// Config configures an Emulator. Only DataDir is required.
type Config struct {
	// DataDir holds the database, the TLS CA and server certificate, and the identity. Restarting on the
	// same directory keeps state and credentials.
	DataDir string
	// BaseURL is the emulator's external https origin (e.g. "https://127.0.0.1:8443"), used in polling URLs,
	// nextLinks and the token issuer. When empty, Serve derives it from its listener.
	BaseURL string
	// Hosts are extra DNS names or IPs the server certificate must cover (loopback is always covered).
	Hosts []string
	// The delays below default when zero; a negative value means none (things happen at once).
	//
	// ProvisioningDelay is how long a node takes to be allocated (and to leave).
	ProvisioningDelay time.Duration
	// AllocationDelay is how long after a create or resize its new nodes appear (as "preparing"); until then
	// the cluster is "resizing" with no new nodes, as recorded right after a create. Negative means at once.
	AllocationDelay time.Duration
	// OperationDelay is how long a create or delete long-running operation stays InProgress.
	OperationDelay time.Duration
	// FileServerDelay is how long a file server create stays InProgress ("creating"): minutes, as
	// recorded; tests use milliseconds.
	FileServerDelay time.Duration
	// FailFileServers makes every file server create end Failed with the recorded top-level error
	// FileServerProvisioningFailed, the file server left "failed" (the only outcome real traffic shows).
	FailFileServers bool
	// JobDuration is how long a job runs once it has its nodes, plus what the sleeps of its command lines
	// add; a job's BATCHAI_EMULATOR_DURATION environment variable overrides both (README: job conventions).
	JobDuration time.Duration
	// ScaleDownDelay is how long an auto-scale cluster keeps nodes its jobs no longer need before it shrinks
	// toward minimumNodeCount (the service re-evaluated auto-scale every few minutes; tests shorten it).
	ScaleDownDelay time.Duration
	// RetryAfter, when positive, adds a polling hint to every long-running operation's 202 and InProgress
	// polls (workspaces, clusters, file servers, resource groups): Retry-After in whole seconds (at least 1),
	// plus retry-after-ms when it is under a second, which azcore prefers. Zero or negative (the default)
	// sends none, as the real service did; clients then poll at their own frequency.
	RetryAfter time.Duration
	// PageSize bounds every list page; lists with more items answer a nextLink. Tests lower it to exercise
	// paging.
	PageSize int
	// RegionalCapacity is how many nodes the region can allocate to any one cluster; 0 (the default) means
	// no limit. A cluster asking for more settles "steady" with that many nodes and an AllocationFailed
	// error in its errors.
	RegionalCapacity int
	// PreemptionInterval makes Azure reclaim every low-priority node this long after it became idle (the
	// cluster then allocates a replacement, and a job running on the node is requeued); 0 (the default)
	// means never. PreemptLowPriority preempts on demand.
	PreemptionInterval time.Duration
	// ConsistencyLag, when positive, makes the next ConsistencyLag GETs of a workspace, cluster, file
	// server, experiment or job that was just created or changed (PUT, PATCH) answer 404 with its NotFound
	// code, as ARM's replication lag sometimes did right after a write; lists and polls are not affected
	// (lag.go has the whole rule). Zero (the default) disables it.
	ConsistencyLag int
	// FaultRate, when positive, turns on the random fault mode for chaos tests: each ARM request
	// independently gets, with this probability (0 to 1), one of the FaultKinds (chaos.go has the rule and
	// the mix). Zero (the default) injects nothing.
	FaultRate float64
	// FaultSeed seeds the random fault mode: a seed and a request sequence always give the same faults.
	FaultSeed int64
	// FaultKinds are the random fault mode's kinds; empty means DefaultFaultKinds (all but FaultStatus).
	FaultKinds []FaultKind
	// Throttle, when set, meters ARM requests per subscription and principal with these token buckets and
	// answers 429 with Retry-After when one is empty (throttle.go); ARMThrottleLimits are ARM's own. Nil
	// (the default) means no throttling.
	Throttle *ThrottleLimits
	// Locations are the regions where Batch AI workspaces can be created (lower-case, no spaces).
	Locations []string
	// DefaultResourceGroup is created (in DefaultLocation) on start if missing, so a fresh emulator is usable.
	DefaultResourceGroup string
	DefaultLocation      string
	// ResourceGroups are more groups to create on start if missing (an empty Location means
	// DefaultLocation), such as the names a configuration or the docs use. A group that exists in another
	// location is an error.
	ResourceGroups []ResourceGroup
	// ClusterQuota, DedicatedCoreQuota and LowPriorityCoreQuota are every location's Batch AI quota: the
	// number of clusters and the regional dedicated and low-priority vCPUs. Zero keeps the default (20
	// clusters, 48 and 48 vCPUs: sim.DefaultQuota); negative means none. SetQuota overrides them per
	// location.
	ClusterQuota         int
	DedicatedCoreQuota   int
	LowPriorityCoreQuota int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives one line per request (never bodies or tokens) and recovered panics; nil discards.
	Logger *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.ProvisioningDelay == 0 {
		c.ProvisioningDelay = DefaultProvisioningDelay
	}
	if c.AllocationDelay == 0 {
		c.AllocationDelay = DefaultAllocationDelay
	}
	if c.OperationDelay == 0 {
		c.OperationDelay = DefaultOperationDelay
	}
	if c.FileServerDelay == 0 {
		c.FileServerDelay = DefaultFileServerDelay
	}
	if c.JobDuration == 0 {
		c.JobDuration = DefaultJobDuration
	}
	if c.ScaleDownDelay == 0 {
		c.ScaleDownDelay = DefaultScaleDownDelay
	}
	c.RetryAfter = max(c.RetryAfter, 0)
	if c.PageSize <= 0 || c.PageSize > DefaultPageSize {
		c.PageSize = DefaultPageSize
	}
	if len(c.Locations) == 0 {
		c.Locations = batchAILocations
	}
	if c.DefaultResourceGroup == "" {
		c.DefaultResourceGroup = DefaultResourceGroup
	}
	if c.DefaultLocation == "" {
		c.DefaultLocation = DefaultLocation
	}
	c.DefaultLocation = normalizeLocation(c.DefaultLocation)
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Emulator is one emulated Azure subscription with the Batch AI resource provider.
type Emulator struct {
	cfg      Config
	store    *store.Store
	identity *auth.Identity
	tlsFiles auth.TLSFiles

	mu                sync.Mutex // guards the fields below
	baseURL           string
	issuer            *auth.Issuer
	handler           http.Handler
	provisioningDelay time.Duration
	servers           []*http.Server
	faults            []*faultRule
	failNext          []OperationFailure
	counts            map[string]int // "METHOD path" (lower-case path) -> requests seen
	lag               map[string]int // lower-case resource ID -> 404s still to answer
	lagReads          int            // Config.ConsistencyLag, changed by SetConsistencyLag
	faultCounts       map[FaultKind]int
	chaos             *chaos // nil: no random faults
	throttle          *throttler

	// signingKey signs download URLs (storage.go); set once in New.
	signingKey []byte

	routesOnce sync.Once
	routeList  []route

	closed atomic.Bool
}

// New opens (or creates) the emulator's state in cfg.DataDir: the database, the identity and the TLS
// material. It does not listen; call Serve, or Handler with your own TLS server.
func New(cfg Config) (*Emulator, error) {
	if cfg.DataDir == "" {
		return nil, errors.New("emulator: Config.DataDir is required")
	}
	cfg = cfg.withDefaults()
	dir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("emulator: %w", err)
	}
	cfg.DataDir = dir
	ch, err := newChaos(cfg)
	if err != nil {
		return nil, fmt.Errorf("emulator: %w", err)
	}
	if cfg.Throttle != nil {
		if err := cfg.Throttle.check(); err != nil {
			return nil, fmt.Errorf("emulator: %w", err)
		}
	}
	// The store first: its file lock guarantees one emulator per directory before anything else is written.
	st, err := store.Open(filepath.Join(dir, DatabaseFile))
	if err != nil {
		return nil, fmt.Errorf("emulator: %w", err)
	}
	e := &Emulator{cfg: cfg, store: st, provisioningDelay: cfg.ProvisioningDelay,
		counts: map[string]int{}, lag: map[string]int{}, lagReads: max(cfg.ConsistencyLag, 0),
		faultCounts: map[FaultKind]int{}}
	e.chaos, e.throttle = ch, newThrottler(cfg.Throttle)
	if e.identity, err = auth.LoadOrCreateIdentity(filepath.Join(dir, authDir)); err != nil {
		_ = st.Close()
		return nil, fmt.Errorf("emulator: %w", err)
	}
	hosts := append([]string(nil), cfg.Hosts...)
	if cfg.BaseURL != "" {
		u, err := url.Parse(cfg.BaseURL)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			_ = st.Close()
			return nil, fmt.Errorf("emulator: BaseURL must be an https origin, got %q", cfg.BaseURL)
		}
		hosts = append(hosts, u.Hostname())
	}
	if e.tlsFiles, err = auth.EnsureTLS(filepath.Join(dir, tlsDir), hosts); err != nil {
		_ = st.Close()
		return nil, fmt.Errorf("emulator: %w", err)
	}
	if err := e.bootstrap(); err != nil {
		_ = st.Close()
		return nil, fmt.Errorf("emulator: %w", err)
	}
	if err := e.loadSigningKey(); err != nil {
		_ = st.Close()
		return nil, fmt.Errorf("emulator: %w", err)
	}
	if err := e.prepareState(); err != nil {
		_ = st.Close()
		return nil, fmt.Errorf("emulator: %w", err)
	}
	if cfg.BaseURL != "" {
		if err := e.bind(cfg.BaseURL); err != nil {
			_ = st.Close()
			return nil, err
		}
	}
	return e, nil
}

// bind fixes the external origin and builds the handler chain (the token issuer needs the origin).
func (e *Emulator) bind(baseURL string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	baseURL = strings.TrimSuffix(baseURL, "/")
	if e.handler != nil {
		if !strings.EqualFold(e.baseURL, baseURL) {
			return fmt.Errorf("emulator: already serving as %s, cannot also be %s", e.baseURL, baseURL)
		}
		return nil
	}
	iss, err := auth.NewIssuer(auth.Config{BaseURL: baseURL, Identity: e.identity, Now: e.cfg.Now})
	if err != nil {
		return fmt.Errorf("emulator: %w", err)
	}
	e.baseURL, e.issuer = baseURL, iss
	mux := http.NewServeMux()
	iss.Register(mux)
	mux.Handle("/", iss.Authenticate(http.HandlerFunc(e.serveARM)))
	// Download URLs (storage.go) carry their own credential and are checked by their signature.
	e.handler = e.withCommon(withStorage(e.serveStorage, rejectMalformedPaths(mux)))
	return nil
}

// Handler serves the emulator's HTTP API. The emulator must know its origin (Config.BaseURL, or a Serve
// call); until then every request answers 503.
func (e *Emulator) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		h := e.handler
		e.mu.Unlock()
		if h == nil {
			http.Error(w, "emulator: no base URL configured yet", http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// Serve serves HTTPS on ln until Close. When Config.BaseURL is empty, the origin becomes
// https://<ln's address>. It returns nil after Close, also when Close came first, and always closes ln.
func (e *Emulator) Serve(ln net.Listener) error {
	if e.closed.Load() {
		_ = ln.Close()
		return nil
	}
	if e.BaseURL() == "" {
		if err := e.bind("https://" + ln.Addr().String()); err != nil {
			return err
		}
	}
	tlsCfg, err := e.tlsFiles.ServerConfig()
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           e.Handler(),
		TLSConfig:         tlsCfg,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(e.cfg.Logger.Handler(), slog.LevelDebug),
	}
	// Closed is checked again under the lock that Close takes to set it: a Close that came after the check
	// above would otherwise find no server to stop, and srv.Serve would run forever.
	e.mu.Lock()
	if e.closed.Load() {
		e.mu.Unlock()
		_ = ln.Close()
		return nil
	}
	e.servers = append(e.servers, srv)
	e.mu.Unlock()
	err = srv.Serve(tls.NewListener(ln, tlsCfg))
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops the servers gracefully (in-flight requests finish) and closes the store.
func (e *Emulator) Shutdown(ctx context.Context) error {
	e.mu.Lock()
	servers := e.servers
	e.mu.Unlock()
	var errs []error
	for _, s := range servers {
		errs = append(errs, s.Shutdown(ctx))
	}
	errs = append(errs, e.Close())
	return errors.Join(errs...)
}

// Close stops serving at once and closes the store. It is safe to call more than once.
func (e *Emulator) Close() error {
	// Setting closed under the lock pairs with Serve's registration: every server is either registered
	// before this (and stopped below) or sees closed and never starts.
	e.mu.Lock()
	already := e.closed.Swap(true)
	servers := e.servers
	e.mu.Unlock()
	if already {
		return nil
	}
	for _, s := range servers {
		_ = s.Close()
	}
	return e.store.Close()
}

// BaseURL is the external origin, or "" before Serve when none was configured.
func (e *Emulator) BaseURL() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.baseURL
}

// Info is what a client needs to reach and authenticate to the emulator. The JSON names are the contract of
// cmd/batchai-emulator's emulator.json.
type Info struct {
	Endpoint      string `json:"endpoint"`       // ARM endpoint, e.g. https://127.0.0.1:8443
	MetadataHost  string `json:"metadata_host"`  // host:port serving /metadata/endpoints
	AuthorityHost string `json:"authority_host"` // Azure AD authority host, with a trailing slash
	// ADFSAuthority is the AD FS-style authority (…/adfs), the one azure-cli 2.45 can sign in to (auth/adfs.go).
	ADFSAuthority       string `json:"adfs_authority"`
	Audience            string `json:"audience"`              // token audience of ARM
	CACertificate       string `json:"ca_certificate"`        // absolute path of the CA certificate to trust
	TenantID            string `json:"tenant_id"`             // the single tenant
	SubscriptionID      string `json:"subscription_id"`       // the subscription the principals have roles on
	OtherSubscriptionID string `json:"other_subscription_id"` // a subscription nobody has a role on (403)
	ClientID            string `json:"client_id"`             // the default service principal (Owner)
	ClientSecret        string `json:"client_secret"`         // its secret: never log it
	ObjectID            string `json:"object_id"`             // its object ID, the principal of role assignments
	ReaderClientID      string `json:"reader_client_id"`      // the reader service principal (Reader)
	ReaderClientSecret  string `json:"reader_client_secret"`  // its secret: never log it
	ReaderObjectID      string `json:"reader_object_id"`      // its object ID
	ResourceGroup       string `json:"resource_group"`        // the pre-created default resource group
	Location            string `json:"location"`              // the default resource group's location
}

// Info returns the connection details. Endpoint-related fields are empty until the origin is known.
func (e *Emulator) Info() Info {
	base := e.BaseURL()
	id := e.identity
	info := Info{
		Audience:            auth.ARMAudience,
		CACertificate:       e.tlsFiles.CACert,
		TenantID:            id.TenantID,
		SubscriptionID:      id.SubscriptionID,
		OtherSubscriptionID: id.OtherSubscriptionID,
		ClientID:            id.ClientID,
		ClientSecret:        id.ClientSecret,
		ObjectID:            id.ObjectID,
		ReaderClientID:      id.Reader.ClientID,
		ReaderClientSecret:  id.Reader.ClientSecret,
		ReaderObjectID:      id.Reader.ObjectID,
		ResourceGroup:       e.cfg.DefaultResourceGroup,
		Location:            e.cfg.DefaultLocation,
	}
	if base != "" {
		info.Endpoint = base
		info.AuthorityHost = base + "/"
		info.ADFSAuthority = base + auth.ADFSPath
		info.MetadataHost = strings.TrimPrefix(base, "https://")
	}
	return info
}

// TLSFiles are the paths of the CA and server certificate.
func (e *Emulator) TLSFiles() auth.TLSFiles { return e.tlsFiles }

// Issuer is the token issuer (nil until the origin is known); tests use it to mint tokens directly.
func (e *Emulator) Issuer() *auth.Issuer {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.issuer
}

func (e *Emulator) now() time.Time { return e.cfg.Now().UTC() }

func (e *Emulator) simConfig() sim.Config {
	e.mu.Lock()
	defer e.mu.Unlock()
	return sim.Config{
		ProvisioningDelay:  e.provisioningDelay,
		AllocationDelay:    max(e.cfg.AllocationDelay, 0),
		RegionalCapacity:   max(e.cfg.RegionalCapacity, 0),
		PreemptionInterval: max(e.cfg.PreemptionInterval, 0),
		JobDuration:        max(e.cfg.JobDuration, 0),
		ScaleDownDelay:     max(e.cfg.ScaleDownDelay, 0),
	}
}
