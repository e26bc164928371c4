"""Self-check questions, written as content and shown on the site and in JupyterLab.

Each chapter's questions live in a YAML file beside it,
``chapters/<chapter>.selfcheck.yml``, that a clinician can edit without
touching Python::

    quiz: ch01
    questions:
      - id: primary-outcome          # a short name, unique in the file
        prompt: What was CELLTOP's primary outcome?
        options:
          - text: "Safety: the nature and frequency of adverse events"
            correct: true
            why: A phase I trial is designed first to find out ...
          - text: The share of patients improving by at least one AIS grade
            why: The AIS results made the headlines, but ...

Numbers are never typed: a placeholder such as ``{n_enrolled}`` or
``{ci_low:.0%}`` is filled from the values the chapter passes to ``show``
(its data and what it computes from them), with the course's formats (a
share never reads 0 % or 100 % unless it is exactly that). Write ``{{`` and
``}}`` for a literal brace.

``load`` checks every question and fails with a message that names the file,
the question and what is wrong: exactly one correct option, at least two
options, an explanation for every option, and for every wrong option an
explanation of at least ``MIN_WHY_WORDS`` words of its own (not shared with
another option), so that a learner who picks it learns why it is wrong.

The options are shown in an order shuffled reproducibly from the quiz and
the question's id (``shuffled``), the same in both front ends, so the right
answer is not always in the same place. On the static site a question is
native radio buttons in a ``<fieldset>`` whose feedback ``book/static/js/quiz.js`` reveals
for the chosen option; in JupyterLab it is ipywidgets with the same feedback.
"""

from __future__ import annotations

import hashlib
import html
import random
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..frontends.conclude import _Fact
from ..frontends.explorer import static_mode

if TYPE_CHECKING:
    import ipywidgets

MIN_WHY_WORDS = 12
FILE_SUFFIX = ".selfcheck.yml"
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class SelfCheckError(ValueError):
    """A self-check file or question is malformed."""


@dataclass(frozen=True)
class Option:
    text: str
    correct: bool = False
    why: str = ""


@dataclass(frozen=True)
class Question:
    prompt: str
    options: list[Option] = field(default_factory=list)
    id: str = ""

    def __post_init__(self):
        if len(self.options) < 2:
            raise ValueError(f"question {self.prompt[:40]!r}... needs at least two options")
        if sum(o.correct for o in self.options) != 1:
            raise ValueError(f"question {self.prompt[:40]!r}... needs exactly one correct option")
        missing = [o.text for o in self.options if not o.why.strip()]
        if missing:
            raise ValueError(f"question {self.prompt[:40]!r}... option(s) without an explanation: {missing}")


def feedback(option: Option) -> str:
    """The feedback for a chosen option: "Correct." or "Not quite.", then its explanation."""
    return ("Correct. " if option.correct else "Not quite. ") + option.why


def shuffled(quiz_id: str, question: Question) -> list[tuple[int, Option]]:
    """The question's options in display order, as (index as written,
    option): a shuffle seeded by the quiz and the question's id (or its
    prompt when it has no id), so it is the same on every build and in both
    front ends."""
    identity = f"{quiz_id}/{question.id or question.prompt}"
    seed = int.from_bytes(hashlib.sha256(identity.encode("utf-8")).digest()[:8], "big")
    order = list(enumerate(question.options))
    random.Random(seed).shuffle(order)
    return order


# ---------------------------------------------------------------- content files
def chapters_dir() -> Path:
    """The ``chapters/`` folder beside the course's ``datasets/`` folder."""
    from ..data import datasets_dir

    return datasets_dir().parent / "chapters"


def path_for(chapter: str) -> Path:
    """The path of ``chapter``'s self-check file, ``chapters/<chapter>.selfcheck.yml``."""
    return chapters_dir() / f"{chapter}{FILE_SUFFIX}"


def _words(text: str) -> list[str]:
    return re.findall(r"[\w'’-]+", text)


