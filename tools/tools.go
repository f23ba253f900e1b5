//go:build generate

// Package tools pins the code generators of this repository in its own module, so that the provider's go.mod
// stays free of them. Run them with `make generate` (or `cd tools && go generate ./...`).
//
// The steps are in scripts/generate-docs.sh, which scripts/docs-check.sh runs too (on a copy). No step downloads a
// Terraform CLI: scripts/terraform-cli.sh --cli terraform-latest builds the newest Terraform once from the Go module
// proxy (older CLIs leave list resources, actions and identities out of the schema), and
// scripts/providers-schema.sh asks it for the provider schema, which tfplugindocs then reads through
// --providers-schema instead of building the provider and fetching Terraform itself.
package tools

import (
	// Documentation generation.
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
)

// Format the Terraform example files and generate the documentation.
//go:generate bash ../scripts/generate-docs.sh ..
