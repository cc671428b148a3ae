"""Set-up for the benchmark: the wheel, the local ARM emulator and two `az` configurations.

Every file lives under one work folder. Nothing touches `~/.azure`, and every request goes to
the emulator this module starts on 127.0.0.1.
"""

import json
import os
import shutil
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".work" / "venv"
PYTHON = VENV / "bin" / "python"
AZ = VENV / "bin" / "az"

SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000"
TENANT_ID = "00000000-0000-0000-0000-000000000000"
CLIENT_ID = "11111111-1111-1111-1111-111111111111"
CLIENT_SECRET = "emulator-secret"
CLOUD_NAME = "IdentityBindingBenchmark"

RESOURCE_GROUP = "rg-bench"
CLUSTER = "cluster-bench"
IDENTITY = "mi-bench"
IDENTITY_ID = (f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{RESOURCE_GROUP}/providers/"
               f"Microsoft.ManagedIdentity/userAssignedIdentities/{IDENTITY}")
EXISTING_BINDING = "ib-existing"

# Generous upper bounds, so that a hung command fails the run instead of blocking it.
AZ_TIMEOUT_SECONDS = 300
EMULATOR_START_TIMEOUT_SECONDS = 30


class SetupError(RuntimeError):
    """A set-up step failed. The message names the step and carries its output."""


def build_scenario(operation_seconds=2, latency_ms=0, with_binding=False):
    """Return an emulator scenario with one cluster and one identity, and optionally a binding."""
    scenario = {
        "subscriptionId": SUBSCRIPTION_ID,
        "tenantId": TENANT_ID,
        "servicePrincipal": {"clientId": CLIENT_ID, "secret": CLIENT_SECRET},
        "operationDurationSeconds": operation_seconds,
        "latencyMs": latency_ms,
        "features": {"IdentityBindingPreview": "Registered"},
        "clusters": [{"resourceGroup": RESOURCE_GROUP, "name": CLUSTER, "oidcIssuer": True,
                      "workloadIdentity": True}],
        "identities": [{"resourceGroup": RESOURCE_GROUP, "name": IDENTITY}],
    }
    if with_binding:
        scenario["bindings"] = [{"resourceGroup": RESOURCE_GROUP, "clusterName": CLUSTER,
                                 "name": EXISTING_BINDING, "identity": IDENTITY_ID}]
    return scenario


def check_tools():
    if not AZ.exists() or not PYTHON.exists():
        raise SetupError(f"The pinned tools are missing from {VENV}. Create them with: scripts/bootstrap.sh")


def describe_source():
    """Return the commit the wheel is built from, with "-dirty" when the working tree has changes."""
    result = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True,
                            text=True, check=False)
    return result.stdout.strip() if result.returncode == 0 else "unknown (not a git checkout)"


