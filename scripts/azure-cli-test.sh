#!/usr/bin/env bash
# azure-cli-test.sh: Microsoft's own clients against a fresh emulator (make test-azure-cli, one step of make test).
#
# Drives unmodified `az` (Debian's azure-cli 2.45, with `az batchai`) through both forms of `az cloud register`,
# `az login --service-principal`, the seed document's commands (workspace create; cluster create, show --query, list,
# node list -c, resize --target 0, delete; group delete and its cascade), experiments and jobs (job create -f, wait
# with the job's exit code, show, file list, file stream, node list, terminate, delete), the reader principal's 403s
# and the refused other subscription; then the same lifecycle through azure-mgmt-batchai's pollers (scripts/azure-sdk-lifecycle.py);
# then the provider with use_cli = true (subscription from `az account show`, token from `az account
# get-access-token`) in the mixed workflow of the guide "Drive the emulator with the Azure CLI": create with az,
# import into Terraform, resize with az, detect it with `terraform plan -detailed-exitcode`.
#
# When `az` is missing it is installed with apt-get (root only, non-interactive; CI runs as root on Debian).
# Everything lives in a throw-away directory: the emulator's data, every AZURE_CONFIG_DIR, HOME (so that
# --generate-ssh-keys writes there), the Terraform configuration and CLI config. It takes about a minute once the
# CLI is installed. Knobs: AZURE_CLI_TEST_KEEP=1 keeps the directory; TF_ACC_TERRAFORM_PATH (set by make) names the
# Terraform CLI, else scripts/terraform-cli.sh finds one.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$root"
python=/usr/bin/python3 # Debian's, with python3-azure: a pyenv or venv python3 on PATH lacks the SDK

work=$(mktemp -d "${TMPDIR:-/tmp}/batchai-azure-cli.XXXXXX")
emu_pid=""
step_name="starting"
checks=0

step() {
  step_name=$*
  printf '==> [%3ds] %s\n' "$SECONDS" "$*"
}
pass() {
  checks=$((checks + 1))
  printf '    ok  %s\n' "$*"
}
die() {
  printf 'azure-cli-test: FAIL: %s\n' "$*" >&2
  exit 1
}

cleanup() {
  local rc=$?
  if [ -n "$emu_pid" ] && kill -0 "$emu_pid" 2>/dev/null; then
    kill -TERM "$emu_pid" 2>/dev/null || true
    wait "$emu_pid" 2>/dev/null || true
  fi
  if [ "$rc" -ne 0 ]; then
    printf 'azure-cli-test: FAILED during "%s" (exit status %d); files in %s\n' "$step_name" "$rc" "$work" >&2
    if [ -s "$work/emulator.log" ]; then
      printf 'azure-cli-test: the emulator'"'"'s last 4xx/5xx answers:\n' >&2
      grep -E 'status=[45][0-9]{2}' "$work/emulator.log" | tail -n 8 | sed 's/^/    | /' >&2 || true
    fi
  elif [ "${AZURE_CLI_TEST_KEEP:-}" = 1 ]; then
    printf 'azure-cli-test: files kept in %s\n' "$work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

# --- the Azure CLI --------------------------------------------------------------------------------------------------

ensure_az() {
  step "Azure CLI"
  if ! command -v az >/dev/null 2>&1 || ! "$python" -c 'import azure.mgmt.batchai, azure.identity' 2>/dev/null; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
      die "az (Debian's azure-cli, with python3-azure) is missing, and only root with apt-get can install it here:" \
        "run 'sudo apt-get install -y azure-cli', then this again"
    fi
    printf '    az is missing: installing Debian'"'"'s azure-cli with apt-get (one time, a few minutes)\n'
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -q azure-cli >"$work/apt.log" 2>&1; then
      apt-get update -q >>"$work/apt.log" 2>&1 || true
      apt-get install -y -q azure-cli >>"$work/apt.log" 2>&1 ||
        { tail -n 20 "$work/apt.log" >&2; die "apt-get install azure-cli failed (above)"; }
    fi
  fi
  local version
  version=$(az version --query '"azure-cli"' -o tsv 2>/dev/null) || die "az version failed"
  case $version in
    2.45.*) pass "az $version ($(command -v az))" ;;
    *) printf '    note: az %s; this test was written against Debian'"'"'s 2.45\n' "$version" ;;
  esac
}

# --- the emulator ---------------------------------------------------------------------------------------------------

