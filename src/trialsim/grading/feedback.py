"""nbgrader feedback that explains without giving the hidden checks away.

nbgrader's feedback shows each student the graded notebook. The hidden checks
are removed from it by ``ClearHiddenTests``, but a failing check's traceback
still quotes the lines around the failure. ``ErrorsWithoutCode`` replaces the
traceback of every error in a test cell with its last line, the error's name
and message, which is written for the student. Errors in the student's own
answer cells keep their full traceback: that code is theirs.

Used in ``nbgrader_config.py`` (``GenerateFeedback.preprocessors``).
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

if TYPE_CHECKING:
    from nbformat import NotebookNode


def is_test_cell(cell: NotebookNode) -> bool:
    """True for an autograder test cell: graded by nbgrader and not a solution cell."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution")


class ErrorsWithoutCode(Preprocessor):
    """Shorten each error in an autograder test cell to 'Name: message'."""

    enabled = Bool(True, help="nbgrader registers preprocessors without enabling them").tag(config=True)

    def preprocess_cell(self, cell: NotebookNode, resources: dict[str, Any],
                        index: int) -> tuple[NotebookNode, dict[str, Any]]:
        """The cell with each error of a test cell's outputs cut to 'Name: message',
        and the resources unchanged."""
        if cell.cell_type == "code" and is_test_cell(cell):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    line = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
                    # feedback shows tracebacks unwrapped: keep the message readable
                    output["traceback"] = ["\n".join(textwrap.wrap(line, 90, subsequent_indent="    "))]
        return cell, resources
