"""The capstone's structured appraisal: a checklist whose model answers open
only after the learner has answered every item.

Each ``Item`` asks one appraisal question, says what to look for, links to the
explorers that answer it (``explorer.preset_link`` sets their controls to the
claim's numbers) and carries the model appraisal's rating and reasons. The
static page (``book/static/js/appraisal.js``, ``[data-appraisal]``) keeps the "Show the model
appraisal" button disabled until every item has a rating; the live version in
JupyterLab does the same with ipywidgets.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ipywidgets

RATINGS = {
    "ok": "Reassuring",
    "concern": "A concern",
    "unclear": "Not reported, or can't tell",
}


@dataclass(frozen=True)
class Link:
    text: str       # what the explorer answers, e.g. "Could this be natural recovery? (chapter 1)"
    href: str
    settings: str = ""  # the preset, in words


@dataclass(frozen=True)
class Item:
    key: str
    question: str
    look_for: str
    model: str       # a key of RATINGS
    reasons: str
    links: Sequence[Link] = field(default_factory=tuple)

    def __post_init__(self):
        if self.model not in RATINGS:
            raise ValueError(f"item {self.key!r}: model rating {self.model!r} is not one of "
                             f"{', '.join(RATINGS)}")


@dataclass
class Appraisal:
    name: str
    title: str
    items: Sequence[Item]

    def __post_init__(self):
        keys = [i.key for i in self.items]
        if len(set(keys)) != len(keys):
            raise ValueError(f"appraisal {self.name!r} repeats an item key")

    def agreement(self, answers: Mapping[str, str]) -> dict:
        """Compare a learner's ratings with the model's; every item needs one."""
        missing = [i.key for i in self.items if i.key not in answers]
        if missing:
            raise ValueError(f"answer every item before comparing: missing {', '.join(missing)}")
        bad = {k: v for k, v in answers.items() if v not in RATINGS}
        if bad:
            raise ValueError(f"unknown rating(s) {bad}: ratings are {', '.join(RATINGS)}")
        differ = [i.key for i in self.items if answers[i.key] != i.model]
        return {"agree": len(self.items) - len(differ), "of": len(self.items), "differ": differ}

    def static_html(self) -> str:
        """The checklist as self-contained HTML for the static site, with the model
        appraisal hidden until every item has a rating."""
        esc = html.escape
        dom = f"tsa-{self.name}"
        parts = [f'<div class="tsa-appraisal" data-appraisal="{esc(self.name)}" id="{dom}">',
                 f'<p class="tsx-title">{esc(self.title)}</p>']
        for n, item in enumerate(self.items, 1):
            iid = f"{dom}-{item.key}"
            parts.append(f'<fieldset class="tsa-item" data-item="{esc(item.key)}" data-model="{item.model}" '
                         f'id="{iid}">')
            parts.append(f"<legend>{n}. {esc(item.question)}</legend>")
            parts.append(f'<p class="tsa-look">{esc(item.look_for)}</p>')
            if item.links:
                parts.append('<ul class="tsa-links">')
                for link in item.links:
                    settings = f" Preset: {esc(link.settings)}." if link.settings else ""
                    parts.append(f'<li><a href="{esc(link.href)}">{esc(link.text)}</a>{settings}</li>')
                parts.append("</ul>")
            parts.append('<div class="tsa-ratings">')
            for key, label in RATINGS.items():
                rid = f"{iid}-{key}"
                parts.append(f'<label for="{rid}"><input type="radio" name="{iid}" id="{rid}" value="{key}"> '
                             f"{esc(label)}</label>")
            parts.append("</div>")
            parts.append(f'<div class="tsa-model" hidden><p class="tsa-verdict"></p><p><strong>Model appraisal: '
                         f"{esc(RATINGS[item.model])}.</strong> {esc(item.reasons)}</p></div>")
            parts.append("</fieldset>")
        parts.append(f'<p class="tsa-status" data-status aria-live="polite">Answered 0 of {len(self.items)} '
                     "items: answer every item to open the model appraisal.</p>")
        parts.append('<button type="button" class="tsa-open" disabled>Show the model appraisal</button>')
        parts.append("</div>")
        return "\n".join(parts)

    def live(self) -> ipywidgets.VBox:
        """ipywidgets radio buttons for every item and a button that shows the model
        appraisal, and the agreement with it, once every item has a rating."""
        import ipywidgets as W

        pickers, rows = {}, [W.HTML(f"<h4>{html.escape(self.title)}</h4>")]
        models = {}
        for n, item in enumerate(self.items, 1):
            pickers[item.key] = W.RadioButtons(options=[(v, k) for k, v in RATINGS.items()], value=None,
                                               layout=W.Layout(width="auto"))
            links = "".join(f"<li>{html.escape(link.text)}"
                            + (f" (set {html.escape(link.settings)})" if link.settings else "") + "</li>"
                            for link in item.links)
            rows += [W.HTML(f"<p><strong>{n}. {html.escape(item.question)}</strong><br>"
                            f"{html.escape(item.look_for)}</p><ul>{links}</ul>"), pickers[item.key]]
            models[item.key] = W.HTML()
            rows.append(models[item.key])
        status = W.HTML()
        button = W.Button(description="Show the model appraisal", disabled=True,
                          layout=W.Layout(width="auto"))

        def refresh(_change=None):
            done = sum(p.value is not None for p in pickers.values())
            button.disabled = done < len(self.items)
            status.value = f"<p>Answered {done} of {len(self.items)} items.</p>"

        def open_model(_b):
            result = self.agreement({k: p.value for k, p in pickers.items()})
            for item in self.items:
                models[item.key].value = (f"<p><strong>Model appraisal: {RATINGS[item.model]}.</strong> "
                                          f"{html.escape(item.reasons)}</p>")
            status.value = f"<p>You agree with the model appraisal on {result['agree']} of {result['of']} items.</p>"

        for p in pickers.values():
            p.observe(refresh, names="value")
        button.on_click(open_model)
        refresh()
        box = W.VBox([*rows, status, button])
        box.pickers, box.button = pickers, button
        return box

    def show(self) -> None:
        """Display the appraisal: static HTML while the book is built, live widgets otherwise."""
        from IPython.display import HTML, display

        from ..frontends.explorer import static_mode

        display(HTML(self.static_html()) if static_mode() else self.live())
