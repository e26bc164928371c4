"""One explorer declaration, two front ends.

A chapter declares an ``Explorer``: its controls (each a finite list of
labelled values with a default), the simulator it drives, the numbers it
shows (``Readout``), a figure template whose variable parts are ``slots``
(paths into the plotly figure dict), and the ``Rules`` that turn the numbers
into a one-sentence conclusion.

* ``explorer.live()`` gives ipywidgets controls and a plotly FigureWidget that
  recompute on each change (JupyterLab).
* ``explorer.static_html()`` computes every combination of control values and
  embeds the numbers, the figure slot values and the sentences as JSON in a
  ``data-explorer`` container that ``book/static/course.js`` drives with no
  kernel: native labelled ``<select>``/``<input type=range>`` controls, an
  ``aria-live`` conclusion, the figure redrawn with ``Plotly.react``.
* ``explorer.show()`` picks the front end: static while the book is built
  (``TRIALSIM_FRONTEND=static``, set by the course's Sphinx extension), live
  in a notebook.

The static page and the live widgets fill the same template through the same
slot paths, so what a learner sees cannot differ between the two.
"""

from __future__ import annotations

import copy
import html
import itertools
import json
import math
import os
import posixpath
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .conclude import Rules

if TYPE_CHECKING:
    import ipywidgets
    import plotly.graph_objects as go


@dataclass(frozen=True)
class Control:
    """A control: ``options`` is a sequence of (label shown, value passed)."""

    name: str
    label: str
    options: tuple[tuple[str, Any], ...]
    default: Any
    kind: str = "select"  # "select" for categories, "range" for an ordered scale
    help: str = ""

    def __post_init__(self):
        object.__setattr__(self, "options", tuple((str(a), b) for a, b in self.options))
        values = [v for _, v in self.options]
        if len(values) < 2:
            raise ValueError(f"control {self.name!r} needs at least two options")
        if len(set(map(repr, values))) != len(values):
            raise ValueError(f"control {self.name!r} has repeated values")
        if self.default not in values:
            raise ValueError(f"control {self.name!r}: default {self.default!r} is not one of its values")
        if self.kind not in ("select", "range"):
            raise ValueError(f"control {self.name!r}: kind must be 'select' or 'range', not {self.kind!r}")

    @property
    def values(self) -> list:
        """The values passed to the simulator, in the order of the options."""
        return [v for _, v in self.options]

    def index(self, value: Any) -> int:
        """The position of ``value`` among the control's values; raises ``ValueError``,
        naming the allowed values, if it is not one of them."""
        try:
            return self.values.index(value)
        except ValueError:
            allowed = ", ".join(repr(v) for v in self.values)
            raise ValueError(f"{self.name}={value!r} is not allowed: choose one of {allowed}") from None


@dataclass(frozen=True)
class Readout:
    """A number shown beside the figure: ``show`` formats it from the facts."""

    label: str
    show: Callable[[Mapping], str]


@dataclass
class Outcome:
    """What one state of an explorer shows."""

    params: dict
    numbers: dict
    shown: list[str]
    slots: list
    conclusion: str
    said: tuple[int, list[str]]  # the conclusion as (rule index, filled-in fields)


def set_path(target: dict | list, path: str, value: Any) -> None:
    """Set ``value`` at a dotted ``path`` ("data.0.x.1") inside dicts and lists
    (course.js does the same in the browser)."""
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if isinstance(target, list) else target[key]
    last = keys[-1]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value


def _clean(value):
    """A JSON-friendly, compact number: rounded to 4 significant digits, NaN as None."""
    if value is None:
        return None
    value = float(value)
    if math.isnan(value) or math.isinf(value):
        return None
    if value == 0:
        return 0
    rounded = float(f"{value:.4g}")
    return int(rounded) if rounded.is_integer() else rounded


