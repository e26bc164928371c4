"""Grade a whole class's submissions of one problem set, in parallel:
``./course grade psNN``.

nbgrader's ``autograde`` grades one submission after another in one
process, with one gradebook, and shows no progress. This command grades the
submissions collected in ``submitted/<student>/<psNN>/`` with several worker
processes (by default one per core available):

* each worker has a folder of its own under ``.grading/<psNN>/`` with its own
  copy of the gradebook, and grades one student at a time there with
  nbgrader's own ``autograde`` (the course's settings, its ``Execute``);
* a submission runs in a kernel in a sandbox (``trialsim.grading.sandbox``):
  the course's folder read-only but for the student's own graded copy, memory
  and file size bounded; a cell that loops, dies or hogs memory costs only its
  own items;
* only the main process writes the course's gradebook: each student's scores
  are merged in one transaction as soon as that student is graded, and the
  graded notebook is moved into ``autograded/``. A grader that is stopped
  (Ctrl-C, a closed terminal, ``kill -9``) leaves a consistent gradebook; run
  it again and it goes on with the students not yet graded (``--regrade``
  grades everyone again);
* a submission nbgrader cannot read (a broken file, an empty folder) scores
  zero for its items and the batch goes on; a notebook under another name,
  alone in its folder, is graded as the problem set's notebook;
* progress (count, rate, time left) is shown while it runs, and a summary at
  the end: scores, the submissions with a problem, and timings, with every
  row in ``.grading/<psNN>/summary.csv``.
"""

from __future__ import annotations

import argparse
import concurrent.futures as futures
import csv
import ctypes
import json
import multiprocessing
import os
import shutil
import signal
import sqlite3
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from . import sandbox

KERNEL = "trialsim-grader"
PROBLEM_OUTPUTS = {"CellTimeoutError": "stopped by the time limit", "KernelDied": "killed its kernel",
                   "MemoryError": "ran out of the memory the grader allows"}


class GradingError(Exception):
    """A problem with the course or the command, not with one submission."""


# --------------------------------------------------------------- the course
def course_config(course: Path) -> Any:
    """The course's nbgrader settings (``nbgrader_config.py``) as a traitlets Config."""
    from traitlets.config.loader import PyFileConfigLoader

    if not (course / "nbgrader_config.py").is_file():
        raise GradingError(f"{course} has no nbgrader_config.py: run the command in the course's folder")
    return PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()


def gradebook_path(course: Path, config: Any) -> Path:
    """The course's SQLite gradebook file, from its ``db_url``."""
    url = config.CourseDirectory.get("db_url", "sqlite:///gradebook.db")
    if not url.startswith("sqlite:///"):
        raise GradingError(f"./course grade needs an SQLite gradebook; the course's db_url is {url}")
    path = Path(url.removeprefix("sqlite:///"))
    return path if path.is_absolute() else course / path


def students(course: Path, ps: str, submitted: str = "submitted") -> list[str]:
    """The students with a folder for ``ps`` in ``submitted/`` (empty ones included)."""
    root = course / submitted
    return sorted(p.name for p in root.iterdir() if (p / ps).is_dir()) if root.is_dir() else []


def timestamp_text(folder: Path) -> str:
    """A submission's ``timestamp.txt`` as written ("" if it has none)."""
    stamp = folder / "timestamp.txt"
    return stamp.read_text(encoding="utf-8", errors="replace").strip() if stamp.is_file() else ""


