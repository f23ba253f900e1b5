package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// authMethod names the way the provider authenticates, in the order azurerm tries them.
type authMethod string

const (
	authClientSecret      authMethod = "client secret"
	authClientCertificate authMethod = "client certificate"
	authOIDC              authMethod = "OIDC (workload identity federation)"
	authMSI               authMethod = "managed identity"
	authCLI               authMethod = "Azure CLI"
)

// selectAuthMethod picks the first configured method: explicit client secret, then certificate, then
// OIDC, then managed identity, then the Azure CLI (on by default, as in azurerm). An explicit method that
// lacks its companions is an error rather than a silent fall-through to a weaker method.
func selectAuthMethod(s settings) (authMethod, error) {
	needIDs := func(m authMethod, attr, env string) error {
		var missing []string
		if s.TenantID == "" {
			missing = append(missing, "tenant_id ("+envTenantID+")")
		}
		if s.ClientID == "" {
			missing = append(missing, "client_id ("+envClientID+")")
		}
		if len(missing) > 0 {
			return fmt.Errorf("authenticating with a %s (%s or %s) also needs %s", m, attr, env, strings.Join(missing, " and "))
		}
		return nil
	}
	switch {
	case s.ClientSecret != "":
		return authClientSecret, needIDs(authClientSecret, "client_secret", envClientSecret)
	case s.ClientCertificatePath != "":
		return authClientCertificate, needIDs(authClientCertificate, "client_certificate_path", envClientCertificatePath)
	case s.UseOIDC:
		if err := needIDs(authOIDC, "use_oidc", envUseOIDC); err != nil {
			return authOIDC, err
		}
		if s.OIDCToken == "" && s.OIDCTokenFilePath == "" && (s.OIDCRequestToken == "" || s.OIDCRequestURL == "") {
			return authOIDC, fmt.Errorf("use_oidc needs a token: oidc_token (%s), oidc_token_file_path (%s or %s), "+
				"or oidc_request_token and oidc_request_url (%s and %s, set by GitHub Actions)",
				envOIDCToken, envOIDCTokenFilePath, envFederatedTokenFile, envActionsRequestToken, envActionsRequestURL)
		}
		return authOIDC, nil
	case s.UseMSI:
		return authMSI, nil
	case s.UseCLI:
		return authCLI, nil
	}
	return "", errors.New("no authentication method is enabled: set client_id, tenant_id and client_secret (or " +
		"client_certificate_path), or enable use_oidc, use_msi or use_cli")
}

// newCredential builds the azidentity credential for the selected method. Every credential that talks to
// Azure AD itself uses the cloud's authority host and the provider's HTTP client (so a private CA bundle
// applies to token requests too).
func newCredential(s settings, c cloudEndpoints, hc *http.Client) (azcore.TokenCredential, authMethod, error) {
	m, err := selectAuthMethod(s)
	if err != nil {
		return nil, m, err
	}
	opts := azcore.ClientOptions{Cloud: c.cloudConfiguration(), Transport: hc}
	var cred azcore.TokenCredential
	switch m {
	case authClientSecret:
		cred, err = azidentity.NewClientSecretCredential(s.TenantID, s.ClientID, s.ClientSecret,
			&azidentity.ClientSecretCredentialOptions{ClientOptions: opts, DisableInstanceDiscovery: c.FromMetadata})
	case authClientCertificate:
		cred, err = newCertificateCredential(s, c, opts)
	case authOIDC:
		cred, err = azidentity.NewClientAssertionCredential(s.TenantID, s.ClientID, oidcAssertion(s, hc),
			&azidentity.ClientAssertionCredentialOptions{ClientOptions: opts, DisableInstanceDiscovery: c.FromMetadata})
	case authMSI:
		mo := &azidentity.ManagedIdentityCredentialOptions{ClientOptions: opts}
		if s.ClientID != "" { // a user-assigned identity, as azurerm reads client_id with use_msi
			mo.ID = azidentity.ClientID(s.ClientID)
		}
		cred, err = azidentity.NewManagedIdentityCredential(mo)
	case authCLI:
		// The CLI holds its own cloud and trust settings (`az cloud set`); only the tenant is passed.
		cred, err = azidentity.NewAzureCLICredential(&azidentity.AzureCLICredentialOptions{TenantID: s.TenantID})
	}
	if err != nil {
		return nil, m, fmt.Errorf("building the %s credential: %w", m, err)
	}
	return cred, m, nil
}

func newCertificateCredential(s settings, c cloudEndpoints, opts azcore.ClientOptions) (azcore.TokenCredential, error) {
	data, err := os.ReadFile(s.ClientCertificatePath)
	if err != nil {
		return nil, fmt.Errorf("reading client_certificate_path: %w", err)
	}
	var password []byte
	if s.ClientCertificatePassword != "" {
		password = []byte(s.ClientCertificatePassword)
	}
	certs, key, err := azidentity.ParseCertificates(data, password)
	if err != nil {
		return nil, fmt.Errorf("parsing %s (PEM or PKCS#12; check client_certificate_password): %w", s.ClientCertificatePath, err)
	}
	return azidentity.NewClientCertificateCredential(s.TenantID, s.ClientID, certs, key,
		&azidentity.ClientCertificateCredentialOptions{ClientOptions: opts, DisableInstanceDiscovery: c.FromMetadata})
}