@dataclass
class Explorer:
    name: str
    title: str
    controls: Sequence[Control]
    simulate: Callable[..., Mapping]
    readouts: Sequence[Readout]
    figure_template: dict
    slots: Sequence[tuple[str, Callable[[Mapping], Any]]]
    rules: Rules
    page: str = ""
    figure_label: str = ""
    note: str = ""
    # True when a state's rates come from simulated trials: every outcome must then
    # report ``mc_halfwidth``, the worst 95 % Monte Carlo half-width of its rates
    monte_carlo: bool = False
    _cache: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        names = [c.name for c in self.controls]
        if len(set(names)) != len(names):
            raise ValueError(f"explorer {self.name!r} repeats a control name")
        self.figure_template = copy.deepcopy(self.figure_template)
        for path, _ in self.slots:  # fail at declaration, not in a learner's browser
            set_path(copy.deepcopy(self.figure_template), path, None)

    # ---- the engine ---------------------------------------------------
    @property
    def defaults(self) -> dict:
        """Each control's default value, by control name (a new dict on each call)."""
        return {c.name: c.default for c in self.controls}

    def states(self) -> Iterator[dict[str, Any]]:
        """Every combination of control values, as dicts, in row-major order
        (the last control varies fastest), the order of the static payload."""
        for combo in itertools.product(*(c.values for c in self.controls)):
            yield dict(zip((c.name for c in self.controls), combo, strict=True))

    @property
    def n_states(self) -> int:
        """The number of states: the product of the controls' numbers of options."""
        return math.prod(len(c.options) for c in self.controls)

    def all_outcomes(self, timings: list[float] | None = None) -> list[Outcome]:
        """The outcome of every state, in the order of ``states()``, computed
        once per process and kept (the payload, the tests and the benchmark
        share them). With ``timings``, a fresh computation appends each
        state's seconds to it."""
        if "outcomes" not in self._cache:
            outs = []
            for params in self.states():
                start = time.perf_counter()
                outs.append(self.outcome(**params))
                if timings is not None:
                    timings.append(time.perf_counter() - start)
            self._cache["outcomes"] = outs
        return self._cache["outcomes"]

    def outcome(self, **params: Any) -> Outcome:
        """What the explorer shows with its controls set to ``params`` (the others at
        their defaults); raises ``ValueError`` for an unknown control or value."""
        full = self.defaults
        unknown = set(params) - set(full)
        if unknown:
            raise ValueError(
                f"unknown control(s) {', '.join(sorted(unknown))} for explorer {self.name!r}: "
                f"its controls are {', '.join(full)}"
            )
        full.update(params)
        for control in self.controls:
            control.index(full[control.name])  # validates the value
        numbers = {k: _scalar(v) for k, v in self.simulate(**full).items()}
        if self.monte_carlo and "mc_halfwidth" not in numbers:
            raise ValueError(f"explorer {self.name!r} simulates its rates, so its simulator must return "
                             "'mc_halfwidth' (their worst 95% Monte Carlo half-width)")
        facts = {**full, **numbers}
        rule, fields = self.rules.parts(facts)
        return Outcome(
            params=full,
            numbers=numbers,
            shown=[r.show(facts) for r in self.readouts],
            slots=[_clean(fn(facts)) for _, fn in self.slots],
            conclusion=self.rules.templates[rule].format(*fields),
            said=(rule, fields),
        )

    def figure_dict(self, outcome: Outcome) -> dict:
        """A copy of the figure template with its slots filled from ``outcome``."""
        fig = copy.deepcopy(self.figure_template)
        for (path, _), value in zip(self.slots, outcome.slots, strict=True):
            set_path(fig, path, value)
        return fig

    def figure(self, outcome: Outcome | None = None) -> go.Figure:
        """The plotly figure of ``outcome``, by default that of the default settings."""
        import plotly.graph_objects as go

        return go.Figure(self.figure_dict(outcome or self.outcome()))

    # ---- static front end ---------------------------------------------
    def payload(self) -> dict:
        """Every state, factorised by what each part depends on.

        A state shows readout strings, a figure (a vector of slot values) and
        a conclusion (a rule's sentence template and its filled-in fields).
        Strings, slot vectors and conclusions are each deduplicated into a
        table. Then each *column* (one per readout, one for the figure, one
        for the conclusion) is stored over only the controls it depends on:
        ``{"deps": [control indices], "values": [table index per
        combination of those controls, row-major]}``. A readout that does not
        change with the endpoint, say, is stored once for all endpoints. The
        browser (``course.js``) and ``state_from_payload`` read it back the
        same way. The string table is ordered by use, so common strings get
        short indices."""
        if "payload" in self._cache:
            return self._cache["payload"]
        import numpy as np

        outs = self.all_outcomes()
        texts = Counter(text for out in outs for text in (*out.shown, *out.said[1]))
        strings = sorted(texts, key=lambda t: (-texts[t], t))
        ref = {t: i for i, t in enumerate(strings)}

        def table(items):
            index: dict[str, int] = {}
            rows, ids = [], []
            for item in items:
                key = json.dumps(item, separators=(",", ":"))
                if key not in index:
                    index[key] = len(rows)
                    rows.append(item)
                ids.append(index[key])
            return rows, ids

        vectors, vector_ids = table([o.slots for o in outs])
        conclusions, conclusion_ids = table([[o.said[0], [ref[v] for v in o.said[1]]] for o in outs])
        shape = [len(c.options) for c in self.controls]
        raw_columns = [[ref[o.shown[j]] for o in outs] for j in range(len(self.readouts))]
        raw_columns += [vector_ids, conclusion_ids]
        columns = []
        for values in raw_columns:
            grid = np.asarray(values).reshape(shape)
            deps = [axis for axis in range(len(shape))
                    if not np.all(grid == grid.take([0], axis=axis))]
            reduced = grid[tuple(slice(None) if a in deps else 0 for a in range(len(shape)))]
            columns.append({"deps": deps, "values": reduced.ravel().tolist()})
        payload = {
            "name": self.name,
            "controls": [{"name": c.name, "size": len(c.options)} for c in self.controls],
            "readouts": [r.label for r in self.readouts],
            "template": self.figure_template,
            "slots": [p for p, _ in self.slots],
            "strings": strings,
            "vectors": vectors,
            "sentences": self.rules.templates,
            "conclusions": conclusions,
            "columns": columns,
        }
        self._cache["payload"] = payload
        return payload

    def payload_json(self) -> str:
        """``payload()`` as compact JSON, as the static page embeds it (NaN is not allowed)."""
        return json.dumps(self.payload(), separators=(",", ":"), allow_nan=False)

    def static_html(self) -> str:
        """The explorer as self-contained HTML for the static site."""
        default = self.outcome()
        dom = f"tsx-{self.name}"
        esc = html.escape
        parts = [
            f'<div class="tsx-explorer" data-explorer="{esc(self.name)}" id="{dom}">',
            f'<p class="tsx-title">{esc(self.title)}</p>',
        ]
        if self.note:
            parts.append(f'<p class="tsx-note">{esc(self.note)}</p>')
        parts.append('<div class="tsx-controls">')
        for i, c in enumerate(self.controls):
            cid = f"{dom}-{c.name}"
            current = c.index(c.default)
            help_id = f"{cid}-help"
            described = f' aria-describedby="{help_id}"' if c.help else ""
            parts.append(f'<div class="tsx-control"><label for="{cid}">{esc(c.label)}</label>')
            if c.kind == "range":
                labels = json.dumps([lab for lab, _ in c.options])
                parts.append(
                    f'<div class="tsx-range"><input type="range" id="{cid}" name="{esc(c.name)}" '
                    f'min="0" max="{len(c.options) - 1}" step="1" value="{current}" '
                    f'data-index="{i}" data-labels="{esc(labels)}" '
                    f'aria-valuetext="{esc(c.options[current][0])}"{described}>'
                    f'<output for="{cid}" id="{cid}-out">{esc(c.options[current][0])}</output></div>'
                )
            else:
                opts = "".join(
                    f'<option value="{j}"{" selected" if j == current else ""}>{esc(lab)}</option>'
                    for j, (lab, _) in enumerate(c.options)
                )
                parts.append(
                    f'<select id="{cid}" name="{esc(c.name)}" data-index="{i}"{described}>{opts}</select>'
                )
            if c.help:
                parts.append(f'<span class="tsx-help" id="{help_id}">{esc(c.help)}</span>')
            parts.append("</div>")
        parts.append("</div>")
        parts.append('<dl class="tsx-readouts">')
        for j, (r, value) in enumerate(zip(self.readouts, default.shown, strict=True)):
            parts.append(f'<div><dt>{esc(r.label)}</dt><dd data-readout="{j}">{esc(value)}</dd></div>')
        parts.append("</dl>")
        parts.append(
            f'<div class="tsx-figure" role="figure" aria-label="{esc(self.figure_label or self.title)}"></div>'
        )
        parts.append(
            '<p class="tsx-conclusion"><strong>What a careful reader may conclude: </strong>'
            f'<span data-conclusion aria-live="polite">{esc(default.conclusion)}</span></p>'
        )
        data = self.payload_json().replace("</", "<\\/")
        parts.append(f'<script type="application/json" class="tsx-data">{data}</script>')
        parts.append("</div>")
        return "\n".join(parts)

    # ---- live front end -----------------------------------------------
    def live(self) -> ipywidgets.VBox:
        """ipywidgets controls, readouts, a plotly FigureWidget and the
        conclusion, recomputed on every change."""
        return LiveExplorer(self)

    def show(self) -> None:
        """Display the explorer: static HTML while the book is built, live widgets otherwise."""
        from IPython.display import HTML, display

        if static_mode():
            display(HTML(self.static_html()))
        else:
            display(self.live())


