package provider

import (
	"os"
	"strings"
)

// Terraform reads a provider's logs only when one of its log variables asks for them, yet terraform-plugin-go and
// the framework log every call at TRACE by default: without TF_LOG, a no-op plan of 500 clusters spent about a
// third of the provider's CPU encoding log lines (JSON, runtime.Caller) that Terraform then parsed line by line
// and discarded. SilenceUnreadLogs turns those loggers off when nothing asks, through the variables the SDK reads
// its levels from, and changes nothing when something does, so every line is there as before.

// ProviderLogName is the provider's part of TF_LOG_PROVIDER_<NAME>: terraform-plugin-go derives it from the last
// element of the provider's address (registry.terraform.io/batchai-tf/batchai), upper-cased.
const ProviderLogName = "BATCHAI"

// logLevelOff is the level every logger understands as "log nothing" (hclog.LevelFromString).
const logLevelOff = "OFF"

// quietLogVariables are the level variables of every logger that logs per call: terraform-plugin-go's root SDK
// logger (TF_LOG_SDK) and its protocol subsystem (TF_LOG_SDK_PROTO), the framework's subsystem
// (TF_LOG_SDK_FRAMEWORK) and the provider's own logger (TF_LOG_PROVIDER_BATCHAI).
var quietLogVariables = []string{
	"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER_" + ProviderLogName,
}

// logsAsked reports whether environ (KEY=value pairs) asks for the provider's logs, as Terraform and
// terraform-plugin-log read the variables: TF_LOG or TF_LOG_PROVIDER (Terraform's level for provider logs; an
// unknown value means TRACE to Terraform, so only OFF turns it off), TF_ACC_LOG_PATH (acceptance-test logs, TRACE
// by definition) or any variable of the SDK's and this provider's own loggers (TF_LOG_SDK*, TF_LOG_PROVIDER_BATCHAI*)
// set to a level other than OFF. TF_LOG_PATH alone only names a file: its level still comes from TF_LOG. The
// variables of Terraform's own logs (TF_LOG_CORE) and TF_LOG_SDK_PROTO_DATA_DIR, which dumps protocol data
// whatever the levels, do not ask.
func logsAsked(environ []string) bool {
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		if v == "" {
			continue
		}
		switch {
		case k == "TF_ACC_LOG_PATH":
			return true
		case k == "TF_LOG_SDK_PROTO_DATA_DIR":
			continue
		case k == "TF_LOG", k == "TF_LOG_PROVIDER", strings.HasPrefix(k, "TF_LOG_SDK"),
			strings.HasPrefix(k, "TF_LOG_PROVIDER_"+ProviderLogName):
			if !strings.EqualFold(strings.TrimSpace(v), logLevelOff) {
				return true
			}
		}
	}
	return false
}

// quietLogSettings are the variables SilenceUnreadLogs sets for environ: none when it asks for logs, otherwise
// every quietLogVariables entry (OFF) that environ does not set itself.
func quietLogSettings(environ []string) []string {
	if logsAsked(environ) {
		return nil
	}
	set := map[string]bool{}
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		set[k] = v != ""
	}
	var out []string
	for _, k := range quietLogVariables {
		if !set[k] {
			out = append(out, k)
		}
	}
	return out
}

// SilenceUnreadLogs turns the SDK's, the framework's and the provider's loggers off unless the process's
// environment asks for logs (logsAsked). It must run before the provider is served: terraform-plugin-go reads the
// levels when it sets up each request's loggers. Serve calls it, except in debug mode, where the provider's
// standard error goes to a person rather than to Terraform's filter.
func SilenceUnreadLogs() error {
	for _, k := range quietLogSettings(os.Environ()) {
		if err := os.Setenv(k, logLevelOff); err != nil {
			return err
		}
	}
	return nil
}
