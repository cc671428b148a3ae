#!/usr/bin/env bash
# Re-record the scenario tests: run them live against the local emulator (started by each
# test) and rewrite tests/latest/recordings. Arguments go to pytest, e.g. -k walkthrough.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [[ $# -eq 0 ]]; then set -- "$root/tests/latest"; fi
IB_RECORD=1 exec "$root/scripts/test.sh" "$@"
