"""Grading tools: the autograder's load-proof cell limit (``execute``), the
class grader (``batch``), its sandbox and a synthetic class; and a
temporary course made from the repository's own settings and solutions,
which the benchmark and the tests grade in."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent


def nbgrader(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run ``nbgrader *args`` in ``root``, with the virtual environment's bin/
    on PATH (nbgrader calls alembic by name); with ``check``, a failure raises
    with nbgrader's own message."""
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    proc = subprocess.run([str(BIN / "nbgrader"), *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=900)
    if check and proc.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} exited {proc.returncode}:\n{proc.stderr[-4000:]}")
    return proc


def new_course(root: Path, assignments: list[str], cell_timeout: int | None = None) -> Path:
    """A course folder at ``root`` with the repository's ``nbgrader_config.py``
    (its limit on a cell's computing set to ``cell_timeout`` seconds, unless
    None) and ``solutions/``, and each of ``assignments`` generated into
    ``release`` by nbgrader; returns ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "nbgrader_config.py", root)
    if cell_timeout is not None:
        with open(root / "nbgrader_config.py", "a") as fh:
            fh.write(f"\nc.Execute.timeout = {cell_timeout}  # a shorter limit than the course's\n")
    shutil.copytree(REPO / "solutions", root / "solutions")
    for name in assignments:
        nbgrader(root, "generate_assignment", name, "--force")
    return root