def preset_link(explorer: Explorer, from_page: str = "", **values: Any) -> tuple[str, str]:
    """A link that opens ``explorer``'s page with its controls set to
    ``values`` (checked against the controls, so a stale link fails the
    build), and a plain description of those settings: (href, description).

    The address carries option indices (``?tsx=<name>&<control>=<index>``);
    ``course.js`` reads them. ``from_page`` is the docname of the page the
    link sits on, for a relative address."""
    if not values:
        raise ValueError(f"preset for {explorer.name!r}: give at least one control value")
    by_name = {c.name: c for c in explorer.controls}
    query, said = [f"tsx={explorer.name}"], []
    for name, value in values.items():
        if name not in by_name:
            raise ValueError(f"explorer {explorer.name!r} has no control {name!r}: "
                             f"its controls are {', '.join(by_name)}")
        control = by_name[name]
        index = control.index(value)
        query.append(f"{name}={index}")
        said.append(f"{control.label}: {control.options[index][0]}")
    href = posixpath.relpath(explorer.page, posixpath.dirname(from_page) or ".")
    return f"{href}.html?{'&'.join(query)}#tsx-{explorer.name}", "; ".join(said)


def state_from_payload(payload: dict, choice: Sequence[int]) -> dict:
    """What the static page shows for control option indices ``choice``:
    the readout strings, the slot values and the conclusion, decoded from the
    payload exactly as ``course.js`` does."""
    sizes = [c["size"] for c in payload["controls"]]

    def column(k):
        col = payload["columns"][k]
        idx = 0
        for axis in col["deps"]:
            idx = idx * sizes[axis] + choice[axis]
        return col["values"][idx]

    n_readouts = len(payload["readouts"])
    strings = payload["strings"]
    rule, fields = payload["conclusions"][column(n_readouts + 1)]
    return {
        "shown": [strings[column(j)] for j in range(n_readouts)],
        "slots": payload["vectors"][column(n_readouts)],
        "conclusion": payload["sentences"][rule].format(*[strings[i] for i in fields]),
    }


