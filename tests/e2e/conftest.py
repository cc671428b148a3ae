"""A real `az` with the extension installed from its wheel, logged in to an emulator on 127.0.0.1."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.emulator import Emulator

ROOT = Path(__file__).resolve().parents[2]
SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
TENANT = "00000000-0000-0000-0000-000000000000"
SP_ID = "11111111-1111-1111-1111-111111111111"
SP_SECRET = "emulator-secret"
IDENTITY_ID = ("/subscriptions/{}/resourceGroups/ib-rg/providers/Microsoft.ManagedIdentity/"
               "userAssignedIdentities/ib-identity".format(SUBSCRIPTION))
SCENARIO = {
    "subscriptionId": SUBSCRIPTION,
    "tenantId": TENANT,
    "servicePrincipal": {"clientId": SP_ID, "secret": SP_SECRET},
    "operationDurationSeconds": 1,
    "requireIssuedToken": True,
    "features": {"IdentityBindingPreview": "Registered"},
    "clusters": [{"resourceGroup": "ib-rg", "name": "ib-cluster", "oidcIssuer": True, "workloadIdentity": True}],
    "identities": [{"resourceGroup": "ib-rg", "name": "ib-identity"}],
}


class InstalledCli:
    """Runs the venv's `az` in an isolated configuration directory."""

    def __init__(self, work, emulator):
        self.emulator = emulator
        self.env = {key: value for key, value in os.environ.items()
                    if not key.startswith(("AZURE_", "REQUESTS_CA_BUNDLE"))}
        self.env.update({
            "AZURE_CORE_COLLECT_TELEMETRY": "no",
            "AZURE_CONFIG_DIR": str(work / "config"),
            "AZURE_EXTENSION_DIR": str(work / "extensions"),
            "REQUESTS_CA_BUNDLE": emulator.ca_bundle,
        })
        self.az = str(Path(sys.executable).parent / "az")
        # `python -m azure.cli` puts the current folder first on the module path: run from the
        # work folder so the installed wheel, not the sources, is what gets tested.
        self.cwd = str(work)

    def run(self, *args, env=None, timeout=120, check=False):
        result = subprocess.run([self.az, *args], env={**self.env, **(env or {})}, cwd=self.cwd, capture_output=True,
                                text=True, timeout=timeout, check=False)
        if check:
            assert result.returncode == 0, result.stderr
        return result

    def start(self, *args, env=None):
        return subprocess.Popen([self.az, *args], env={**self.env, **(env or {})}, cwd=self.cwd,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="session")
def installed_cli(tmp_path_factory):
    work = tmp_path_factory.mktemp("installed-cli")
    # setuptools builds in the source tree's build/ folder: start from an empty one.
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(work / "dist"), str(ROOT)], check=True, capture_output=True)
    wheel = next((work / "dist").glob("identity_binding-*.whl"))

    with Emulator(SCENARIO, workdir=str(work / "emulator")) as emulator:
        cli = InstalledCli(work, emulator)
        url = emulator.url.rstrip("/")
        cli.run("extension", "add", "--source", str(wheel), "-y", check=True)
        cli.run("cloud", "register", "-n", "IdentityBindingEmulator", "--endpoint-resource-manager", url + "/",
                "--endpoint-active-directory", url,
                "--endpoint-active-directory-resource-id", "https://management.core.windows.net/",
                "--endpoint-active-directory-graph-resource-id", "https://graph.windows.net/",
                "--skip-endpoint-discovery", check=True)
        cli.run("cloud", "set", "-n", "IdentityBindingEmulator", check=True)
        cli.run("config", "set", "core.instance_discovery=false", "--only-show-errors", check=True)
        cli.run("login", "--service-principal", "-u", SP_ID, "-p", SP_SECRET, "--tenant", TENANT, check=True)
        yield cli


@pytest.fixture
def cli(installed_cli):
    """The installed CLI with the emulator back at its starting scenario and an empty request log."""
    installed_cli.emulator.reset()
    installed_cli.emulator.clear_requests()
    return installed_cli
