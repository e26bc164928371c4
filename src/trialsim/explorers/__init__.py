"""The registry of every explorer in the course, by chapter module.

A chapter's module exposes ``EXPLORERS``, a list of ``Explorer``s whose
``page`` is the chapter's docname; the benchmark and the tests walk them all.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..frontends.explorer import Explorer

MODULES = [
    "trialsim.explorers.celltop",
    "trialsim.explorers.als",
    "trialsim.explorers.progressive_ms",
    "trialsim.explorers.mesems",
    "trialsim.explorers.liver",
    "trialsim.explorers.meta",
    "trialsim.explorers.marketing",
    "trialsim.explorers.capstone",
]


def all_explorers() -> list[Explorer]:
    """Every explorer of the course, chapter by chapter in the order of ``MODULES``."""
    found = []
    for module in MODULES:
        found.extend(import_module(module).EXPLORERS)
    return found


def get(name: str) -> Explorer:
    """The explorer named ``name``; raises ``KeyError``, listing the known names, if there is none."""
    for explorer in all_explorers():
        if explorer.name == name:
            return explorer
    known = ", ".join(e.name for e in all_explorers())
    raise KeyError(f"no explorer named {name!r}: known explorers are {known}")
