"""The "Your trial" calculators live in JupyterLab: ipywidgets that compute with
``trialsim.stats.yourtrial`` (scipy and statsmodels), from the same
declaration as the static page (``trialsim.frontends.toolkit``)."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from . import toolkit

PO_LABEL = "Proportional-odds common odds ratio of a better category (JupyterLab only)"


def proportional_odds_text(values: dict[str, Any]) -> str:
    """The proportional-odds model's common odds ratio with its interval and p, as shown live."""
    from ..stats import yourtrial

    counts = [[int(c) for c in toolkit._list(values[key])] for key in ("counts_t", "counts_c")]
    try:
        fit = yourtrial.proportional_odds(*counts)
    except ValueError as err:
        return f"not defined ({err})"
    return (f"{toolkit.fmt(fit['odds_ratio'], 'ratio')} (95% CI {toolkit.fmt(fit['low'], 'ratio')} to "
            f"{toolkit.fmt(fit['high'], 'ratio')}), p = {toolkit.fmt(fit['p'], 'p')}")


def results_html(name: str, values: dict[str, Any]) -> str:
    """The results as HTML: rows, table, reading and the chapters that explain them."""
    esc = html.escape
    result = toolkit.compute(name, values)
    out = ['<dl class="tsx-calc-rows">']
    out += [f"<dt>{esc(label)}</dt><dd>{esc(shown)}</dd>" for label, shown in toolkit.rows(name, result)]
    if name == "ordered":  # the model needs an optimiser: live only
        out.append(f"<dt>{esc(PO_LABEL)}</dt><dd>{esc(proportional_odds_text(values))}</dd>")
    out.append("</dl>")
    header, body = toolkit.table(name, values, result)
    if header:
        out.append('<table class="tsx-calc-table"><thead><tr>'
                   + "".join(f'<th scope="col">{esc(h)}</th>' for h in header) + "</tr></thead><tbody>")
        for row in body:
            out.append("<tr>" + f'<th scope="row">{esc(row[0])}</th>'
                       + "".join(f"<td>{esc(c)}</td>" for c in row[1:]) + "</tr>")
        out.append("</tbody></table>")
    out.append('<div class="tsx-calc-reading">'
               + "".join(f"<p>{esc(s)}</p>" for s in toolkit.reading(name, values, result)) + "</div>")
    links = "; ".join(esc(label) for _, label in toolkit.CALCULATORS[name]["links"])
    out.append(f'<p class="tsx-calc-links">Where the course explains it: {links}.</p>')
    return "".join(out)


# the calculators shown in this kernel, newest last: Your appraisal attaches their results
SHOWN: list[LiveCalculator] = []


class LiveCalculator:
    """One calculator as widgets: a labelled field per input with its message
    beside it, and the results, recomputed on every change."""

    def __init__(self, name: str) -> None:
        SHOWN.append(self)
        self.name = name
        self.spec = toolkit.CALCULATORS[name]
        self.inputs: dict[str, widgets.Widget] = {}
        self.messages: dict[str, widgets.HTML] = {}
        rows = []
        for f in self.spec["fields"]:
            if f["kind"] == "choice":
                box = widgets.Dropdown(options=[(label, value) for value, label in f["options"]], value=f["example"],
                                       description=f["label"], style={"description_width": "initial"})
            else:
                box = widgets.Text(value=str(f["example"]), description=f["label"], continuous_update=True,
                                   style={"description_width": "initial"}, layout={"width": "40em"})
            box.observe(self.update, names="value")
            self.inputs[f["name"]] = box
            self.messages[f["name"]] = widgets.HTML()
            rows.append(widgets.VBox([box, self.messages[f["name"]]]))
        self.results = widgets.HTML()
        self.widget = widgets.VBox([widgets.HTML(f"<strong>{html.escape(self.spec['title'])}</strong>"), *rows,
                                    self.results], layout={"border": "1px solid #ccc", "padding": "0.5em"})
        self.widget.add_class("tsx-live-calc")
        self.update()

    @property
    def texts(self) -> dict[str, str]:
        """What the reader has typed or chosen, field by field."""
        return {name: str(box.value) for name, box in self.inputs.items()}

    @property
    def changed(self) -> bool:
        """Whether the reader has changed any field from the worked example."""
        return any(self.texts[f["name"]] != str(f["example"]) for f in self.spec["fields"])

    def set(self, **texts: str) -> None:
        """Type into fields by name (as a reader would); the results follow."""
        for name, text in texts.items():
            self.inputs[name].value = text

    def update(self, _change: Any = None) -> None:
        """Check every field, then show the results or the messages (never both)."""
        values, errors = toolkit.check(self.name, self.texts)
        for name, message in self.messages.items():
            text = errors.get(name, "")
            message.value = f'<span class="tsx-field-msg" role="alert">{html.escape(text)}</span>' if text else ""
        if errors:
            self.results.value = f'<p class="tsx-calc-nothing">{html.escape(toolkit.NOTHING)}</p>'
        else:
            self.results.value = results_html(self.name, values)


class LiveAppraisal:
    """Your appraisal as widgets: a rating and a note per checklist item, and the
    handout's Markdown, which attaches the results of the calculators shown in
    this kernel whose numbers the reader changed (as on the site)."""

    def __init__(self) -> None:
        self.trial = widgets.Text(description="Trial", style={"description_width": "initial"},
                                  layout={"width": "40em"})
        self.source = widgets.Text(description="Source (DOI, PMID or registry)",
                                   style={"description_width": "initial"}, layout={"width": "40em"})
        options = [("Not answered", "")] + [(label, key) for key, label in toolkit.APPRAISAL["ratings"]]
        self.ratings: dict[str, widgets.Dropdown] = {}
        self.notes: dict[str, widgets.Textarea] = {}
        rows = [self.trial, self.source]
        for key, question, _ in toolkit.APPRAISAL["items"]:
            self.ratings[key] = widgets.Dropdown(options=options, value="", description=question,
                                                 style={"description_width": "initial"})
            self.notes[key] = widgets.Textarea(placeholder="Your note", layout={"width": "40em"})
            rows += [self.ratings[key], self.notes[key]]
        self.handout = widgets.HTML()
        for box in [self.trial, self.source, *self.ratings.values(), *self.notes.values()]:
            box.observe(self.update, names="value")
        self.widget = widgets.VBox([*rows, self.handout])
        self.update()

    @property
    def answers(self) -> dict[str, str]:
        """The trial, the source, each rating and each note, by key."""
        out = {"trial": self.trial.value, "source": self.source.value}
        for key in self.ratings:
            out[key] = self.ratings[key].value
            out[f"{key}_note"] = self.notes[key].value
        return out

    @property
    def markdown(self) -> str:
        """The handout as Markdown (save it with ``Path('appraisal.md').write_text(...)``)."""
        attached = {}
        for calc in SHOWN:
            values, errors = toolkit.check(calc.name, calc.texts)
            if calc.changed and not errors:
                attached[calc.name] = toolkit.results_text(calc.name, values)
        return toolkit.handout_markdown(self.answers, attached)

    def update(self, _change: Any = None) -> None:
        """Show the handout as it stands."""
        self.handout.value = f'<pre class="tsx-handout">{html.escape(self.markdown)}</pre>'
