package emulator

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
)

// The random mode (Config.FaultRate, FaultSeed, FaultKinds) injects faults for chaos tests and for people
// who run independent fault injection against the binary. The rule:
//
//   - only ARM requests are eligible (paths under /subscriptions/ or /providers/); the token, OpenID and
//     metadata endpoints never get random faults, and a targeted Fault (InjectFault) takes precedence;
//   - each eligible request independently gets a fault with probability FaultRate;
//   - the kind is drawn uniformly among the enabled kinds that apply to it: FaultGateway applies only to
//     poll URLs, every other kind to every request;
//   - FaultThrottle answers 429 with Retry-After: 1; FaultServerError answers 500, 502, 503 or 504
//     (uniformly) and starts a burst: the next 0 to 2 requests (uniformly) with the same method and path
//     get the same status, without a draw;
//   - the draws come from one PCG generator seeded with FaultSeed, taken in the order requests arrive, so a
//     seed and a request sequence always give the same faults.

// DefaultFaultKinds is the random mode's default mix: every kind but FaultStatus.
var DefaultFaultKinds = []FaultKind{FaultReset, FaultDrop, FaultTruncate, FaultThrottle, FaultServerError, FaultGateway}

// serverErrorStatuses are what a random FaultServerError answers.
var serverErrorStatuses = []int{
	http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout,
}

// maxBurst is the longest run of random server errors on one method and path: well within the retries of
// azcore (3 by default) so that a client that retries as ARM asks always gets through.
const maxBurst = 3

type chaos struct {
	rate  float64
	kinds []FaultKind
	rng   *rand.Rand
	// bursts holds, per "METHOD path", the status and count still due of a server-error burst.
	bursts map[string]*burst
}

type burst struct {
	status int
	left   int
}

// newChaos validates the random mode's settings; it returns nil when the mode is off.
func newChaos(cfg Config) (*chaos, error) {
	if cfg.FaultRate < 0 || cfg.FaultRate > 1 {
		return nil, fmt.Errorf("FaultRate must be between 0 and 1, got %v", cfg.FaultRate)
	}
	kinds, err := checkFaultKinds(cfg.FaultKinds)
	if err != nil {
		return nil, err
	}
	if cfg.FaultRate == 0 {
		return nil, nil
	}
	seed := uint64(cfg.FaultSeed)
	return &chaos{rate: cfg.FaultRate, kinds: kinds, rng: rand.New(rand.NewPCG(seed, seed)), bursts: map[string]*burst{}}, nil
}

// checkFaultKinds returns the random mode's kinds, DefaultFaultKinds when none are given, or an error
// naming an unknown one.
func checkFaultKinds(kinds []FaultKind) ([]FaultKind, error) {
	if len(kinds) == 0 {
		return DefaultFaultKinds, nil
	}
	var out []FaultKind
	for _, k := range kinds {
		if !slices.Contains(DefaultFaultKinds, k) {
			return nil, fmt.Errorf("unknown fault kind %q in FaultKinds; expected some of %s", k, joinKinds(DefaultFaultKinds))
		}
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out, nil
}

// ParseFaultKinds reads a comma-separated list of fault kinds ("reset,drop,throttle"), as the
// --fault-kinds flag takes it.
func ParseFaultKinds(s string) ([]FaultKind, error) {
	var kinds []FaultKind
	for f := range strings.SplitSeq(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			kinds = append(kinds, FaultKind(f))
		}
	}
	return checkFaultKinds(kinds)
}

func joinKinds(kinds []FaultKind) string {
	s := make([]string, len(kinds))
	for i, k := range kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// draw decides whether r gets a random fault. The caller holds e.mu.
func (c *chaos) draw(r *http.Request) *faultAction {
	p := r.URL.Path
	if c.rate == 0 {
		return nil
	}
	if !strings.HasPrefix(p, "/subscriptions/") && !strings.HasPrefix(p, "/providers/") {
		return nil
	}
	key := r.Method + " " + strings.ToLower(p)
	if b := c.bursts[key]; b != nil {
		if b.left--; b.left <= 0 {
			delete(c.bursts, key)
		}
		return &faultAction{kind: FaultServerError, status: b.status}
	}
	if c.rng.Float64() >= c.rate {
		return nil
	}
	applicable := c.kinds
	if !isPollPath(p) {
		applicable = slices.DeleteFunc(slices.Clone(c.kinds), func(k FaultKind) bool { return k == FaultGateway })
		if len(applicable) == 0 {
			return nil
		}
	}
	switch kind := applicable[c.rng.IntN(len(applicable))]; kind {
	case FaultThrottle:
		return &faultAction{kind: kind, status: http.StatusTooManyRequests, retryAfter: throttleRetryAfter}
	case FaultServerError:
		status := serverErrorStatuses[c.rng.IntN(len(serverErrorStatuses))]
		if more := c.rng.IntN(maxBurst); more > 0 {
			c.bursts[key] = &burst{status: status, left: more}
		}
		return &faultAction{kind: kind, status: status}
	case FaultGateway:
		return &faultAction{kind: kind, status: http.StatusBadRequest}
	default:
		return &faultAction{kind: kind}
	}
}

// SetFaultRate changes the random mode's rate from now on (0 turns it off), keeping its seed, kinds and the
// generator's position; a test can thus set up without faults and then turn them on.
func (e *Emulator) SetFaultRate(rate float64) error {
	if rate < 0 || rate > 1 {
		return fmt.Errorf("emulator: the fault rate must be between 0 and 1, got %v", rate)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.chaos == nil {
		cfg := e.cfg
		cfg.FaultRate = 1 // any positive rate builds the generator; the real one is set below
		c, err := newChaos(cfg)
		if err != nil {
			return fmt.Errorf("emulator: %w", err)
		}
		e.chaos = c
	}
	e.chaos.rate = rate
	return nil
}
