"""The appraisal test as nbgrader assignments for a class: the source
notebooks are what book/appraisal-test.yml makes, the releases what nbgrader
generates from them, a class's pre- and post-tests autograde to the expected
scores, and the instructors' report (CSV by concept, paired change with its
interval, item analysis, and a plot that needs no network) is computed from
the gradebook."""

from __future__ import annotations

import subprocess
import sys

import nbformat
import pandas as pd
import pytest
import test_grading as grading

from trialsim.content import learning_test as lt
from trialsim.grading import new_course

pytestmark = [pytest.mark.grading, pytest.mark.xdist_group("appraisal-test")]
REPO = grading.REPO


def test_committed_source_notebooks_are_what_the_item_bank_makes(tmp_path):
    written = lt.write_notebooks(root=tmp_path)
    for path in written:
        committed = REPO / path.relative_to(tmp_path)
        assert committed.read_text() == path.read_text(), (
            f"{committed} is not what book/appraisal-test.yml makes: run ./course appraisal-report --notebooks "
            "and ./course release for both forms")


def _answers(assignment: str, wrong: set[str]) -> nbformat.NotebookNode:
    """The release, answered: the right letter, except a wrong one for the pairs in ``wrong``."""
    source = nbformat.read(REPO / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    right = {c.metadata["nbgrader"]["grade_id"]: c.source.splitlines()[1] for c in source.cells
             if c.metadata.get("nbgrader", {}).get("solution")}
    release = nbformat.read(REPO / "exercises" / assignment / f"{assignment}.ipynb", as_version=4)
    for cell in release.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if gid in right:
            pair = gid.removeprefix("answer_")
            letter = right[gid].split('"')[1]
            cell.source = f'answer_{pair} = "{"a" if letter != "a" else "b"}"' if pair in wrong else right[gid]
    return release


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Three students take form A first and B after (one skips the post-test),
    autograded by nbgrader with the course's settings."""
    root = new_course(tmp_path_factory.mktemp("appraisal") / "course", list(lt.ASSIGNMENTS.values()))
    _, items = lt.load()
    pairs = [i.pair for i in lt.form(items, "A")]
    plan = {"s1": (set(pairs[:6]), set()), "s2": (set(pairs), set(pairs[:3])), "s3": (set(), None)}
    for name, assignment in lt.ASSIGNMENTS.items():
        test = 0 if name == "A" else 1
        for student, wrong in plan.items():
            if wrong[test] is None:
                continue
            folder = root / "submitted" / student / assignment
            folder.mkdir(parents=True)
            nbformat.write(_answers(assignment, wrong[test]), folder / f"{assignment}.ipynb")
            (folder / "timestamp.txt").write_text(f"2026-0{1 + 3 * test}-15 10:00:00.000000 UTC")
        grading.nbgrader(root, "autograde", assignment)
    return root, plan, pairs


def test_the_releases_are_what_nbgrader_generates(graded):
    root, _, _ = graded
    for assignment in lt.ASSIGNMENTS.values():
        made = nbformat.read(root / "exercises" / assignment / f"{assignment}.ipynb", as_version=4)
        committed = nbformat.read(REPO / "exercises" / assignment / f"{assignment}.ipynb", as_version=4)
        assert [c.source for c in made.cells] == [c.source for c in committed.cells]


def test_a_class_autogrades_and_reports_by_concept(graded, tmp_path):
    root, plan, pairs = graded
    responses = lt.responses_from_gradebook(root / "gradebook.db")
    totals = responses.groupby(["learner", "test"])["right"].sum().to_dict()
    assert totals == {("s1", "pre"): 13 - 6, ("s1", "post"): 13, ("s2", "pre"): 0, ("s2", "post"): 10,
                      ("s3", "pre"): 13}
    assert set(responses[responses["test"] == "pre"]["form"]) == {"A"}

    proc = subprocess.run([sys.executable, "-m", "trialsim.content.learning_test", "--gradebook",
                           str(root / "gradebook.db"), "--out", str(tmp_path / "report")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "3 students, 2 with both tests" in proc.stdout
    change = pd.read_csv(tmp_path / "report" / "change-by-concept.csv").set_index("concept")
    assert change.loc["all", "learners"] == 2
    assert change.loc["all", "change"] == pytest.approx(((13 - 7) + (10 - 0)) / 2 / 13, abs=1e-3)
    by = pd.read_csv(tmp_path / "report" / "scores-by-concept.csv")
    assert set(by.columns) == {"learner", "concept", "pre", "post", "change"} and len(by) == 3 * 11
    items = pd.read_csv(tmp_path / "report" / "item-analysis.csv")
    assert len(items) == 26 and {"difficulty", "discrimination", "flagged"} <= set(items.columns)
    page = (tmp_path / "report" / "change-by-concept.html").read_text()
    assert "Change from pre- to post-test, by Key Concept" in page and 'src="http' not in page


def test_the_report_says_what_is_missing(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "trialsim.content.learning_test", "--gradebook",
                           str(tmp_path / "none.db")], capture_output=True, text=True)
    assert proc.returncode == 2 and "no gradebook at" in proc.stderr and "grade the class first" in proc.stderr
