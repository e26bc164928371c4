"""trialsim: the engine of the Cells on Trial course.

Simulators are pure functions of plain parameters (``trialsim.stats.proportions``,
``trialsim.stats.celltop`` and the modules for later chapters); an
``trialsim.frontends.explorer.Explorer`` turns one of them into an interactive
explorer with a live (ipywidgets) and a static (precomputed HTML) front end.
"""

from __future__ import annotations

__version__ = "0.1.0"
