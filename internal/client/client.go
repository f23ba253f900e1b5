// Package client is the typed ARM client for Microsoft.BatchAI 2018-05-01, built on azcore's ARM
// pipeline: bearer tokens, retries that honor Retry-After, long-running operations and paging.
package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	armruntime "github.com/Azure/azure-sdk-for-go/sdk/azcore/arm/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

const moduleName = "terraform-provider-batchai/client"

// DefaultPollFrequency is how often a long-running operation is polled when the service sends no
// Retry-After. Real Batch AI sent none on cluster operations (recorded traffic), and azcore's own
// default of 30 s adds 15 s to every operation on average.
const DefaultPollFrequency = 5 * time.Second

// Options configures a Client.
type Options struct {
	// Endpoint is the ARM base URL, e.g. https://management.azure.com.
	Endpoint string
	// Audience is the token audience of that endpoint, e.g. https://management.core.windows.net/.
	Audience string
	// SubscriptionID is the default subscription, used by calls that take no resource ID.
	SubscriptionID string
	// Credential issues the bearer tokens.
	Credential azcore.TokenCredential
	// Transport sends the requests; nil uses azcore's default. Pass an *http.Client that trusts a
	// private CA bundle to reach private endpoints such as the emulator.
	Transport policy.Transporter
	// PollFrequency applies when the service sends no Retry-After; zero means DefaultPollFrequency.
	PollFrequency time.Duration
	// MaxRetries bounds retries of throttled (429), failed (408, 5xx) and unanswered requests; zero means
	// DefaultMaxRetries.
	MaxRetries int32
	// UserAgent is appended to azcore's User-Agent.
	UserAgent string
	// Logging controls azcore's request logging (bodies are never logged).
	Logging policy.LogOptions
}

// Client calls the Batch AI ARM API.
type Client struct {
	endpoint       string
	subscriptionID string
	pipeline       runtime.Pipeline
	// storage fetches SAS download URLs: the same transport, retries and (query-redacting) logging, and no
	// bearer token, which a SAS URL does not take and must never be sent to a storage host.
	storage       runtime.Pipeline
	pollFrequency time.Duration
	gate          *throttleGate
}

// New builds a Client.
func New(o Options) (*Client, error) {
	if o.Endpoint == "" {
		return nil, errors.New("client: an ARM endpoint is required")
	}
	u, err := url.Parse(o.Endpoint)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("client: the ARM endpoint must be an https URL, got %q", o.Endpoint)
	}
	if o.Audience == "" {
		return nil, errors.New("client: a token audience is required")
	}
	if o.Credential == nil {
		return nil, errors.New("client: a credential is required")
	}
	logging := o.Logging
	logging.IncludeBody = false
	logging.AllowedHeaders = append(logging.AllowedHeaders,
		"x-ms-correlation-request-id", "x-ms-ratelimit-remaining-subscription-reads",
		"x-ms-ratelimit-remaining-subscription-writes", "x-ms-ratelimit-remaining-subscription-deletes",
		"retry-after-ms", "x-ms-failure-cause")
	opts := &arm.ClientOptions{
		ClientOptions: policy.ClientOptions{
			Cloud: cloud.Configuration{Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
				cloud.ResourceManager: {Endpoint: o.Endpoint, Audience: o.Audience},
			}},
			Retry: RetryOptions(o.MaxRetries),
			// Every try of a call is recorded, so that a failed call can tell whether the service may have
			// acted on it (NotProcessed).
			PerRetryPolicies: []policy.Policy{attemptPolicy{}},
			Logging:          logging,
			Telemetry:        policy.TelemetryOptions{ApplicationID: applicationID(o.UserAgent)},
			Transport:        o.Transport,
		},
		// Batch AI is retired: automatic RP registration could never succeed and would only add
		// minutes of polling to a 409.
		DisableRPRegistration: true,
	}
	// One gate for every ARM request of this client: a 429 holds back all of them (throttle.go).
	gate := newThrottleGate()
	pl, err := armruntime.NewPipeline(moduleName, "v1", o.Credential,
		runtime.PipelineOptions{PerRetry: []policy.Policy{gate}}, opts)
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	storageOpts := opts.ClientOptions
	storageOpts.Cloud = cloud.Configuration{}
	storage := runtime.NewPipeline(moduleName, "v1", runtime.PipelineOptions{}, &storageOpts)
	freq := o.PollFrequency
	if freq <= 0 {
		freq = DefaultPollFrequency
	}
	return &Client{
		endpoint:       strings.TrimRight(o.Endpoint, "/"),
		subscriptionID: o.SubscriptionID,
		pipeline:       pl,
		storage:        storage,
		pollFrequency:  freq,
		gate:           gate,
	}, nil
}

