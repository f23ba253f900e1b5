#!/usr/bin/env bash
# terraform-cli.sh: find or build the Terraform CLI that the tests drive, and export TF_ACC_TERRAFORM_PATH.
#
#   source scripts/terraform-cli.sh               # exports the variables into the current bash shell
#   eval "$(scripts/terraform-cli.sh --print-env)" # the same from any POSIX shell (the GNUmakefile uses this)
#   scripts/terraform-cli.sh --path               # prints only the absolute path of the CLI
#   scripts/terraform-cli.sh --run fmt -check     # runs the CLI with these arguments and the variables set
#
# Order of preference:
#   1. TF_ACC_TERRAFORM_PATH, when already set to an executable (your explicit choice);
#   2. `terraform` on PATH, when it reports version >= 1.11;
#   3. OpenTofu v1.12.6, built once from the Go module proxy (no other download) and cached in
#      ${BATCHAI_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-batchai}/tofu-v1.12.6/tofu.
# BATCHAI_FORCE_TOFU=1 skips 1 and 2 (to test the provider under OpenTofu too).
#
# Exported: TF_ACC_TERRAFORM_PATH, CHECKPOINT_DISABLE=1; with OpenTofu also TF_ACC_PROVIDER_NAMESPACE=hashicorp and
# TF_ACC_PROVIDER_HOST=registry.opentofu.org (the address OpenTofu gives an unqualified provider, so that
# terraform-plugin-testing's reattach config matches). When TF_CLI_CONFIG_FILE names a missing file, it is pointed
# at an empty file in the cache instead: the CLI's warning about the missing file otherwise breaks the version
# detection of terraform-plugin-testing.
#
# Progress goes to stderr; on failure the reason is printed and the status is non-zero.

_batchai_tf_tofu_version=1.12.6
_batchai_tf_min_major=1
_batchai_tf_min_minor=11

_batchai_tf_log() { printf 'terraform-cli.sh: %s\n' "$*" >&2; }
_batchai_tf_fail() {
  printf 'terraform-cli.sh: error: %s\n' "$*" >&2
  return 1
}

_batchai_tf_cache_dir() {
  if [ -n "${BATCHAI_TOOLS_CACHE:-}" ]; then
    printf '%s\n' "$BATCHAI_TOOLS_CACHE"
  elif [ -n "${XDG_CACHE_HOME:-}" ]; then
    printf '%s\n' "$XDG_CACHE_HOME/terraform-provider-batchai"
  elif [ -n "${HOME:-}" ]; then
    printf '%s\n' "$HOME/.cache/terraform-provider-batchai"
  else
    _batchai_tf_fail "neither BATCHAI_TOOLS_CACHE, XDG_CACHE_HOME nor HOME is set; cannot choose a cache folder"
  fi
}

# _batchai_tf_version BIN: print "MAJOR.MINOR.PATCH" of a terraform/tofu binary, or fail.
# The CLI config is neutralised so that a warning about a missing TF_CLI_CONFIG_FILE cannot get into the output.
_batchai_tf_version() {
  local bin=$1 out ver
  out=$(env -u TF_CLI_CONFIG_FILE -u TERRAFORM_CONFIG CHECKPOINT_DISABLE=1 "$bin" version -json 2>/dev/null) || out=
  ver=$(printf '%s\n' "$out" | tr -d '\n' |
    sed -n 's/.*"terraform_version"[[:space:]]*:[[:space:]]*"\([0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*[^"]*\)".*/\1/p')
  if [ -z "$ver" ]; then
    # Older CLIs have no -json: "Terraform v1.5.7" / "OpenTofu v1.6.0" on the first matching line.
    out=$(env -u TF_CLI_CONFIG_FILE -u TERRAFORM_CONFIG CHECKPOINT_DISABLE=1 "$bin" version 2>/dev/null) || out=
    ver=$(printf '%s\n' "$out" | sed -n 's/^\(Terraform\|OpenTofu\) v\([0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*[^[:space:]]*\).*/\2/p' | head -n 1)
  fi
  [ -n "$ver" ] || return 1
  printf '%s\n' "$ver"
}

# _batchai_tf_is_tofu BIN: true when BIN is OpenTofu (whatever its file name).
_batchai_tf_is_tofu() {
  env -u TF_CLI_CONFIG_FILE -u TERRAFORM_CONFIG CHECKPOINT_DISABLE=1 "$1" version 2>/dev/null | grep -q '^OpenTofu v'
}

