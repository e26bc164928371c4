"""The registry of every explorer in the course, by chapter module.

A chapter's module exposes ``EXPLORERS``, a list of ``Explorer``s whose
``page`` is the chapter's docname; the benchmark and the tests walk them all.
"""

from __future__ import annotations

from importlib import import_module

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


def all_explorers():
    found = []
    for module in MODULES:
        found.extend(import_module(module).EXPLORERS)
    return found


def get(name: str):
    for explorer in all_explorers():
        if explorer.name == name:
            return explorer
    known = ", ".join(e.name for e in all_explorers())
    raise KeyError(f"no explorer named {name!r}: known explorers are {known}")
