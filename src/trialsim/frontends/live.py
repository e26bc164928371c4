"""The live front end: an explorer as ipywidgets in JupyterLab.

A dropdown per category control, a selection slider per ordered scale, the
readouts, a plotly figure and the conclusion; every change of a control
recomputes the state with the engine (``Explorer.outcome``) and redraws.
The figure is filled from the same template and slot paths as the static
page, so what a learner sees cannot differ between the two front ends.

Importing this module imports ipywidgets and plotly; the rest of the engine
does not need them.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import plotly.graph_objects as go

if TYPE_CHECKING:
    from .explorer import Explorer, Outcome


def readout_html(explorer: Explorer, outcome: Outcome) -> str:
    """The readouts of ``outcome`` as a small HTML table."""
    rows = "".join(
        f"<tr><th style='text-align:left;padding-right:1em'>{html.escape(r.label)}</th>"
        f"<td>{html.escape(v)}</td></tr>"
        for r, v in zip(explorer.readouts, outcome.shown, strict=True)
    )
    return f"<table>{rows}</table>"


def conclusion_html(outcome: Outcome) -> str:
    """The conclusion sentence of ``outcome`` as HTML."""
    return f"<p><strong>What a careful reader may conclude:</strong> {html.escape(outcome.conclusion)}</p>"


class LiveExplorer(widgets.VBox):
    """An explorer's live widgets; setting ``controls[name].value`` recomputes."""

    def __init__(self, explorer: Explorer) -> None:
        self.explorer = explorer
        self.controls: dict[str, widgets.ValueWidget] = {}
        for c in explorer.controls:
            common = dict(options=list(c.options), value=c.default, description=c.label,
                          style={"description_width": "initial"}, layout=widgets.Layout(width="auto"))
            widget = (widgets.SelectionSlider(continuous_update=False, **common)
                      if c.kind == "range" else widgets.Dropdown(**common))
            if c.help:
                widget.tooltip = c.help
            self.controls[c.name] = widget
        self.outcome = explorer.outcome()
        self.figure = go.FigureWidget(explorer.figure_dict(self.outcome))
        self.readouts = widgets.HTML(readout_html(explorer, self.outcome))
        self.conclusion = widgets.HTML(conclusion_html(self.outcome))
        for widget in self.controls.values():
            widget.observe(self.update, names="value")
        title = widgets.HTML(f"<h4>{html.escape(explorer.title)}</h4>")
        super().__init__([title, widgets.VBox(list(self.controls.values())), self.readouts,
                          self.figure, self.conclusion])

    def update(self, _change: Any = None) -> None:
        """Recompute the state from the controls' values and redraw everything."""
        params = {name: w.value for name, w in self.controls.items()}
        self.outcome = self.explorer.outcome(**params)
        fig = self.explorer.figure_dict(self.outcome)
        with self.figure.batch_update():
            for trace, spec in zip(self.figure.data, fig["data"], strict=True):
                trace.update(spec)
            self.figure.layout.update(fig.get("layout", {}))
        self.readouts.value = readout_html(self.explorer, self.outcome)
        self.conclusion.value = conclusion_html(self.outcome)