start_emulator() {
  step "Building and starting a fresh emulator"
  mkdir -p "$work/bin" "$work/home"
  go build -o "$work/bin/batchai-emulator" ./cmd/batchai-emulator
  go build -o "$work/bin/terraform-provider-batchai" .
  # Pages of two make every list of two or more follow a nextLink.
  "$work/bin/batchai-emulator" --listen 127.0.0.1:0 --data "$work/emulator" --page-size 2 \
    --provisioning-delay 1s --operation-delay 1s --retry-after 1s --job-duration 2s >"$work/exports.sh" 2>"$work/emulator.log" &
  emu_pid=$!
  local info=$work/emulator/emulator.json deadline=$((SECONDS + 30))
  until [ -s "$info" ]; do
    kill -0 "$emu_pid" 2>/dev/null || { cat "$work/emulator.log" >&2; die "the emulator exited at start"; }
    [ "$SECONDS" -lt "$deadline" ] || die "the emulator wrote no emulator.json within 30s"
    sleep 0.1
  done
  # EMU_ENDPOINT, EMU_ADFS_AUTHORITY, EMU_CLIENT_ID, ... from emulator.json.
  eval "$("$python" -c 'import json, shlex, sys
for k, v in json.load(open(sys.argv[1])).items(): print("EMU_%s=%s" % (k.upper(), shlex.quote(str(v))))' "$info")"
  pass "emulator at $EMU_ENDPOINT (AD FS-style authority $EMU_ADFS_AUTHORITY)"
}

# azx CONFIG_DIR ARGS...: az with its own throw-away configuration, trusting only the emulator's CA, with nothing
# from the caller's Azure environment.
azx() {
  local dir=$1
  shift
  env -u AZURE_CLIENT_ID -u AZURE_CLIENT_SECRET -u AZURE_TENANT_ID -u AZURE_SUBSCRIPTION_ID -u AZURE_DEFAULTS_GROUP \
    AZURE_CONFIG_DIR="$work/$dir" HOME="$work/home" REQUESTS_CA_BUNDLE="$EMU_CA_CERTIFICATE" \
    AZURE_CORE_ONLY_SHOW_ERRORS=true AZURE_CORE_COLLECT_TELEMETRY=false AZURE_CORE_NO_COLOR=true \
    AZURE_CORE_SURVEY_MESSAGE=false NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost \
    az "$@"
}

# expect_refused CONFIG_DIR CODE TEXT ARGS...: the az command fails, and its error names CODE and TEXT.
expect_refused() {
  local dir=$1 code=$2 text=$3 out
  shift 3
  if out=$(azx "$dir" "$@" 2>&1); then
    die "az $* succeeded; it must be refused with $code"
  fi
  case $out in
    *"$code"*"$text"*) pass "az $* refused: $code ... $text" ;;
    *) die "az $* failed without $code and '$text': $out" ;;
  esac
}

# equal WHAT GOT WANT
equal() {
  [ "$2" = "$3" ] || die "$1: got '$2', want '$3'"
  pass "$1: $2"
}

# poll WHAT CMD...: runs CMD until it succeeds, for at most 60 s (the emulator's state, not a fixed sleep).
poll() {
  local what=$1 deadline=$((SECONDS + 60))
  shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || die "$what: not reached within 60s"
    sleep 0.3
  done
  pass "$what"
}

login() {
  local dir=$1 client=$2 secret=$3
  azx "$dir" login --service-principal --username "$client" --password="$secret" --tenant "$EMU_TENANT_ID" -o none
}

# --- the steps ------------------------------------------------------------------------------------------------------

register_both_forms() {
  step "az cloud register, short form (reads /metadata/endpoints?api-version=2015-01-01), and az login"
  azx az-short cloud register -n batchai-emulator --endpoint-resource-manager "$EMU_ENDPOINT"
  azx az-short cloud set -n batchai-emulator
  equal "active directory endpoint from the metadata" \
    "$(azx az-short cloud show --query endpoints.activeDirectory -o tsv)" "$EMU_ADFS_AUTHORITY"
  login az-short "$EMU_CLIENT_ID" "$EMU_CLIENT_SECRET"
  equal "az account show (subscription)" "$(azx az-short account show --query id -o tsv)" "$EMU_SUBSCRIPTION_ID"

  step "az cloud register, full form, and az login"
  azx az-full cloud register -n batchai-emulator-full --endpoint-resource-manager "$EMU_ENDPOINT/" \
    --endpoint-active-directory "$EMU_ADFS_AUTHORITY" --endpoint-active-directory-resource-id "$EMU_AUDIENCE" \
    --endpoint-active-directory-graph-resource-id https://graph.windows.net/ --suffix-storage-endpoint core.windows.net
  azx az-full cloud set -n batchai-emulator-full
  login az-full "$EMU_CLIENT_ID" "$EMU_CLIENT_SECRET"
  equal "az group show (the default resource group)" \
    "$(azx az-full group show -n "$EMU_RESOURCE_GROUP" --query name -o tsv)" "$EMU_RESOURCE_GROUP"
}

