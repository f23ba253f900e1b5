// Command terraform-provider-batchai is the Terraform provider for Azure Batch AI (Microsoft.BatchAI 2018-05-01).
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/batchai-tf/terraform-provider-batchai/internal/provider"
)

// version is set by goreleaser (-X main.version=...); "dev" marks a local build.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	// In debug mode the provider's standard error goes to a person, not through Terraform's log filter.
	if !debug {
		if err := provider.SilenceUnreadLogs(); err != nil {
			log.Fatal(err.Error())
		}
	}
	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: provider.Address,
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