class Ledger:
    """Which students of a problem set are graded, with their results:
    ``.grading/<ps>/graded.json``, rewritten whole (write, then rename) after
    each student's scores are in the gradebook."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self.rows: dict[str, dict] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.rows = {}

    def save(self) -> None:
        """Write the ledger whole, so a stopped grader never leaves half of it."""
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.rows, indent=1), encoding="utf-8")
        os.replace(tmp, self.path)


# --------------------------------------------------------------- a worker
_WORKER: dict[str, Any] = {}


def _die_with_parent() -> None:
    """Ask Linux to stop this worker when the grader that started it stops."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _init_worker(course: str, ps: str, template: str, kernel_argv: list[str], overrides: dict) -> None:
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the grader's to handle
    course_dir = Path(course)
    root = course_dir / ".grading" / ps / f"w{os.getpid()}"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    shutil.copy2(template, root / "gradebook.db")
    spec = root / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({"argv": kernel_argv, "display_name": "Grader",
                                                  "language": "python"}), encoding="utf-8")
    os.environ["JUPYTER_PATH"] = str(root / "jupyter")
    config = course_config(course_dir)
    source = config.CourseDirectory.get("source_directory", "source")
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.db_url = f"sqlite:///{root / 'gradebook.db'}"
    config.CourseDirectory.source_directory = str(course_dir / source)
    config.CourseDirectory.submitted_directory = "submitted"
    config.CourseDirectory.autograded_directory = "autograded"
    config.Execute.kernel_name = KERNEL
    for section, values in overrides.items():
        for key, value in values.items():
            config[section][key] = value
    os.chdir(root)
    api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
    with Gradebook(config.CourseDirectory.db_url) as gb:
        notebooks = [nb.name for nb in gb.find_assignment(ps).notebooks]
    _WORKER.update(course=course_dir, root=root, ps=ps, api=api, url=config.CourseDirectory.db_url,
                   notebooks=notebooks, template=template)


def _copy_submission(src: Path, dst: Path, notes: list[str]) -> None:
    """Copy the regular files of a submission (a symbolic link could point at
    the solutions: it is left out)."""
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if path.is_symlink():
            notes.append(f"symbolic link {rel} left out")
        elif path.is_dir():
            (dst / rel).mkdir(parents=True, exist_ok=True)
        elif path.is_file():
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dst / rel)


def _problems_in(notebook: Path) -> list[str]:
    """What went wrong in a graded notebook's cells, in words."""
    import nbformat

    out = []
    try:
        nb = nbformat.read(notebook, as_version=4)
    except Exception:  # noqa: BLE001 - a graded copy we cannot read is itself the problem
        return ["graded notebook unreadable"]
    for cell in nb.cells:
        name = cell.metadata.get("nbgrader", {}).get("grade_id", "a cell")
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and output.get("ename") in PROBLEM_OUTPUTS:
                out.append(f"{name} {PROBLEM_OUTPUTS[output['ename']]}")
    return out


@dataclass
class Graded:
    """One student's grading, as a worker hands it to the main process (which
    alone writes the course's gradebook). A student whose grading failed has
    no scores, which count as zero, and a note saying why."""
    student: str
    scores: dict[str, dict] = field(default_factory=dict)      # notebook -> item -> [score, needs hand marking]
    comments: dict[str, dict] = field(default_factory=dict)    # notebook -> item -> autograder's comment
    penalties: dict[str, float] = field(default_factory=dict)  # notebook -> late penalty
    timestamp: str | None = None
    graded_dir: str = ""          # the worker's graded copy, moved into autograded/ by merge
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    worker: int | None = None
    worker_mb: int = 0
    kernel_mb: int = 0


def _failed(student: str, why: str | Exception) -> Graded:
    """A student whose grading failed: no scores, and a note saying why."""
    if isinstance(why, Exception):
        why = f"grading failed ({type(why).__name__}: {str(why)[:160]})"
    return Graded(student, notes=[why])


def grade_one(student: str) -> Graded:
    """Grade one student's submission in this worker; return its scores and
    notes. Whatever goes wrong costs this student's items only: the worker's
    gradebook is set back to the course's, and the next student is graded."""
    try:
        return _grade_one(student)
    except Exception as err:  # noqa: BLE001 - one student's failure must not stop the class
        shutil.copy2(_WORKER["template"], _WORKER["root"] / "gradebook.db")
        return _failed(student, err)


