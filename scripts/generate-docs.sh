#!/usr/bin/env bash
# generate-docs.sh [DIR]: the one definition of how docs/ is made. It formats DIR/examples/ (terraform fmt) and
# renders DIR/docs/ with tfplugindocs from the provider's schema, DIR/templates/ and DIR/examples/. DIR is the
# repository root by default: that is `make generate` (tools/tools.go). scripts/docs-check.sh runs it on a copy,
# so that checking never writes the tree.
#
# Offline: the CLI is the newest Terraform of scripts/terraform-cli.sh (--cli terraform-latest, built once from the
# Go module proxy: only Terraform >= 1.14 reports list resources and actions), and tfplugindocs reads the schema that
# scripts/providers-schema.sh asks that CLI for (--providers-schema) instead of building the provider and
# downloading a Terraform itself.
set -euo pipefail

fail() {
  printf 'generate-docs.sh: error: %s\n' "$*" >&2
  exit 1
}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
dir=$(cd "${1:-$root}" && pwd -P) || fail "no folder ${1:-}"
[ -d "$dir/examples" ] || fail "no examples/ folder in $dir"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/batchai-generate.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The newest Terraform also formats the .tfquery.hcl examples of the list resources, which older CLIs skip.
"$root/scripts/terraform-cli.sh" --cli "${BATCHAI_SCHEMA_CLI:-terraform-latest}" --run fmt -recursive "$dir/examples/"
"$root/scripts/providers-schema.sh" "$tmp/providers-schema.json"
(cd "$root/tools" && go run github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs generate \
  --provider-dir "$dir" --provider-name batchai --providers-schema "$tmp/providers-schema.json")
