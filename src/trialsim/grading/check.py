"""Check a problem set on your own: run the notebook and report, question by
question, what the visible checks say.

    python -m trialsim.grading.check my-work/ps01-celltop/ps01-celltop.ipynb

(``./course check ps01-celltop`` does this for the copy in ``my-work/``.)
Only the checks in the notebook run: when a problem set is graded, more
checks of the exact values run too. Written answers are marked by hand; for
those the report gives the word count.
"""

from __future__ import annotations

import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .execute import Execute

TIMEOUT = 30  # seconds of computing per cell, as in nbgrader_config.py
PLACEHOLDER = "YOUR ANSWER HERE"


@dataclass
class Item:
    """One graded item of a notebook, as a learner sees it."""

    question: str   # the heading of the question the item belongs to
    grade_id: str
    points: float
    manual: bool
    passed: bool | None  # None for items marked by hand
    message: str         # the failing check's message, or a note


def _words(markdown: str) -> int:
    return len(re.findall(r"[\w'’-]+", markdown))


def _heading(cells, index: int) -> str:
    for cell in reversed(cells[:index]):
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return "(no heading)"


def run(path: str | Path, timeout: int = TIMEOUT) -> list[Item]:
    """Execute the notebook at ``path`` (in its own folder) and return its
    graded items in order."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no notebook at {path}: give the path of your copy of the problem set")
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # a notebook damaged in editing or download
        raise ValueError(f"{path} is not a readable notebook ({exc}); "
                         "start again from a fresh copy of the problem set") from None
    Execute(timeout=timeout, kernel_name="python3").preprocess(
        nb, {"metadata": {"path": str(path.parent.resolve())}})
    items = []
    for index, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("grade"):
            continue
        question = _heading(nb.cells, index)
        if meta.get("solution"):  # a written answer, marked by hand
            words = 0 if PLACEHOLDER in cell.source else _words(cell.source)
            note = "not answered yet" if words == 0 else f"{words} words"
            items.append(Item(question, meta["grade_id"], meta.get("points", 0), True, None, note))
            continue
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if errors:
            error = errors[0]
            message = error.get("evalue") or error.get("ename", "error")
            if error.get("ename") == "NotImplementedError":
                message = ("not answered yet: replace raise NotImplementedError() with your answer, "
                           "then run the answer cell and this question's checks")
            elif error.get("ename") != "AssertionError":
                message = f"{error.get('ename')}: {message}"
        else:
            message = "passes the checks you can see"
        items.append(Item(question, meta["grade_id"], meta.get("points", 0), False, not errors, message))
    return items


def report(items: list[Item]) -> str:
    """The learner's report: each item's mark and message, then a count of the
    questions that fail a visible check."""
    lines = []
    for item in items:
        mark = "·" if item.manual else ("✓" if item.passed else "✗")
        kind = "" if "point" in item.question else f" ({item.points:g} points)"
        lines.append(f"{mark} {item.question}{kind}")
        lines += textwrap.wrap(item.message, 88, initial_indent="    ", subsequent_indent="    ")
    failed = sum(1 for i in items if i.passed is False)
    lines.append("")
    lines.append(f"{failed} question(s) fail a visible check." if failed
                 else "Every automatically marked question passes the checks you can see.")
    lines.append("Grading runs further checks of the exact values; written answers are marked by hand.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Check the notebook named in ``argv`` and print the report; return 0 when
    every automatically marked item passes, 1 when one fails, and 2 when the
    usage is wrong or the notebook cannot be read."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m trialsim.grading.check NOTEBOOK.ipynb", file=sys.stderr)
        return 2
    try:
        items = run(argv[0])
    except (FileNotFoundError, ValueError) as exc:
        print(f"check: {exc}", file=sys.stderr)
        return 2
    print(report(items))
    return 1 if any(i.passed is False for i in items) else 0


if __name__ == "__main__":
    sys.exit(main())
