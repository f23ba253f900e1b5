#!/usr/bin/env bash
# docs-check.sh: regenerate docs/ (make generate) and fail when the result differs from the docs/ that was there.
#
# Compares against the working tree as it was before generating, so it behaves like `make generate && git diff
# --exit-code -- docs/` on a clean clone (CI) and also catches new, untracked pages and uncommitted edits. On failure
# docs/ is left regenerated: review it and commit it.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$root"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/batchai-docs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if [ -d docs ]; then cp -a docs "$tmp/docs"; else mkdir "$tmp/docs"; fi

make --no-print-directory generate

if ! diff -ruN "$tmp/docs" docs; then
  echo "docs-check: docs/ was out of date with the provider schema, templates/ or examples/." >&2
  echo "docs-check: 'make generate' has rewritten it (diff above); review and commit docs/. Never edit docs/ by hand." >&2
  exit 1
fi
if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  untracked=$(git -C "$root" ls-files --others --exclude-standard -- docs/)
  if [ -n "$untracked" ]; then
    echo "docs-check: note: these generated pages are not in git yet (git add them):" >&2
    while IFS= read -r f; do printf "  %s\n" "$f"; done <<<"$untracked" >&2
  fi
fi
echo "docs-check: docs/ is up to date"