seed_commands() {
  step "The seed document's commands"
  local g=seed-rg w=seed-ws
  azx az-short group create -n "$g" -l eastus -o none
  azx az-short batchai workspace create -g "$g" -n "$w" -o none
  pass "az batchai workspace create"
  azx az-short batchai cluster create --name mycluster --workspace "$w" --resource-group "$g" \
    --vm-size Standard_NC6 --target 1 --generate-ssh-keys -o none
  [ -s "$work/home/.ssh/id_rsa.pub" ] || die "--generate-ssh-keys wrote no key"
  pass "az batchai cluster create --target 1 --generate-ssh-keys"
  # Matched in bash: `| grep -q` exits at the match, and pipefail turns az's SIGPIPE on a later write into a failure.
  [[ "$(azx az-short batchai cluster show -n mycluster -w "$w" -g "$g" -o table)" == *mycluster* ]] ||
    die "cluster show -o table does not list mycluster"
  pass "az batchai cluster show -o table"
  equal "cluster show --query" "$(azx az-short batchai cluster show -n mycluster -w "$w" -g "$g" \
    --query '[vmSize, scaleSettings.manual.targetNodeCount]' -o tsv | tr '\t\n' '  ' | sed 's/ *$//')" "Standard_NC6 1"
  # The seed's storage query: without --use-auto-storage (which needs Microsoft.Storage) there is no share.
  equal "cluster show --query (the seed's auto-storage account)" "$(azx az-short batchai cluster show -n mycluster \
    -w "$w" -g "$g" --query 'nodeSetup.mountVolumes.azureFileShares[0].{storageAccountName:accountName}' -o tsv)" ""
  equal "az batchai cluster list" "$(azx az-short batchai cluster list -w "$w" -g "$g" --query '[].name' -o tsv)" mycluster
  one_node() { [ "$(azx az-short batchai cluster node list -c mycluster -w "$w" -g "$g" --query '[?port].nodeId' -o tsv | wc -l)" = 1 ]; }
  poll "az batchai cluster node list -c: one node with its SSH port" one_node
  azx az-short batchai cluster resize -n mycluster -g "$g" -w "$w" --target 0 -o none
  no_node() {
    [ "$(azx az-short batchai cluster show -n mycluster -w "$w" -g "$g" --query '[allocationState, currentNodeCount]' \
      -o tsv | tr '\t\n' '  ')" = "steady 0 " ]
  }
  poll "az batchai cluster resize --target 0: steady with no node" no_node
  azx az-short batchai cluster delete -n mycluster -g "$g" -w "$w" -y
  equal "az batchai cluster delete, then list" "$(azx az-short batchai cluster list -w "$w" -g "$g" --query 'length(@)' -o tsv)" 0

  step "az group delete deletes the clusters in it"
  azx az-short batchai cluster create --name autoscale --workspace "$w" --resource-group "$g" --vm-size Standard_NC6 \
    --vm-priority lowpriority --min 0 --max 4 -u adminuser -k "$work/home/.ssh/id_rsa.pub" -o none
  pass "az batchai cluster create --vm-priority lowpriority --min 0 --max 4"
  azx az-short group delete -n "$g" -y
  equal "az group exists after az group delete" "$(azx az-short group exists -n "$g")" false
  expect_refused az-short ResourceGroupNotFound "$g" batchai cluster show -n autoscale -w "$w" -g "$g"
}

