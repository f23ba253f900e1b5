# terraform-cli-build.sh: build OpenTofu or Terraform from the Go module proxy, with progress. Sourced by
# scripts/terraform-cli.sh (not run on its own); every function here runs in a subshell of its caller.
#
# Nothing but the Go module proxy is used: `go mod download` fetches the CLI's module, `go list -deps` the modules its
# build needs (GOTOOLCHAIN=local, so no Go toolchain is fetched either), `go build` compiles them. Each build is in a
# temporary copy, under a lock per cache folder, and only a binary that reports the wanted version is moved into
# the cache. Progress goes to stderr at least every _batchai_tf_progress_every seconds; the whole log of a build is
# kept in the cache folder as build.log.

# How often a running phase prints a progress line, in seconds.
_batchai_tf_progress_every=15

# Measured on a machine of this project's kind (2 cores shared with other builds, load average 5 to 8, Go 1.26), from
# an empty module cache (GOMODCACHE), build cache (GOCACHE) and tools cache; "warm" is a rebuild with both Go caches
# filled. Printed before a build starts; the compile phase then also projects its own rate.
_batchai_tf_estimate_tofu='cold about 9 min (modules 45 s, compile 8 min 15 s); warm about 10 s'
_batchai_tf_estimate_terraform='cold about 6 min (modules 30 s, compile 5 min 10 s); warm about 10 s'

# Terraform's module zip on the proxy leaves out the nested modules that its go.mod `replace`s with local folders.
# These are the ones v1.14 and v1.15 leave out; the patch below works out the list from go.mod itself, and this one
# is only compared with it, so that a new version that leaves out something else is reported before it is built.
_batchai_tf_terraform_expected_missing='
github.com/hashicorp/terraform/internal/backend/remote-state/azure
github.com/hashicorp/terraform/internal/backend/remote-state/consul
github.com/hashicorp/terraform/internal/backend/remote-state/cos
github.com/hashicorp/terraform/internal/backend/remote-state/gcs
github.com/hashicorp/terraform/internal/backend/remote-state/kubernetes
github.com/hashicorp/terraform/internal/backend/remote-state/oci
github.com/hashicorp/terraform/internal/backend/remote-state/oss
github.com/hashicorp/terraform/internal/backend/remote-state/pg
github.com/hashicorp/terraform/internal/backend/remote-state/s3
github.com/hashicorp/terraform/internal/legacy
'

# _batchai_tf_elapsed START: print the time since START (seconds since the epoch) as "3m07s".
_batchai_tf_elapsed() {
  local s=$(($(date +%s) - $1))
  printf '%dm%02ds' $((s / 60)) $((s % 60))
}

# _batchai_tf_watch LOG START TOTAL FORMAT PATTERN1 [PATTERN2]: copy stdin to LOG and count the lines that match
# each extended regular expression; every _batchai_tf_progress_every seconds, and at the end, print the time since
# START and FORMAT (a printf format with one %d per pattern). When TOTAL (the most lines PATTERN1 can match) is set,
# a line also says how long the rest takes at the rate so far, once a tenth is done. `read -t` is the clock, so that
# a phase that prints nothing for minutes still gets its progress lines.
_batchai_tf_watch() {
  local log=$1 start=$2 total=$3 format=$4 p1=$5 p2=${6:-}
  local n1=0 n2=0 line partial='' last rc eof='' counts left phase_start
  phase_start=$(date +%s) last=$phase_start
  while [ -z "$eof" ]; do
    if IFS= read -r -t 3 line; then
      line=$partial$line partial=''
    else
      rc=$?
      if [ "$rc" -gt 128 ]; then
        # Timed out, possibly in the middle of a line: keep what was read for the next round.
        partial=$partial$line line=''
      else
        line=$partial$line partial='' eof=yes
      fi
    fi
    if [ -n "$line" ]; then
      printf '%s\n' "$line" >>"$log"
      if [[ $line =~ $p1 ]]; then n1=$((n1 + 1)); fi
      if [ -n "$p2" ] && [[ $line =~ $p2 ]]; then n2=$((n2 + 1)); fi
    fi
    if [ -n "$eof" ] || [ $(($(date +%s) - last)) -ge "$_batchai_tf_progress_every" ]; then
      last=$(date +%s)
      # shellcheck disable=SC2059 # the format is the caller's.
      if [ -n "$p2" ]; then counts=$(printf "$format" "$n1" "$n2"); else counts=$(printf "$format" "$n1"); fi
      left=''
      if [ -z "$eof" ] && [ -n "$total" ] && [ "$n1" -gt 0 ] && [ $((n1 * 10)) -ge "$total" ]; then
        left=$(((last - phase_start) * (total - n1) / n1))
        left=", about $(((left + 59) / 60)) min left at this rate"
      fi
      _batchai_tf_log "  $(_batchai_tf_elapsed "$start"): $counts$left${eof:+ (phase done)}"
    fi
  done
}