def static_mode() -> bool:
    """True while the book is built (``TRIALSIM_FRONTEND=static``), when the front
    ends show static HTML instead of live widgets."""
    return os.environ.get("TRIALSIM_FRONTEND", "") == "static"


def _scalar(value):
    """A numpy scalar as a Python number; arrays (a histogram) pass through."""
    if getattr(value, "size", 1) != 1:
        return value
    try:
        return value.item()
    except AttributeError:
        return value


def _readout_html(explorer: Explorer, outcome: Outcome) -> str:
    rows = "".join(
        f"<tr><th style='text-align:left;padding-right:1em'>{html.escape(r.label)}</th>"
        f"<td>{html.escape(v)}</td></tr>"
        for r, v in zip(explorer.readouts, outcome.shown, strict=True)
    )
    return f"<table>{rows}</table>"


def _conclusion_html(outcome: Outcome) -> str:
    return f"<p><strong>What a careful reader may conclude:</strong> {html.escape(outcome.conclusion)}</p>"


def _make_live_class():
    import ipywidgets as W

    class _LiveExplorer(W.VBox):
        """The live front end; ``controls[name].value = ...`` recomputes."""

        def __init__(self, explorer: Explorer):
            import plotly.graph_objects as go

            self.explorer = explorer
            self.controls = {}
            for c in explorer.controls:
                common = dict(options=list(c.options), value=c.default, description=c.label,
                              style={"description_width": "initial"},
                              layout=W.Layout(width="auto"))
                widget = (W.SelectionSlider(continuous_update=False, **common)
                          if c.kind == "range" else W.Dropdown(**common))
                if c.help:
                    widget.tooltip = c.help
                self.controls[c.name] = widget
            self.outcome = explorer.outcome()
            self.figure = go.FigureWidget(explorer.figure_dict(self.outcome))
            self.readouts = W.HTML(_readout_html(explorer, self.outcome))
            self.conclusion = W.HTML(_conclusion_html(self.outcome))
            for widget in self.controls.values():
                widget.observe(self._update, names="value")
            title = W.HTML(f"<h4>{html.escape(explorer.title)}</h4>")
            super().__init__([title, W.VBox(list(self.controls.values())), self.readouts,
                              self.figure, self.conclusion])

        def _update(self, _change=None):
            params = {name: w.value for name, w in self.controls.items()}
            self.outcome = self.explorer.outcome(**params)
            fig = self.explorer.figure_dict(self.outcome)
            with self.figure.batch_update():
                for trace, spec in zip(self.figure.data, fig["data"], strict=True):
                    trace.update(spec)
                self.figure.layout.update(fig.get("layout", {}))
            self.readouts.value = _readout_html(self.explorer, self.outcome)
            self.conclusion.value = _conclusion_html(self.outcome)

    return _LiveExplorer


_LIVE_CLASS = None


def LiveExplorer(explorer: Explorer) -> ipywidgets.VBox:
    """The live front end of ``explorer``: a VBox of its controls, readouts, figure
    and conclusion (the widget class is made on first use, so ipywidgets is imported only then)."""
    global _LIVE_CLASS
    if _LIVE_CLASS is None:
        _LIVE_CLASS = _make_live_class()
    return _LIVE_CLASS(explorer)
