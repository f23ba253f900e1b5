#!/usr/bin/env bash
# examples-check.sh: every example under examples/ is `fmt` clean and passes `validate` against the provider built
# from this tree.
#
# Nothing is downloaded. The provider binary is built into a temporary folder and reached through a CLI config with
# dev_overrides only: no `direct {}` or mirror, so a provider that is not overridden fails loudly instead of being
# fetched. With dev_overrides, `validate` needs no `init`; folders that call modules get `get` first, which installs
# local modules (source = "../modules/...") and never providers. Working files go to a temporary TF_DATA_DIR, so the
# tree stays clean.
#
# The CLI is TF_ACC_TERRAFORM_PATH when set (the GNUmakefile sets it), else whatever scripts/terraform-cli.sh finds:
# terraform >= 1.11 or OpenTofu. Folders that need a newer Terraform (import blocks by `identity`, 1.12; `action`
# blocks and the .tfquery.hcl files of list resources, 1.14) are checked with the newest Terraform instead
# (scripts/terraform-cli.sh --cli terraform-latest), query files included (`validate -query`; and `fmt`, which older
# CLIs skip for them).
# Usage: scripts/examples-check.sh [EXAMPLE_DIR...] (default: every folder).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$root"

say() { printf '==> examples-check: %s\n' "$*"; }
fail() {
  printf 'examples-check: error: %s\n' "$*" >&2
  exit 1
}

[ -d examples ] || fail "no examples/ folder in $root"
if [ -z "${TF_ACC_TERRAFORM_PATH:-}" ] || [ ! -x "${TF_ACC_TERRAFORM_PATH:-}" ]; then
  env_lines=$(scripts/terraform-cli.sh --print-env) || fail "no Terraform CLI (see scripts/terraform-cli.sh above)"
  eval "$env_lines"
fi
tf=$TF_ACC_TERRAFORM_PATH

tmp=$(mktemp -d "${TMPDIR:-/tmp}/batchai-examples.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

say "building the provider into $tmp/bin"
go build -o "$tmp/bin/terraform-provider-batchai" . || fail "go build of the provider failed"

# Every address an example can resolve to: the explicit source (batchai-tf/batchai) and the implied one
# (hashicorp/batchai, for snippets without required_providers), on both registries (Terraform and OpenTofu).
cat >"$tmp/dev.tfrc" <<EOF
provider_installation {
  dev_overrides {
    "registry.terraform.io/batchai-tf/batchai" = "$tmp/bin"
    "registry.opentofu.org/batchai-tf/batchai" = "$tmp/bin"
    "registry.terraform.io/hashicorp/batchai"  = "$tmp/bin"
    "registry.opentofu.org/hashicorp/batchai"  = "$tmp/bin"
  }
}
EOF

# run_tf runs the CLI ($cli when set, else $tf) with the dev_overrides configuration.
run_tf() {
  env -u TF_PLUGIN_CACHE_DIR -u TF_CLI_ARGS -u TF_CLI_ARGS_validate -u TF_CLI_ARGS_get -u TERRAFORM_CONFIG \
    TF_CLI_CONFIG_FILE="$tmp/dev.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1 "${cli:-$tf}" "$@"
}

say "$tf fmt -check -recursive examples/"
run_tf fmt -check -recursive -diff examples/ ||
  fail "examples/ is not formatted: run 'make generate' (or terraform fmt -recursive examples/)"

# needs_newest DIR: the folder uses what only Terraform >= 1.12 or 1.14 reads.
needs_newest() {
  compgen -G "$1/*.tfquery.hcl" >/dev/null || grep -qsE '^[[:space:]]*(action[[:space:]]+"|identity[[:space:]]*=)' "$1"/*.tf
}
# newest_cli sets tf_new to the newest Terraform (once) and checks the formatting of examples/ with it too.
tf_new=
newest_cli() {
  [ -z "$tf_new" ] || return 0
  tf_new=$(scripts/terraform-cli.sh --cli terraform-latest --path) ||
    fail "no Terraform >= 1.14 for the identity, action and list-resource examples (see scripts/terraform-cli.sh above)"
  say "$tf_new fmt -check -recursive examples/ (for the folders that need a newer Terraform)"
  cli=$tf_new run_tf fmt -check -recursive -diff examples/ ||
    fail "examples/ is not formatted (.tfquery.hcl files included): run 'make generate'"
}

if [ $# -gt 0 ]; then
  dirs=("$@")
else
  dirs=()
  while IFS= read -r d; do dirs+=("$d"); done < <(find examples -name .terraform -prune -o \( -name '*.tf' -o -name '*.tfquery.hcl' \) -print |
    sed 's|/[^/]*$||' | sort -u)
fi
[ ${#dirs[@]} -gt 0 ] || fail "no .tf files under examples/"

failed=()
for dir in "${dirs[@]}"; do
  data="$tmp/data/$(printf '%s' "$dir" | tr '/' '_')"
  log="$tmp/$(printf '%s' "$dir" | tr '/' '_').log"
  ok=true
  cli=$tf
  validate=(validate -no-color)
  if needs_newest "$dir"; then
    newest_cli
    cli=$tf_new
    if compgen -G "$dir/*.tfquery.hcl" >/dev/null; then validate+=(-query); fi
  fi
  if grep -qs '^[[:space:]]*module[[:space:]]' "$dir"/*.tf; then
    TF_DATA_DIR=$data run_tf -chdir="$dir" get -no-color >"$log" 2>&1 || ok=false
  fi
  if $ok; then
    TF_DATA_DIR=$data run_tf -chdir="$dir" "${validate[@]}" >>"$log" 2>&1 || ok=false
  fi
  if $ok; then
    printf '    ok      %s\n' "$dir"
  else
    printf '    FAILED  %s\n' "$dir"
    sed 's/^/            /' "$log"
    failed+=("$dir")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  fail "${#failed[@]} of ${#dirs[@]} example folders are not valid: ${failed[*]}"
fi
say "${#dirs[@]} example folders are formatted and valid"