# _batchai_tf_go: run go for a build: outside any workspace, no VCS stamping, no toolchain download.
_batchai_tf_go() {
  GOWORK=off GOTOOLCHAIN=local GOFLAGS="-mod=mod -buildvcs=false" CGO_ENABLED=0 go "$@"
}

# _batchai_tf_fetch_source MODULE VERSION TMP: download MODULE@VERSION alone, outside any module (so that no go.mod
# or go.sum can change), and copy its source to TMP/src, writable (the module cache is read-only).
_batchai_tf_fetch_source() {
  local module=$1 version=$2 tmp=$3 json src
  if ! json=$(cd "$tmp" && _batchai_tf_go mod download -json "$module@$version" 2>"$tmp/download.err"); then
    _batchai_tf_fail "go mod download $module@$version failed (is the Go module proxy reachable? GOPROXY=$(go env GOPROXY)): $(cat "$tmp/download.err") $json"
    return 1
  fi
  src=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir":[[:space:]]*"\(.*\)",\{0,1\}$/\1/p' | sed -n 1p)
  if [ -z "$src" ] || [ ! -d "$src" ]; then
    _batchai_tf_fail "go mod download gave no module folder for $module@$version: $json"
    return 1
  fi
  _batchai_tf_log "module source: $src"
  cp -r "$src" "$tmp/src" && chmod -R u+w "$tmp/src"
}

# _batchai_tf_compile NAME TMP LOG PKG OUT LDFLAGS: download what PKG in TMP/src needs and build it into OUT, with
# progress lines. On failure, the end of LOG is printed.
_batchai_tf_compile() {
  local name=$1 tmp=$2 log=$3 pkg=$4 out=$5 ldflags=$6 start total
  start=$(date +%s)
  # `go list -deps` downloads exactly the modules the build needs (`go mod download` would fetch every module the
  # go.mod requires, about twice as many for Terraform) and lists every package of the build, which gives the
  # compile phase its total. -x makes each fetch visible.
  _batchai_tf_log "downloading the modules $name needs (a warm module cache skips this)..."
  if ! (cd "$tmp/src" && _batchai_tf_go list -x -deps -f '{{.ImportPath}}' "$pkg" 2>&1 >"$tmp/packages") |
    _batchai_tf_watch "$log" "$start" '' 'modules downloaded: %d (go.mod files fetched: %d)' \
      '^go: downloading ' '^# get .*\.mod: 200 OK'; then
    tail -n 20 "$log" >&2
    _batchai_tf_fail "downloading the modules of $name failed (output above; whole log in $log)"
    return 1
  fi

  # Every package of the build, standard library included, is an upper bound: `go build -v` names only the
  # packages it compiles, not the ones already in the build cache.
  total=$(wc -l <"$tmp/packages")
  _batchai_tf_log "compiling $name ($total packages; a warm build cache skips most)..."
  if ! (cd "$tmp/src" && _batchai_tf_go build -v -trimpath -ldflags "$ldflags" -o "$out" "$pkg" 2>&1) |
    _batchai_tf_watch "$log" "$start" "$total" "packages compiled: %d of up to $total" '^[[:alnum:]_.~+/-]+$'; then
    grep -v -E '^[[:alnum:]_.~+/-]+$' "$log" | tail -n 40 >&2
    _batchai_tf_fail "go build of $name failed (compiler output above; whole log in $log)"
    return 1
  fi
}

