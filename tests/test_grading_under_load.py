"""Grading that a busy machine cannot spoil (``trialsim.grading.execute``).

nbgrader's own ``Execute`` waits only 4 s for a kernel to answer after it
interrupts an endless loop, and then abandons the whole notebook: on a busy
server the student with one endless loop scored zero for every question.
The course's ``Execute`` counts a cell's limit in the kernel's CPU seconds and
gives an interrupted kernel time to answer. These tests show the failure and
the fix on small notebooks; test_grading_class.py grades a whole class with
the course's real settings on a machine kept busy by parallel grading.
"""

from __future__ import annotations

import time

import nbformat
import pytest
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
