package auth

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// msalDiscoveryHost is where MSAL sends instance discovery for any authority host it does not know, ours included
// (authority.go: aadInstanceDiscoveryEndpoint with defaultHost). Offline, a transport must route it to the emulator.
const msalDiscoveryHost = "login.microsoftonline.com"

// recordingTransport is a policy.Transporter that trusts only the emulator's CA, routes MSAL's instance discovery
// host to the emulator, and records every request as "METHOD host/path" (as the client addressed it).
type recordingTransport struct {
	client *http.Client
	host   string // emulator host:port
	mu     sync.Mutex
	seen   []string
}

func (rt *recordingTransport) Do(req *http.Request) (*http.Response, error) {
	rt.mu.Lock()
	rt.seen = append(rt.seen, req.Method+" "+req.URL.Host+req.URL.Path)
	rt.mu.Unlock()
	if req.URL.Host == msalDiscoveryHost {
		req = req.Clone(req.Context())
		req.URL.Host, req.Host = rt.host, ""
	}
	return rt.client.Do(req)
}

func (rt *recordingTransport) calls() []string {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return slices.Clone(rt.seen)
}

func TestAzidentityClientSecretCredential(t *testing.T) {
	e := newTestEnv(t, nil) // real clock: MSAL judges token expiry with time.Now
	host := strings.TrimPrefix(e.base, "https://")
	tenant := e.id.TenantID
	openid := "GET " + host + "/" + tenant + "/v2.0/.well-known/openid-configuration"
	token := "POST " + host + "/" + tenant + "/oauth2/v2.0/token"
	discovery := "GET " + msalDiscoveryHost + "/common/discovery/instance"
	tests := []struct {
		name             string
		disableDiscovery bool
		wantAuthCalls    []string
	}{
		{"instance discovery disabled", true, []string{openid, token}},
		// Twice: once for the token cache's alias lookup (storage.getMetadataEntry), once to resolve endpoints.
		{"instance discovery enabled", false, []string{discovery, discovery, openid, token}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rt := &recordingTransport{client: e.client, host: host}
			cred, err := azidentity.NewClientSecretCredential(tenant, e.id.ClientID, e.id.ClientSecret,
				&azidentity.ClientSecretCredentialOptions{
					ClientOptions: policy.ClientOptions{
						Cloud:     cloud.Configuration{ActiveDirectoryAuthorityHost: e.base + "/"},
						Transport: rt,
					},
					DisableInstanceDiscovery: tc.disableDiscovery,
				})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			scope := []string{ARMAudience + "/.default"} // what azcore's ARM pipeline requests
			tok, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: scope})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(rt.calls(), tc.wantAuthCalls) {
				t.Errorf("calls\n got %q\nwant %q", rt.calls(), tc.wantAuthCalls)
			}
			if d := time.Until(tok.ExpiresOn); d < 55*time.Minute || d > time.Hour {
				t.Errorf("ExpiresOn in %v", d)
			}
			if _, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: scope}); err != nil || len(rt.calls()) != len(tc.wantAuthCalls) {
				t.Errorf("second GetToken not served from MSAL's cache: %v %q", err, rt.calls())
			}

			// The same credential drives azcore's ARM pipeline (bearer policy with CAE) against Authenticate.
			client, err := arm.NewClient("batchai-test", "v0.0.0", cred, &arm.ClientOptions{
				ClientOptions: policy.ClientOptions{
					Cloud: cloud.Configuration{ActiveDirectoryAuthorityHost: e.base + "/", Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
						cloud.ResourceManager: {Endpoint: e.base, Audience: ARMAudience}}},
					Transport: rt,
				},
				DisableRPRegistration: true,
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, tc := range []struct {
				path   string
				status int
			}{
				{"/subscriptions/" + e.id.SubscriptionID + "/resourceGroups/rg?api-version=2018-05-01", 200},
				{"/subscriptions/66666666-6666-6666-6666-666666666666/resourceGroups/rg?api-version=2018-05-01", 404},
			} {
				req, err := runtime.NewRequest(ctx, http.MethodGet, runtime.JoinPaths(e.base, tc.path))
				if err != nil {
					t.Fatal(err)
				}
				resp, err := client.Pipeline().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				_ = resp.Body.Close()
				if resp.StatusCode != tc.status {
					t.Errorf("%s: status %d, want %d", tc.path, resp.StatusCode, tc.status)
				}
			}
		})
	}
}

func TestAzidentityBadSecret(t *testing.T) {
	e := newTestEnv(t, nil)
	host := strings.TrimPrefix(e.base, "https://")
	const wrong = "wrong-secret-value-0123456789"
	cred, err := azidentity.NewClientSecretCredential(e.id.TenantID, e.id.ClientID, wrong,
		&azidentity.ClientSecretCredentialOptions{
			ClientOptions:            policy.ClientOptions{Cloud: cloud.Configuration{ActiveDirectoryAuthorityHost: e.base + "/"}, Transport: &recordingTransport{client: e.client, host: host}},
			DisableInstanceDiscovery: true,
		})
	if err != nil {
		t.Fatal(err)
	}
	_, err = cred.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{ARMAudience + "/.default"}})
	var afe *azidentity.AuthenticationFailedError
	if !errors.As(err, &afe) {
		t.Fatalf("err = %v (%T)", err, err)
	}
	if afe.RawResponse == nil || afe.RawResponse.StatusCode != http.StatusUnauthorized {
		t.Errorf("raw response %+v", afe.RawResponse)
	}
	if msg := err.Error(); !strings.Contains(msg, "AADSTS7000215") || !strings.Contains(msg, "invalid_client") || strings.Contains(msg, wrong) {
		t.Errorf("message: %s", msg)
	}
	var _ azcore.TokenCredential = cred
}

// TestAzidentityADFSAuthority: azidentity with the tenant "adfs" uses the AD FS-style authority as MSAL does for
// Azure Stack Hub: no instance discovery (even when enabled), the OpenID configuration under /adfs, its token
// endpoint; both principals get tokens.
func TestAzidentityADFSAuthority(t *testing.T) {
	e := newTestEnv(t, nil)
	host := strings.TrimPrefix(e.base, "https://")
	want := []string{"GET " + host + "/adfs/.well-known/openid-configuration", "POST " + host + "/adfs/oauth2/token"}
	for _, sp := range e.id.Principals() {
		rt := &recordingTransport{client: e.client, host: host}
		cred, err := azidentity.NewClientSecretCredential("adfs", sp.ClientID, sp.ClientSecret,
			&azidentity.ClientSecretCredentialOptions{ClientOptions: policy.ClientOptions{
				Cloud: cloud.Configuration{ActiveDirectoryAuthorityHost: e.base + "/"}, Transport: rt}})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		tok, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{ARMAudience + "/.default"}})
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(rt.calls(), want) {
			t.Errorf("calls\n got %q\nwant %q", rt.calls(), want)
		}
		c, err := e.id.parse(tok.Token, time.Now, 0)
		if err != nil || c.Issuer != e.base+"/adfs" || c.ObjectID != sp.ObjectID {
			t.Errorf("token: %+v, %v", c, err)
		}
	}
}
