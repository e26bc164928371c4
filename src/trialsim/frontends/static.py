"""The static front end: an explorer as HTML that needs no kernel.

The markup is a ``data-explorer`` container with native, labelled controls
(``<select>`` for categories, ``<input type=range>`` for an ordered scale),
the readouts, a figure box, an ``aria-live`` conclusion and the payload
(``trialsim.frontends.payload``) as JSON. ``book/static/js/explorer.js``
drives it: each change of a control decodes its state and redraws.

``JS_MODULES`` are the course's scripts, in the order every page loads them
(``trialsim.sphinxext`` adds them; a test page for the codec loads the same).
"""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING

from . import payload

if TYPE_CHECKING:
    from .explorer import Explorer

JS_MODULES = ("core", "payload", "figures", "explorer", "quiz", "drill", "appraisal", "handout", "learningtest")


def json_script(text: str, css_class: str | None = None) -> str:
    """JSON text as a ``<script type="application/json">`` for a page's
    scripts to read (``</`` escaped, so no string in it can close the tag)."""
    attr = f' class="{css_class}"' if css_class else ""
    safe = text.replace("</", "<\\/")
    return f'<script type="application/json"{attr}>{safe}</script>'


def controls_html(explorer: Explorer, dom: str) -> str:
    """The explorer's title, note and native labelled controls (set to their
    defaults), with element ids made from ``dom``; the static page and the
    live widgets show the same markup."""
    esc = html.escape
    parts = [f'<p class="tsx-title">{esc(explorer.title)}</p>']
    if explorer.note:
        parts.append(f'<p class="tsx-note">{esc(explorer.note)}</p>')
    parts.append('<div class="tsx-controls">')
    for i, c in enumerate(explorer.controls):
        cid = f"{dom}-{c.name}"
        current = c.index(c.default)
        help_id, choice_id = f"{cid}-help", f"{cid}-choice"
        has_details = any(c.details)
        ids = ([choice_id] if has_details else []) + ([help_id] if c.help else [])
        described = f' aria-describedby="{" ".join(ids)}"' if ids else ""
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
            details = f' data-details="{esc(json.dumps(list(c.details)))}"' if has_details else ""
            parts.append(
                f'<select id="{cid}" name="{esc(c.name)}" data-index="{i}"{details}{described}>{opts}</select>'
            )
            if has_details:
                parts.append(f'<span class="tsx-choice" id="{choice_id}">{esc(c.details[current])}</span>')
        if c.help:
            parts.append(f'<span class="tsx-help" id="{help_id}">{esc(c.help)}</span>')
        parts.append("</div>")
    parts.append("</div>")
    return "\n".join(parts)


def static_html(explorer: Explorer) -> str:
    """The explorer as self-contained HTML for the static site."""
    default = explorer.outcome()
    dom = f"tsx-{explorer.name}"
    esc = html.escape
    parts = [f'<div class="tsx-explorer" data-explorer="{esc(explorer.name)}" id="{dom}">',
             controls_html(explorer, dom)]
    parts.append('<dl class="tsx-readouts">')
    for j, (r, value) in enumerate(zip(explorer.readouts, default.shown, strict=True)):
        parts.append(f'<div><dt>{esc(r.label)}</dt><dd data-readout="{j}">{esc(value)}</dd></div>')
    parts.append("</dl>")
    height = explorer.figure_template.get("layout", {}).get("height", 450)  # kept while plotly.js loads
    parts.append(
        f'<div class="tsx-figure" role="figure" aria-label="{esc(explorer.figure_label or explorer.title)}" '
        f'style="min-height: {height}px"></div>'
    )
    parts.append(
        '<p class="tsx-conclusion"><strong>What a careful reader may conclude: </strong>'
        f'<span data-conclusion aria-live="polite">{esc(default.conclusion)}</span></p>'
    )
    parts.append(json_script(payload.to_json(explorer), "tsx-data"))
    parts.append("</div>")
    return "\n".join(parts)
