"""Self-check questions that work on the static site and in JupyterLab.

A chapter declares its questions once::

    selfcheck.show("ch1", [
        Question("Why ...?", [
            Option("Because ...", correct=True, why="Right: ..."),
            Option("Because ...", why="No: ..."),
        ]),
    ])

On the static site they are native radio buttons in a ``<fieldset>`` whose
feedback ``book/static/course.js`` reveals for the chosen option, with the
explanation of why that option is right or wrong.  In JupyterLab they are
ipywidgets with the same feedback.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from .explorer import static_mode


@dataclass(frozen=True)
class Option:
    text: str
    correct: bool = False
    why: str = ""


@dataclass(frozen=True)
class Question:
    prompt: str
    options: list[Option] = field(default_factory=list)

    def __post_init__(self):
        if len(self.options) < 2:
            raise ValueError(f"question {self.prompt[:40]!r}... needs at least two options")
        if sum(o.correct for o in self.options) != 1:
            raise ValueError(f"question {self.prompt[:40]!r}... needs exactly one correct option")
        missing = [o.text for o in self.options if not o.why.strip()]
        if missing:
            raise ValueError(f"question {self.prompt[:40]!r}... option(s) without an explanation: {missing}")


def feedback(option: Option) -> str:
    return ("Correct. " if option.correct else "Not quite. ") + option.why


def quiz_html(quiz_id: str, questions: list[Question]) -> str:
    esc = html.escape
    parts = [f'<div class="tsx-quiz" data-quiz="{esc(quiz_id)}">',
             '<noscript>These questions need JavaScript to show their feedback.</noscript>']
    for qi, q in enumerate(questions, 1):
        qid = f"{quiz_id}-q{qi}"
        parts.append(f'<fieldset class="tsx-question" id="{qid}"><legend>{qi}. {esc(q.prompt)}</legend>')
        for oi, o in enumerate(q.options):
            oid = f"{qid}-o{oi}"
            parts.append(
                f'<div class="tsx-option"><input type="radio" name="{qid}" id="{oid}" value="{oi}">'
                f'<label for="{oid}">{esc(o.text)}</label></div>'
                f'<p class="tsx-feedback {"tsx-right" if o.correct else "tsx-wrong"}" data-for="{oid}" hidden>'
                f'{esc(feedback(o))}</p>'
            )
        parts.append('<p class="tsx-verdict" aria-live="polite"></p></fieldset>')
    parts.append("</div>")
    return "\n".join(parts)


def live(questions: list[Question]):
    import ipywidgets as W

    boxes = []
    for qi, q in enumerate(questions, 1):
        radio = W.RadioButtons(options=[(o.text, i) for i, o in enumerate(q.options)], value=None,
                               layout=W.Layout(width="auto"))
        out = W.HTML()

        def react(change, q=q, out=out):
            if change["new"] is not None:
                out.value = f"<p>{html.escape(feedback(q.options[change['new']]))}</p>"

        radio.observe(react, names="value")
        boxes.append(W.VBox([W.HTML(f"<p><b>{qi}. {html.escape(q.prompt)}</b></p>"), radio, out]))
    return W.VBox(boxes)


def show(quiz_id: str, questions: list[Question]):
    from IPython.display import HTML, display

    display(HTML(quiz_html(quiz_id, questions)) if static_mode() else live(questions))