def _fill(text: str, values: Mapping, where: str) -> str:
    """``text`` with its placeholders filled from ``values``."""
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError as err:
        raise SelfCheckError(f"{where}: {err} in {text!r}; write {{{{ and }}}} for a literal brace") from None
    out = []
    for literal, name, spec, conversion in fields:
        out.append(literal)
        if name is None:
            continue
        if conversion or not name.isidentifier():
            raise SelfCheckError(f"{where}: placeholder {{{name}}} must be the plain name of a value, "
                                 "such as {n_enrolled} or {ci_low:.0%}")
        if name not in values:
            known = ", ".join(sorted(values)) or "none"
            raise SelfCheckError(f"{where}: no value named {name!r} for {{{name}}}; the chapter passes: {known}")
        try:
            out.append(format(_Fact(values[name]), spec or ""))
        except (ValueError, TypeError) as err:
            raise SelfCheckError(f"{where}: cannot format {name}={values[name]!r} with {spec!r}: {err}") from None
    return "".join(out)


def _text(entry: dict, key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise SelfCheckError(f"{where}: '{key}' must be some text, not {value!r}")
    return " ".join(value.split())


def parse(raw: Any, source: str, values: Mapping | None = None) -> tuple[str, list[Question]]:
    """Questions from the parsed YAML ``raw`` of file ``source``: (quiz id,
    questions), every placeholder filled from ``values``."""
    values = {} if values is None else values
    if not isinstance(raw, dict) or set(raw) != {"quiz", "questions"}:
        found = sorted(raw) if isinstance(raw, dict) else type(raw).__name__
        raise SelfCheckError(f"{source}: the file must have exactly two keys, 'quiz' and 'questions' "
                             f"(found {found})")
    quiz_id = raw["quiz"]
    if not isinstance(quiz_id, str) or not ID_PATTERN.match(quiz_id):
        raise SelfCheckError(f"{source}: 'quiz' must be a short name of lower-case letters, digits and hyphens, "
                             f"such as ch01, not {quiz_id!r}")
    entries = raw["questions"]
    if not isinstance(entries, list) or not entries:
        raise SelfCheckError(f"{source}: 'questions' must be a list of questions")
    questions, seen_ids, seen_whys = [], set(), {}
    for number, entry in enumerate(entries, 1):
        where = f"{source}, question {number}"
        if not isinstance(entry, dict):
            raise SelfCheckError(f"{where}: a question must have an id, a prompt and options, not {entry!r}")
        qid = entry.get("id")
        if isinstance(qid, str):
            where = f"{source}, question {number} ({qid})"
        unknown = set(entry) - {"id", "prompt", "options"}
        if unknown:
            raise SelfCheckError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; a question has only "
                                 "id, prompt and options")
        if not isinstance(qid, str) or not ID_PATTERN.match(qid):
            raise SelfCheckError(f"{where}: 'id' must be a short name of lower-case letters, digits and "
                                 f"hyphens, such as primary-outcome, not {qid!r}")
        if qid in seen_ids:
            raise SelfCheckError(f"{where}: the id {qid!r} is used by another question; ids must be unique")
        seen_ids.add(qid)
        prompt = _fill(_text(entry, "prompt", where), values, where)
        raw_options = entry.get("options")
        if not isinstance(raw_options, list) or len(raw_options) < 2:
            raise SelfCheckError(f"{where}: 'options' must be a list of at least two options")
        options = []
        for letter, item in zip("abcdefghij", raw_options, strict=False):
            at = f"{where}, option {letter}"
            if not isinstance(item, dict) or set(item) - {"text", "why", "correct"}:
                raise SelfCheckError(f"{at}: an option has 'text', 'why' and, for the right one, "
                                     f"'correct: true'; got {item!r}")
            correct = item.get("correct", False)
            if not isinstance(correct, bool):
                raise SelfCheckError(f"{at}: 'correct' must be true or false, not {correct!r}")
            text = _fill(_text(item, "text", at), values, at)
            why = _fill(_text(item, "why", at), values, at)
            if not correct:
                if len(_words(why)) < MIN_WHY_WORDS:
                    raise SelfCheckError(f"{at}: the explanation has {len(_words(why))} words; say why this option "
                                         f"is wrong in its own terms, in at least {MIN_WHY_WORDS} words")
                if why in seen_whys:
                    raise SelfCheckError(f"{at}: the explanation repeats {seen_whys[why]}'s; each wrong option "
                                         "needs its own")
                seen_whys[why] = at
            options.append(Option(text, correct, why))
        if len(raw_options) > 10:
            raise SelfCheckError(f"{where}: at most ten options")
        right = sum(o.correct for o in options)
        if right != 1:
            raise SelfCheckError(f"{where}: exactly one option must have 'correct: true' (found {right})")
        questions.append(Question(prompt, options, qid))
    return quiz_id, questions


