"""Faults that cannot be recorded, driven through the installed `az` against the emulator."""

import re
import signal
import time

from .conftest import IDENTITY_ID

BINDING_ARGS = ["-g", "ib-rg", "--cluster-name", "ib-cluster", "-n", "my-first-ib"]
CREATE = ["aks", "identity-binding", "create", *BINDING_ARGS, "--managed-identity-resource-id", IDENTITY_ID]
SHOW = ["aks", "identity-binding", "show", *BINDING_ARGS]
BINDING_PATH = r"/identityBindings/my-first-ib$"


def test_dropped_connection_clear_error(cli):
    cli.emulator.add_fault(method="GET", path=BINDING_PATH, action="dropConnection", times=0)

    result = cli.run(*SHOW)

    assert result.returncode == 1
    assert "Reading identity binding 'my-first-ib' failed: no response from the service" in result.stderr
    assert "Traceback" not in result.stderr


def test_hanging_server_times_out(cli):
    cli.emulator.add_fault(method="GET", path=BINDING_PATH, action="hang", holdSeconds=30, times=0)
    started = time.monotonic()

    result = cli.run(*SHOW, env={"AZURE_IDENTITY_BINDING_READ_TIMEOUT": "1"})

    assert result.returncode == 1
    assert "no response from the service" in result.stderr
    assert "Traceback" not in result.stderr
    assert time.monotonic() - started < 30


def test_ctrl_c_leaves_operation_running(cli):
    cli.emulator.configure(operationDurationSeconds=60)
    process = cli.start(*CREATE)
    deadline = time.monotonic() + 60
    while not any(entry["method"] == "PUT" for entry in cli.emulator.requests()):
        assert time.monotonic() < deadline, "the create never sent its PUT"
        time.sleep(0.2)
    time.sleep(1)

    interrupted_at = time.monotonic()
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)

    assert time.monotonic() - interrupted_at < 5
    assert process.returncode == 1
    assert "the operation goes on in Azure" in stderr
    assert "az aks identity-binding wait -g ib-rg --cluster-name ib-cluster -n my-first-ib --created --interval 5" \
        in stderr


def test_debug_output_has_no_token(cli):
    result = cli.run(*CREATE, "--debug")

    assert result.returncode == 0, result.stderr[-3000:]
    assert re.search(r"Bearer\s+[A-Za-z0-9._~+/=-]{8,}", result.stderr) is None
    assert re.search(r"access_token['\"]?\s*[:=]\s*['\"][A-Za-z0-9._~+/=-]{8,}", result.stderr) is None


def test_debug_shows_each_check(cli):
    result = cli.run(*CREATE, "--debug")

    assert result.returncode == 0, result.stderr[-3000:]
    assert "Preflight: feature Microsoft.ContainerService/IdentityBindingPreview: HTTP 200" in result.stderr
    assert "Preflight: cluster ib-cluster: found" in result.stderr
    assert "Preflight: identity ib-identity:" in result.stderr


def test_override_note_on_stderr_only(cli):
    cli.emulator.configure(bindings=[{"resourceGroup": "ib-rg", "clusterName": "ib-cluster", "name": "my-first-ib",
                                      "identity": IDENTITY_ID}])

    result = cli.run(*SHOW)
    quiet = cli.run(*SHOW, "--only-show-errors")

    assert result.returncode == 0
    assert "altered by the following extension: identity-binding" in result.stderr
    assert result.stdout.lstrip().startswith("{")
    assert quiet.stderr == ""


def test_invalid_identity_exits_2(cli):
    result = cli.run(*CREATE[:-1], "C:/Program Files/Git/subscriptions/x/resourceGroups/rg/providers/"
                                   "Microsoft.ManagedIdentity/userAssignedIdentities/mi")

    assert result.returncode == 2
    assert "MSYS_NO_PATHCONV=1" in result.stderr
    assert cli.emulator.requests() == []


def test_missing_binding_exits_3(cli):
    result = cli.run(*SHOW)

    assert result.returncode == 3
    assert "'my-first-ib' was not found in cluster 'ib-cluster' (resource group 'ib-rg')" in result.stderr


def test_wait_timeout_exits_nonzero(cli):
    result = cli.run("aks", "identity-binding", "wait", *BINDING_ARGS, "--created", "--interval", "1",
                     "--timeout", "2")

    assert result.returncode == 1
    assert "Timed out after 2 seconds" in result.stderr


def test_delete_without_terminal_asks_for_yes(cli):
    cli.emulator.configure(bindings=[{"resourceGroup": "ib-rg", "clusterName": "ib-cluster", "name": "my-first-ib",
                                      "identity": IDENTITY_ID}])

    result = cli.run("aks", "identity-binding", "delete", *BINDING_ARGS)

    assert result.returncode == 1
    assert "Add --yes" in result.stderr
    assert [entry for entry in cli.emulator.requests() if entry["method"] == "DELETE"] == []


def test_show_and_delete_by_ids(cli):
    cli.emulator.configure(bindings=[{"resourceGroup": "ib-rg", "clusterName": "ib-cluster", "name": "my-first-ib",
                                      "identity": IDENTITY_ID}])
    binding_id = cli.run(*SHOW, "--query", "id", "-o", "tsv", check=True).stdout.strip()

    shown_name = cli.run("aks", "identity-binding", "show", "--ids", binding_id, "--query", "name", "-o", "tsv")
    deleted = cli.run("aks", "identity-binding", "delete", "--ids", binding_id, "--yes")
    after = cli.run(*SHOW)

    assert shown_name.stdout.strip() == "my-first-ib"
    assert deleted.returncode == 0
    assert after.returncode == 3


def test_ctrl_c_during_request_says_check(cli):
    cli.emulator.add_fault(method="PUT", path=BINDING_PATH, action="hang", holdSeconds=60, times=0)
    process = cli.start(*CREATE)
    deadline = time.monotonic() + 60
    while not any(entry["method"] == "PUT" for entry in cli.emulator.requests()):
        assert time.monotonic() < deadline, "the create never sent its PUT"
        time.sleep(0.2)

    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)

    assert process.returncode == 1
    assert "The request may already have reached Azure" in stderr
    assert "az aks identity-binding show -g ib-rg --cluster-name ib-cluster -n my-first-ib" in stderr


def test_invalid_read_timeout_explained(cli):
    result = cli.run(*SHOW, env={"AZURE_IDENTITY_BINDING_READ_TIMEOUT": "abc"})

    assert result.returncode == 1
    assert "The read timeout 'abc'" in result.stderr
    assert "Traceback" not in result.stderr
