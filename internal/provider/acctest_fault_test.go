package provider

import (
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator"
)

// Helpers of the fault tests (*_fault_test.go, provider_chaos_test.go): each drives the real Terraform CLI
// against an emulator whose faults it arms, then checks that what ARM holds equals what the state holds
// (acctest_arm_state_test.go).

// testAccFaultTiming shortens the provider's recoveries for the fault tests: a resource reading 404 is
// believed absent after 2 s (30 s in a real provider) and the overrun grace is 5 s (20 s). The consistency
// lags of the tests are counted in reads, a few hundred milliseconds at the tests' poll interval.
var testAccFaultTiming = timing{notFoundGrace: 2 * time.Second, overrunGrace: 5 * time.Second}

// testAccProviderWithTiming is the provider of the acceptance tests (an empty environment) with timing t.
func testAccProviderWithTiming(t timing) *batchaiProvider {
	return &batchaiProvider{version: "test", getenv: func(string) string { return "" }, timing: t}
}

// testAccFaultProviderFactories serve testAccProviderWithTiming(testAccFaultTiming).
func testAccFaultProviderFactories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"batchai": providerserver.NewProtocol6WithError(testAccProviderWithTiming(testAccFaultTiming)),
	}
}

// testAccLoseAnswer arms the worst lost answer: the first matching request is processed and its answer
// dropped, and every retry the provider's client makes (client.DefaultMaxRetries) is refused with a 503, so
// that the call fails although the service did the work.
func testAccLoseAnswer(emu *emulator.Emulator, method, pathContains string) {
	emu.InjectFault(emulator.Fault{Method: method, PathContains: pathContains, Kind: emulator.FaultDrop})
	emu.InjectFault(emulator.Fault{Method: method, PathContains: pathContains, Status: http.StatusServiceUnavailable,
		RetryAfter: time.Millisecond, Times: client.DefaultMaxRetries})
}
