"""The course's figure style, shared by every explorer's figure template.

A template is a plain plotly figure dict (see ``explorer.Explorer``); these
helpers build the parts that every chapter's figures have in common, so the
figures look alike and a change of style is made once.
"""

from __future__ import annotations

FONT = {"family": "system-ui, -apple-system, 'Segoe UI', sans-serif", "size": 14, "color": "#222"}
GREEN = "#2b7a3d"


def layout(title: str, xaxis: dict, yaxis: dict, *, height: int = 380, margin: dict | None = None,
           **more) -> dict:
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


def series_slots(trace: int, key: str, n: int, axis: str = "y") -> list:
    """Slots that fill the ``n`` values of ``data.<trace>.<axis>`` from the
    fact ``key`` (a list or array of length ``n``): a curve that moves with
    the controls."""
    return [(f"data.{trace}.{axis}.{i}", (lambda i: lambda f: f[key][i])(i)) for i in range(n)]


def share_bars(title: str, x_title: str, labels: list[str], colors: list[str], y_title: str, *,
               name: str = "Share", height: int = 380, whisker: dict | None = None, **trace) -> dict:
    """A bar chart of shares (0 to 100 %) with asymmetric error bars whose
    values are slots (``data.0.y.i``, ``data.0.error_y.array.i`` and
    ``...arrayminus.i``): a rate with its interval, one bar per group."""
    zeros = [0] * len(labels)
    return {
        "data": [{"type": "bar", "x": labels, "y": list(zeros), "marker": {"color": colors}, "name": name,
                  "error_y": {"type": "data", "symmetric": False, "array": list(zeros),
                              "arrayminus": list(zeros), "color": "#222", **(whisker or {})},
                  "hovertemplate": "%{x}: %{y:.0%}<extra></extra>", **trace}],
        "layout": layout(title, {"title": {"text": x_title}},
                         {"title": {"text": y_title}, "range": [0, 1], "tickformat": ".0%", "gridcolor": "#ddd"},
                         height=height),
    }
