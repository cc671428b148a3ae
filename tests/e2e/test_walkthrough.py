"""The walkthrough command, run as a user runs it: the wheel installed into a real `az`."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_walkthrough_script_succeeds():
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("AZURE_", "REQUESTS_CA_BUNDLE"))}
    env["IB_OPERATION_SECONDS"] = "2"
    env["IB_VENV"] = sys.prefix  # the virtual environment running the tests
    result = subprocess.run([str(ROOT / "scripts" / "walkthrough.sh")], env=env, cwd=ROOT, capture_output=True,
                            text=True, timeout=600, check=False)
    output = result.stdout + result.stderr

    assert result.returncode == 0, output[-4000:]
    assert '"provisioningState": "Succeeded"' in output
    assert "my-first-ib-crb" in output
    assert "stays on identity 'mi-name'" in output
    assert "(exit code 3)" in output
    assert "(exit code 2)" in output
    assert "Bearer" not in output