job_commands() {
  step "Experiments and jobs: az batchai experiment and job commands"
  local g=jobs-rg w=jobs-ws e=exp1 rc
  azx az-short group create -n "$g" -l eastus -o none
  azx az-short batchai workspace create -g "$g" -n "$w" -o none
  azx az-short batchai cluster create -n c1 -w "$w" -g "$g" --vm-size Standard_NC6 --target 1 -u azureuser \
    -k "$work/home/.ssh/id_rsa.pub" -o none
  azx az-short batchai experiment create -n "$e" -w "$w" -g "$g" -o none
  equal "az batchai experiment list" "$(azx az-short batchai experiment list -w "$w" -g "$g" --query '[].name' -o tsv)" "$e"
  # The emulator's conventions (README): echo prints, exit N fails with N, sleep N lasts N seconds.
  job_file() {
    cat >"$work/$1.json" <<EOF
{"properties": {"nodeCount": 1, "stdOutErrPathPrefix": "\$AZ_BATCHAI_MOUNT_ROOT/afs",
  "customToolkitSettings": {"commandLine": "$2"},
  "outputDirectories": [{"id": "OUTPUT", "pathPrefix": "\$AZ_BATCHAI_MOUNT_ROOT/afs", "pathSuffix": "output"}]}}
EOF
  }
  job_file hi 'echo hi | tee $AZ_BATCHAI_OUTPUT_OUTPUT/result.txt'
  azx az-short batchai job create -n hi -c c1 -e "$e" -w "$w" -g "$g" -f "$work/hi.json" -o none
  pass "az batchai job create -f hi.json"
  # az 2.45's `job wait` sleeps with `--interval` as given on the command line, a string (TypeError), and its
  # default interval is 15 s: wait for the end with `job show` first, so that `job wait` only reads the state
  # and reports the exit status.
  ended() {
    case "$(azx az-short batchai job show -n "$1" -e "$e" -w "$w" -g "$g" --query executionState -o tsv)" in
    succeeded | failed) return 0 ;;
    esac
    return 1
  }
  poll "az batchai job show: job hi has ended" ended hi
  azx az-short batchai job wait -n hi -e "$e" -w "$w" -g "$g"
  pass "az batchai job wait: exit status 0"
  equal "az batchai job show (state, exit code)" "$(azx az-short batchai job show -n hi -e "$e" -w "$w" -g "$g" \
    --query '[executionState, executionInfo.exitCode]' -o tsv | tr '\t\n' '  ' | sed 's/ *$//')" "succeeded 0"
  equal "az batchai job file list (stdouterr)" "$(azx az-short batchai job file list -j hi -e "$e" -w "$w" -g "$g" \
    --query '[].name' -o tsv | tr '\n' ' ' | sed 's/ *$//')" "execution.log stderr.txt stdout.txt"
  equal "az batchai job file list -d OUTPUT" "$(azx az-short batchai job file list -j hi -e "$e" -w "$w" -g "$g" \
    -d OUTPUT --query '[].name' -o tsv)" result.txt
  equal "az batchai job file stream -f stdout.txt (through the signed download URL)" \
    "$(azx az-short batchai job file stream -j hi -e "$e" -w "$w" -g "$g" -f stdout.txt)" hi

  job_file fails 'echo oops >&2; exit 3'
  azx az-short batchai job create -n fails -c c1 -e "$e" -w "$w" -g "$g" -f "$work/fails.json" -o none
  rc=0
  poll "az batchai job show: job fails has ended" ended fails
  azx az-short batchai job wait -n fails -e "$e" -w "$w" -g "$g" || rc=$?
  equal "az batchai job wait of a job that exits 3: exit status" "$rc" 3
  equal "az batchai job file stream -f stderr.txt" \
    "$(azx az-short batchai job file stream -j fails -e "$e" -w "$w" -g "$g" -f stderr.txt)" oops

  job_file long 'sleep 3600'
  azx az-short batchai job create -n long -c c1 -e "$e" -w "$w" -g "$g" -f "$work/long.json" -o none
  running() { [ "$(azx az-short batchai job show -n long -e "$e" -w "$w" -g "$g" --query executionState -o tsv)" = running ]; }
  poll "az batchai job show: the long job is running" running
  equal "az batchai job node list" "$(azx az-short batchai job node list -j long -e "$e" -w "$w" -g "$g" \
    --query 'length([?port])' -o tsv)" 1
  azx az-short batchai job terminate -n long -e "$e" -w "$w" -g "$g" -y
  equal "az batchai job terminate, then show" "$(azx az-short batchai job show -n long -e "$e" -w "$w" -g "$g" \
    --query '[executionState, executionInfo.errors[0].code]' -o tsv | tr '\t\n' '  ' | sed 's/ *$//')" "failed JobTerminated"
  azx az-short batchai job delete -n long -e "$e" -w "$w" -g "$g" -y
  equal "az batchai job delete, then list" "$(azx az-short batchai job list -e "$e" -w "$w" -g "$g" --query '[].name' -o tsv |
    tr '\n' ' ' | sed 's/ *$//')" "fails hi"
  azx az-short batchai experiment delete -n "$e" -w "$w" -g "$g" -y
  expect_refused az-short ExperimentNotFound "$e" batchai experiment show -n "$e" -w "$w" -g "$g"
  azx az-short group delete -n "$g" -y
}

