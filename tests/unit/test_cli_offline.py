"""Commands run through the CLI itself, offline: generate-rbac from a client ID, and input checks."""

import json
from io import StringIO

import pytest
from azure.cli.core.mock import DummyCli

CLIENT_ID = "6f1d2c3b-4a5e-4f60-9b7a-8c9d0e1f2a3b"
TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47"


def run(*args):
    """Return (exit code, stdout) of `az aks identity-binding generate-rbac ARGS -o json`."""
    output = StringIO()
    try:
        exit_code = DummyCli().invoke(["aks", "identity-binding", "generate-rbac", *args, "-o", "json"],
                                      out_file=output)
    except SystemExit as error:  # the parser exits this way on invalid arguments
        exit_code = error.code
    return exit_code, output.getvalue()


def test_offline_walkthrough_objects():
    exit_code, output = run("--client-id", CLIENT_ID, "--name-prefix", "my-first-ib")
    names = [item["metadata"]["name"] for item in json.loads(output)["items"]]

    assert exit_code == 0
    assert names == ["my-first-ib-cr", "my-first-ib-crb"]


def test_offline_same_output_twice():
    assert run("--client-id", CLIENT_ID) == run("--client-id", CLIENT_ID)


def test_offline_service_account_tenant():
    exit_code, output = run("--client-id", CLIENT_ID, "--with-service-account", "--tenant-id", TENANT_ID,
                            "--service-account", "apps/web")
    account = json.loads(output)["items"][2]

    assert exit_code == 0
    assert account["metadata"]["annotations"]["azure.workload.identity/tenant-id"] == TENANT_ID


@pytest.mark.parametrize("args", [
    ["--client-id", "not-a-guid"],
    ["--client-id", CLIENT_ID, "--service-account", "default"],
    ["--client-id", CLIENT_ID, "--service-account", "Default/app"],
    ["--client-id", CLIENT_ID, "--name-prefix", "My_Prefix"],
    ["--client-id", CLIENT_ID, "-g", "rg", "--cluster-name", "c", "-n", "ib"],
    [],
], ids=["client-id", "form", "namespace", "prefix", "both-sources", "no-source"])
def test_bad_input_exits_2(args, caplog):
    exit_code, output = run(*args)

    assert exit_code == 2
    assert output == ""
    assert any(record.levelname == "ERROR" for record in caplog.records)


def run_wait(*args):
    """Return the exit code of `az aks identity-binding wait ARGS` (nothing is sent: no login here)."""
    try:
        return DummyCli().invoke(["aks", "identity-binding", "wait", "-g", "rg", "--cluster-name", "c", "-n", "ib",
                                  *args], out_file=StringIO())
    except SystemExit as error:
        return error.code


@pytest.mark.parametrize("args", [
    [],
    ["--created", "--interval", "0"],
    ["--created", "--timeout", "-5"],
    ["--custom", "properties.["],
], ids=["no-condition", "zero-interval", "negative-timeout", "bad-query"])
def test_wait_usage_exits_2(args):
    assert run_wait(*args) == 2
