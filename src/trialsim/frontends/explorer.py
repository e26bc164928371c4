"""The explorer declaration: controls, readouts, figure, conclusion rules.

A chapter declares an ``Explorer``: its controls (each a finite list of
labelled values with a default), the simulator it drives, the numbers it
shows (``Readout``), a figure template whose variable parts are ``slots``
(paths into the plotly figure dict), and the ``Rules`` that turn the numbers
into a one-sentence conclusion. ``outcome`` computes one state.

The front ends live beside it:

* ``trialsim.frontends.payload``: every state packed for a static page (the
  format's one description);
* ``trialsim.frontends.static``: the HTML of the static page, driven by
  ``book/static/js/explorer.js`` with no kernel;
* ``trialsim.frontends.live``: ipywidgets and a plotly FigureWidget that
  recompute on each change (JupyterLab).

``Explorer.show()`` picks one: static while the book is built
(``TRIALSIM_FRONTEND=static``, set by the course's Sphinx extension), live in
a notebook. Both fill the same figure template through the same slot paths,
so what a learner sees cannot differ between the two.
"""

from __future__ import annotations

import copy
import itertools
import math
import os
import posixpath
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .conclude import Rules

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from .live import LiveExplorer


LABEL_CHARS = 30  # the longest option label a select shows whole on a phone


@dataclass(frozen=True)
class Control:
    """A control: ``options`` is a sequence of (label shown, value passed) or
    (label shown, value passed, detail): a select shows the short label, and the
    detail of the current option in words beside it. ``details`` holds each
    option's detail ("" for none)."""

    name: str
    label: str
    options: tuple[tuple[str, Any], ...]
    default: Any
    kind: str = "select"  # "select" for categories, "range" for an ordered scale
    help: str = ""
    details: tuple[str, ...] = ()

    def __post_init__(self):
        raw = [tuple(o) for o in self.options]
        if any(len(o) not in (2, 3) for o in raw):
            raise ValueError(f"control {self.name!r}: each option is (label, value) or (label, value, detail)")
        object.__setattr__(self, "options", tuple((str(o[0]), o[1]) for o in raw))
        object.__setattr__(self, "details", tuple(str(o[2]) if len(o) == 3 else "" for o in raw))
        long = [lab for lab, _ in self.options if len(lab) > LABEL_CHARS]
        if self.kind == "select" and long:
            raise ValueError(f"control {self.name!r}: option label(s) {long} are over {LABEL_CHARS} characters, "
                             "too long for a select on a phone; give a short label and the rest as its detail "
                             "(label, value, detail)")
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

    def said(self, index: int) -> str:
        """Option ``index`` in words: its label, and its detail in brackets (after
        a colon if the label ends in brackets)."""
        label, detail = self.options[index][0], self.details[index]
        if not detail:
            return label
        return f"{label}: {detail}" if label.endswith(")") else f"{label} ({detail})"

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
    slots: list  # one value per ``Explorer.slot_paths``
    conclusion: str
    said: tuple[int, list[str]]  # the conclusion as (rule index, filled-in fields)


def set_path(target: dict | list, path: str, value: Any) -> None:
    """Set ``value`` at a dotted ``path`` ("data.0.x.1") inside dicts and lists
    (``book/static/js/payload.js`` does the same in the browser)."""
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


def _tidy_paths(template: dict) -> list[str]:
    """The parts of a figure that ``_tidy_value`` keeps true to each state: the
    positions of each trace placed on a category axis (words on x or y), and
    each legend entry."""
    data = template.get("data", [])
    legend = template.get("layout", {}).get("showlegend", len(data) > 1)  # plotly's default
    paths = []
    for i, trace in enumerate(data):
        if trace.get("type") == "pie":
            continue
        for letter in ("x", "y"):
            pos = trace.get(letter)
            if isinstance(pos, list) and pos and all(isinstance(p, str) for p in pos):
                paths.append(f"data.{i}.{letter}")
        if legend and trace.get("showlegend", True) and trace.get("name"):
            paths.append(f"data.{i}.showlegend")
    return paths


def _present(values: Any, k: int) -> bool:
    return not isinstance(values, list) or (k < len(values) and values[k] is not None)


def _tidy_value(data: list, path: str) -> Any:
    """The figure shows only what exists: a category whose point has no value
    is left off its axis (no empty row), and a trace with no point leaves the
    legend."""
    _, i, key = path.split(".")
    trace = data[int(i)]
    xs, ys = trace.get("x"), trace.get("y")
    if key == "showlegend":
        n = max(len(v) for v in (xs, ys) if isinstance(v, list)) if isinstance(xs, list) or isinstance(ys, list) else 0
        return any(_present(xs, k) and _present(ys, k) for k in range(n))
    other = ys if key == "x" else xs
    return [p if _present(other, k) else None for k, p in enumerate(trace[key])]


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
        self.tidy_paths = _tidy_paths(self.figure_template)
        for path in self.tidy_paths:  # explicit, so that a state that changes nothing equals the template
            if path.endswith(".showlegend"):
                self.figure_template["data"][int(path.split(".")[1])]["showlegend"] = True

    @property
    def slot_paths(self) -> list[str]:
        """The paths an outcome's ``slots`` fill, in order: the declared slots, then
        the parts kept true to the state (``_tidy_paths``: no empty category row,
        no legend entry without a point)."""
        return [p for p, _ in self.slots] + self.tidy_paths

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
        slots = [_clean(fn(facts)) for _, fn in self.slots]
        if self.tidy_paths:
            data = copy.deepcopy(self.figure_template["data"])
            for (path, _), value in zip(self.slots, slots, strict=True):
                if path.startswith("data."):
                    set_path(data, path[5:], value)
            slots += [_tidy_value(data, path) for path in self.tidy_paths]
        return Outcome(
            params=full,
            numbers=numbers,
            shown=[r.show(facts) for r in self.readouts],
            slots=slots,
            conclusion=self.rules.templates[rule].format(*fields),
            said=(rule, fields),
        )

    def figure_dict(self, outcome: Outcome) -> dict:
        """A copy of the figure template with its slots filled from ``outcome``."""
        fig = copy.deepcopy(self.figure_template)
        for path, value in zip(self.slot_paths, outcome.slots, strict=True):
            set_path(fig, path, value)
        return fig

    def figure(self, outcome: Outcome | None = None) -> go.Figure:
        """The plotly figure of ``outcome``, by default that of the default settings."""
        import plotly.graph_objects as go

        return go.Figure(self.figure_dict(outcome or self.outcome()))

    # ---- the front ends --------------------------------------------------
    def payload(self) -> dict:
        """Every state packed for the static page (``trialsim.frontends.payload``)."""
        from . import payload

        return payload.encode(self)

    def payload_json(self) -> str:
        """``payload()`` as compact JSON, as the static page embeds it."""
        from . import payload

        return payload.to_json(self)

    def static_html(self) -> str:
        """The explorer as self-contained HTML for the static site (``trialsim.frontends.static``)."""
        from . import static

        return static.static_html(self)

    # ---- live front end -----------------------------------------------
    def live(self) -> LiveExplorer:
        """ipywidgets controls, readouts, a plotly FigureWidget and the
        conclusion, recomputed on every change."""
        from .live import LiveExplorer

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
    ``book/static/js/explorer.js`` reads them. ``from_page`` is the docname of the page the
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
        said.append(f"{control.label}: {control.said(index)}")
    href = posixpath.relpath(explorer.page, posixpath.dirname(from_page) or ".")
    return f"{href}.html?{'&'.join(query)}#tsx-{explorer.name}", "; ".join(said)


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


