"""The course's JavaScript: its unit tests and linter (npm), and its payload
decoder held to the engine on every state of every explorer (in node, with
the same file the pages load). The same decoder runs in Chromium in
test_frontends_browser.py."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from trialsim.explorers import all_explorers
from trialsim.frontends import payload

ROOT = Path(__file__).resolve().parents[1]
EXPLORERS = all_explorers()


def npm(*args: str) -> subprocess.CompletedProcess:
    exe = shutil.which("npm")
    if not exe:
        pytest.fail("npm not found: install Node.js 20 or newer (./course test tells you how)")
    if not (ROOT / "node_modules" / ".package-lock.json").is_file():
        pytest.fail("node_modules is missing: run npm ci (./course test does)")
    return subprocess.run([exe, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_javascript_unit_tests_pass():
    proc = npm("test")
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "# fail 0" in proc.stdout and "# pass" in proc.stdout


def test_javascript_passes_the_linter():
    proc = npm("run", "lint")
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


@pytest.mark.parametrize("explorer", EXPLORERS, ids=[e.name for e in EXPLORERS])
def test_the_pages_decoder_gives_what_the_engine_computes(explorer, tmp_path):
    """Every state, encoded in Python and decoded by book/static/js/payload.js,
    shows the engine's readouts, conclusion and figure values."""
    path = tmp_path / "payload.json"
    path.write_text(explorer.payload_json())
    proc = subprocess.run([shutil.which("node") or "node", str(ROOT / "tests/js/decode_states.js"), str(path)],
                          capture_output=True, text=True, timeout=120, check=True)
    decoded = [json.loads(line) for line in proc.stdout.splitlines()]
    outcomes = explorer.all_outcomes()
    assert len(decoded) == len(outcomes) == explorer.n_states
    for params, out, (readouts, conclusion, slots) in zip(explorer.states(), outcomes, decoded, strict=True):
        assert readouts == out.shown, params
        assert conclusion == out.conclusion, params
        assert slots == json.loads(json.dumps(payload.state_slots(explorer, out))), params
