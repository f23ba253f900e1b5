#!/usr/bin/python3
"""The seed's cluster lifecycle through Microsoft's Python SDK (azure-mgmt-batchai 7.0.0b1, Debian's python3-azure).

    /usr/bin/python3 scripts/azure-sdk-lifecycle.py EMULATOR_JSON RESOURCE_GROUP

Run by scripts/azure-cli-test.sh against a fresh emulator started with --page-size 2. It signs in through the
emulator's AAD-style authority (azure-identity with instance_discovery=False), then drives the SDK's own long-running
operation pollers (begin_create(...).result(), begin_delete(...).result()), the synchronous clusters.update, and list
paging (three workspaces on pages of two), runs an experiment's jobs (output files and their download URL, remote
logins, terminate, deletes), and checks that the reader principal is refused with 403 AuthorizationFailed. REQUESTS_CA_BUNDLE must name the emulator's CA. Exit status 0 means every check passed; each
failure is printed on one line starting with "FAIL".
"""

import json
import sys
import time

import requests

from azure.core.exceptions import HttpResponseError
from azure.identity import ClientSecretCredential
from azure.mgmt.batchai import BatchAI
from azure.mgmt.batchai import models

DEADLINE_SECONDS = 60
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def client(info, client_id, secret):
    cred = ClientSecretCredential(info["tenant_id"], client_id, secret,
                                  authority=info["authority_host"], instance_discovery=False)
    return BatchAI(cred, info["subscription_id"], base_url=info["endpoint"],
                   credential_scopes=[info["audience"] + ".default"])


def wait_for(what, fn):
    """Polls fn() until it returns a true value, for at most DEADLINE_SECONDS."""
    end = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < end:
        value = fn()
        if value:
            return value
        time.sleep(0.2)
    check(False, what + " within %ds" % DEADLINE_SECONDS)
    return None


def jobs(bai, rg, cluster_id):
    """An experiment's jobs: synchronous experiment create, job pollers, output files, terminate, deletes."""
    exp = bai.experiments.begin_create(rg, "sdkws", "sdkexp").result()
    check(exp.provisioning_state == "succeeded", "experiment created (%s)" % exp.provisioning_state)

    def params(command_line):
        return models.JobCreateParameters(cluster=models.ResourceId(id=cluster_id), node_count=1,
                                          std_out_err_path_prefix="$AZ_BATCHAI_MOUNT_ROOT/afs",
                                          custom_toolkit_settings=models.CustomToolkitSettings(command_line=command_line))

    def get(name):
        return bai.jobs.get(rg, "sdkws", "sdkexp", name)

    job = bai.jobs.begin_create(rg, "sdkws", "sdkexp", "hi", params("echo hi")).result()
    check(job.provisioning_state == "succeeded" and job.tool_type == "custom",
          "job created through the poller (%s, %s)" % (job.provisioning_state, job.tool_type))
    done = wait_for("the job to succeed", lambda: (lambda j: j.execution_state == "succeeded" and j)(get("hi")))
    if done:
        check(done.execution_info.exit_code == 0, "the job succeeded with exit code %s" % done.execution_info.exit_code)
        files = {f.name: f for f in bai.jobs.list_output_files(rg, "sdkws", "sdkexp", "hi",
                 models.JobsListOutputFilesOptions(outputdirectoryid="stdouterr", linkexpiryinminutes=10))}
        check(sorted(files) == ["execution.log", "stderr.txt", "stdout.txt"], "output files: %s" % sorted(files))
        if "stdout.txt" in files:
            body = requests.get(files["stdout.txt"].download_url, timeout=30).text
            check(body == "hi\n", "stdout.txt through its download URL: %r" % body)

    bai.jobs.begin_create(rg, "sdkws", "sdkexp", "long", params("sleep 3600")).result()
    if wait_for("the long job to run", lambda: get("long").execution_state == "running"):
        nodes = list(bai.jobs.list_remote_login_information(rg, "sdkws", "sdkexp", "long"))
        check(len(nodes) == 1 and nodes[0].port, "the job's node: %s" % [(n.node_id, n.port) for n in nodes])
    bai.jobs.begin_terminate(rg, "sdkws", "sdkexp", "long").result()
    j = get("long")
    codes = [e.code for e in (j.execution_info.errors or [])] if j.execution_info else []
    check(j.execution_state == "failed" and codes == ["JobTerminated"], "terminated: %s %s" % (j.execution_state, codes))
    listed = sorted(x.name for x in bai.jobs.list_by_experiment(rg, "sdkws", "sdkexp"))
    check(listed == ["hi", "long"], "jobs.list_by_experiment: %s" % listed)
    bai.jobs.begin_delete(rg, "sdkws", "sdkexp", "long").result()
    try:
        get("long")
        check(False, "the job is gone after begin_delete().result()")
    except HttpResponseError as e:
        check(e.status_code == 404, "the job is gone after begin_delete().result() (%s)" % e.status_code)
    bai.experiments.begin_delete(rg, "sdkws", "sdkexp").result()
    check([x.name for x in bai.experiments.list_by_workspace(rg, "sdkws")] == [], "the experiment deleted through the poller")


