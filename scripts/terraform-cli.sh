#!/usr/bin/env bash
# terraform-cli.sh: find or build the Terraform CLI that the tests drive, and export TF_ACC_TERRAFORM_PATH.
#
#   source scripts/terraform-cli.sh                    # exports the variables into the current bash shell
#   eval "$(scripts/terraform-cli.sh --print-env)"      # the same from any POSIX shell (the GNUmakefile uses this)
#   scripts/terraform-cli.sh --path                    # prints only the absolute path of the CLI
#   scripts/terraform-cli.sh --run fmt -check          # runs the CLI with these arguments and the variables set
#   scripts/terraform-cli.sh --cli tofu --print-env    # chooses the CLI (also BATCHAI_TF_CLI=tofu, when sourcing)
#
# Which CLI (--cli, else BATCHAI_TF_CLI, else auto):
#   auto              1. TF_ACC_TERRAFORM_PATH, when already set to an executable (your explicit choice);
#                     2. `terraform` on PATH, when it reports version >= 1.11;
#                     3. else as tofu. BATCHAI_FORCE_TOFU=1 makes auto mean tofu.
#   terraform-latest  Terraform v1.15.0 (the newest the project tests; BATCHAI_TERRAFORM_VERSION picks another
#                     >= 1.14), built from the Go module proxy, patched as scripts/terraform-cli-build.sh explains.
#   tofu              OpenTofu v1.12.6, built from the Go module proxy.
#   path              `terraform` on PATH (>= 1.11), or an error.
# Builds happen once and are cached in
# ${BATCHAI_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-batchai}/{terraform,tofu}-vX.Y.Z/; nothing
# but the Go module proxy is used. A cached binary is used only when it reports the wanted version. With an explicit
# choice other than auto, TF_ACC_TERRAFORM_PATH from the environment is ignored (and replaced).
#
# Exported: TF_ACC_TERRAFORM_PATH, CHECKPOINT_DISABLE=1; with OpenTofu also TF_ACC_PROVIDER_NAMESPACE=hashicorp and
# TF_ACC_PROVIDER_HOST=registry.opentofu.org (the address OpenTofu gives an unqualified provider, so that
# terraform-plugin-testing's reattach config matches); with Terraform those two are unset. When TF_CLI_CONFIG_FILE
# names a missing file, it is pointed at an empty file in the cache instead: the CLI's warning about the missing file
# otherwise breaks the version detection of terraform-plugin-testing.
#
# Progress goes to stderr; on failure the reason is printed and the status is non-zero.

_batchai_tf_tofu_version=1.12.6
_batchai_tf_terraform_version=${BATCHAI_TERRAFORM_VERSION:-1.15.0}
_batchai_tf_clis='auto terraform-latest tofu path'

_batchai_tf_log() { printf 'terraform-cli.sh: %s\n' "$*" >&2; }
_batchai_tf_fail() {
  printf 'terraform-cli.sh: error: %s\n' "$*" >&2
  return 1
}

# shellcheck source=scripts/terraform-cli-build.sh
. "$(dirname "${BASH_SOURCE[0]}")/terraform-cli-build.sh" || {
  _batchai_tf_fail "cannot read terraform-cli-build.sh next to ${BASH_SOURCE[0]}"
  return 1 2>/dev/null || exit 1
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

# _batchai_tf_version BIN: print "MAJOR.MINOR.PATCH[-pre]" of a terraform/tofu binary, or fail.
# The CLI config is neutralised so that a warning about a missing TF_CLI_CONFIG_FILE cannot get into the output.
_batchai_tf_version() {
  local bin=$1 out ver
  out=$(env -u TF_CLI_CONFIG_FILE -u TERRAFORM_CONFIG CHECKPOINT_DISABLE=1 "$bin" version -json 2>/dev/null) || out=
  ver=$(printf '%s\n' "$out" | tr -d '\n' |
    sed -n 's/.*"terraform_version"[[:space:]]*:[[:space:]]*"\([0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*[^"]*\)".*/\1/p')
  if [ -z "$ver" ]; then
    # Older CLIs have no -json: "Terraform v1.5.7" / "OpenTofu v1.6.0" on the first matching line.
    out=$(env -u TF_CLI_CONFIG_FILE -u TERRAFORM_CONFIG CHECKPOINT_DISABLE=1 "$bin" version 2>/dev/null) || out=
    ver=$(printf '%s\n' "$out" | sed -n 's/^\(Terraform\|OpenTofu\) v\([0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*[^[:space:]]*\).*/\2/p' | sed -n 1p)
  fi
  [ -n "$ver" ] || return 1
  printf '%s\n' "$ver"
}

# _batchai_tf_is_tofu BIN: true when BIN is OpenTofu (whatever its file name).
_batchai_tf_is_tofu() {
  local out
  out=$(env -u TF_CLI_CONFIG_FILE -u TERRAFORM_CONFIG CHECKPOINT_DISABLE=1 "$1" version 2>/dev/null) || return 1
  case "$out" in "OpenTofu v"* | *"
OpenTofu v"*) return 0 ;; esac
  return 1
}

# _batchai_tf_is KIND VERSION BIN: true when BIN is an executable of KIND (tofu or terraform) reporting VERSION.
_batchai_tf_is() {
  local kind=$1 want=$2 bin=$3
  [ -x "$bin" ] && [ "$(_batchai_tf_version "$bin" || true)" = "$want" ] || return 1
  if _batchai_tf_is_tofu "$bin"; then [ "$kind" = tofu ]; else [ "$kind" = terraform ]; fi
}

# _batchai_tf_at_least VERSION MAJOR MINOR: true when VERSION >= MAJOR.MINOR.
_batchai_tf_at_least() {
  local major minor rest
  IFS=. read -r major minor rest <<EOV
$1
EOV
  case "$major$minor" in '' | *[!0-9]*) return 1 ;; esac
  [ "$major" -gt "$2" ] || { [ "$major" -eq "$2" ] && [ "$minor" -ge "$3" ]; }
}

