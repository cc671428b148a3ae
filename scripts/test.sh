#!/usr/bin/env bash
# Run the whole test suite offline: unit tests, recorded scenario tests in playback, and the
# end-to-end walkthrough through the installed wheel. Extra arguments go to pytest.
# With IB_RECORD=1 (scripts/record.sh) the scenario tests run live against the emulator instead.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=$("$root/scripts/bootstrap.sh")
cd "$root"

export AZURE_CORE_COLLECT_TELEMETRY=no
# A clean configuration whose active cloud is AzureCloud, as recordings expect.
export AZURE_CONFIG_DIR=$root/.work/test-config
rm -rf "$AZURE_CONFIG_DIR"
mkdir -p "$AZURE_CONFIG_DIR"
# The test CLI loads the extension from source: it looks for identity_binding.egg-info here.
export AZURE_EXTENSION_DEV_SOURCES=$root
unset AZURE_EXTENSION_DIR REQUESTS_CA_BUNDLE
"$venv/bin/python" setup.py -q egg_info > /dev/null 2>&1
if [[ ${IB_RECORD:-0} == 1 ]]; then
  export AZURE_TEST_RUN_LIVE=true
else
  unset AZURE_TEST_RUN_LIVE
fi

exec "$venv/bin/python" -m pytest -p no:cacheprovider "$@"