# _batchai_tf_at_least VERSION: true when VERSION >= min major.minor.
_batchai_tf_at_least() {
  local major minor rest
  IFS=. read -r major minor rest <<EOF
$1
EOF
  case "$major$minor" in '' | *[!0-9]*) return 1 ;; esac
  [ "$major" -gt "$_batchai_tf_min_major" ] ||
    { [ "$major" -eq "$_batchai_tf_min_major" ] && [ "$minor" -ge "$_batchai_tf_min_minor" ]; }
}

# _batchai_tf_build_tofu CACHE: build OpenTofu into CACHE/tofu-vX/tofu unless a working copy is there already.
# Runs in a subshell so that `set -e` and traps do not leak into a shell that sourced this file.
_batchai_tf_build_tofu() (
  set -euo pipefail
  cache=$1
  v=$_batchai_tf_tofu_version
  dest_dir="$cache/tofu-v$v"
  dest="$dest_dir/tofu"
  mkdir -p "$dest_dir" || { _batchai_tf_fail "cannot create cache folder $dest_dir"; exit 1; }

  # One build at a time (parallel `make` runs, several checkouts sharing the cache).
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$dest_dir/.lock"
    if ! flock -n 9; then
      _batchai_tf_log "waiting for another build of OpenTofu v$v to finish (lock $dest_dir/.lock)..."
      flock 9
    fi
  fi
  if [ -x "$dest" ] && [ "$(_batchai_tf_version "$dest" || true)" = "$v" ]; then
    exit 0
  fi

  command -v go >/dev/null 2>&1 || { _batchai_tf_fail "go is not on PATH; it is needed to build OpenTofu v$v"; exit 1; }
  _batchai_tf_log "building OpenTofu v$v from the Go module proxy (one time, ~3-7 min)..."
  start=$(date +%s)
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/batchai-tofu-build.XXXXXX")
  trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

  # Outside any module, so that the download cannot touch a go.mod or go.sum.
  if ! json=$(cd "$tmp" && GOWORK=off GOFLAGS=-mod=mod go mod download -json "github.com/opentofu/opentofu@v$v" 2>"$tmp/download.err"); then
    _batchai_tf_fail "go mod download github.com/opentofu/opentofu@v$v failed (is the Go module proxy reachable? GOPROXY=$(go env GOPROXY)): $(cat "$tmp/download.err") $json"
    exit 1
  fi
  src=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir":[[:space:]]*"\(.*\)",\{0,1\}$/\1/p' | head -n 1)
  if [ -z "$src" ] || [ ! -d "$src" ]; then
    _batchai_tf_fail "go mod download gave no module folder for OpenTofu v$v: $json"
    exit 1
  fi
  _batchai_tf_log "module source: $src"

  # The module cache is read-only; build from a writable copy.
  cp -r "$src" "$tmp/src"
  chmod -R u+w "$tmp/src"
  if ! (cd "$tmp/src" && GOWORK=off GOFLAGS="-mod=mod -buildvcs=false" CGO_ENABLED=0 \
    go build -trimpath -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" -o "$tmp/tofu" ./cmd/tofu); then
    _batchai_tf_fail "go build of OpenTofu v$v failed (see the compiler output above)"
    exit 1
  fi
  got=$(_batchai_tf_version "$tmp/tofu" || true)
  if [ "$got" != "$v" ]; then
    _batchai_tf_fail "the freshly built OpenTofu reports version '${got:-none}', want $v"
    exit 1
  fi
  mv -f "$tmp/tofu" "$dest"
  _batchai_tf_log "built OpenTofu v$v in $(($(date +%s) - start))s: $dest"
)

# _batchai_tf_resolve: set _batchai_tf_path, _batchai_tf_cfg and _batchai_tf_kind, or fail.
_batchai_tf_resolve() {
  local cache bin ver
  _batchai_tf_path='' _batchai_tf_cfg='' _batchai_tf_kind=''

  cache=$(_batchai_tf_cache_dir) || return 1
  mkdir -p "$cache" || _batchai_tf_fail "cannot create cache folder $cache" || return 1
  cache=$(cd "$cache" && pwd -P) || return 1

  # A TF_CLI_CONFIG_FILE naming a missing file makes every CLI call print a warning: use an empty one instead.
  if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -f "$TF_CLI_CONFIG_FILE" ]; then
    _batchai_tf_cfg="$cache/empty.tfrc"
    [ -f "$_batchai_tf_cfg" ] || : >"$_batchai_tf_cfg" || _batchai_tf_fail "cannot write $_batchai_tf_cfg" || return 1
  fi

  if [ "${BATCHAI_FORCE_TOFU:-}" != 1 ]; then
    if [ -n "${TF_ACC_TERRAFORM_PATH:-}" ]; then
      [ -x "$TF_ACC_TERRAFORM_PATH" ] ||
        _batchai_tf_fail "TF_ACC_TERRAFORM_PATH=$TF_ACC_TERRAFORM_PATH is not an executable file (unset it to let this script choose)" ||
        return 1
      ver=$(_batchai_tf_version "$TF_ACC_TERRAFORM_PATH") ||
        _batchai_tf_fail "TF_ACC_TERRAFORM_PATH=$TF_ACC_TERRAFORM_PATH does not answer 'version' like Terraform" || return 1
      bin=$(cd "$(dirname "$TF_ACC_TERRAFORM_PATH")" && pwd -P)/$(basename "$TF_ACC_TERRAFORM_PATH")
      _batchai_tf_path=$bin
      _batchai_tf_log "using TF_ACC_TERRAFORM_PATH as set: $bin ($ver)"
    elif bin=$(command -v terraform 2>/dev/null) && [ -n "$bin" ]; then
      if ver=$(_batchai_tf_version "$bin") && _batchai_tf_at_least "$ver"; then
        _batchai_tf_path=$(cd "$(dirname "$bin")" && pwd -P)/$(basename "$bin")
        _batchai_tf_log "using terraform on PATH: $_batchai_tf_path ($ver)"
      else
        _batchai_tf_log "terraform on PATH ($bin) reports version '${ver:-unknown}', need >= $_batchai_tf_min_major.$_batchai_tf_min_minor; using OpenTofu instead"
      fi
    fi
  else
    _batchai_tf_log "BATCHAI_FORCE_TOFU=1: using OpenTofu v$_batchai_tf_tofu_version"
  fi

  if [ -z "$_batchai_tf_path" ]; then
    _batchai_tf_build_tofu "$cache" || _batchai_tf_fail "no usable Terraform CLI (OpenTofu v$_batchai_tf_tofu_version could not be built)" || return 1
    _batchai_tf_path="$cache/tofu-v$_batchai_tf_tofu_version/tofu"
    _batchai_tf_log "using OpenTofu: $_batchai_tf_path"
  fi

  if _batchai_tf_is_tofu "$_batchai_tf_path"; then _batchai_tf_kind=tofu; else _batchai_tf_kind=terraform; fi
}

