#!/usr/bin/env bash
# install.sh (make install): build the provider and install it where Terraform and OpenTofu find it with no
# CLI configuration at all, so that `terraform init` (and `tofu init`) works in any configuration that asks
# for it, modules included; and install the provider and the emulator into GOBIN (for dev_overrides, and to
# have batchai-emulator on PATH).
#
# Both CLIs search ~/.terraform.d/plugins implicitly ("the implicit local mirror"), in the unpacked layout
#   HOSTNAME/NAMESPACE/TYPE/VERSION/OS_ARCH/terraform-provider-TYPE_vVERSION
# Terraform resolves `source = "batchai-tf/batchai"` to registry.terraform.io/batchai-tf/batchai and OpenTofu
# to registry.opentofu.org/batchai-tf/batchai, so the binary goes under both host names. The namespace and
# type come from the provider's address (the Address constant of internal/provider/provider.go, which main.go
# serves), the version from the topmost entry of CHANGELOG.md.
#
# Environment: VERSION (default: CHANGELOG.md's), PLUGINS_DIR (default: $HOME/.terraform.d/plugins), GOBIN
# (default: go env GOBIN, else GOPATH/bin), GOOS and GOARCH (default: go env).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$root"

fail() {
  printf 'install.sh: error: %s\n' "$*" >&2
  exit 1
}

command -v go >/dev/null 2>&1 || fail "go is not on PATH"
address=$(sed -n 's/^const Address = "\([^"]*\)".*/\1/p' internal/provider/provider.go)
[[ "$address" =~ ^[^/]+/([^/]+)/([^/]+)$ ]] ||
  fail "cannot read the provider address (const Address) from internal/provider/provider.go (got '$address')"
namespace=${BASH_REMATCH[1]} type=${BASH_REMATCH[2]}
version=${VERSION:-$(sed -n 's/^## \([0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*\).*/\1/p' CHANGELOG.md | head -n 1)}
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$ ]] ||
  fail "no semantic version: set VERSION, or give CHANGELOG.md a topmost entry such as '## 0.1.0 (Unreleased)'"
plugins=${PLUGINS_DIR:-${HOME:?HOME is not set; set PLUGINS_DIR}/.terraform.d/plugins}
goos=${GOOS:-$(go env GOOS)} goarch=${GOARCH:-$(go env GOARCH)}
gobin=${GOBIN:-$(go env GOBIN)}
[ -n "$gobin" ] || gobin=$(go env GOPATH)/bin

binary=terraform-provider-${type}_v$version
first=
for host in registry.terraform.io registry.opentofu.org; do
  dir=$plugins/$host/$namespace/$type/$version/${goos}_$goarch
  mkdir -p "$dir"
  # One executable per folder: a binary of another name would be a second candidate for the CLI.
  find "$dir" -maxdepth 1 -name "terraform-provider-${type}*" ! -name "$binary" -delete
  if [ -z "$first" ]; then
    GOOS=$goos GOARCH=$goarch go build -ldflags "-X main.version=$version" -o "$dir/$binary" . ||
      fail "go build of the provider failed"
    first=$dir/$binary
  else
    cp -f "$first" "$dir/$binary"
  fi
  printf 'installed %s/%s/%s %s (%s_%s): %s\n' "$host" "$namespace" "$type" "$version" "$goos" "$goarch" "$dir/$binary"
done

mkdir -p "$gobin"
GOBIN=$gobin go install -ldflags "-X main.version=$version" . ./cmd/batchai-emulator || fail "go install failed"
printf 'installed terraform-provider-%s and batchai-emulator into %s\n' "$type" "$gobin"

cat <<EOF

A configuration now needs only this to run \`terraform init\` (or \`tofu init\`), with no CLI configuration:

  terraform {
    required_providers {
      $type = {
        source  = "$namespace/$type"
        version = "~> ${version%.*}"
      }
    }
  }

init records the build's checksum in .terraform.lock.hcl: after installing a rebuilt $version, run
\`terraform init -upgrade\` there. For day-to-day development, dev_overrides (see README.md) skip init altogether.
EOF
