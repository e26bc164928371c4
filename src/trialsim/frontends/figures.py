"""The course's figure style, shared by every explorer's figure template.

A template is a plain plotly figure dict (see ``explorer.Explorer``); these
helpers build the parts that every chapter's figures have in common, so the
figures look alike and a change of style is made once.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

FONT = {"family": "system-ui, -apple-system, 'Segoe UI', sans-serif", "size": 14, "color": "#222"}
GREEN = "#2b7a3d"


def layout(title: str, xaxis: dict, yaxis: dict, *, height: int = 380, margin: dict | None = None,
           **more: Any) -> dict:
    """A figure layout in the course's style: white, a left-aligned title,
    the course font, no legend unless ``more`` asks for one.  ``xaxis`` and
    ``yaxis`` are plotly axis dicts; give each a ``title``."""
    for name, axis in (("xaxis", xaxis), ("yaxis", yaxis)):
        if "title" not in axis:
            raise ValueError(f"{name} needs a title: every axis in the course is labelled")
    out = {
        "height": height, "margin": {"l": 80, "r": 20, "t": 60, "b": 60, **(margin or {})}, "font": FONT,
        "paper_bgcolor": "white", "plot_bgcolor": "white", "showlegend": False,
        "title": {"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        "xaxis": xaxis, "yaxis": yaxis,
    }
    out.update(more)
    return out


def hline(y: float, text: str, color: str = GREEN, *, x: float = 1, below: bool = False) -> tuple[dict, dict]:
    """A dashed horizontal reference line across the plot at ``y`` and its
    label at ``x`` (0 left, 1 right, on the paper), above the line or
    ``below`` it: (shape, annotation)."""
    shape = {"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": y, "y1": y,
             "line": {"color": color, "width": 2, "dash": "dash"}}
    label = {"xref": "paper", "yref": "y", "x": x, "y": y, "xanchor": "right" if x > 0.5 else "left",
             "yanchor": "top" if below else "bottom", "showarrow": False, "text": text,
             "font": {"color": color, "size": 12}}
    return shape, label


# Hidden axes from 0 to 1 laid over the plot, for reference lines (``ref_line``).
OVERLAY_AXES = {
    "xaxis2": {"overlaying": "x", "range": [0, 1], "visible": False, "fixedrange": True},
    "yaxis2": {"overlaying": "y", "range": [0, 1], "visible": False, "fixedrange": True},
}


def ref_line(name: str, color: str, *, y: float | None = None, x: float | None = None,
             dash: str = "dash", width: int = 2) -> dict:
    """A reference line as a trace with its own legend entry, so that its label
    never lies on the data: across the whole plot at ``y``, or from its bottom to
    its top at ``x``. It is drawn on the hidden axes of ``OVERLAY_AXES`` (add them
    to the layout). Its position is ``data.<i>.y.0`` and ``.y.1`` (or ``.x``)."""
    if (x is None) == (y is None):
        raise ValueError("ref_line needs exactly one of x (a vertical line) or y (a horizontal one)")
    trace = {"type": "scatter", "mode": "lines", "name": name, "hoverinfo": "skip",
             "line": {"color": color, "width": width, "dash": dash}}
    if y is not None:
        return {**trace, "x": [0, 1], "y": [y, y], "xaxis": "x2"}
    return {**trace, "x": [x, x], "y": [0, 1], "yaxis": "y2"}


def series_slots(trace: int, key: str, n: int, axis: str = "y") -> list:
    """Slots that fill the ``n`` values of ``data.<trace>.<axis>`` from the
    fact ``key`` (a list or array of length ``n``): a curve that moves with
    the controls."""
    return [(f"data.{trace}.{axis}.{i}", lambda f, i=i: f[key][i]) for i in range(n)]


def _fact(key: str | Callable) -> Callable:
    """A slot's value: a fact named ``key``, or ``key`` itself if it is a function of the facts."""
    return key if callable(key) else (lambda f: f[key])