# _batchai_tf_absolute BIN: print the absolute, symlink-free folder of BIN joined with its name.
_batchai_tf_absolute() {
  printf '%s/%s\n' "$(cd "$(dirname "$1")" && pwd -P)" "$(basename "$1")"
}

# _batchai_tf_from_path: set _batchai_tf_path to `terraform` on PATH when it is >= 1.11; else explain and fail.
_batchai_tf_from_path() {
  local bin ver
  bin=$(command -v terraform 2>/dev/null) && [ -n "$bin" ] || {
    _batchai_tf_log "no terraform on PATH"
    return 1
  }
  if ver=$(_batchai_tf_version "$bin") && _batchai_tf_at_least "$ver" 1 11; then
    _batchai_tf_path=$(_batchai_tf_absolute "$bin")
    _batchai_tf_log "using terraform on PATH: $_batchai_tf_path ($ver)"
    return 0
  fi
  _batchai_tf_log "terraform on PATH ($bin) reports version '${ver:-unknown}', need >= 1.11"
  return 1
}

# _batchai_tf_product KIND: print the product name of a CLI kind (tofu or terraform).
_batchai_tf_product() {
  if [ "$1" = tofu ]; then echo OpenTofu; else echo Terraform; fi
}

# _batchai_tf_from_build KIND VERSION CACHE: build (once) and set _batchai_tf_path.
_batchai_tf_from_build() {
  local kind=$1 v=$2 dest="$3/$1-v$2/$1"
  _batchai_tf_build "$kind" "$v" "$dest" || return 1
  _batchai_tf_path=$dest
  _batchai_tf_log "using $(_batchai_tf_product "$kind") v$v: $dest"
}

