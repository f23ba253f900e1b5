#!/usr/bin/env bash
# docs-check.sh: fail when docs/ is not what `make generate` would make of the provider's schema, templates/ and
# examples/: a stale, missing or extra page. It never writes the tree: it generates into a copy of templates/ and
# examples/ (scripts/generate-docs.sh, the same steps as `make generate`) and compares that with docs/ as it is,
# uncommitted edits included. CI also runs `make generate && git diff --exit-code` on its clean clone (.ci/run).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$root"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/batchai-docs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cp -a examples "$tmp/examples"
if [ -d templates ]; then cp -a templates "$tmp/templates"; fi
if [ -d docs ]; then cp -a docs "$tmp/committed"; else mkdir "$tmp/committed"; fi

scripts/generate-docs.sh "$tmp" >"$tmp/generate.log" 2>&1 || {
  cat "$tmp/generate.log" >&2
  echo "docs-check: generating the docs failed (output above)." >&2
  exit 1
}

if ! diff -ruN "$tmp/committed" "$tmp/docs" >"$tmp/docs.diff"; then
  sed -e "s|$tmp/committed|docs|g" -e "s|$tmp/docs|generated|g" "$tmp/docs.diff"
  echo "docs-check: docs/ is out of date with the provider schema, templates/ or examples/ (diff above: - is docs/," >&2
  echo "docs-check: + is what \`make generate\` makes). Run \`make generate\` and commit docs/. Never edit docs/ by hand." >&2
  exit 1
fi
untracked=$(git -C "$root" ls-files --others --exclude-standard -- docs/ 2>/dev/null || true)
if [ -n "$untracked" ]; then
  echo "docs-check: note: these generated pages are not in git yet (git add them; CI fails without them):" >&2
  while IFS= read -r f; do printf "  %s\n" "$f"; done <<<"$untracked" >&2
fi
echo "docs-check: docs/ is up to date"
