package provider

import (
	"context"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"

	azlog "github.com/Azure/azure-sdk-for-go/sdk/azcore/log"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// secretPatterns mask credentials that could appear in any log line, whatever produced it: bearer
// tokens, JWTs (access, ID and federated tokens all start with a base64url "{"), form-encoded
// secrets of token requests, and the signatures of SAS URLs (job output files' download URLs), which
// azcore already writes as REDACTED.
var secretPatterns = []*regexp.Regexp{
	regexp.MustCompile(`(?i)bearer\s+[A-Za-z0-9._~+/=-]+`),
	regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*`),
	regexp.MustCompile(`(?i)(client_secret|client_assertion|password|access_token|refresh_token|id_token)(["']?\s*[=:]\s*["']?)[^&"'\s,}]+`),
	regexp.MustCompile(`(?i)\bsig=[^&"'\s,}]+`),
}

// withLogMasks returns ctx with the provider's masks applied: the generic secret patterns and the literal
// secret values of this configuration. tflog masks are per context, so every context that logs needs them.
func withLogMasks(ctx context.Context, secrets []string) context.Context {
	ctx = tflog.MaskLogRegexes(ctx, secretPatterns...)
	if len(secrets) > 0 {
		ctx = tflog.MaskLogStrings(ctx, secrets...)
	}
	return ctx
}

// sdkLogEvents are the azcore and azidentity events forwarded to tflog. EventResponseError is left out on
// purpose: it carries ResponseError.Error(), which embeds the whole response body.
var sdkLogEvents = []azlog.Event{
	azlog.EventRequest, azlog.EventResponse, azlog.EventRetryPolicy, azlog.EventLRO, azidentity.EventAuthentication,
}

// sdkLogSubsystem is the tflog subsystem of Azure SDK messages. Its level follows the provider's, and
// TF_LOG_PROVIDER_BATCHAI_AZURE_SDK does not exist: the subsystem only separates the lines by name.
const sdkLogSubsystem = "azure_sdk"

// sdkLogTarget holds the context whose logger receives Azure SDK messages. azcore has a single, global
// listener with no context of its own, so the most recently configured provider instance receives them:
// Terraform runs one provider process per configuration, so in practice there is exactly one.
type sdkLogTarget struct {
	mu  sync.Mutex // tflog mutates a context's field map while logging: one call at a time
	ctx context.Context
}

var (
	sdkLogOnce      sync.Once
	sdkLogInstalled atomic.Bool
	sdkLogCtx       atomic.Pointer[sdkLogTarget]
)

// routeSDKLogs sends the Azure SDK's log messages to tflog (Debug). The SDK logs from whichever goroutine
// makes a request, so the messages go through a subsystem logger of their own: a tflog context shares its
// field map with the contexts derived from it, and the request that configured the provider keeps using
// those. azcore logs request lines and allow-listed headers only (Authorization is always "REDACTED" and
// bodies are never logged, see client.New); the masks are a second line of defense.
//
// When the provider's logger is off (TF_LOG_PROVIDER_BATCHAI=OFF, as SilenceUnreadLogs sets it when nobody reads
// the logs) no listener is installed: tflog masks every message with regular expressions before it checks the
// level, and azcore formats no message when it has no listener.
func routeSDKLogs(ctx context.Context, secrets []string) {
	if providerLoggerOff() {
		return
	}
	ctx = tflog.NewSubsystem(ctx, sdkLogSubsystem)
	ctx = tflog.SubsystemMaskLogRegexes(ctx, sdkLogSubsystem, secretPatterns...)
	if len(secrets) > 0 {
		ctx = tflog.SubsystemMaskLogStrings(ctx, sdkLogSubsystem, secrets...)
	}
	sdkLogCtx.Store(&sdkLogTarget{ctx: ctx})
	installSDKLogListener()
}

// installSDKLogListener points azcore's one global listener at sdkLogCtx, once. azcore's SetListener and
// SetEvents are not goroutine-safe (azcore reads them unsynchronised on every request), so they must run before any
// client of the process makes a request: in the provider's process that is the first Configure; a test process,
// whose tests also build clients of their own while providers are being configured, calls it before any test.
func installSDKLogListener() {
	sdkLogOnce.Do(func() {
		azlog.SetEvents(sdkLogEvents...)
		azlog.SetListener(func(ev azlog.Event, msg string) {
			t := sdkLogCtx.Load()
			if t == nil {
				return
			}
			t.mu.Lock()
			defer t.mu.Unlock()
			tflog.SubsystemDebug(t.ctx, sdkLogSubsystem, msg, map[string]any{"azure_sdk_event": string(ev)})
		})
		sdkLogInstalled.Store(true)
	})
}

// providerLoggerOff reports whether the provider's own logger is off, from the variable terraform-plugin-go reads
// its level from.
func providerLoggerOff() bool {
	return strings.EqualFold(strings.TrimSpace(os.Getenv("TF_LOG_PROVIDER_"+ProviderLogName)), logLevelOff)
}