# _batchai_tf_build KIND VERSION DEST: build OpenTofu (KIND tofu) or Terraform (KIND terraform) VERSION into DEST,
# unless DEST already reports VERSION. Runs in a subshell so that `set -e` and traps stay out of a sourcing shell.
_batchai_tf_build() (
  set -euo pipefail
  kind=$1 v=$2 dest=$3
  dest_dir=$(dirname "$dest")
  case "$kind" in
  tofu) name="OpenTofu v$v" module=github.com/opentofu/opentofu pkg=./cmd/tofu estimate=$_batchai_tf_estimate_tofu ;;
  terraform) name="Terraform v$v" module=github.com/hashicorp/terraform pkg=. estimate=$_batchai_tf_estimate_terraform ;;
  *) _batchai_tf_fail "unknown CLI kind '$kind'"; exit 1 ;;
  esac
  mkdir -p "$dest_dir" || { _batchai_tf_fail "cannot create cache folder $dest_dir"; exit 1; }

  # One build at a time (parallel `make` runs, several checkouts sharing the cache).
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$dest_dir/.lock"
    if ! flock -n 9; then
      _batchai_tf_log "waiting for another build of $name to finish (lock $dest_dir/.lock)..."
      flock 9
    fi
  fi
  if _batchai_tf_is "$kind" "$v" "$dest"; then
    exit 0
  fi
  if [ -e "$dest" ]; then
    _batchai_tf_log "the cached $dest does not report $name: rebuilding it"
  fi

  command -v go >/dev/null 2>&1 || { _batchai_tf_fail "go is not on PATH; it is needed to build $name"; exit 1; }
  _batchai_tf_log "building $name from the Go module proxy, once: $estimate"
  start=$(date +%s)
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/batchai-$kind-build.XXXXXX")
  # Interrupted or not, the temporary copy goes (EXIT traps do not run on a signal unless the signal exits).
  trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  log="$dest_dir/build.log"
  : >"$log"

  _batchai_tf_fetch_source "$module" "v$v" "$tmp" || exit 1
  ldflags="-s -w -X $module/version.dev=no"
  if [ "$kind" = terraform ]; then
    _batchai_tf_patch_terraform "$tmp/src" || exit 1
  fi
  _batchai_tf_compile "$name" "$tmp" "$log" "$pkg" "$tmp/cli" "$ldflags" || exit 1

  if ! _batchai_tf_is "$kind" "$v" "$tmp/cli"; then
    _batchai_tf_fail "the freshly built CLI reports '$(_batchai_tf_version "$tmp/cli" || echo none)', want $name"
    exit 1
  fi
  mv -f "$tmp/cli" "$dest"
  _batchai_tf_log "built $name in $(_batchai_tf_elapsed "$start"): $dest"
)