def build_wheel(work):
    """Build the extension's wheel into WORK/dist, as the walkthrough does, and return its path."""
    dist = work / "dist"
    dist.mkdir(parents=True)
    # setuptools builds in the source tree's build/ folder: start from an empty one.
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    result = subprocess.run([str(PYTHON), "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), "."],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SetupError(f"Building the wheel failed:\n{result.stdout}\n{result.stderr}")
    wheels = sorted(dist.glob("identity_binding-*.whl"))
    if len(wheels) != 1:
        raise SetupError(f"Expected one identity_binding wheel in {dist}, found {len(wheels)}.")
    return wheels[0]


class Emulator:
    """The emulator as a child process, with the control calls the benchmark needs."""

    def __init__(self, work, scenario):
        self.folder = work / "emulator"
        self.folder.mkdir(parents=True)
        self.scenario_file = work / "scenario.json"
        self.scenario_file.write_text(json.dumps(scenario, indent=2), encoding="utf-8")
        self.ready_file = self.folder / "ready.json"
        self.log_file = work / "emulator.log"
        self.process = None
        self.url = None
        self.ca_bundle = None
        self._ssl_context = None

    def start(self):
        command = [str(PYTHON), "-m", "tests.emulator", "--port", "0", "--scenario", str(self.scenario_file),
                   "--ready-file", str(self.ready_file), "--workdir", str(self.folder)]
        with open(self.log_file, "wb") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)

        deadline = time.monotonic() + EMULATOR_START_TIMEOUT_SECONDS
        while not self.ready_file.exists():
            if self.process.poll() is not None:
                raise SetupError(f"The emulator exited with code {self.process.returncode}:\n"
                                 f"{self.log_file.read_text(encoding='utf-8', errors='replace')}")
            if time.monotonic() > deadline:
                raise SetupError(f"The emulator did not start within {EMULATOR_START_TIMEOUT_SECONDS} s. "
                                 f"See {self.log_file}.")
            time.sleep(0.1)

        ready = json.loads(self.ready_file.read_text(encoding="utf-8"))
        self.url = ready["url"]
        self.ca_bundle = ready["ca_bundle"]
        self._ssl_context = ssl.create_default_context(cafile=self.ca_bundle)
        return self

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def reset(self, scenario):
        """Replace the emulator's state (resources and settings) with SCENARIO."""
        self._control("POST", "/_emulator/reset", scenario)

    def requests(self):
        return self._control("GET", "/_emulator/requests")["value"]

    def clear_requests(self):
        self._control("DELETE", "/_emulator/requests")

    def _control(self, method, path, document=None):
        body = json.dumps(document).encode("utf-8") if document is not None else None
        request = urllib.request.Request(self.url + path, data=body, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, context=self._ssl_context, timeout=30) as response:
            payload = response.read()
        return json.loads(payload) if payload else None


class AzConfig:
    """One isolated `az` configuration: its own config folder and extension folder."""

    def __init__(self, work, label):
        self.label = label
        self.config_dir = work / label / "config"
        self.extension_dir = work / label / "extensions"
        self.config_dir.mkdir(parents=True)
        self.extension_dir.mkdir(parents=True)
        self.env = None

    def prepare_env(self, ca_bundle):
        env = dict(os.environ)
        env.update({
            "AZURE_CONFIG_DIR": str(self.config_dir),
            "AZURE_EXTENSION_DIR": str(self.extension_dir),
            "AZURE_CORE_COLLECT_TELEMETRY": "no",
            "REQUESTS_CA_BUNDLE": ca_bundle,
            # The emulator is on 127.0.0.1. A proxy set in the caller's shell must not see its traffic.
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        })
        self.env = env

    def run(self, *args, check=True):
        """Run `az ARGS` in this configuration and return the CompletedProcess."""
        try:
            result = subprocess.run([str(AZ), *args], env=self.env, capture_output=True, text=True,
                                    timeout=AZ_TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired as error:
            raise SetupError(f"[{self.label}] az {' '.join(args)} did not finish within {AZ_TIMEOUT_SECONDS} s.") \
                from error
        if check and result.returncode != 0:
            raise SetupError(f"[{self.label}] az {' '.join(args)} failed with exit code {result.returncode}:\n"
                             f"{result.stdout}\n{result.stderr}")
        return result

    def log_in(self, emulator_url):
        """Register a cloud for the emulator, select it and sign in with the service principal."""
        self.run("cloud", "register", "-n", CLOUD_NAME,
                 "--endpoint-resource-manager", emulator_url + "/",
                 "--endpoint-active-directory", emulator_url,
                 "--endpoint-active-directory-resource-id", "https://management.core.windows.net/",
                 "--endpoint-active-directory-graph-resource-id", "https://graph.windows.net/",
                 "--skip-endpoint-discovery")
        self.run("cloud", "set", "-n", CLOUD_NAME)
        # Without this, MSAL sends an instance-discovery request to the public login host.
        self.run("config", "set", "core.instance_discovery=false", "--only-show-errors")
        self.run("login", "--service-principal", "-u", CLIENT_ID, "-p", CLIENT_SECRET, "--tenant", TENANT_ID,
                 "-o", "none")


def prepare(work, log):
    """Build and start everything and return (emulator, ours, core, source).

    SOURCE names the commit the wheel was built from. The caller stops the emulator.
    """
    check_tools()
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)

    source = describe_source()
    log(f"Building the wheel from {source}")
    wheel = build_wheel(work)

    log("Starting the emulator")
    emulator = Emulator(work, build_scenario()).start()
    try:
        ours = AzConfig(work, "ours")
        core = AzConfig(work, "core")
        for config in (ours, core):
            config.prepare_env(emulator.ca_bundle)

        log(f"Installing {wheel.name} into the 'ours' configuration")
        ours.run("extension", "add", "--source", str(wheel), "-y")

        for config in (ours, core):
            log(f"Signing in the '{config.label}' configuration")
            config.log_in(emulator.url)
    except BaseException:
        emulator.stop()
        raise
    return emulator, ours, core, f"{wheel.name} built from {source}"


def machine_description():
    """Return one line: CPU model, cores, memory, and the Python and azure-cli versions of the venv."""
    cpu = "unknown CPU"
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break

    memory_gib = 0.0
    with open("/proc/meminfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                memory_gib = int(line.split()[1]) / 1024 / 1024
                break

    versions = subprocess.run(
        [str(PYTHON), "-c", "import platform, importlib.metadata as m; "
                            "print(platform.python_version(), m.version('azure-cli'))"],
        capture_output=True, text=True, check=True).stdout.split()
    return (f"{cpu}, {os.cpu_count()} cores, {memory_gib:.1f} GiB memory, Python {versions[0]}, "
            f"azure-cli {versions[1]}, {sys.platform}")