// applicationID keeps azcore's limit of 24 characters for the telemetry application ID.
func applicationID(ua string) string {
	if len(ua) > 24 {
		return ua[:24]
	}
	return ua
}

// SubscriptionID is the client's default subscription.
func (c *Client) SubscriptionID() string { return c.subscriptionID }

// PollFrequency is how often long-running work is polled when the service sends no Retry-After.
// The provider uses it for its own waits too (allocation state, nodes).
func (c *Client) PollFrequency() time.Duration { return c.pollFrequency }

// do sends one request to path (an ARM path, or an absolute URL for nextLink) and decodes a
// successful body into out (when out is non-nil). Any status outside ok is returned as *Error. A failure
// that no try of the request can have acted on is marked so (NotProcessed).
func (c *Client) do(ctx context.Context, method, path string, body, out any, ok ...int) (*http.Response, error) {
	ctx, tries := withAttemptLog(ctx)
	req, err := c.newRequest(ctx, method, path, body)
	if err != nil {
		return nil, err
	}
	resp, err := c.pipeline.Do(req)
	if err != nil {
		return nil, tries.mark(err)
	}
	if !runtime.HasStatusCode(resp, ok...) {
		return nil, tries.mark(newError(resp))
	}
	if out != nil && resp.StatusCode != http.StatusNoContent {
		if err := runtime.UnmarshalAsJSON(resp, out); err != nil {
			return nil, fmt.Errorf("decoding the response of %s %s: %w", method, path, err)
		}
	}
	return resp, nil
}

func (c *Client) newRequest(ctx context.Context, method, path string, body any) (*policy.Request, error) {
	target := path
	if !strings.HasPrefix(path, "https://") {
		target = c.endpoint + path
	}
	req, err := runtime.NewRequest(ctx, method, target)
	if err != nil {
		return nil, err
	}
	q := req.Raw().URL.Query()
	if q.Get("api-version") == "" {
		q.Set("api-version", api.APIVersion)
		req.Raw().URL.RawQuery = q.Encode()
	}
	req.Raw().Header.Set("Accept", "application/json")
	if body != nil {
		if err := runtime.MarshalAsJSON(req, body); err != nil {
			return nil, err
		}
	}
	return req, nil
}

// begin sends the first request of a long-running operation and wraps the response in a poller.
func begin[T any](ctx context.Context, c *Client, method, path string, body any, ok ...int) (*Poller[T], error) {
	resp, err := c.do(ctx, method, path, body, nil, ok...)
	if err != nil {
		return nil, err
	}
	p, err := runtime.NewPoller(resp, c.pipeline, &runtime.NewPollerOptions[T]{})
	if err != nil {
		return nil, err
	}
	return &Poller[T]{p: p, first: resp, frequency: c.pollFrequency}, nil
}

// page is the shape of every Batch AI list result.
type page[T any] struct {
	Value    []T     `json:"value"`
	NextLink *string `json:"nextLink,omitempty"`
}

// listAll follows nextLink until the last page. The first request uses method (GET, or POST for
// listRemoteLoginInformation); every next page is a GET of the absolute nextLink. A POST list only reads,
// so a lost answer (which azcore does not retry for a POST) is simply asked for again.
func listAll[T any](ctx context.Context, c *Client, method, path string) ([]T, error) {
	var all []T
	seen := map[string]bool{}
	for path != "" {
		var pg page[T]
		err := surviveLostAnswer(ctx, func() error {
			pg = page[T]{}
			_, err := c.do(ctx, method, path, nil, &pg, http.StatusOK)
			return err
		}, nil)
		if err != nil {
			return nil, err
		}
		all = append(all, pg.Value...)
		next := api.Deref(pg.NextLink)
		if seen[next] {
			return nil, fmt.Errorf("listing %s: the service returned the nextLink %q twice", path, next)
		}
		seen[next] = true
		path, method = next, http.MethodGet
	}
	return all, nil
}

// beginDelete sends the DELETE of a long-running deletion. A DELETE is idempotent (a resource being deleted
// answers with its running operation, one already gone 204), so when the answer is lost after azcore's
// retries (a dropped answer followed by refused retries), it is simply sent again.
func beginDelete(ctx context.Context, c *Client, path string) (*Poller[struct{}], error) {
	var p *Poller[struct{}]
	err := surviveLostAnswer(ctx, func() error {
		var err error
		p, err = begin[struct{}](ctx, c, http.MethodDelete, path, nil, http.StatusOK, http.StatusAccepted, http.StatusNoContent)
		return err
	}, nil)
	return p, err
}
