#!/usr/bin/env bash
# Run the unit and recorded scenario tests against the oldest azure-cli-core that
# azext_metadata.json claims (scripts/requirements-oldest.txt), in .work/venv-oldest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=$(IB_VENV=$root/.work/venv-oldest IB_REQUIREMENTS=$root/scripts/requirements-oldest.txt \
  "$root/scripts/bootstrap.sh")
cd "$root"

claimed=$("$venv/bin/python" -c 'import json; print(json.load(open("azext_identity_binding/azext_metadata.json"))["azext.minCliCoreVersion"])')
installed=$("$venv/bin/python" -c 'from azure.cli.core import __version__; print(__version__)')
if [[ $claimed != "$installed" ]]; then
  echo "azext_metadata.json claims azure-cli-core $claimed, but scripts/requirements-oldest.txt installs $installed." >&2
  exit 1
fi

export AZURE_CORE_COLLECT_TELEMETRY=no
export AZURE_CONFIG_DIR=$root/.work/test-config-oldest
rm -rf "$AZURE_CONFIG_DIR"
mkdir -p "$AZURE_CONFIG_DIR"
export AZURE_EXTENSION_DEV_SOURCES=$root
unset AZURE_EXTENSION_DIR REQUESTS_CA_BUNDLE AZURE_TEST_RUN_LIVE
"$venv/bin/python" setup.py -q egg_info > /dev/null 2>&1
echo "Testing against azure-cli-core $installed"
exec "$venv/bin/python" -m pytest -p no:cacheprovider "$root/tests/unit" "$root/tests/latest" "$@"
