"""The live front end: an explorer as ipywidgets in JupyterLab.

A dropdown per category control and a selection slider per ordered scale
(ipywidgets, each labelled), the readouts, a plotly figure and the
conclusion; every change of a control recomputes the state with the engine
(``Explorer.outcome``) and redraws. The course's JupyterLab settings
(``trialsim.frontends.lab``) keep the notebook's arrow-key shortcuts off a
focused dropdown, so the keyboard moves the control, not the cursor.
The figure is filled from the same template and slot paths as the static
page, so what a learner sees cannot differ between the two front ends.

The figure is plotly's own output (the ``application/vnd.plotly.v1+json``
mime type) in an ``Output`` widget, replaced on each change, which
JupyterLab draws with the plotly.js of plotly's extension, loaded once. A
``plotly.graph_objects.FigureWidget`` would ship about 5 MB of JavaScript to
the browser per widget and, under load, could draw an empty figure.

Importing this module imports ipywidgets; the rest of the engine does not
need it.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

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


PLOTLY_MIME = "application/vnd.plotly.v1+json"
PLOT_CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


def figure_bundle(figure: dict) -> dict:
    """A plotly figure dict as the mime bundle JupyterLab's plotly extension draws."""
    title = figure.get("layout", {}).get("title", {})
    text = title.get("text", "") if isinstance(title, dict) else str(title)
    return {PLOTLY_MIME: {**figure, "config": PLOT_CONFIG}, "text/plain": f"Figure: {text}"}


def conclusion_html(outcome: Outcome) -> str:
    """The conclusion sentence of ``outcome`` as HTML."""
    return f"<p><strong>What a careful reader may conclude:</strong> {html.escape(outcome.conclusion)}</p>"


class LiveExplorer(widgets.VBox):
    """An explorer's live widgets; a change of a control, by the learner or by
    ``set(name=value)``, recomputes."""

    def __init__(self, explorer: Explorer) -> None:
        self.explorer = explorer
        self.controls: dict[str, widgets.ValueWidget] = {}
        self.details: dict[str, widgets.HTML] = {}  # a select's current option in words, when it has details
        for c in explorer.controls:
            if any(c.details):
                self.details[c.name] = widgets.HTML()
                self.details[c.name].add_class("tsx-live-choice")
            common = dict(options=list(c.options), value=c.default, description=c.label,
                          style={"description_width": "initial"}, layout=widgets.Layout(width="auto"))
            widget = (widgets.SelectionSlider(continuous_update=False, **common)
                      if c.kind == "range" else widgets.Dropdown(**common))
            if c.help:
                widget.tooltip = c.help
            self.controls[c.name] = widget
        self.figure = widgets.Output(layout=widgets.Layout(min_height="380px"))
        self.readouts = widgets.HTML()
        self.conclusion = widgets.HTML()
        self.conclusion.add_class("tsx-live-conclusion")
        self.figure.add_class("tsx-live-figure")
        self.update()
        for widget in self.controls.values():
            widget.observe(self.update, names="value")
        title = widgets.HTML(f"<h4>{html.escape(explorer.title)}</h4>")
        panel = widgets.VBox([widgets.VBox([w, self.details[name]]) if name in self.details else w
                              for name, w in self.controls.items()])
        panel.add_class("tsx-live-controls")
        super().__init__([title, panel, self.readouts, self.figure, self.conclusion])
        self.add_class("tsx-live-explorer")

    @property
    def values(self) -> dict[str, Any]:
        """The controls' current values, by name."""
        return {name: widget.value for name, widget in self.controls.items()}

    def set(self, **values: Any) -> None:
        """Set controls by name to values (as a learner would), which recomputes."""
        for name, value in values.items():
            if name not in self.controls:
                raise ValueError(f"explorer {self.explorer.name!r} has no control {name!r}: "
                                 f"its controls are {', '.join(self.controls)}")
            self.controls[name].value = value

    def update(self, _change: Any = None) -> None:
        """Recompute the state from the controls' values and redraw everything."""
        self.outcome = self.explorer.outcome(**self.values)
        for control in self.explorer.controls:
            if control.name in self.details:
                detail = control.details[control.index(self.outcome.params[control.name])]
                self.details[control.name].value = f"<em>{html.escape(detail)}</em>"
        self.figure_spec = self.explorer.figure_dict(self.outcome)
        self.conclusion.value = conclusion_html(self.outcome)  # what a learner reads first, sent first
        self.readouts.value = readout_html(self.explorer, self.outcome)
        self.figure.outputs = ({"output_type": "display_data", "data": figure_bundle(self.figure_spec),
                                "metadata": {}},)