reader_and_other_subscription() {
  step "The reader principal reads and is refused every write; the other subscription is refused"
  azx az-reader cloud register -n batchai-emulator --endpoint-resource-manager "$EMU_ENDPOINT"
  azx az-reader cloud set -n batchai-emulator
  login az-reader "$EMU_READER_CLIENT_ID" "$EMU_READER_CLIENT_SECRET"
  equal "reader: az group list" "$(azx az-reader group list --query '[].name' -o tsv)" "$EMU_RESOURCE_GROUP"
  expect_refused az-reader AuthorizationFailed "'Microsoft.Resources/subscriptions/resourcegroups/write'" \
    group create -n reader-rg -l eastus
  expect_refused az-reader AuthorizationFailed "object id '$EMU_READER_OBJECT_ID' does not have authorization to perform action 'Microsoft.BatchAI/workspaces/write'" \
    batchai workspace create -g "$EMU_RESOURCE_GROUP" -n reader-ws
  local token
  token=$(azx az-short account get-access-token --query accessToken -o tsv)
  # az refuses a subscription it has not logged in to before sending anything; ask ARM directly.
  TOKEN=$token REQUESTS_CA_BUNDLE="$EMU_CA_CERTIFICATE" "$python" - "$EMU_ENDPOINT" "$EMU_OTHER_SUBSCRIPTION_ID" "$EMU_OBJECT_ID" <<'EOF' || die "the other subscription was not refused as ARM refuses it"
import os, sys, requests
endpoint, other, oid = sys.argv[1:]
r = requests.get(endpoint + "/subscriptions/" + other + "/resourcegroups?api-version=2021-04-01",
                 headers={"Authorization": "Bearer " + os.environ["TOKEN"]})
err = r.json().get("error", {})
ok = r.status_code == 403 and err.get("code") == "AuthorizationFailed" and \
    ("object id '%s'" % oid) in err.get("message", "") and ("over scope '/subscriptions/%s'" % other) in err.get("message", "")
print("    ok  the other subscription: 403 %s" % err.get("code") if ok else "    %d %s" % (r.status_code, r.text))
sys.exit(0 if ok else 1)
EOF
  checks=$((checks + 1))
}

python_sdk() {
  step "The same lifecycle through azure-mgmt-batchai's pollers (scripts/azure-sdk-lifecycle.py)"
  env REQUESTS_CA_BUNDLE="$EMU_CA_CERTIFICATE" HOME="$work/home" NO_PROXY=127.0.0.1,localhost \
    "$python" scripts/azure-sdk-lifecycle.py "$work/emulator/emulator.json" "$EMU_RESOURCE_GROUP" | sed 's/^/    /'
  [ "${PIPESTATUS[0]}" -eq 0 ] || die "the Python SDK lifecycle failed (above)"
  checks=$((checks + 1))
}