def _grade_one(student: str) -> Graded:
    import nbformat
    from nbgrader.api import Gradebook, MissingEntry

    start = time.perf_counter()
    w = _WORKER
    ps, root = w["ps"], w["root"]
    src = w["course"] / "submitted" / student / ps
    dst = root / "submitted" / student / ps
    for folder in (root / "submitted" / student, root / "autograded" / student):
        shutil.rmtree(folder, ignore_errors=True)
    dst.mkdir(parents=True)
    notes: list[str] = []
    _copy_submission(src, dst, notes)
    found = sorted(p for p in dst.glob("*.ipynb"))
    for name in w["notebooks"]:
        if not (dst / f"{name}.ipynb").exists():
            others = [p for p in found if p.stem not in w["notebooks"]]
            if len(others) == 1 and len(w["notebooks"]) == 1:
                others[0].rename(dst / f"{name}.ipynb")
                notes.append(f"notebook {others[0].name} graded as {name}.ipynb")
    if not list(dst.glob("*.ipynb")):
        notes.append("no notebook submitted")
    for path in sorted(dst.glob("*.ipynb")):
        try:
            nbformat.read(path, as_version=4)
        except Exception as err:  # noqa: BLE001 - any unreadable file is reported the same way
            notes.append(f"{path.name} is not a notebook nbgrader can read ({type(err).__name__})")
    result = w["api"].autograde(ps, student, force=True, create=True)
    if not result.get("success") and not notes:
        lines = [ln for ln in (result.get("error") or result.get("log") or "").splitlines() if ln.strip()]
        notes.append("autograde failed: " + (lines[-1][:200] if lines else "no message"))
    scores: dict[str, dict] = {}
    comments: dict[str, dict] = {}
    penalties: dict[str, float] = {}
    timestamp = None
    with Gradebook(w["url"]) as gb:
        try:
            sub = gb.find_submission(ps, student)
        except MissingEntry:
            sub = None
        if sub is not None:
            timestamp = sub.timestamp.isoformat() if sub.timestamp else None
            for nb in sub.notebooks:
                graded = (root / "autograded" / student / ps / f"{nb.name}.ipynb").is_file()
                # a notebook not graded (missing, unreadable) scores zero, as nbgrader scores a missing one
                scores[nb.name] = {g.name: [g.auto_score if graded else 0.0, bool(g.needs_manual_grade) and graded]
                                   for g in nb.grades}
                comments[nb.name] = {c.name: c.auto_comment for c in nb.comments}
                penalties[nb.name] = nb.late_submission_penalty or 0.0
                if graded:
                    notes += _problems_in(root / "autograded" / student / ps / f"{nb.name}.ipynb")
    import resource

    return Graded(student, scores, comments, penalties, timestamp, str(root / "autograded" / student / ps),
                  round(time.perf_counter() - start, 2), notes, os.getpid(),
                  round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                  round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024))


# --------------------------------------------------------------- the grader
def merge(course: Path, ps: str, url: str, result: Graded, autograded: str = "autograded") -> float:
    """Write one graded student into the course's gradebook (one transaction)
    and move the graded copy into ``autograded/``; return the total score."""
    from datetime import datetime

    from nbgrader.api import Gradebook

    student = result.student
    stamp = datetime.fromisoformat(result.timestamp) if result.timestamp else None
    total = 0.0
    with Gradebook(url) as gb:
        gb.update_or_create_student(student)
        sub = gb.update_or_create_submission(ps, student, **({"timestamp": stamp} if stamp else {}))
        for nb in sub.notebooks:
            scores = result.scores.get(nb.name, {})
            for grade in nb.grades:
                auto, manual = scores.get(grade.name, [0.0, False])
                grade.auto_score, grade.needs_manual_grade = auto, manual
                total += auto or 0.0
            for comment in nb.comments:
                comment.auto_comment = result.comments.get(nb.name, {}).get(comment.name)
            nb.late_submission_penalty = result.penalties.get(nb.name, 0.0)
        gb.db.commit()
    graded = Path(result.graded_dir)
    dest = course / autograded / student / ps
    if graded.is_dir():
        staging = dest.with_name(f".{ps}.incoming")
        shutil.rmtree(staging, ignore_errors=True)
        staging.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(graded, staging)
        shutil.rmtree(dest, ignore_errors=True)
        os.replace(staging, dest)
        shutil.rmtree(graded, ignore_errors=True)
    return total


def _bar(done: int, total: int, started: float, problems: int) -> str:
    elapsed = time.perf_counter() - started
    rate = done / elapsed if elapsed > 0 else 0.0
    left = (total - done) / rate if rate > 0 else float("nan")
    width = 30
    filled = int(width * done / total) if total else width
    eta = "--" if left != left else f"{int(left // 60)}m{int(left % 60):02d}s"
    return (f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} graded  {rate * 60:.0f} per minute  "
            f"ETA {eta}  {problems} with a problem")