# _batchai_tf_env: print the variables as `export NAME='value'` lines.
_batchai_tf_env() {
  local q
  _batchai_tf_q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
  q=$(_batchai_tf_q "$_batchai_tf_path")
  printf 'export TF_ACC_TERRAFORM_PATH=%s\n' "$q"
  printf 'export CHECKPOINT_DISABLE=1\n'
  if [ -n "$_batchai_tf_cfg" ]; then
    printf 'export TF_CLI_CONFIG_FILE=%s\n' "$(_batchai_tf_q "$_batchai_tf_cfg")"
  fi
  if [ "$_batchai_tf_kind" = tofu ]; then
    printf 'export TF_ACC_PROVIDER_NAMESPACE=hashicorp\n'
    printf 'export TF_ACC_PROVIDER_HOST=registry.opentofu.org\n'
  fi
}

_batchai_tf_main() {
  case "${1:-}" in
  -h | --help)
    sed -n '2,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
    return 0
    ;;
  '' | --print-env | --path | --run) ;;
  *)
    _batchai_tf_fail "unknown argument '$1' (use --print-env, --path, --run ARGS... or --help)"
    return 2
    ;;
  esac
  _batchai_tf_resolve || return 1
  case "${1:-}" in
  --path) printf '%s\n' "$_batchai_tf_path" ;;
  --run)
    shift
    eval "$(_batchai_tf_env)"
    exec "$_batchai_tf_path" "$@"
    ;;
  *) _batchai_tf_env ;;
  esac
}

if (return 0 2>/dev/null); then
  # Sourced: export into the caller's shell and print the same lines to stderr.
  if _batchai_tf_env_lines=$(_batchai_tf_resolve && _batchai_tf_env); then
    eval "$_batchai_tf_env_lines"
    printf '%s\n' "$_batchai_tf_env_lines" >&2
    unset _batchai_tf_env_lines
  else
    unset _batchai_tf_env_lines
    return 1
  fi
else
  _batchai_tf_main "$@"
fi
