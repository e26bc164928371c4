"""The red-flag drill: read a claim, tick the red flags it shows, get feedback.

The flags and the claims are data (``datasets/marketing_flags.csv`` and
``datasets/marketing_claims.csv``); a ``Drill`` is a selection of claims. The
same answer key drives three front ends:

* ``Drill.score()`` in Python (the tests and the problem set use it);
* ``Drill.static_html()``: native checkboxes in a ``<fieldset>`` per claim, a
  "Check" button and an ``aria-live`` feedback line, scored in the browser by
  ``book/static/js/drill.js`` from the embedded key, with no kernel;
* ``Drill.live()``: ipywidgets checkboxes and buttons in JupyterLab.

Feedback names every flag missed and every flag ticked that the claim does
not show, with the chapter that teaches it.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import data
from ..frontends.static import json_script

if TYPE_CHECKING:
    import ipywidgets

# The chapters a flag can point to: slug -> (number, short title)
CHAPTERS = {
    "01-celltop-spinal-cord": (1, "CELLTOP: could it be natural recovery?"),
    "02-als-run-in": (2, "ALS: the run-in design"),
    "03-progressive-ms": (3, "Progressive MS: from open label to a randomised trial"),
    "04-mesems": (4, "MESEMS: a negative randomised trial"),
    "05-liver-landmark": (5, "The liver trial's landmark analysis"),
    "06-meta-analysis": (6, "Adding trials up: meta-analyses"),
    "07-mechanism-to-marketing": (7, "From mechanism to marketing"),
    "08-capstone-appraisal": (8, "Capstone appraisal"),
}

KINDS = {
    "clinic": "Quoted from a clinic's website",
    "media": "A newspaper headline",
    "course": "Written for the course (not a real quotation)",
    "capstone": "From the capstone's fictional press release (written for the course)",
}


@dataclass(frozen=True)
class Flag:
    key: str
    label: str
    chapter: str
    explanation: str

    @property
    def taught_in(self) -> str:
        """The chapter that teaches the flag, as "chapter <number>, <title>"."""
        number, title = CHAPTERS[self.chapter]
        return f"chapter {number}, {title}"


@dataclass(frozen=True)
class Claim:
    key: str
    kind: str
    text: str
    context: str
    cited: str
    flags: frozenset[str]


def load_flags() -> dict[str, Flag]:
    """The red flags of ``datasets/marketing_flags.csv`` by key, each checked to
    name a known chapter."""
    frame = data.load("marketing_flags")
    flags = {}
    for row in frame.itertuples(index=False):
        if row.chapter not in CHAPTERS:
            raise data.DataError(f"flag {row.flag!r}: unknown chapter {row.chapter!r}; "
                                 f"known chapters are {', '.join(CHAPTERS)}")
        flags[row.flag] = Flag(row.flag, row.label, row.chapter, row.explanation)
    return flags


def load_claims(flags: dict[str, Flag] | None = None) -> dict[str, Claim]:
    """The claims of ``datasets/marketing_claims.csv`` by key, each checked to name
    only known flags (``flags``, by default ``load_flags()``) and a known kind."""
    flags = flags or load_flags()
    frame = data.load("marketing_claims").fillna("")
    claims = {}
    for row in frame.itertuples(index=False):
        keys = frozenset(k for k in str(row.flags).split(";") if k)
        unknown = sorted(keys - set(flags))
        if unknown:
            raise data.DataError(f"claim {row.claim!r} names unknown flag(s) {', '.join(unknown)}; "
                                 f"known flags are {', '.join(flags)}")
        if row.kind not in KINDS:
            raise data.DataError(f"claim {row.claim!r}: kind {row.kind!r} is not one of {', '.join(KINDS)}")
        if row.claim in claims:
            raise data.DataError(f"claim {row.claim!r} appears twice in marketing_claims.csv")
        claims[row.claim] = Claim(row.claim, row.kind, row.text, row.context, row.cited, keys)
    return claims


@dataclass
class Drill:
    """The claims of the given ``kinds`` (in the data's order), or those named
    in ``claim_keys``."""

    name: str
    title: str
    claim_keys: Sequence[str] = ()
    kinds: Sequence[str] = ()
    intro: str = ""

    def __post_init__(self):
        if bool(self.claim_keys) == bool(self.kinds):
            raise ValueError(f"drill {self.name!r}: give either claim_keys or kinds")
        unknown = sorted(set(self.kinds) - set(KINDS))
        if unknown:
            raise ValueError(f"drill {self.name!r}: unknown kind(s) {', '.join(unknown)}; kinds are {', '.join(KINDS)}")
        self.flags = load_flags()
        every = load_claims(self.flags)
        missing = [k for k in self.claim_keys if k not in every]
        if missing:
            raise ValueError(f"drill {self.name!r}: no claim(s) {', '.join(missing)} in marketing_claims.csv")
        self.claims = ([every[k] for k in self.claim_keys] if self.claim_keys
                       else [c for c in every.values() if c.kind in self.kinds])

    def claim(self, key: str) -> Claim:
        """The drill's claim with key ``key``; raises ``ValueError`` if the drill has none."""
        for c in self.claims:
            if c.key == key:
                return c
        raise ValueError(f"drill {self.name!r} has no claim {key!r}: its claims are "
                         f"{', '.join(c.key for c in self.claims)}")

    def score(self, key: str, ticked: Iterable[str]) -> dict:
        """Compare the flags ticked for claim ``key`` with its answer key."""
        ticked = set(ticked)
        unknown = sorted(ticked - set(self.flags))
        if unknown:
            raise ValueError(f"unknown flag(s) {', '.join(unknown)}: the flags are {', '.join(self.flags)}")
        truth = self.claim(key).flags
        missed = [f for f in self.flags if f in truth and f not in ticked]
        wrong = [f for f in self.flags if f in ticked and f not in truth]
        return {
            "claim": key,
            "right": len(self.flags) - len(missed) - len(wrong),  # decisions right out of every flag
            "of": len(self.flags),
            "missed": missed,
            "wrong": wrong,
            "all_right": not missed and not wrong,
            "feedback": self.feedback(missed, wrong),
        }

    def feedback(self, missed: Sequence[str], wrong: Sequence[str]) -> str:
        """The feedback sentence: each flag missed with the chapter that teaches it and
        its explanation, then each flag ticked that the claim does not show."""
        if not missed and not wrong:
            return "All flags right."
        parts = []
        for f in missed:
            flag = self.flags[f]
            parts.append(f"Missed: {flag.label} ({flag.taught_in}). {flag.explanation}")
        for f in wrong:
            flag = self.flags[f]
            parts.append(f"Not shown by this claim: {flag.label} ({flag.taught_in}).")
        return " ".join(parts)

    # ---- static front end ---------------------------------------------
    def key_json(self) -> str:
        """The answer key as compact JSON for ``book/static/js/drill.js``: the drill's name, every
        flag with its chapter and explanation, and each claim's flags."""
        flags = [{"key": f.key, "label": f.label, "chapter": f.chapter, "taught": f.taught_in,
                  "why": f.explanation} for f in self.flags.values()]
        claims = {c.key: sorted(c.flags) for c in self.claims}
        return json.dumps({"name": self.name, "flags": flags, "claims": claims}, separators=(",", ":"))

    def static_html(self) -> str:
        """The drill as self-contained HTML for the static site, with the answer key
        embedded as JSON."""
        esc = html.escape
        dom = f"tsd-{self.name}"
        parts = [f'<div class="tsd-drill" data-drill="{esc(self.name)}" id="{dom}">',
                 f'<p class="tsx-title">{esc(self.title)}</p>']
        if self.intro:
            parts.append(f'<p class="tsx-note">{esc(self.intro)}</p>')
        parts.append(f'<p class="tsd-total" aria-live="polite" data-total>Claims checked: 0 of '
                     f'{len(self.claims)}.</p>')
        for i, c in enumerate(self.claims, 1):
            cid = f"{dom}-{c.key}"
            parts.append(f'<fieldset class="tsd-claim" data-claim="{esc(c.key)}" id="{cid}">')
            parts.append(f'<legend>Claim {i} of {len(self.claims)}</legend>')
            parts.append(f'<blockquote class="tsd-text">\u201c{esc(c.text)}\u201d</blockquote>')
            parts.append(f'<p class="tsd-context"><span class="tsd-kind">{esc(KINDS[c.kind])}.</span> '
                         f'{esc(c.context)}</p>')
            parts.append('<div class="tsd-flags">')
            for f in self.flags.values():
                fid = f"{cid}-{f.key}"
                parts.append(f'<label for="{fid}"><input type="checkbox" id="{fid}" value="{esc(f.key)}"> '
                             f'{esc(f.label)}</label>')
            parts.append("</div>")
            parts.append(f'<button type="button" class="tsd-check" aria-describedby="{cid}-fb">'
                         f'Check claim {i}</button>')
            parts.append(f'<div class="tsd-feedback" id="{cid}-fb" aria-live="polite"></div>')
            parts.append("</fieldset>")
        parts.append(json_script(self.key_json(), "tsd-data"))
        parts.append("</div>")
        return "\n".join(parts)

    # ---- live front end -----------------------------------------------
    def live(self) -> ipywidgets.VBox:
        """ipywidgets checkboxes for every claim, each with a button that scores it
        and shows the feedback."""
        import ipywidgets as W

        boxes, rows = {}, [W.HTML(f"<h4>{html.escape(self.title)}</h4>")]
        for i, c in enumerate(self.claims, 1):
            boxes[c.key] = {f.key: W.Checkbox(description=f.label, value=False, indent=False,
                                              layout=W.Layout(width="auto"))
                            for f in self.flags.values()}
            out = W.HTML()
            button = W.Button(description=f"Check claim {i}")

            def check(_b, key=c.key, out=out):
                ticked = [k for k, box in boxes[key].items() if box.value]
                result = self.score(key, ticked)
                out.value = (f"<p><strong>{result['right']} of {result['of']} flag decisions right.</strong> "
                             f"{html.escape(result['feedback'])}</p>")

            button.on_click(check)
            rows += [W.HTML(f"<p><em>Claim {i}</em>: \u201c{html.escape(c.text)}\u201d<br>"
                            f"<small>{html.escape(KINDS[c.kind])}. {html.escape(c.context)}</small></p>"),
                     W.VBox(list(boxes[c.key].values())), button, out]
        box = W.VBox(rows)
        box.boxes = boxes
        return box

    def show(self) -> None:
        """Display the drill: static HTML while the book is built, live widgets otherwise."""
        from IPython.display import HTML, display

        from ..frontends.explorer import static_mode

        display(HTML(self.static_html()) if static_mode() else self.live())