def grade_class(course: Path, ps: str, workers: int | None = None, regrade: bool = False,
                timeout: int | None = None, memory_mb: int = 2048, out: TextIO = sys.stderr) -> dict:
    """Grade every collected submission of ``ps`` in ``course``; return the
    run's summary (rows per student graded now or before, and timings)."""
    from nbgrader.api import Gradebook, MissingEntry

    course = course.resolve()
    config = course_config(course)
    db = gradebook_path(course, config)
    url = f"sqlite:///{db}"
    if not db.is_file():
        raise GradingError(f"no gradebook at {db}: release the problem set first (./course release {ps})")
    with Gradebook(url) as gb:
        try:
            gb.find_assignment(ps)
        except MissingEntry:
            raise GradingError(f"problem set {ps!r} is not in the gradebook: release it first "
                               f"(./course release {ps})") from None
    everyone = students(course, ps)
    if not everyone:
        raise GradingError(f"no submissions of {ps} in {course / 'submitted'}: collect them first "
                           "(nbgrader collect, or nbgrader zip_collect)")
    state = course / ".grading" / ps
    state.mkdir(parents=True, exist_ok=True)
    ledger = Ledger(state / "graded.json")
    with Gradebook(url) as gb:
        in_book = {s.student.id for s in gb.find_assignment(ps).submissions}
    todo = [s for s in everyone
            if regrade or s not in in_book or s not in ledger.rows
            or ledger.rows[s].get("stamp") != timestamp_text(course / "submitted" / s / ps)]
    workers = max(1, min(workers or len(os.sched_getaffinity(0)), len(todo) or 1))
    isolate = sandbox.sandbox_works()
    if not isolate:
        print("grade: this machine does not let the grader make the course's folder read-only for the "
              "submissions (no unprivileged user namespaces): a submission could change files the grader's "
              "user can change. Grade as a separate user, or where `unshare --user` works.", file=out)
    template = state / "template.db"
    with sqlite3.connect(db) as src, sqlite3.connect(template) as copy:
        src.backup(copy)
    argv = sandbox.kernel_argv([str(course), str(Path.home())], memory_mb, 100, isolate)
    overrides = {"Execute": {"timeout": timeout}} if timeout else {}
    print(f"grade: {ps}: {len(everyone)} submissions, {len(everyone) - len(todo)} graded before, "
          f"{len(todo)} to grade with {workers} worker{'s' if workers > 1 else ''}", file=out)

    started = time.perf_counter()
    done = problems = 0
    tty = out.isatty()
    last_line = 0.0
    pending = list(todo)
    tries: dict[str, int] = {}
    interrupted = False
    while pending and not interrupted:
        with futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=_init_worker,
                                         initargs=(str(course), ps, str(template), argv, overrides)) as pool:
            jobs = {pool.submit(grade_one, s): s for s in pending}
            pending = []
            try:
                for job in futures.as_completed(jobs):
                    student = jobs[job]
                    try:
                        result = job.result()
                    except futures.process.BrokenProcessPool:
                        tries[student] = tries.get(student, 0) + 1
                        if tries[student] < 2:
                            pending.append(student)
                            continue
                        result = _failed(student, "its grading worker stopped twice")
                    except Exception as err:  # noqa: BLE001 - reported in the summary, the class goes on
                        result = _failed(student, err)
                    score = merge(course, ps, url, result)
                    ledger.rows[student] = {"score": score, "notes": result.notes, "seconds": result.seconds,
                                            "worker_mb": result.worker_mb, "kernel_mb": result.kernel_mb,
                                            "stamp": timestamp_text(course / "submitted" / student / ps)}
                    ledger.save()
                    done += 1
                    problems += bool(result.notes)
                    now = time.perf_counter()
                    if tty:
                        print("\r" + _bar(done, len(todo), started, problems), end="", file=out, flush=True)
                    elif now - last_line > 10 or done == len(todo):
                        print(_bar(done, len(todo), started, problems), file=out, flush=True)
                        last_line = now
            except KeyboardInterrupt:
                interrupted = True
                for job in jobs:
                    job.cancel()
                for process in list(getattr(pool, "_processes", {}).values()):
                    process.kill()
    if tty:
        print(file=out)
    wall = time.perf_counter() - started
    for folder in state.glob("w*"):
        shutil.rmtree(folder, ignore_errors=True)
    summary = _summary(course, ps, url, everyone, ledger, todo, done, wall, workers, isolate)
    summary["interrupted"] = interrupted
    _print_summary(summary, state, out)
    if interrupted:
        print(f"grade: stopped after {done} of {len(todo)}; run the same command again to grade the rest",
              file=out)
    return summary