terraform_use_cli() {
  step "Terraform with use_cli: create with az, import, resize with az, plan -detailed-exitcode"
  if [ -z "${TF_ACC_TERRAFORM_PATH:-}" ]; then
    eval "$(scripts/terraform-cli.sh --print-env)"
  fi
  local tf=$TF_ACC_TERRAFORM_PATH g=mixed-rg w=mixed-ws tfdir=$work/terraform
  azx az-short group create -n "$g" -l eastus -o none
  azx az-short batchai workspace create -g "$g" -n "$w" -o none
  azx az-short batchai cluster create -n gpu -w "$w" -g "$g" --vm-size Standard_NC6 --target 1 -u azureuser \
    -k "$work/home/.ssh/id_rsa.pub" -o none
  pass "created with az: workspace $w, cluster gpu (1 node)"
  mkdir -p "$tfdir"
  cat >"$work/terraform.rc" <<EOF
provider_installation {
  dev_overrides {
    "registry.terraform.io/batchai-tf/batchai" = "$work/bin"
    "registry.opentofu.org/batchai-tf/batchai" = "$work/bin"
  }
}
EOF
  local ws_id="/subscriptions/$EMU_SUBSCRIPTION_ID/resourceGroups/$g/providers/Microsoft.BatchAI/workspaces/$w"
  cat >"$tfdir/main.tf" <<EOF
terraform {
  required_providers {
    batchai = { source = "batchai-tf/batchai" }
  }
}

# No subscription_id and no credential: the Azure CLI's (az account show, az account get-access-token).
provider "batchai" {
  metadata_host       = "$EMU_METADATA_HOST"
  ca_certificate_file = "$EMU_CA_CERTIFICATE"
  use_cli             = true
}

import {
  to = batchai_workspace.ws
  id = "$ws_id"
}

import {
  to = batchai_cluster.gpu
  id = "$ws_id/clusters/gpu"
}

resource "batchai_workspace" "ws" {
  name                = "$w"
  resource_group_name = "$g"
  location            = "eastus"
}

resource "batchai_cluster" "gpu" {
  name         = "gpu"
  workspace_id = batchai_workspace.ws.id
  vm_size      = "Standard_NC6"
  scale_settings {
    manual {
      target_node_count = 1
    }
  }
  user_account {
    admin_user_name           = "azureuser"
    admin_user_ssh_public_key = file("$work/home/.ssh/id_rsa.pub")
  }
}
EOF
  tfx() {
    env -u ARM_SUBSCRIPTION_ID -u ARM_TENANT_ID -u ARM_CLIENT_ID -u ARM_CLIENT_SECRET -u ARM_METADATA_HOSTNAME \
      -u ARM_CA_CERTIFICATE_FILE -u ARM_USE_CLI -u TF_CLI_ARGS -u TF_WORKSPACE -u TF_DATA_DIR \
      TF_CLI_CONFIG_FILE="$work/terraform.rc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0 \
      AZURE_CONFIG_DIR="$work/az-short" HOME="$work/home" REQUESTS_CA_BUNDLE="$EMU_CA_CERTIFICATE" \
      AZURE_CORE_ONLY_SHOW_ERRORS=true AZURE_CORE_COLLECT_TELEMETRY=false NO_PROXY=127.0.0.1,localhost \
      "$tf" -chdir="$tfdir" "$@" -no-color
  }
  tfx apply -auto-approve >"$work/apply.log" 2>&1 || { cat "$work/apply.log" >&2; die "terraform apply (import) failed"; }
  grep -q "2 imported" "$work/apply.log" || { cat "$work/apply.log" >&2; die "apply did not import both resources"; }
  pass "terraform apply imported the workspace and the cluster (use_cli: subscription and token from az)"
  local rc=0
  tfx plan -detailed-exitcode >"$work/plan0.log" 2>&1 || rc=$?
  [ "$rc" -eq 0 ] || { cat "$work/plan0.log" >&2; die "plan after the import: exit $rc, want 0 (no changes)"; }
  pass "terraform plan -detailed-exitcode after the import: 0"
  azx az-short batchai cluster resize -n gpu -w "$w" -g "$g" --target 2 -o none
  pass "az batchai cluster resize --target 2 (out of band)"
  rc=0
  tfx plan -detailed-exitcode >"$work/plan2.log" 2>&1 || rc=$?
  [ "$rc" -eq 2 ] || { cat "$work/plan2.log" >&2; die "plan after the resize: exit $rc, want 2 (drift)"; }
  grep -Eq 'target_node_count += 2 -> 1' "$work/plan2.log" ||
    { cat "$work/plan2.log" >&2; die "the plan does not show target_node_count 2 -> 1"; }
  pass "terraform plan -detailed-exitcode after the resize: 2, target_node_count = 2 -> 1"
  tfx destroy -auto-approve >"$work/destroy.log" 2>&1 || { cat "$work/destroy.log" >&2; die "terraform destroy failed"; }
  expect_refused az-short NotFound "$w" batchai workspace show -n "$w" -g "$g"
}

ensure_az
start_emulator
register_both_forms
seed_commands
job_commands
reader_and_other_subscription
python_sdk
terraform_use_cli
step_name="done"
printf '==> azure-cli-test: %d checks passed in %ds\n' "$checks" "$SECONDS"
