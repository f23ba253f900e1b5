#!/usr/bin/env bash
# demo.sh: the seed workflow end to end against the emulator (make demo), and its undo (make demo-destroy).
#
#   scripts/demo.sh            build the provider and the emulator into bin/, start the emulator in the background
#                              (or reuse the running one), apply examples/quickstart (a workspace and a 2-node cluster
#                              through examples/modules/batchai-cluster, and one job on it), print the nodes with
#                              their SSH commands and the job's stdout, and show that another node count plans as an
#                              in-place update
#   scripts/demo.sh destroy    destroy what the demo created, stop the emulator, remove .demo/
#
# Everything lives in .demo/: the emulator's data, pid and log, its ARM_* variables (env.sh), the CLI config, a throw-
# away SSH key, and a copy of examples/quickstart and its module, where Terraform keeps its state (refreshed from
# examples/ on every run, so the examples folder stays clean and edits to it are picked up). Nothing is downloaded:
# the CLI config has dev_overrides for the provider in bin/ and no other installation method. Works with terraform >= 1.11 and OpenTofu (the CLI comes
# from TF_ACC_TERRAFORM_PATH, set by `make`, or scripts/terraform-cli.sh).
#
# The emulator also pre-creates the resource groups the documentation's examples use (myresourcegroup and
# batchai-rg), so that they run against it as written. The hints printed at the end work as printed on a machine
# without Terraform: the CLI is named by its absolute path when it is not on PATH (OpenTofu built into the cache).
#
# Knobs: DEMO_NODE_COUNT (default 2), DEMO_PROVISIONING_DELAY (default 3s, how long a node takes to become idle),
# DEMO_JOB_DURATION (default 3s, how long the job runs once it has its node), DEMO_DIR (default .demo, where
# everything lives).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$root"

