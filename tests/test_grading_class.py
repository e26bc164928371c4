"""A whole class graded by ``./course grade`` in parallel: a synthetic class
(``trialsim.grading.synthetic``) with right answers, typical mistakes and
every kind of broken or hostile submission, graded by two workers, killed
halfway and started again. Every student gets exactly their expected score,
the gradebook stays consistent, and no submission changes another student's
files or the instructor's.

The class has 20 students here (every kind at least once); ``--class-size 300`` grades 300 (the
measured run of the instructors' page).
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import test_grading as grading
from nbgrader.api import Gradebook

from trialsim.grading import batch, new_course, sandbox, synthetic

pytestmark = [pytest.mark.grading, pytest.mark.xdist_group("grade-class")]
PS = synthetic.PS


def _fingerprint(course: Path) -> dict[str, str]:
    """A hash of every file a submission must not change: the instructor's
    (settings, solutions, release) and every student's submission."""
    out = {}
    for folder in ("solutions", "exercises", "submitted"):
        for path in sorted((course / folder).rglob("*")):
            if path.is_file():
                out[str(path.relative_to(course))] = hashlib.sha256(path.read_bytes()).hexdigest()
    out["nbgrader_config.py"] = hashlib.sha256((course / "nbgrader_config.py").read_bytes()).hexdigest()
    return out


def _grader(course: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "trialsim.grading.batch", PS, "--course", str(course), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)


def _graded(course: Path) -> dict:
    try:
        return json.loads((course / ".grading" / PS / "graded.json").read_text())
    except (OSError, ValueError):
        return {}


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory, request):
    """A course with the synthetic class, graded by two workers (the cell
    limit at 5 s of computing; the course's 30 s is what ``./course bench
    --grading 300`` runs) while the rest of the suite keeps the machine busy:
    killed (the grader and its workers) once a third of the class is graded,
    then run again to the end."""
    n = request.config.getoption("--class-size")
    course = tmp_path_factory.mktemp("class") / "course"
    new_course(course, [PS], cell_timeout=grading.SHORT_TIMEOUT)
    expected = synthetic.write_class(course, n, seed=1)
    assert {e["kind"] for e in expected.values()} == set(synthetic.KINDS)
    before = _fingerprint(course)

    first = _grader(course, "--workers", "2")
    deadline = time.monotonic() + 600
    while len(_graded(course)) < n // 3 and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    os.killpg(first.pid, signal.SIGKILL)              # the grader and its workers, mid-run
    first.wait()
    killed_at = len(_graded(course))
    integrity = sqlite3.connect(course / "gradebook.db").execute("PRAGMA integrity_check").fetchall()

    start = time.perf_counter()
    second = _grader(course, "--workers", "2")
    output, _ = second.communicate(timeout=1800)
    seconds = time.perf_counter() - start
    print(output[-3000:])
    return {"course": course, "expected": expected, "before": before, "killed_at": killed_at,
            "integrity": integrity, "output": output, "returncode": second.returncode, "seconds": seconds, "n": n}


def test_the_sandbox_is_available_here():
    """The tests need the read-only course folder the grader gives each kernel."""
    assert sandbox.sandbox_works()


def test_killed_halfway_the_gradebook_is_consistent_and_the_rerun_resumes(graded_class):
    n = graded_class["n"]
    assert graded_class["integrity"] == [("ok",)]
    assert 0 < graded_class["killed_at"] < n, graded_class["killed_at"]
    assert graded_class["returncode"] == 0, graded_class["output"][-2000:]
    head = graded_class["output"].splitlines()[0]
    before = int(head.split(" graded before")[0].rsplit(", ", 1)[1])
    assert before >= graded_class["killed_at"] and f"{n} submissions" in head, head
    assert f"{n - before} to grade with 2 workers" in head, head
    state = graded_class["course"] / ".grading" / PS
    assert sorted(p.name for p in state.iterdir()) == ["graded.json", "summary.csv", "template.db"]