# _batchai_tf_patch_terraform SRC: make Terraform's module source buildable without the nested modules its zip
# leaves out. For each module that go.mod replaces with a local folder that is missing: drop its require and
# replace lines; if it is a state backend, drop its import and its one entry in internal/backend/init/init.go;
# remove the test files that import it. Anything else that imports it, or any count that differs from that shape,
# stops the build with a message that names it: a newer Terraform needs this patch reviewed, not guessed.
_batchai_tf_patch_terraform() {
  local src=$1 init=internal/backend/init/init.go missing=() mod rel alias importers f n problems=()
  while read -r mod rel; do
    [ -d "$src/$rel" ] || missing+=("$mod")
  done < <(awk '
    /^replace[ \t]*\(/ { block = 1; next }
    block && /^\)/ { block = 0; next }
    block && $2 == "=>" && $3 ~ /^\.\.?\// { print $1, $3; next }
    /^replace[ \t]/ && $3 == "=>" && $4 ~ /^\.\.?\// { print $2, $4 }
  ' "$src/go.mod")

  local want got
  want=$(printf '%s\n' $_batchai_tf_terraform_expected_missing | sort)
  got=$(printf '%s\n' "${missing[@]}" | sort)
  if [ "$want" != "$got" ]; then
    local extra gone
    extra=$(comm -13 <(printf '%s\n' "$want") <(printf '%s\n' "$got") | sed '/^$/d' | tr '\n' ' ')
    gone=$(comm -23 <(printf '%s\n' "$want") <(printf '%s\n' "$got") | sed '/^$/d' | tr '\n' ' ')
    _batchai_tf_fail "the nested modules missing from this Terraform's module zip are not the expected ones (review _batchai_tf_patch_terraform in scripts/terraform-cli-build.sh): missing but not expected: ${extra:-none}; expected but not missing (present, or no longer replaced): ${gone:-none}"
    return 1
  fi
  [ -f "$src/$init" ] || { _batchai_tf_fail "Terraform's $init is not where it used to be: the backend patch cannot be applied"; return 1; }

  for mod in "${missing[@]}"; do
    # go.mod: exactly one require line and one replace line.
    n=$(awk -v m="$mod" '($1 == m || ($1 == "require" && $2 == m)) && !/=>/' "$src/go.mod" | wc -l)
    [ "$n" -eq 1 ] || problems+=("go.mod has $n require lines for $mod, want 1")
    n=$(awk -v m="$mod" '/=>/ && ($1 == m || ($1 == "replace" && $2 == m))' "$src/go.mod" | wc -l)
    [ "$n" -eq 1 ] || problems+=("go.mod has $n replace lines for $mod, want 1")
    awk -v m="$mod" '!($1 == m || (($1 == "require" || $1 == "replace") && $2 == m))' "$src/go.mod" >"$src/go.mod.new"
    mv -f "$src/go.mod.new" "$src/go.mod"

    # Go files that import the module (or a package inside it).
    importers=$(cd "$src" && grep -rlE --include='*.go' "\"$mod(/[^\"]*)?\"" . | sed 's|^\./||' | sort) || importers=''
    for f in $importers; do
      case "$f" in
      "$init")
        # One import line `alias "module"` and one registry line that calls alias.New(...).
        alias=$(sed -n -E "s|^[[:space:]]*([[:alnum:]_]+)[[:space:]]+\"$mod\"[[:space:]]*\$|\1|p" "$src/$init")
        if [ -z "$alias" ] || [ "$(printf '%s\n' "$alias" | wc -l)" -ne 1 ]; then
          problems+=("$init: no single named import of $mod")
          continue
        fi
        n=$(grep -cE "[^[:alnum:]_.]$alias\.New\(" "$src/$init") || n=0
        if [ "$n" -ne 1 ]; then
          problems+=("$init: $n uses of $alias.New(...) for $mod, want 1 registry entry")
          continue
        fi
        grep -vE "(\"$mod\"[[:space:]]*\$|[^[:alnum:]_.]$alias\.New\()" "$src/$init" >"$src/$init.new"
        mv -f "$src/$init.new" "$src/$init"
        ;;
      *_test.go) rm -f "$src/$f" ;;
      *) problems+=("$f imports $mod, which this Terraform's module zip does not contain") ;;
      esac
    done
  done

  # Nothing may still refer to a dropped module. (sed -n 1,5p, here and above, reads to the end: head stops
  # early, and pipefail turns grep's SIGPIPE into a failure that hid exactly the case of many references.)
  for mod in "${missing[@]}"; do
    if f=$(cd "$src" && grep -rlE --include='*.go' --include=go.mod "$mod([/\" ]|\$)" . | sed -n 1,5p) && [ -n "$f" ]; then
      problems+=("still referring to $mod after the patch: $(printf '%s' "$f" | tr '\n' ' ')")
    fi
  done
  if [ ${#problems[@]} -gt 0 ]; then
    _batchai_tf_fail "cannot patch this Terraform's source for a build from the module proxy (review _batchai_tf_patch_terraform in scripts/terraform-cli-build.sh): $(printf '%s; ' "${problems[@]}")"
    return 1
  fi
  _batchai_tf_log "patched the source: dropped ${#missing[@]} nested modules the module zip leaves out (state backends other than local, remote, cloud, http and inmem; internal/legacy)"
}