def _summary(course: Path, ps: str, url: str, everyone: list[str], ledger: Ledger, todo: list[str],
             done: int, wall: float, workers: int, isolate: bool) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(url) as gb:
        most = gb.find_assignment(ps).max_score
    rows = [{"student": s, "score": ledger.rows[s]["score"], "max_score": most,
             "seconds": ledger.rows[s]["seconds"], "notes": "; ".join(ledger.rows[s]["notes"])}
            for s in everyone if s in ledger.rows]
    now = [ledger.rows[s] for s in todo if s in ledger.rows][:done]
    seconds = [r["seconds"] for r in now]
    return {"problem_set": ps, "rows": rows, "students": len(everyone), "graded_now": done,
            "graded_before": len(everyone) - len(todo), "workers": workers, "wall_s": round(wall, 1),
            "s_per_submission": round(wall / done, 2) if done else None,
            "worker_s_median": round(statistics.median(seconds), 2) if seconds else None,
            "worker_mb_peak": max((r["worker_mb"] for r in now), default=0),
            "kernel_mb_peak": max((r["kernel_mb"] for r in now), default=0),
            "sandboxed": isolate}


def _print_summary(summary: dict, state: Path, out: TextIO) -> None:
    rows = summary["rows"]
    with open(state / "summary.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, ["student", "score", "max_score", "seconds", "notes"])
        writer.writeheader()
        writer.writerows(rows)
    shown = rows if len(rows) <= 40 else [r for r in rows if r["notes"]]
    if shown:
        width = max(len("Student"), *(len(r["student"]) for r in shown))
        print(f"\n{'Student':<{width}}  {'Score':>9}  {'Seconds':>7}  Problems", file=out)
        for r in shown:
            print(f"{r['student']:<{width}}  {r['score']:>4g} / {r['max_score']:<3g}  {r['seconds']:>7.1f}  "
                  f"{r['notes'] or '-'}", file=out)
    scores = [r["score"] for r in rows]
    if scores:
        print(f"\nScores: mean {statistics.mean(scores):.1f} of {rows[0]['max_score']:g}, median "
              f"{statistics.median(scores):g}; {sum(1 for r in rows if r['notes'])} of {len(rows)} with a "
              "problem", file=out)
    if summary["graded_now"]:
        print(f"Graded {summary['graded_now']} in {summary['wall_s']:.0f} s with {summary['workers']} workers: "
              f"{summary['s_per_submission']:.2f} s per submission overall, {summary['worker_s_median']:.1f} s "
              f"each in a worker (median); peak memory {summary['worker_mb_peak']} MB per worker, "
              f"{summary['kernel_mb_peak']} MB per kernel", file=out)
    print(f"Every row: {state / 'summary.csv'}", file=out)


def main(argv: list[str] | None = None) -> int:
    """``./course grade``: grade the class and return the exit status (2 for a
    problem with the course or the command, 130 when stopped by Ctrl-C)."""
    parser = argparse.ArgumentParser(prog="./course grade", description=__doc__.split("\n\n")[0])
    parser.add_argument("problem_set")
    parser.add_argument("--course", type=Path, default=Path.cwd(), help="the course's folder (default: here)")
    parser.add_argument("--workers", type=int, default=None,
                        help="worker processes (default: the cores available)")
    parser.add_argument("--regrade", action="store_true", help="grade again the students already graded")
    parser.add_argument("--timeout", type=int, default=None,
                        help="CPU seconds a cell may compute (default: the course's nbgrader_config.py)")
    parser.add_argument("--memory-mb", type=int, default=2048, help="memory a submission's kernel may use")
    args = parser.parse_args(argv)
    if args.workers is not None and args.workers < 1:
        parser.error(f"--workers must be 1 or more, not {args.workers}")
    try:
        summary = grade_class(args.course, args.problem_set, args.workers, args.regrade, args.timeout,
                              args.memory_mb)
    except GradingError as err:
        print(f"grade: {err}", file=sys.stderr)
        return 2
    return 130 if summary["interrupted"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
