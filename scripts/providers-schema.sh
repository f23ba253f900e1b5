#!/usr/bin/env bash
# providers-schema.sh OUT.json: build the provider and write `<cli> providers schema -json` to OUT.json.
#
# tfplugindocs reads this file (--providers-schema) instead of building the provider and locating or downloading a
# Terraform CLI itself. The CLI is the newest Terraform of scripts/terraform-cli.sh (--cli terraform-latest, built
# once from the Go module proxy; BATCHAI_SCHEMA_CLI picks another choice): CLIs before 1.14 leave the list
# resources and actions out of the schema, and before 1.12 the resource identities, so their pages would be missing. The
# provider is installed from a local plugin folder under the explicit address registry.terraform.io/hashicorp/batchai,
# which is the key tfplugindocs looks up, so Terraform and OpenTofu produce the same file and nothing is downloaded.
#
# BATCHAI_PROVIDER_PKG selects the provider's main package (default: the repository root, ".").
set -euo pipefail

fail() {
  printf 'providers-schema.sh: error: %s\n' "$*" >&2
  exit 1
}

[ $# -eq 1 ] || fail "usage: $0 OUT.json"
out=$1
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
pkg=${BATCHAI_PROVIDER_PKG:-.}

env_lines=$("$root/scripts/terraform-cli.sh" --cli "${BATCHAI_SCHEMA_CLI:-terraform-latest}" --print-env) ||
  fail "no Terraform CLI (see scripts/terraform-cli.sh above)"
eval "$env_lines"
tf=$TF_ACC_TERRAFORM_PATH

tmp=$(mktemp -d "${TMPDIR:-/tmp}/batchai-schema.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

plugin_dir="$tmp/plugins/registry.terraform.io/hashicorp/batchai/0.0.1/$(go env GOOS)_$(go env GOARCH)"
printf 'providers-schema.sh: building the provider (%s)\n' "$pkg" >&2
(cd "$root" && go build -o "$plugin_dir/terraform-provider-batchai" "$pkg") ||
  fail "go build $pkg failed; is there a provider main package at $root/$pkg?"

cat >"$tmp/provider.tf" <<'EOF'
terraform {
  required_providers {
    batchai = {
      source = "registry.terraform.io/hashicorp/batchai"
    }
  }
}
EOF
: >"$tmp/empty.tfrc"

# An empty CLI config and no plugin cache, reattach or data-dir overrides: only ./plugins can satisfy init.
run_tf() {
  (cd "$tmp" && env -u TF_PLUGIN_CACHE_DIR -u TF_REATTACH_PROVIDERS -u TF_DATA_DIR -u TF_CLI_ARGS \
    -u TF_CLI_ARGS_init -u TF_CLI_ARGS_providers -u TERRAFORM_CONFIG \
    TF_CLI_CONFIG_FILE="$tmp/empty.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1 "$tf" "$@")
}

printf 'providers-schema.sh: %s init -plugin-dir=./plugins\n' "$tf" >&2
run_tf init -input=false -no-color -plugin-dir=./plugins >"$tmp/init.log" 2>&1 ||
  { cat "$tmp/init.log" >&2; fail "$tf init failed (output above)"; }
run_tf providers schema -json >"$tmp/schema.json" 2>"$tmp/schema.err" ||
  { cat "$tmp/schema.err" >&2; fail "$tf providers schema -json failed (output above)"; }
grep -q '"registry.terraform.io/hashicorp/batchai"' "$tmp/schema.json" ||
  fail "the schema from $tf has no registry.terraform.io/hashicorp/batchai entry"

mkdir -p "$(dirname "$out")"
mv -f "$tmp/schema.json" "$out"
printf 'providers-schema.sh: wrote %s\n' "$out" >&2