# _batchai_tf_resolve CLI: set _batchai_tf_path, _batchai_tf_cfg and _batchai_tf_kind for the CLI choice, or fail.
_batchai_tf_resolve() {
  local cli=$1 cache ver
  _batchai_tf_path='' _batchai_tf_cfg='' _batchai_tf_kind=''

  cache=$(_batchai_tf_cache_dir) || return 1
  mkdir -p "$cache" || _batchai_tf_fail "cannot create cache folder $cache" || return 1
  cache=$(cd "$cache" && pwd -P) || return 1

  # A TF_CLI_CONFIG_FILE naming a missing file makes every CLI call print a warning: use an empty one instead.
  if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -f "$TF_CLI_CONFIG_FILE" ]; then
    _batchai_tf_cfg="$cache/empty.tfrc"
    [ -f "$_batchai_tf_cfg" ] || : >"$_batchai_tf_cfg" || _batchai_tf_fail "cannot write $_batchai_tf_cfg" || return 1
  fi

  if [ "$cli" = auto ] && [ "${BATCHAI_FORCE_TOFU:-}" = 1 ]; then
    _batchai_tf_log "BATCHAI_FORCE_TOFU=1: using OpenTofu v$_batchai_tf_tofu_version"
    cli=tofu
  fi
  case "$cli" in
  auto)
    if [ -n "${TF_ACC_TERRAFORM_PATH:-}" ]; then
      [ -x "$TF_ACC_TERRAFORM_PATH" ] ||
        _batchai_tf_fail "TF_ACC_TERRAFORM_PATH=$TF_ACC_TERRAFORM_PATH is not an executable file (unset it to let this script choose)" ||
        return 1
      ver=$(_batchai_tf_version "$TF_ACC_TERRAFORM_PATH") ||
        _batchai_tf_fail "TF_ACC_TERRAFORM_PATH=$TF_ACC_TERRAFORM_PATH does not answer 'version' like Terraform" || return 1
      _batchai_tf_path=$(_batchai_tf_absolute "$TF_ACC_TERRAFORM_PATH")
      _batchai_tf_log "using TF_ACC_TERRAFORM_PATH as set: $_batchai_tf_path ($ver)"
    elif ! _batchai_tf_from_path; then
      _batchai_tf_log "falling back to OpenTofu v$_batchai_tf_tofu_version"
      _batchai_tf_from_build tofu "$_batchai_tf_tofu_version" "$cache" ||
        _batchai_tf_fail "no usable Terraform CLI (OpenTofu v$_batchai_tf_tofu_version could not be built)" || return 1
    fi
    ;;
  terraform-latest)
    _batchai_tf_at_least "$_batchai_tf_terraform_version" 1 14 ||
      _batchai_tf_fail "BATCHAI_TERRAFORM_VERSION=$_batchai_tf_terraform_version: terraform-latest must be 1.14 or newer" ||
      return 1
    _batchai_tf_from_build terraform "$_batchai_tf_terraform_version" "$cache" ||
      _batchai_tf_fail "Terraform v$_batchai_tf_terraform_version could not be built (see above)" || return 1
    ;;
  tofu)
    _batchai_tf_from_build tofu "$_batchai_tf_tofu_version" "$cache" ||
      _batchai_tf_fail "OpenTofu v$_batchai_tf_tofu_version could not be built (see above)" || return 1
    ;;
  path)
    _batchai_tf_from_path ||
      _batchai_tf_fail "--cli path needs terraform >= 1.11 on PATH (or use --cli terraform-latest / tofu)" || return 1
    ;;
  *)
    _batchai_tf_fail "unknown CLI '$cli' (choose one of: $_batchai_tf_clis)"
    return 2
    ;;
  esac

  if _batchai_tf_is_tofu "$_batchai_tf_path"; then _batchai_tf_kind=tofu; else _batchai_tf_kind=terraform; fi
}

# _batchai_tf_env: print the variables as `export NAME='value'` (and `unset NAME`) lines.
_batchai_tf_env() {
  _batchai_tf_q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
  printf 'export TF_ACC_TERRAFORM_PATH=%s\n' "$(_batchai_tf_q "$_batchai_tf_path")"
  printf 'export CHECKPOINT_DISABLE=1\n'
  if [ -n "$_batchai_tf_cfg" ]; then
    printf 'export TF_CLI_CONFIG_FILE=%s\n' "$(_batchai_tf_q "$_batchai_tf_cfg")"
  fi
  if [ "$_batchai_tf_kind" = tofu ]; then
    printf 'export TF_ACC_PROVIDER_NAMESPACE=hashicorp\n'
    printf 'export TF_ACC_PROVIDER_HOST=registry.opentofu.org\n'
  else
    # Left over from an OpenTofu environment, they would make terraform-plugin-testing address the wrong provider.
    printf 'unset TF_ACC_PROVIDER_NAMESPACE TF_ACC_PROVIDER_HOST\n'
  fi
}

_batchai_tf_main() {
  local cli=${BATCHAI_TF_CLI:-auto} action=--print-env
  while [ $# -gt 0 ]; do
    case "$1" in
    -h | --help)
      sed -n '2,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
      return 0
      ;;
    --cli)
      [ $# -ge 2 ] || { _batchai_tf_fail "--cli needs a value: one of $_batchai_tf_clis"; return 2; }
      cli=$2
      shift 2
      ;;
    --cli=*)
      cli=${1#--cli=}
      shift
      ;;
    --print-env | --path)
      action=$1
      shift
      ;;
    --run)
      action=$1
      shift
      break
      ;;
    *)
      _batchai_tf_fail "unknown argument '$1' (use [--cli CLI] --print-env, --path, --run ARGS... or --help)"
      return 2
      ;;
    esac
  done
  _batchai_tf_resolve "$cli" || return
  case "$action" in
  --path) printf '%s\n' "$_batchai_tf_path" ;;
  --run)
    eval "$(_batchai_tf_env)"
    exec "$_batchai_tf_path" "$@"
    ;;
  *) _batchai_tf_env ;;
  esac
}

if (return 0 2>/dev/null); then
  # Sourced: export into the caller's shell and print the same lines to stderr.
  if _batchai_tf_env_lines=$(_batchai_tf_resolve "${BATCHAI_TF_CLI:-auto}" && _batchai_tf_env); then
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
