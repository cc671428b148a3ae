"""Tests that loading the extension imports no client, and tests of the extension's metadata."""

import json
import os
import subprocess
import sys

import pytest

import azext_identity_binding

PACKAGE_DIR = os.path.dirname(azext_identity_binding.__file__)
REPOSITORY_ROOT = os.path.dirname(PACKAGE_DIR)

HEAVY_PREFIXES = ("azure.mgmt", "azext_identity_binding.vendored_sdks")

# Each script prints, as JSON, the modules loaded that start with one of HEAVY_PREFIXES.
REPORT_HEAVY = """
import json, sys
print(json.dumps(sorted(name for name in sys.modules if name.startswith({prefixes!r}))))
""".format(prefixes=HEAVY_PREFIXES)

IMPORT_ONLY = "import azext_identity_binding\n" + REPORT_HEAVY

# The CLI's steps for loading every command of the extension with its arguments. Loading the
# arguments imports custom.py, because the CLI reads the function signatures.
LOAD_COMMANDS = """
from azure.cli.core.mock import DummyCli
import azext_identity_binding

loader = azext_identity_binding.COMMAND_LOADER_CLS(cli_ctx=DummyCli())
table = loader.load_command_table(None)
for command in table.values():
    command.load_arguments()
loader.skip_applicability = True
loader.load_arguments("")
assert "aks identity-binding create" in table, sorted(table)
assert "azext_identity_binding.custom" in sys.modules
""" + REPORT_HEAVY


def heavy_modules(script):
    """Run ``script`` in a fresh interpreter and return the heavy modules it loaded."""
    environment = dict(os.environ, PYTHONPATH=REPOSITORY_ROOT)
    completed = subprocess.run([sys.executable, "-c", "import sys\n" + script], cwd=REPOSITORY_ROOT,
                               env=environment, capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_import_is_light():
    assert heavy_modules(IMPORT_ONLY) == []


def test_command_load_is_light():
    assert heavy_modules(LOAD_COMMANDS) == []


def test_check_detects_client():
    # Guards the two tests above against a script that could never report a module.
    script = "from azext_identity_binding.vendored_sdks import v2026_08_02_preview\n" + REPORT_HEAVY

    assert "azure.mgmt.core" in heavy_modules(script)


# azext_metadata.json


@pytest.fixture(name="metadata")
def fixture_metadata():
    with open(os.path.join(PACKAGE_DIR, "azext_metadata.json"), encoding="utf-8") as handle:
        return json.load(handle)


def test_metadata_preview(metadata):
    assert metadata.get("azext.isPreview") is True


def test_metadata_min_core(metadata):
    from azure.cli.core import __version__ as installed_version
    from packaging.version import Version

    minimum = metadata.get("azext.minCliCoreVersion")

    assert minimum
    assert Version(minimum) <= Version(installed_version)


def test_metadata_no_max_core(metadata):
    assert "azext.maxCliCoreVersion" not in metadata
