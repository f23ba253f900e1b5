// Command terraform-provider-batchai is the Terraform provider for Azure Batch AI (Microsoft.BatchAI 2018-05-01).
package main

import (
	"flag"
	"log"

	"github.com/batchai-tf/terraform-provider-batchai/internal/provider"
)

// version is set by goreleaser (-X main.version=...); "dev" marks a local build.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	// provider.Serve leaves the logs alone in debug mode, where standard error goes to a person.
	err := provider.Serve(version, debug)
	if err != nil {
		log.Fatal(err.Error())
	}
}