def curve_with_choice(curve: str, n: int, x: str | Callable, y: str | Callable) -> list:
    """Slots for a curve in trace 0 (the fact ``curve``, ``n`` values) and the
    learner's setting marked on it in trace 1 (one point at ``x``, ``y``)."""
    return [*series_slots(0, curve, n), ("data.1.x.0", _fact(x)), ("data.1.y.0", _fact(y))]


def log_axis(title: str, low: float, high: float, ticks: Sequence[float], *, labelled: bool = True) -> dict:
    """A log-scale axis for ratios from ``low`` to ``high``, ticked at
    ``ticks`` (labelled as plain numbers unless ``labelled`` is False)."""
    axis = {"title": {"text": title}, "type": "log", "range": [math.log10(low), math.log10(high)],
            "tickvals": list(ticks)}
    if labelled:
        axis["ticktext"] = [f"{t:g}" for t in ticks]
    axis["gridcolor"] = "#eee"
    return axis


def chance_bars(title: str, x_title: str, xs: list, y_title: str, y_max: float, *, color: str,
                hover: str, name: str = "Chance of at least one p < 0.05",
                chosen_hover: str = "your choice: %{y:.0%}<extra></extra>", xaxis: dict | None = None,
                planned: bool = True, margin: dict | None = None, **more: Any) -> dict:
    """The chance of at least one p < 0.05 (or below alpha) against the number
    of tests tried: light bars for every number (trace 0), the learner's
    number highlighted over them (trace 1, see ``curve_with_choice``) and,
    if ``planned``, a dashed line at the 5 % of one planned test (trace 2, in
    the legend)."""
    extra = {"barmode": "overlay"}
    lines = []
    if planned:
        lines.append(ref_line("5%: one planned test", GREEN, y=0.05))
        extra.update(OVERLAY_AXES, showlegend=True)
    extra.update(more)
    return {
        "data": [
            {"type": "bar", "x": list(xs), "y": [0] * len(xs), "marker": {"color": "#9fb8d3"}, "name": name,
             "hovertemplate": hover},
            {"type": "bar", "x": [xs[0]], "y": [0], "marker": {"color": color}, "name": "Your choice",
             "hovertemplate": chosen_hover},
            *lines,
        ],
        "layout": layout(title, {"title": {"text": x_title}, **(xaxis or {"dtick": 1})},
                         {"title": {"text": y_title}, "range": [0, y_max], "tickformat": ".0%",
                          "gridcolor": "#ddd"},
                         margin=margin, **extra),
    }


def share_bars(title: str, x_title: str, labels: list[str], colors: list[str], y_title: str, *,
               name: str = "Share", height: int = 380, whisker: dict | None = None) -> dict:
    """A bar chart of shares (0 to 100 %) with asymmetric error bars, one bar
    per group; ``share_slots`` fills it."""
    zeros = [0] * len(labels)
    return {
        "data": [{"type": "bar", "x": labels, "y": list(zeros), "marker": {"color": colors}, "name": name,
                  "error_y": {"type": "data", "symmetric": False, "array": list(zeros),
                              "arrayminus": list(zeros), "color": "#222", **(whisker or {})},
                  "hovertemplate": "%{x}: %{y:.0%}<extra></extra>"}],
        "layout": layout(title, {"title": {"text": x_title}},
                         {"title": {"text": y_title}, "range": [0, 1], "tickformat": ".0%", "gridcolor": "#ddd"},
                         height=height),
    }


def share_slots(bars: Sequence[tuple[str, str | None, str | None]]) -> list:
    """Slots for ``share_bars``: one (share, low, high) triple of fact names
    per bar; a bar whose low is None has no whisker. The shares come first,
    then each whisker's length above and below its share."""
    slots = [(f"data.0.y.{i}", _fact(share)) for i, (share, _, _) in enumerate(bars)]
    for i, (share, low, high) in enumerate(bars):
        if low is not None:
            slots += [(f"data.0.error_y.array.{i}", lambda f, s=share, h=high: f[h] - f[s]),
                      (f"data.0.error_y.arrayminus.{i}", lambda f, s=share, lo=low: f[s] - f[lo])]
    return slots
