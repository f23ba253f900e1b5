//go:build generate

// Package tools pins the code generators of this repository in its own module, so that the provider's go.mod
// stays free of them. Run them with `make generate` (or `cd tools && go generate ./...`).
//
// No step downloads a Terraform CLI: scripts/terraform-cli.sh picks terraform >= 1.11 from PATH or the OpenTofu it
// builds once from the Go module proxy, and scripts/providers-schema.sh asks that CLI for the provider schema, which
// tfplugindocs then reads through --providers-schema instead of building the provider and fetching Terraform itself.
package tools

import (
	// Documentation generation.
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
)

// Format Terraform example files.
//go:generate bash ../scripts/terraform-cli.sh --run fmt -recursive ../examples/

// Generate documentation.
//go:generate bash ../scripts/providers-schema.sh ../bin/providers-schema.json
//go:generate go run github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs generate --provider-dir .. --provider-name batchai --providers-schema ../bin/providers-schema.json