def load(chapter: str | Path, values: Mapping | None = None) -> tuple[str, list[Question]]:
    """Read ``chapters/<chapter>.selfcheck.yml`` (or a path) and check it."""
    import yaml

    path = Path(chapter) if str(chapter).endswith(FILE_SUFFIX) else path_for(str(chapter))
    if not path.is_file():
        raise SelfCheckError(f"self-check file not found: {path}")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise SelfCheckError(f"{path.name}: not valid YAML: {err}") from None
    return parse(raw, path.name, values)


# ---------------------------------------------------------------- front ends
def quiz_html(quiz_id: str, questions: list[Question]) -> str:
    """The questions as HTML for the static site: radio buttons in shuffled order,
    each option's feedback hidden until ``book/static/js/quiz.js`` reveals it."""
    esc = html.escape
    parts = [f'<div class="tsx-quiz" data-quiz="{esc(quiz_id)}">',
             '<noscript>These questions need JavaScript to show their feedback.</noscript>']
    for qi, q in enumerate(questions, 1):
        qid = f"{quiz_id}-q{qi}"
        parts.append(f'<fieldset class="tsx-question" id="{qid}"><legend>{qi}. {esc(q.prompt)}</legend>')
        for oi, o in shuffled(quiz_id, q):
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


def live(quiz_id: str, questions: list[Question]) -> ipywidgets.VBox:
    """The questions as ipywidgets radio buttons in shuffled order, each showing the
    chosen option's feedback."""
    import ipywidgets as W

    boxes = []
    for qi, q in enumerate(questions, 1):
        order = shuffled(quiz_id, q)
        radio = W.RadioButtons(options=[(o.text, i) for i, o in order], value=None,
                               layout=W.Layout(width="auto"))
        out = W.HTML()

        def react(change, q=q, out=out):
            if change["new"] is not None:
                out.value = f"<p>{html.escape(feedback(q.options[change['new']]))}</p>"

        radio.observe(react, names="value")
        boxes.append(W.VBox([W.HTML(f"<p><b>{qi}. {html.escape(q.prompt)}</b></p>"), radio, out]))
    return W.VBox(boxes)


def show(chapter: str, values: Mapping | None = None) -> None:
    """Display a chapter's self-checks: static HTML while the book is built,
    live widgets otherwise."""
    from IPython.display import HTML, display

    quiz_id, questions = load(chapter, values)
    display(HTML(quiz_html(quiz_id, questions)) if static_mode() else live(quiz_id, questions))


# ---------------------------------------------------------------- the book as a whole
def audit(quizzes: list[tuple[str, list[Question]]]) -> dict:
    """How the book's questions are shown: for each position, the share of
    questions whose right answer sits there after shuffling; the share whose
    right answer is the longest option; and the questions concerned."""
    from collections import Counter

    where, longest, total = Counter(), [], 0
    for quiz_id, questions in quizzes:
        for q in questions:
            order = shuffled(quiz_id, q)
            position = next(p for p, (_, o) in enumerate(order) if o.correct)
            where[position] += 1
            total += 1
            right = next(o for o in q.options if o.correct)
            if all(len(right.text) > len(o.text) for o in q.options if not o.correct):
                longest.append(f"{quiz_id}/{q.id}")
    return {"questions": total,
            "position_share": {p: where[p] / total for p in sorted(where)} if total else {},
            "longest_share": len(longest) / total if total else 0.0,
            "correct_is_longest": longest}