demo=${DEMO_DIR:-$root/.demo}
case $demo in /*) ;; *) demo=$root/$demo ;; esac
# shown is how messages name a path: relative to the repository when inside it, else absolute.
shown() { case $1 in "$root"/*) printf '%s' "${1#"$root"/}" ;; *) printf '%s' "$1" ;; esac; }
emu_data=$demo/emulator
emu_pid=$demo/emulator.pid
emu_log=$demo/emulator.log
env_file=$demo/env.sh
example=examples/quickstart
work=$demo/quickstart # the copy Terraform runs in; its module source ../modules/... resolves to $demo/modules
state=$work/terraform.tfstate
node_count=${DEMO_NODE_COUNT:-2}
delay=${DEMO_PROVISIONING_DELAY:-3s}
job_duration=${DEMO_JOB_DURATION:-3s}

if [ -t 1 ]; then
  bold=$'\e[1m' red=$'\e[31m' green=$'\e[32m' off=$'\e[0m' color=()
else
  bold='' red='' green='' off='' color=(-no-color) # no escape codes in CI logs and pipes
fi
step_name="starting"
step() {
  step_name=$*
  printf '\n%s==> %s%s\n' "$bold" "$*" "$off"
}
info() { printf '    %s\n' "$*"; }
die() {
  printf '%sdemo: error: %s%s\n' "$red" "$*" "$off" >&2
  exit 1
}

# On any failure: say which step broke, and show the emulator's failed requests (server-side reasons) if any.
on_exit() {
  local rc=$?
  [ "$rc" -eq 0 ] && return
  printf '\n%sdemo: FAILED during "%s" (exit status %d)%s\n' "$red" "$step_name" "$rc" "$off" >&2
  if [ -s "$emu_log" ]; then
    local failed
    failed=$(grep -E 'status=[45][0-9]{2}|level=(WARN|ERROR)' "$emu_log" | grep -v 'status=404' | tail -n 10 || true)
    if [ -n "$failed" ]; then
      printf 'demo: the emulator'"'"'s last failed requests (%s):\n' "$(shown "$emu_log")" >&2
      printf '%s\n' "$failed" | sed 's/^/    | /' >&2
    else
      printf 'demo: the emulator logged no failed request (%s); the reason is in the output above.\n' \
        "$(shown "$emu_log")" >&2
    fi
  fi
}
trap on_exit EXIT

# --- helpers ------------------------------------------------------------------------------------------------------

# emulator_running: the pid file names a live batchai-emulator (not a recycled pid).
emulator_running() {
  [ -s "$emu_pid" ] || return 1
  local pid
  pid=$(cat "$emu_pid")
  kill -0 "$pid" 2>/dev/null || return 1
  [ -r "/proc/$pid/cmdline" ] || return 0 # no procfs (macOS): trust kill -0
  # Matched in bash, not with `| grep -q`: grep -q exits at the first match, and under pipefail the writer's
  # SIGPIPE would turn that match into a failure.
  [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" == *batchai-emulator* ]]
}

find_cli() {
  if [ -z "${TF_ACC_TERRAFORM_PATH:-}" ] || [ ! -x "${TF_ACC_TERRAFORM_PATH:-}" ]; then
    local env_lines
    env_lines=$(scripts/terraform-cli.sh --print-env) || die "no Terraform CLI: scripts/terraform-cli.sh failed (above)"
    eval "$env_lines"
  fi
  tf=$TF_ACC_TERRAFORM_PATH
  # tf_cmd is how a person types the CLI: its name when PATH finds this very binary, else its absolute path
  # (the OpenTofu that scripts/terraform-cli.sh builds lives in a cache folder, not on PATH).
  tf_cmd=$tf
  local on_path
  if on_path=$(command -v "$(basename "$tf")" 2>/dev/null) && [ "$(realpath "$on_path")" = "$(realpath "$tf")" ]; then
    tf_cmd=$(basename "$tf")
  fi
  # The whole output is read, then cut to its first line: `| head -n 1` closes the pipe after one line, the
  # CLI's next write dies of SIGPIPE, and pipefail made the demo exit 141 (about one run in five).
  tf_version=$(env -u TF_CLI_CONFIG_FILE "$tf" version 2>/dev/null) || die "'$tf version' failed"
  tf_version=${tf_version%%$'\n'*}
}

build() {
  step "Building the provider and the emulator into bin/"
  command -v go >/dev/null 2>&1 || die "go is not on PATH"
  go build -o bin/terraform-provider-batchai . || die "go build of the provider failed"
  go build -o bin/batchai-emulator ./cmd/batchai-emulator || die "go build of the emulator failed"
  info "bin/terraform-provider-batchai, bin/batchai-emulator ($(go version | awk '{print $3}'))"
}

start_emulator() {
  step "Starting the Batch AI emulator (state in $(shown "$emu_data"))"
  mkdir -p "$emu_data"
  if emulator_running && [ -s "$env_file" ]; then
    info "reusing the running emulator (pid $(cat "$emu_pid"))"
  else
    [ -x bin/batchai-emulator ] || die "bin/batchai-emulator is missing: run 'make demo' (it builds it)"
    rm -f "$emu_pid" "$env_file"
    # setsid: the emulator outlives this script and is not hit by a Ctrl-C meant for terraform.
    local detach=nohup
    command -v setsid >/dev/null 2>&1 && detach=setsid
    "$detach" bin/batchai-emulator --listen 127.0.0.1:0 --data "$emu_data" --provisioning-delay "$delay" \
      --resource-group myresourcegroup --resource-group batchai-rg --job-duration "$job_duration" \
      >"$emu_log" 2>&1 </dev/null &
    echo $! >"$emu_pid"
    local i
    for i in $(seq 1 150); do
      grep -q '^export ARM_SUBSCRIPTION_ID=' "$emu_log" 2>/dev/null && break
      emulator_running || die "the emulator exited at start (log above)"
      sleep 0.2
    done
    grep -q '^export ARM_SUBSCRIPTION_ID=' "$emu_log" || die "the emulator printed no ARM_* variables within 30s"
    # Saved so that a later run, `demo.sh destroy`, or a person (`source .demo/env.sh`) can reach the same emulator.
    grep -E '^export (ARM|BATCHAI)_[A-Z_]*=' "$emu_log" >"$env_file"
    info "started: pid $(cat "$emu_pid"), log $(shown "$emu_log")"
  fi
  # shellcheck disable=SC1090
  source "$env_file"
  [ -n "${ARM_SUBSCRIPTION_ID:-}" ] || die "$env_file sets no ARM_SUBSCRIPTION_ID"
  info "endpoint https://${ARM_METADATA_HOSTNAME:-?}, subscription $ARM_SUBSCRIPTION_ID," \
    "resource groups ${BATCHAI_EMULATOR_RESOURCE_GROUP:-?}, myresourcegroup and batchai-rg"
}

# configure_cli: a CLI config with dev_overrides for bin/ only, so nothing is ever fetched from a registry.
configure_cli() {
  cat >"$demo/terraform.rc" <<EOF
# Written by scripts/demo.sh: use the provider built in bin/ and install nothing else.
provider_installation {
  dev_overrides {
    "registry.terraform.io/batchai-tf/batchai" = "$root/bin"
    "registry.opentofu.org/batchai-tf/batchai" = "$root/bin"
  }
}
EOF
  export TF_CLI_CONFIG_FILE=$demo/terraform.rc CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0
  unset TF_DATA_DIR TF_WORKSPACE TF_PLUGIN_CACHE_DIR TF_CLI_ARGS TF_CLI_ARGS_plan TF_CLI_ARGS_apply \
    TF_CLI_ARGS_destroy TERRAFORM_CONFIG
  export TF_VAR_resource_group_name=${BATCHAI_EMULATOR_RESOURCE_GROUP:?the emulator exported no BATCHAI_EMULATOR_RESOURCE_GROUP}
  export TF_VAR_admin_ssh_public_key
  TF_VAR_admin_ssh_public_key=$(ssh_public_key)
}

# ssh_public_key: a throw-away RSA key pair in .demo/ (Batch AI nodes take OpenSSH RSA keys only; the emulator
# never runs sshd, but the key is real).
ssh_public_key() {
  if [ ! -s "$demo/id_rsa.pub" ] && command -v ssh-keygen >/dev/null 2>&1; then
    ssh-keygen -q -t rsa -b 3072 -N '' -C batchai-demo -f "$demo/id_rsa" </dev/null >/dev/null
  fi
  if [ -s "$demo/id_rsa.pub" ]; then
    cat "$demo/id_rsa.pub"
  else # no ssh-keygen: a well-formed public key whose private half was thrown away
    echo "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDlSiRSUX00aNCM1dPTGzAgVJyLaUX07IgJio03USXgVm/R9iTn+PZLCWMszjaOOfuYuMiVbuMOiZio3p/4FOelLpMlQ1KgCsyXP9Hfjng7vN7la7QlPZJ/ax9xfkHdIhDYotPDZ7L5KtjkvYou7XLwOaxX26ci2jeCD5hGijGSYWC/GKJlBEBRc1ldwYkLuWDOA9UTN4Gv6aLC7JSYfX1y/k3TJKNWDgnpmtpuL7xilSOYkuM1QlaR4P8zyKT+0e8qqxHCwrAwx3j9ftf/ZGmPPp6oK3IvuSIIFCrUy5MqJuDcCX0UbfeSdv4x6CtmLj49YJWIOeczylr5j8ggBQHN batchai-demo"
  fi
}

tfc() { "$tf" -chdir="$work" "$@"; }

# sync_config copies examples/quickstart and its module into .demo/, keeping the state that is already there.
sync_config() {
  [ -f "$example/main.tf" ] || die "$example/main.tf is missing"
  mkdir -p "$work" "$demo/modules"
  find "$work" -maxdepth 1 -name '*.tf' -delete
  cp "$example"/*.tf "$work/"
  rm -rf "$demo/modules/batchai-cluster"
  cp -R examples/modules/batchai-cluster "$demo/modules/"
  # `get` installs the local module; with dev_overrides the provider needs no `init`.
  tfc get "${color[@]}" >/dev/null || die "$tf get failed in $(shown "$work")"
}

# --- commands -----------------------------------------------------------------------------------------------------

demo_up() {
  mkdir -p "$demo"
  find_cli
  build
  start_emulator
  configure_cli

  step "Applying $example with $tf_version (node_count=$node_count)"
  sync_config
  info "CLI config $(shown "$TF_CLI_CONFIG_FILE") (dev_overrides -> bin/), state $(shown "$state")"
  tfc apply "${color[@]}" -auto-approve -var "node_count=$node_count" ||
    die "$tf apply failed in $example (its output is above)"

  step "The cluster's nodes (az batchai cluster node list, then ssh user@ip -p port)"
  tfc output -raw nodes_table || die "could not read the nodes_table output"
  echo
  local count
  count=$(tfc output -json ssh_commands | grep -o '"ssh [^"]*"' | wc -l)
  [ "$count" -eq "$node_count" ] || die "expected $node_count nodes with SSH commands, the outputs list $count"
  info "${green}$count nodes listed, each with its SSH command.${off}"

  step "The job's stdout (az batchai job file stream -f stdout.txt), read back through an ephemeral resource"
  local stdout=$work/hello-stdout.txt
  [ -s "$stdout" ] || die "the job's stdout was not saved to $(shown "$stdout")"
  sed 's/^/    | /' "$stdout"
  local job_state
  job_state=$(tfc output -json hello_job | grep -o '"state":"[a-z]*"') || die "could not read the hello_job output"
  [ "$job_state" = '"state":"succeeded"' ] || die "the job is not succeeded: $job_state"
  grep -q '^Hello from a Batch AI job' "$stdout" || die "the job's stdout does not greet: $(cat "$stdout")"
  info "${green}The job succeeded (exit code $(tfc output -json hello_job | grep -o '"exit_code":[0-9]*' | cut -d: -f2)); its download URL was never stored.${off}"
  info "A job runs once: '$tf_cmd -chdir=$(shown "$work") apply -replace=batchai_job.hello' runs it again."

  step "A plan with the applied settings is empty (terraform plan -detailed-exitcode: 0 = no changes)"
  local rc=0
  tfc plan -var "node_count=$node_count" -detailed-exitcode -no-color >"$demo/plan-same.log" 2>&1 ||
    rc=$?
  if [ "$rc" -ne 0 ]; then
    cat "$demo/plan-same.log" >&2
    die "the re-plan after apply exited $rc (expected 0: no changes)"
  fi
  grep -E '^No changes' "$demo/plan-same.log" | sed 's/^/    /'

  local new=$((node_count + 1))
  step "Changing the node count to $new plans an in-place update, not a replacement"
  rc=0
  tfc plan -var "node_count=$new" -detailed-exitcode -no-color >"$demo/plan-resize.log" 2>&1 ||
    rc=$?
  if [ "$rc" -ne 2 ]; then
    cat "$demo/plan-resize.log" >&2
    die "plan with node_count=$new exited $rc (expected 2: changes present)"
  fi
  grep -E 'will be updated in-place|target_node_count|must be replaced|will be read during apply|^Plan:' \
    "$demo/plan-resize.log" | sed 's/^/    /'
  grep -q 'batchai_cluster.this will be updated in-place' "$demo/plan-resize.log" ||
    die "the cluster is not planned as an in-place update (full plan: $(shown "$demo")/plan-resize.log)"
  grep -q 'must be replaced' "$demo/plan-resize.log" &&
    die "the resize plans a replacement (full plan: $(shown "$demo")/plan-resize.log)"
  grep -q '^Plan: 0 to add, 1 to change, 0 to destroy' "$demo/plan-resize.log" ||
    die "expected 'Plan: 0 to add, 1 to change, 0 to destroy' (full plan: $(shown "$demo")/plan-resize.log)"
  info "${green}In place: '$tf_cmd apply -var node_count=$new' would resize the cluster; nothing is recreated.${off}"

  step "Done"
  local destroy_cmd="make demo-destroy"
  [ -z "${DEMO_DIR:-}" ] || destroy_cmd="DEMO_DIR=$(shown "$demo") make demo-destroy"
  cat <<EOF
    The workspace, the cluster and the job are in the emulator (pid $(cat "$emu_pid")).
    Explore by hand:   source $(shown "$env_file")   # ARM_*, TF_CLI_CONFIG_FILE, TF_VAR_*
                       $tf_cmd -chdir=$(shown "$work") output
                       $tf_cmd -chdir=$(shown "$work") apply -var node_count=0   # park the cluster
    Tear it all down:  $destroy_cmd
EOF
  # Extend env.sh so that the commands above work in a new shell exactly as they did here.
  grep -q '^export TF_CLI_CONFIG_FILE=' "$env_file" || cat >>"$env_file" <<EOF
export TF_CLI_CONFIG_FILE='$TF_CLI_CONFIG_FILE'
export CHECKPOINT_DISABLE=1
export TF_VAR_resource_group_name='$TF_VAR_resource_group_name'
export TF_VAR_admin_ssh_public_key='$TF_VAR_admin_ssh_public_key'
EOF
}

demo_destroy() {
  if [ ! -d "$demo" ]; then
    step "Nothing to destroy"
    info "no $(shown "$demo")/ folder: the demo is not running"
    return 0
  fi
  if [ -s "$state" ] && grep -q '"type": "batchai_' "$state"; then
    find_cli
    [ -x bin/batchai-emulator ] && [ -x bin/terraform-provider-batchai ] || build
    start_emulator
    configure_cli
    step "Destroying what the demo created ($tf_version)"
    sync_config
    tfc destroy "${color[@]}" -auto-approve -var "node_count=$node_count" ||
      die "$tf destroy failed; the emulator is still running (pid $(cat "$emu_pid")), run 'make demo-destroy' again"
  else
    step "No Terraform state with Batch AI resources in $(shown "$demo")/: nothing to destroy"
  fi

  step "Stopping the emulator"
  if emulator_running; then
    local pid i
    pid=$(cat "$emu_pid")
    kill -TERM "$pid"
    for i in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -0 "$pid" 2>/dev/null && die "the emulator (pid $pid) did not stop within 10s of SIGTERM"
    info "stopped pid $pid"
  else
    info "not running"
  fi
  rm -rf "$demo"
  info "${green}removed $(shown "$demo")/: everything the demo made is gone.${off}"
}

case "${1:-up}" in
up) demo_up ;;
destroy) demo_destroy ;;
-h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p;}' "${BASH_SOURCE[0]}" ;;
*) die "unknown command '$1' (use: scripts/demo.sh [up|destroy])" ;;
esac
