"""Checks on the recorded scenarios themselves: one file per test, nothing private inside."""

import ast
from collections import Counter
from pathlib import Path

import pytest

LATEST = Path(__file__).resolve().parents[1] / "latest"
RECORDINGS = sorted((LATEST / "recordings").glob("*.yaml"))


def scenario_test_names():
    names = []
    for path in sorted(LATEST.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                names.append(node.name)
    return names


def test_scenario_names_unique():
    # The test SDK names a recording after the test method alone, so two equal names share a file.
    duplicates = [name for name, count in Counter(scenario_test_names()).items() if count > 1]
    assert duplicates == []


def test_every_scenario_recorded():
    recorded = {path.stem for path in RECORDINGS}
    assert sorted(set(scenario_test_names()) - recorded) == []


def test_no_orphan_recordings():
    assert sorted({path.stem for path in RECORDINGS} - set(scenario_test_names())) == []


@pytest.mark.parametrize("recording", RECORDINGS, ids=lambda path: path.stem)
def test_recording_has_no_secrets(recording):
    text = recording.read_text(encoding="utf-8")
    assert "Bearer " not in text
    assert "127.0.0.1" not in text
    assert "emulator-secret" not in text