def test_every_student_gets_exactly_their_expected_score(graded_class):
    course, expected = graded_class["course"], graded_class["expected"]
    wrong = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert len(gb.find_assignment(PS).submissions) == len(expected)
        for student, want in expected.items():
            sub = gb.find_submission(PS, student)
            got = sum(g.auto_score or 0 for nb in sub.notebooks for g in nb.grades)
            if got != want["score"]:
                wrong[student] = (want["kind"], want["score"], got)
    assert wrong == {}
    assert sqlite3.connect(course / "gradebook.db").execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_each_problem_is_named_in_the_summary(graded_class):
    course, expected = graded_class["course"], graded_class["expected"]
    rows = {r["student"]: r for r in batch.Ledger(course / ".grading" / PS / "graded.json").rows.items()
            for r in [{"student": r[0], **r[1]}]}
    says = {"endless": "n_per_arm stopped by the time limit", "dies": "ci killed its kernel",
            "renamed": "graded as ps01-celltop.ipynb", "malformed": "not a notebook nbgrader can read",
            "empty": "no notebook submitted"}
    for student, want in expected.items():
        notes = " ".join(rows[student]["notes"])
        if want["kind"] in says:
            assert says[want["kind"]] in notes, (student, want, notes)
        elif want["kind"] == "hog":
            assert "best_comparison" in notes and ("memory" in notes or "killed its kernel" in notes), notes
        else:
            assert notes == "", (student, want, notes)
    looped = next(s for s, e in expected.items() if e["kind"] == "endless")
    graded = grading.nbformat.read(course / "autograded" / looped / PS / f"{PS}.ipynb", as_version=4)
    cell = next(c for c in graded.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "n_per_arm")
    assert f"stopped after {grading.SHORT_TIMEOUT} s of computing" in cell.outputs[-1]["evalue"]
    csv_rows = (course / ".grading" / PS / "summary.csv").read_text().splitlines()
    assert len(csv_rows) == len(expected) + 1 and csv_rows[0] == "student,score,max_score,seconds,notes"
    assert "Graded " in graded_class["output"] and "per submission overall" in graded_class["output"]


def test_no_submission_changes_another_students_files_or_the_instructors(graded_class):
    course = graded_class["course"]
    assert _fingerprint(course) == graded_class["before"]
    escapee = next(s for s, e in graded_class["expected"].items() if e["kind"] == "escape")
    graded = grading.nbformat.read(course / "autograded" / escapee / PS / f"{PS}.ipynb", as_version=4)
    cell = next(c for c in graded.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "best_comparison")
    assert "changed by a submission" in cell.source and not any(o.get("output_type") == "error"
                                                                   for o in cell.outputs)
    for student in graded_class["expected"]:
        for path in (course / "autograded" / student).rglob("*.ipynb"):
            assert "changed by a submission" != path.read_text()[:23], path


def test_a_memory_hog_is_bounded(graded_class):
    rows = batch.Ledger(graded_class["course"] / ".grading" / PS / "graded.json").rows
    assert max(r["kernel_mb"] for r in rows.values()) <= 2048 + 64


def test_bad_commands_say_what_is_wrong(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "trialsim.grading.batch", PS, "--course", str(tmp_path)],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "has no nbgrader_config.py" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "trialsim.grading.batch", PS, "--workers", "0"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "--workers must be 1 or more, not 0" in proc.stderr


def test_the_class_is_made_as_described():
    kinds = synthetic.class_kinds(300, seed=1)
    assert len(kinds) == 300 and set(kinds) == set(synthetic.KINDS)
    assert kinds == synthetic.class_kinds(300, seed=1) and kinds != synthetic.class_kinds(300, seed=2)
    assert kinds.count("endless") == 6 and kinds.count("right") == 162   # 53 % and the rounding of the rest
    assert sorted(synthetic.class_kinds(30, seed=1)).count("right") == 11
