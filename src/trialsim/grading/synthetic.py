"""A synthetic class for problem set 1 (CELLTOP), to test grading at scale:
``python -m trialsim.grading.synthetic --students 300 --seed 1``.

Every student is made up (synthetic, from a seeded generator) and is one of
the kinds of submission a real class hands in, with the score the grader must
give it. The right answers are the solution notebook's own; a kind breaks
some answer cells, and loses exactly the autograded checks that need them:

=================  ==============================================  =======
kind               what the submission does                        loses
=================  ==============================================  =======
right              every answer right                              nothing
exactly_k          question 1 computes P(exactly k), not P(>= k)   q1
wrong_comparison   question 5a picks the historical benchmark      q5a
raises             question 3 calls a method statsmodels lacks     q3
untouched          the release, unanswered                         all
endless            question 4 loops for ever                       q4
dies               question 3 ends its kernel with os._exit        q3
flood              question 5a prints 10 MB, answer right          nothing
hog                question 5a takes memory until refused          q5a
escape             writes into the course's, the grader's and      nothing
                   another student's files, answers right
edited_test        empties question 3's checks, answer right       nothing
deleted_test       deletes question 1's checks, answer right       nothing
metadata           raises a check's points, unlocks it, answers    nothing
                   right
renamed            the notebook saved under another name           nothing
malformed          a truncated, unreadable file                    all
empty              an empty folder                                 all
=================  ==============================================  =======

The class is written to ``submitted/<student>/ps01-celltop/`` of a course
folder (as ``nbgrader collect`` leaves it) and the expected score of each
student to ``synthetic-class.json`` beside it.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

from nbformat import NotebookNode

PS = "ps01-celltop"
ALL = ("test_chance_at_least", "test_p_late_early", "test_ci", "test_n_per_arm", "test_best_comparison")

# kind: (share of a class, checks it loses)
KINDS: dict[str, tuple[float, tuple[str, ...]]] = {
    "right": (0.53, ()),
    "exactly_k": (0.10, ("test_chance_at_least",)),
    "wrong_comparison": (0.08, ("test_best_comparison",)),
    "raises": (0.05, ("test_ci",)),
    "untouched": (0.03, ALL),
    "endless": (0.02, ("test_n_per_arm",)),
    "dies": (0.02, ("test_ci",)),
    "flood": (0.02, ()),
    "hog": (0.02, ("test_best_comparison",)),
    "escape": (0.02, ()),
    "edited_test": (0.02, ()),
    "deleted_test": (0.02, ()),
    "metadata": (0.02, ()),
    "renamed": (0.02, ()),
    "malformed": (0.01, ALL),
    "empty": (0.01, ALL),
}

EXACTLY_K = "def chance_at_least(k, n, rate):\n    return float(stats.binom.pmf(k, n, rate))"
ENDLESS = ("h = proportion_effectsize(0.5, 0.3)\nn_per_arm = 2\n"
           "while NormalIndPower().power(h, n_per_arm, 0.05) < 0.8:\n    pass  # forgot: n_per_arm += 1")
HOG = "blocks = []\nwhile True:\n    blocks.append(bytearray(100_000_000))  # 100 MB more, for ever"
FLOOD = 'for line in range(100_000):\n    print("the 10 MB of output a debugging loop leaves behind " * 2)\n'
ESCAPE = '''\
import pathlib
for target in {targets!r}:
    try:
        pathlib.Path(target).write_text("changed by a submission")
    except OSError:
        pass
'''


def class_kinds(n: int, seed: int) -> list[str]:
    """The kinds of ``n`` students: each kind's share (at least one of every
    kind when ``n`` is 16 or more), the rest right, in a seeded order."""
    kinds: list[str] = []
    for kind, (share, _) in KINDS.items():
        if kind != "right":
            kinds += [kind] * max(round(share * n), 1 if n >= len(KINDS) else 0)
    kinds = kinds[:n] + ["right"] * max(n - len(kinds), 0)
    random.Random(seed).shuffle(kinds)
    return kinds


def _answers(source: NotebookNode) -> dict[str, str]:
    """The solution notebook's answers by grade id, its solution markers removed."""
    out = {}
    for cell in source.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            out[meta["grade_id"]] = re.sub(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*(\n|$)", "", cell.source, flags=re.M)
    return out


def points(source: NotebookNode) -> dict[str, float]:
    """The points of each autograded check of the solution notebook."""
    return {c.metadata["nbgrader"]["grade_id"]: float(c.metadata["nbgrader"]["points"]) for c in source.cells
            if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"}


def submission(kind: str, release: NotebookNode, source: NotebookNode, course: Path, other: str) -> str | None:
    """The text of one student's notebook of kind ``kind`` (None: no file)."""
    import nbformat

    if kind == "empty":
        return None
    nb = nbformat.from_dict(json.loads(nbformat.writes(release)))
    if kind == "untouched":
        return nbformat.writes(nb)
    answers = _answers(source)
    answers.update({
        "exactly_k": {"chance_at_least": EXACTLY_K},
        "wrong_comparison": {"best_comparison": 'best_comparison = "A"'},
        "raises": {"ci": 'ci_low, ci_high = proportion_confint(k, n, method="exact")'},
        "endless": {"n_per_arm": ENDLESS},
        "dies": {"ci": answers["ci"] + "\nimport os\nos._exit(1)"},
        "flood": {"best_comparison": FLOOD + answers["best_comparison"]},
        "hog": {"best_comparison": HOG + "\n" + answers["best_comparison"]},
        "escape": {"best_comparison": ESCAPE.format(targets=[
            str(course / "gradebook.db"), str(course / "nbgrader_config.py"),
            str(course / "solutions" / PS / f"{PS}.ipynb"),
            str(course / "submitted" / other / PS / f"{PS}.ipynb"),
            str(course / "autograded" / other / PS / f"{PS}.ipynb"),
            "../../../gradebook.db", f"../../{other}/{PS}/{PS}.ipynb"]) + answers["best_comparison"]},
    }.get(kind, {}))
    cells = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
        elif meta.get("solution") and cell.cell_type == "markdown":
            cell.source = "A made-up answer: with no control group, natural recovery explains it as well."
        if kind == "edited_test" and grade_id == "test_ci":
            cell.source = "# nothing to check\npass"
        if kind == "metadata" and grade_id == "test_n_per_arm":
            meta["points"], meta["locked"] = 99, False
        if kind == "deleted_test" and grade_id == "test_chance_at_least":
            continue
        cells.append(cell)
    nb.cells = cells
    text = nbformat.writes(nb)
    return text[: len(text) // 2] if kind == "malformed" else text


def write_class(course: Path, n: int, seed: int) -> dict[str, dict]:
    """Write a synthetic class of ``n`` into ``course``'s ``submitted/`` folder
    and return (and save in ``synthetic-class.json``) each student's kind and
    expected autograded score."""
    import nbformat

    course = Path(course).resolve()
    source = nbformat.read(course / "solutions" / PS / f"{PS}.ipynb", as_version=4)
    release_path = course / "exercises" / PS / f"{PS}.ipynb"
    if not release_path.is_file():
        raise FileNotFoundError(f"{release_path} is missing: generate the release first (./course release {PS})")
    release = nbformat.read(release_path, as_version=4)
    worth = points(source)
    expected = {}
    kinds = class_kinds(n, seed)
    names = [f"s{i + 1:03d}" for i in range(n)]
    for i, (student, kind) in enumerate(zip(names, kinds, strict=True)):
        folder = course / "submitted" / student / PS
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "timestamp.txt").write_text(f"2026-11-{1 + i % 28:02d} 09:{i % 60:02d}:00.000000 UTC")
        text = submission(kind, release, source, course, names[(i + 1) % n])
        if text is not None:
            name = f"{PS} (copy).ipynb" if kind == "renamed" else f"{PS}.ipynb"
            (folder / name).write_text(text, encoding="utf-8")
        lost = KINDS[kind][1]
        expected[student] = {"kind": kind, "score": sum(p for t, p in worth.items() if t not in lost)}
    (course / "synthetic-class.json").write_text(json.dumps(expected, indent=1), encoding="utf-8")
    return expected


def main(argv: list[str] | None = None) -> int:
    """Write the synthetic class the command line asks for; return 0."""
    parser = argparse.ArgumentParser(prog="python -m trialsim.grading.synthetic", description=__doc__.split("\n")[0])
    parser.add_argument("--course", type=Path, default=Path.cwd())
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.students < 1:
        parser.error(f"--students must be 1 or more, not {args.students}")
    expected = write_class(args.course, args.students, args.seed)
    print(f"wrote a synthetic class of {len(expected)} for {PS} into {args.course / 'submitted'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