// oidcAssertion returns the callback that supplies the federated token: a literal token, a file re-read on
// every call (Kubernetes rotates projected tokens), or a token requested from the GitHub Actions endpoint.
func oidcAssertion(s settings, hc *http.Client) func(context.Context) (string, error) {
	switch {
	case s.OIDCToken != "":
		return func(context.Context) (string, error) { return s.OIDCToken, nil }
	case s.OIDCTokenFilePath != "":
		return func(context.Context) (string, error) {
			b, err := os.ReadFile(s.OIDCTokenFilePath)
			if err != nil {
				return "", fmt.Errorf("reading oidc_token_file_path: %w", err)
			}
			return strings.TrimSpace(string(b)), nil
		}
	}
	return func(ctx context.Context) (string, error) {
		return requestGitHubOIDCToken(ctx, hc, s.OIDCRequestURL, s.OIDCRequestToken)
	}
}

// githubOIDCAudience is the audience Azure AD federated credentials expect from GitHub Actions.
const githubOIDCAudience = "api://AzureADTokenExchange"

// requestGitHubOIDCToken asks the GitHub Actions token endpoint for an ID token.
func requestGitHubOIDCToken(ctx context.Context, hc *http.Client, rawURL, bearer string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", fmt.Errorf("parsing oidc_request_url: %w", err)
	}
	q := u.Query()
	q.Set("audience", githubOIDCAudience)
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+bearer)
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("requesting an OIDC token from oidc_request_url: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		// The body is not echoed: it could hold a token.
		return "", fmt.Errorf("requesting an OIDC token from oidc_request_url: %s", resp.Status)
	}
	var out struct {
		Value string `json:"value"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.Value == "" {
		return "", errors.New("the OIDC token response from oidc_request_url holds no value")
	}
	return out.Value, nil
}

// cliAccountTimeout bounds `az account show`, which reads the CLI's profile and needs no network.
const cliAccountTimeout = 30 * time.Second

// cliAccount is what the provider reads from `az account show`: the CLI's default subscription.
type cliAccount struct {
	ID       string `json:"id"`
	TenantID string `json:"tenantId"`
	Name     string `json:"name"`
}

// subscriptionFromCLI fills in SubscriptionID from the Azure CLI's default subscription (`az account show`), as
// azurerm does, when none is configured and the CLI is the credential (resolveSettings accepts no other case). The
// CLI is found on PATH, as azidentity's AzureCLICredential finds it for the token.
func (s *settings) subscriptionFromCLI(ctx context.Context) error {
	if s.SubscriptionID != "" {
		return nil
	}
	az, err := exec.LookPath("az")
	if err != nil {
		return fmt.Errorf("subscription_id is not set (nor %s), and the Azure CLI, which use_cli asks for its "+
			"default subscription, is not on PATH (%v). Set subscription_id, or install the Azure CLI and run `az login`",
			envSubscriptionID, err)
	}
	acct, err := readCLIAccount(ctx, az)
	if err != nil {
		return err
	}
	s.SubscriptionID = acct.ID
	return nil
}

// readCLIAccount runs `<az> account show -o json` and returns the default subscription. Its errors say what is
// missing (a login, a subscription) and how to fix it; stderr is quoted (its first lines only: it never holds a
// secret, `az account show` prints no token).
func readCLIAccount(ctx context.Context, az string) (cliAccount, error) {
	ctx, cancel := context.WithTimeout(ctx, cliAccountTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, az, "account", "show", "--output", "json")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	fix := fmt.Sprintf("Run `az login` (and `az account set --subscription <id>` to choose one), or set "+
		"subscription_id (or %s).", envSubscriptionID)
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if lines := strings.SplitN(msg, "\n", 4); len(lines) > 3 {
			msg = strings.Join(lines[:3], "\n")
		}
		if msg == "" {
			msg = err.Error()
		}
		return cliAccount{}, fmt.Errorf("subscription_id is not set (nor %s), and the Azure CLI has no default "+
			"subscription: `az account show` failed: %s\n\n%s", envSubscriptionID, msg, fix)
	}
	var acct cliAccount
	if err := json.Unmarshal(stdout.Bytes(), &acct); err != nil {
		return cliAccount{}, fmt.Errorf("subscription_id is not set (nor %s), and the output of `az account show` "+
			"is not the JSON account it should be: %v\n\n%s", envSubscriptionID, err, fix)
	}
	if acct.ID == "" {
		return cliAccount{}, fmt.Errorf("subscription_id is not set (nor %s), and `az account show` names no "+
			"subscription (the CLI is logged in without one, e.g. with --allow-no-subscriptions).\n\n%s",
			envSubscriptionID, fix)
	}
	return acct, nil
}

// Compile-time check: the provider's HTTP client is a valid azcore transport.
var _ policy.Transporter = (*http.Client)(nil)
