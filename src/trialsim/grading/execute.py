"""Autograding that a busy machine cannot spoil.

nbgrader's own ``Execute`` counts a cell's 30 s limit on the wall clock and,
after interrupting a cell that ran too long, waits only nbclient's 4 s
``iopub_timeout`` for the kernel to say it is idle again, with
``raise_on_iopub_timeout`` on. On a machine whose cores are busy with other
work (a shared JupyterHub server, a CI runner, a class graded in parallel)
both go wrong:

* the interrupted kernel can take longer than 4 s to answer, so nbclient
  raises ``CellTimeoutError`` out of the whole notebook and nbgrader writes no
  graded notebook at all: the student with one endless loop scores zero for
  every question, including those answered right;
* a right answer that computes for 10 s on a quiet machine can take more than
  30 s of wall time on a busy one, and is stopped.

This ``Execute`` measures the limit in the kernel's own CPU seconds (the
kernel process and any children): an endless loop is stopped after 30 s of
computing, however long the machine makes it wait, and a slow machine costs
time but never marks. A wall-clock limit, ``wall_factor`` times longer, still
stops a cell that waits without computing (``time.sleep`` in a loop). After an
interrupt the kernel gets up to ``iopub_timeout`` (60 s) to answer, and if it
does not, grading goes on with the next cell instead of abandoning the
notebook.

A cell that kills its kernel (``os._exit``, a crash, the memory bound) costs
only its own items too: the kernel is started again, the cells before it that
ran without error are run again (silently) to rebuild its state, and grading
goes on with the next cell; the cell shows ``KernelDied``.

A cell stopped by the limit shows ``CellTimeoutError`` with a message that
says what happened. Used by ``nbgrader_config.py`` (``Autograde``) and by
``trialsim.grading.check``, so a learner checking their own work meets the same rule.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
from typing import Any

import psutil
from nbclient.exceptions import DeadKernelError
from nbclient.util import ensure_async, run_sync
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute as NbgraderExecute
from traitlets import Float, Integer, default

STOPPED = "CellTimeoutError"
DIED = "KernelDied"


def cpu_seconds(process: psutil.Process) -> float:
    """CPU seconds used so far by ``process`` and every process it started."""
    times = process.cpu_times()
    total = times.user + times.system + times.children_user + times.children_system
    for child in process.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            child_times = child.cpu_times()
            total += child_times.user + child_times.system
    return total


class Execute(NbgraderExecute):
    """nbgrader's ``Execute`` with a cell limit in CPU seconds (see the module)."""

    wall_factor = Integer(
        10, help="A cell is also stopped after timeout x wall_factor seconds on the wall clock.",
    ).tag(config=True)
    poll_interval = Float(0.2, help="Seconds between two looks at the kernel's CPU time.").tag(config=True)
    grace = Float(
        5.0, help="CPU seconds a stopped cell may still use before it is interrupted again "
                  "(code that catches KeyboardInterrupt).",
    ).tag(config=True)

    @default("iopub_timeout")
    def _iopub_timeout_default(self) -> int:
        return 60

    @default("raise_on_iopub_timeout")
    def _raise_on_iopub_timeout_default(self) -> bool:
        return False

    @default("startup_timeout")
    def _startup_timeout_default(self) -> int:
        return 300

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._watch: asyncio.Task | None = None
        self._stopped_after: float | None = None
        # nbclient's own limit becomes the wall-clock backstop
        self.timeout_func = lambda cell: self.wall_timeout

    @property
    def cpu_timeout(self) -> float | None:
        """The cell limit in CPU seconds (``timeout``), or None when ``timeout`` is not
        positive (no limit)."""
        return self.timeout if self.timeout and self.timeout > 0 else None

    @property
    def wall_timeout(self) -> int | None:
        """The wall-clock backstop in whole seconds, ``wall_factor`` times the CPU
        limit, or None with no limit."""
        return self.cpu_timeout and int(self.cpu_timeout * self.wall_factor)

    def _kernel_process(self) -> psutil.Process | None:
        pid = getattr(getattr(self.km, "provisioner", None), "pid", None)
        if pid is None:
            return None
        try:
            return psutil.Process(pid)
        except psutil.Error:
            return None

    async def _watch_cpu(self, process: psutil.Process, limit: float) -> None:
        start = cpu_seconds(process)
        while True:
            await asyncio.sleep(self.poll_interval)
            try:
                used = cpu_seconds(process) - start
            except psutil.Error:  # the kernel died: nbclient reports that itself
                return
            if used >= limit:
                self._stopped_after = self._stopped_after or used
                self.log.warning("Cell used %.0f s of CPU: interrupting the kernel", used)
                await ensure_async(self.km.interrupt_kernel())
                limit = used + self.grace

    def _stop_watching(self) -> None:
        if self._watch is not None:
            self._watch.cancel()
            self._watch = None

    async def on_cell_complete(self, cell: NotebookNode, cell_index: int, **kwargs: Any) -> None:
        """The cell was sent to the kernel: watch its CPU time."""
        self._stop_watching()
        self._stopped_after = None
        process = self._kernel_process()
        if process is not None and self.cpu_timeout:
            self._watch = asyncio.ensure_future(self._watch_cpu(process, self.cpu_timeout))

    def on_cell_executed(self, cell: NotebookNode, cell_index: int, execute_reply: dict,
                         **kwargs: Any) -> None:
        """The cell has run: stop watching its CPU time and, if either limit stopped
        it, replace its error outputs with a ``CellTimeoutError`` that says which."""
        self._stop_watching()
        super().on_cell_executed(cell=cell, cell_index=cell_index, execute_reply=execute_reply)
        if self._stopped_after is None and execute_reply["content"].get("ename") != STOPPED:
            return
        message = (f"this cell was stopped after {self.cpu_timeout:g} s of computing (an endless loop?); "
                   "the cells that do not need its result are graded as usual")
        if self._stopped_after is None:
            message = (f"this cell was stopped after {self.wall_timeout:g} s without finishing; "
                       "the cells that do not need its result are graded as usual")
        cell.outputs = [o for o in cell.outputs if o.get("output_type") != "error"]
        cell.outputs.append(NotebookNode(output_type="error", ename=STOPPED, evalue=message,
                                         traceback=[f"{STOPPED}: {message}"]))

    async def async_execute_cell(self, cell: NotebookNode, cell_index: int, execution_count: int | None = None,
                                 store_history: bool = True) -> NotebookNode:
        """Execute one cell; if it kills the kernel, start a new kernel with the
        state the earlier cells built, and mark this cell ``KernelDied``."""
        try:
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        except DeadKernelError:
            self._stop_watching()
            self.log.warning("The kernel died in cell %d: starting it again", cell_index)
            outputs = [o for o in cell.outputs if o.get("output_type") != "error"]
            await self._revive(cell_index)
            message = ("the kernel stopped while running this cell (os._exit, a crash, or more memory than "
                       "the grader allows); it was started again and the cells after this one graded as usual")
            cell.outputs = [*outputs, NotebookNode(output_type="error", ename=DIED, evalue=message,
                                                   traceback=[f"{DIED}: {message}"])]
            return cell

    execute_cell = run_sync(async_execute_cell)   # nbclient binds its own coroutine here, not an override

    async def _revive(self, upto: int) -> None:
        """A new kernel, with the earlier code cells that ran without error run
        again on copies (their outputs in the notebook are left as they were)."""
        await ensure_async(self.km.restart_kernel(now=True))
        with contextlib.suppress(Exception):
            self.kc.stop_channels()
        self.kc = self.km.client()
        await ensure_async(self.kc.start_channels())
        await ensure_async(self.kc.wait_for_ready(timeout=self.startup_timeout))
        for index, earlier in enumerate(self.nb.cells[:upto]):
            ran_clean = not any(o.get("output_type") == "error" for o in earlier.get("outputs", []))
            if earlier.cell_type == "code" and ran_clean:
                await super().async_execute_cell(copy.deepcopy(earlier), index, store_history=False)

    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None) -> tuple[NotebookNode, Any]:
        """Execute every cell of ``nb`` as nbgrader's ``Execute`` does and return
        (nb, resources); the CPU watch is stopped even if execution fails."""
        try:
            return super().preprocess(nb, resources, km)
        finally:
            self._stop_watching()
