"""The course's own JupyterLab settings: ``python -m trialsim.frontends.lab``.

``./course lab`` runs this before it starts JupyterLab. It writes the
settings into the course's environment (the virtual environment's prefix),
never into the user's home, so they apply to the course and nothing else:

* a chapter (``.md``) opens as a notebook with a double-click: jupytext's
  *Jupytext Notebook* is the default viewer for Markdown and MyST files;
* a notebook keeps all its cells on the page (``windowingMode: none``), so a
  chapter reads, searches and prints whole, as on the site;
* the notebook's arrow-key shortcuts (move to the next cell or heading,
  extend the selection) stand aside when a dropdown, an input or a slider
  has the focus, so the keyboard changes an explorer's control, as on the
  site (Notebook 7 and JupyterLab 4.5 bind the left and right arrows to
  heading navigation, which took them from the sliders);
* nbgrader's *Assignment List* and *Course List* are hidden: they need a
  class's exchange folder on a shared server, and a learner working alone
  would meet only "Error fetching courses!". The instructors' page says how
  a class's hub sets the exchange and shows them again. *Formgrader* and
  *Validate* stay.

Settings already in those files that the course does not own are kept.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

DEFAULT_VIEWERS = {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}
HIDDEN = ("@jupyter/nbgrader:assignment-list", "@jupyter/nbgrader:course-list")
COMMAND_MODE = ".jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus"
ARROW_SHORTCUTS = {"notebook:move-cursor-down": "ArrowDown", "notebook:move-cursor-up": "ArrowUp",
                   "notebook:extend-marked-cells-below": "Shift ArrowDown",
                   "notebook:extend-marked-cells-above": "Shift ArrowUp",
                   "notebook:move-cursor-heading-below-or-expand": "ArrowRight",
                   "notebook:move-cursor-heading-above-or-collapse": "ArrowLeft"}
# what a learner moves with the arrow keys: a dropdown, an input, a slider's handle
CONTROLS = ":not(select):not(input):not([role='slider'])"


def arrow_shortcuts() -> list[dict]:
    """JupyterLab's arrow-key notebook shortcuts, each disabled and added again
    for everything but a focused dropdown, input or slider."""
    out = []
    for command, key in ARROW_SHORTCUTS.items():
        out.append({"command": command, "keys": [key], "selector": COMMAND_MODE, "disabled": True})
        out.append({"command": command, "keys": [key], "selector": f"{COMMAND_MODE}{CONTROLS}"})
    return out


def _merge(path: Path, update: dict) -> None:
    """Merge ``update`` (two levels deep) into the JSON file at ``path``."""
    current = json.loads(path.read_text()) if path.is_file() else {}
    for key, value in update.items():
        current[key] = {**current.get(key, {}), **value}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(current, indent=2) + "\n")


def configure(prefix: str | Path = sys.prefix) -> list[Path]:
    """Write the course's JupyterLab settings under ``prefix``; returns the files written."""
    prefix = Path(prefix)
    overrides = prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    page_config = prefix / "etc" / "jupyter" / "labconfig" / "page_config.json"
    _merge(overrides, {"@jupyterlab/docmanager-extension:plugin": {"defaultViewers": DEFAULT_VIEWERS},
                       "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
                       "@jupyterlab/shortcuts-extension:shortcuts": {"shortcuts": arrow_shortcuts()}})
    _merge(page_config, {"disabledExtensions": dict.fromkeys(HIDDEN, True)})
    return [overrides, page_config]


def main() -> int:
    """Write the settings into this Python's prefix and say where."""
    for path in configure():
        print(f"course: JupyterLab settings in {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