def main():
    info = json.load(open(sys.argv[1]))
    rg = sys.argv[2]
    bai = client(info, info["client_id"], info["client_secret"])

    # Workspaces: LRO create, then list paging (three on pages of two).
    for name in ("sdkws", "sdkws2", "sdkws3"):
        ws = bai.workspaces.begin_create(rg, name, models.WorkspaceCreateParameters(location="eastus")).result()
        check(ws.provisioning_state == "succeeded", "workspace %s created through the poller (%s)" % (name, ws.provisioning_state))
    names = sorted(w.name for w in bai.workspaces.list_by_resource_group(rg))
    check(names == ["sdkws", "sdkws2", "sdkws3"], "workspaces listed across pages: %s" % names)

    # Cluster: LRO create, synchronous update, nodes, LRO delete.
    params = models.ClusterCreateParameters(
        vm_size="STANDARD_NC6",
        scale_settings=models.ScaleSettings(manual=models.ManualScaleSettings(target_node_count=2)),
        user_account_settings=models.UserAccountSettings(admin_user_name="sdkuser",
                                                         admin_user_password="Sdk-Passw0rd-1"))
    cl = bai.clusters.begin_create(rg, "sdkws", "sdkcluster", params).result()
    check(cl.provisioning_state == "succeeded" and cl.vm_size.lower() == "standard_nc6",
          "cluster created through the poller (%s, %s)" % (cl.provisioning_state, cl.vm_size))
    check(cl.user_account_settings.admin_user_password is None, "the admin password is not returned")

    steady = wait_for("two idle nodes", lambda: (lambda c: c.allocation_state == "steady" and
                                                 c.node_state_counts.idle_node_count == 2 and c)(
        bai.clusters.get(rg, "sdkws", "sdkcluster")))
    if steady:
        nodes = list(bai.clusters.list_remote_login_information(rg, "sdkws", "sdkcluster"))
        check(len(nodes) == 2 and all(n.port for n in nodes), "two nodes with SSH ports: %s" %
              [(n.node_id, n.ip_address, n.port) for n in nodes])

    if steady:
        jobs(bai, rg, steady.id)

    updated = bai.clusters.update(rg, "sdkws", "sdkcluster", models.ClusterUpdateParameters(
        scale_settings=models.ScaleSettings(manual=models.ManualScaleSettings(target_node_count=0))))
    check(updated.scale_settings.manual.target_node_count == 0, "clusters.update resized to 0 (synchronous)")
    wait_for("zero nodes after the resize", lambda: (lambda c: c.allocation_state == "steady" and
                                                     c.current_node_count == 0)(
        bai.clusters.get(rg, "sdkws", "sdkcluster")))

    listed = [c.name for c in bai.clusters.list_by_workspace(rg, "sdkws")]
    check(listed == ["sdkcluster"], "clusters.list_by_workspace: %s" % listed)

    # The reader principal reads but may not write.
    reader = client(info, info["reader_client_id"], info["reader_client_secret"])
    check(reader.clusters.get(rg, "sdkws", "sdkcluster").name == "sdkcluster", "the reader reads the cluster")
    try:
        reader.workspaces.begin_create(rg, "readerws", models.WorkspaceCreateParameters(location="eastus")).result()
        check(False, "the reader's workspace create is refused")
    except HttpResponseError as e:
        code = e.error.code if e.error else None
        check(e.status_code == 403 and code == "AuthorizationFailed" and
              "Microsoft.BatchAI/workspaces/write" in str(e.message),
              "the reader's workspace create is refused: %s %s" % (e.status_code, code))

    bai.clusters.begin_delete(rg, "sdkws", "sdkcluster").result()
    try:
        bai.clusters.get(rg, "sdkws", "sdkcluster")
        check(False, "the cluster is gone after begin_delete().result()")
    except HttpResponseError as e:
        check(e.status_code == 404, "the cluster is gone after begin_delete().result() (%s)" % e.status_code)
    for name in ("sdkws", "sdkws2", "sdkws3"):
        bai.workspaces.begin_delete(rg, name).result()
    check(list(bai.workspaces.list_by_resource_group(rg)) == [], "every workspace deleted through the poller")

    if failures:
        print("FAIL %d check(s) of the Python SDK lifecycle failed" % len(failures))
        return 1
    print("ok   the Python SDK lifecycle passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
