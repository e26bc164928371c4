"""Grading that a busy machine cannot spoil (``trialsim.grading.execute``).

nbgrader's own ``Execute`` waits only 4 s for a kernel to answer after it
interrupts an endless loop, and then abandons the whole notebook: on a busy
server the student with one endless loop scored zero for every question.
The course's ``Execute`` counts a cell's limit in the kernel's CPU seconds and
gives an interrupted kernel time to answer. These tests show the failure and
the fix on small notebooks, then grade a whole class with the course's real
settings while every core is busy.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import time

import nbformat
import pytest
import test_grading as grading
from nbclient.exceptions import CellTimeoutError
from nbgrader.preprocessors import Execute as NbgraderExecute

from trialsim.grading.execute import Execute

pytestmark = pytest.mark.grading

# An endless loop in a kernel that takes 6 s to answer the interrupt: what a
# starved kernel on a busy server does (measured here: 0.25 s on a quiet
# machine, 3 to 9 s with the kernel's core shared with 8 to 24 busy processes).
SLOW_TO_ANSWER = """\
import signal, time
def answer_slowly(signum, frame):
    time.sleep(6)
    raise KeyboardInterrupt
signal.signal(signal.SIGINT, answer_slowly)
x = 0
while True:
    x += 1
"""


def notebook(*sources: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources],
                                    metadata={"kernelspec": {"name": "python3", "language": "python",
                                                             "display_name": "Python 3"}})


def errors(cell) -> list:
    return [o for o in cell.outputs if o.output_type == "error"]


def test_nbgrader_alone_abandons_the_notebook_when_the_kernel_is_slow_to_answer(tmp_path):
    """The root cause: after the interrupt, nbgrader's Execute waits 4 s for
    the kernel and raises out of the whole notebook (nbgrader then writes no
    graded notebook and the student scores zero)."""
    nb = notebook("before = 1", SLOW_TO_ANSWER, "after = 2")
    with pytest.raises(CellTimeoutError, match="Timeout waiting for IOPub output"):
        NbgraderExecute(timeout=2).preprocess(nb, {"metadata": {"path": str(tmp_path)}})


def test_a_kernel_slow_to_answer_costs_only_the_cell_that_looped(tmp_path):
    nb = notebook("before = 1", SLOW_TO_ANSWER, "after = before + 1\nprint(after)")
    Execute(timeout=2).preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    first, loop, last = nb.cells
    assert errors(first) == [] and errors(last) == []
    assert last.outputs[0].text == "2\n"
    (stopped,) = errors(loop)
    assert stopped.ename == "CellTimeoutError"
    assert stopped.evalue.startswith("this cell was stopped after 2 s of computing (an endless loop?)")


def test_the_limit_counts_computing_not_waiting(tmp_path):
    """A cell that takes longer than the limit on the wall clock while hardly
    computing (as a right answer does on a starved kernel) is not stopped; one
    that computes past the limit is, after about the limit in CPU seconds."""
    nb = notebook("import time\ntime.sleep(4)\nwaited = True",
                  "import time\nstart = time.process_time()\nwhile True:\n    used = time.process_time() - start",
                  "print(waited, round(used))")
    Execute(timeout=2).preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    waited, busy, report = nb.cells
    assert errors(waited) == []
    assert [e.ename for e in errors(busy)] == ["CellTimeoutError"]
    assert report.outputs[0].text == "True 2\n"  # stopped at 2 s of CPU, give or take a poll


def test_a_cell_that_waits_forever_is_stopped_by_the_wall_clock(tmp_path):
    nb = notebook("import time\nwhile True:\n    time.sleep(0.05)", "after = 1")
    start = time.monotonic()
    Execute(timeout=1, wall_factor=3).preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    assert time.monotonic() - start < 30
    (stopped,) = errors(nb.cells[0])
    assert stopped.ename == "CellTimeoutError" and "stopped after 3 s without finishing" in stopped.evalue
    assert errors(nb.cells[1]) == []


def _busy(stop) -> None:
    os.setsid()  # its own session, so its own scheduling group, like another user's work
    x = 0
    while not stop.is_set():
        for _ in range(100_000):
            x += 1


@contextlib.contextmanager
def every_core_busy():
    stop = multiprocessing.get_context("fork").Event()
    procs = [multiprocessing.get_context("fork").Process(target=_busy, args=(stop,), daemon=True)
             for _ in range(len(os.sched_getaffinity(0)))]
    for proc in procs:
        proc.start()
    try:
        yield len(procs)
    finally:
        stop.set()
        for proc in procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()


@pytest.mark.xdist_group("under-load")
def test_a_class_is_graded_right_while_every_core_is_busy(tmp_path):
    """ps03's class (right, wrong, raising, endless loop, untouched) with the
    course's real settings (30 s of computing per cell), while CPU-bound
    processes occupy every core: every student gets exactly their score."""
    spec = grading.SPECS["ps03-progressive-ms"]
    root = tmp_path / "course"
    release = grading.make_course(root, spec, timeout=None)
    with every_core_busy() as busy:
        start = time.perf_counter()
        proc = grading.nbgrader(root, "autograde", spec.name, check=False)
        seconds = time.perf_counter() - start
    run = grading.Run(spec, root, release, proc, seconds)
    print(f"{spec.name} autograded with {busy} busy processes: {seconds:.0f} s")
    assert proc.returncode == 0, proc.stderr[-3000:]
    for student in run.readable():
        expected = {item: spec.students[student]["expected"].get(item, points) for item, points in spec.auto.items()}
        expected |= {item: 0 for item in spec.manual}
        assert run.scores(student) == expected, student
    loop = next(c for c in run.graded_notebook("s04-endless").cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == spec.loop_cell)
    assert "stopped after 30 s of computing" in errors(loop)[0].evalue
