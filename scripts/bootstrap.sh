#!/usr/bin/env bash
# Create (once) the project's virtual environment in .work/venv with the pinned tools, and
# print its path. Set IB_VENV to use another folder and IB_REQUIREMENTS another requirements file.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${IB_VENV:-$root/.work/venv}
stamp=$venv/.requirements.sha

requirements=${IB_REQUIREMENTS:-$root/scripts/requirements.txt}
wanted=$(sha256sum "$requirements" | cut -d' ' -f1)
if [[ ! -x $venv/bin/python || ! -f $stamp || $(cat "$stamp") != "$wanted" ]]; then
  echo "Installing the pinned tools into $venv (about a minute the first time)..." >&2
  python3 -m venv "$venv"
  # pip's cache stays under .work too, so the set-up writes nothing outside the project.
  PIP_CACHE_DIR=$root/.work/pip-cache "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" \
    2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
  echo "$wanted" > "$stamp"
fi
echo "$venv"
