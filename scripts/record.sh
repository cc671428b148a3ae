#!/usr/bin/env bash
# Re-record the scenario tests: run them live against the local emulator (started by each
# test) and rewrite tests/latest/recordings. Arguments go to pytest, e.g. -k walkthrough.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# Without a test path among the arguments, record every scenario test (and nothing else).
has_path=0
for argument in "$@"; do
  [[ $argument == tests/* || $argument == "$root"/tests/* ]] && has_path=1
done
if [[ $has_path == 0 ]]; then set -- "$root/tests/latest" "$@"; fi
IB_RECORD=1 exec "$root/scripts/test.sh" "$@"
