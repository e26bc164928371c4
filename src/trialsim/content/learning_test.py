"""The course's appraisal test: does the course teach?

``book/appraisal-test.yml`` holds two parallel forms (A and B) of the same
questions of appraisal, each a new scenario testing one Informed Health
Choices Key Concept that a chapter teaches; items of the same ``pair`` test
the same concept in the same way. A learner takes one form before chapter 1
and the other after chapter 8 (which form comes first is random).

This module loads and checks the item bank, and gives an instructor the
numbers of a class:

* ``item_analysis``: each item's difficulty (the share right) and
  discrimination (the correlation of the item with the rest of the test),
  flagging the items that do not tell stronger from weaker learners;
* ``simulate_class``: a seeded simulated class (a two-parameter item-response
  model: each learner an ability, each item a difficulty and a
  discrimination, the post-test ability raised by a gain), on which the
  report is checked;
* ``paired_change``: the change from pre- to post-test by Key Concept, with
  its 95% interval (paired t), and ``change_figure`` to plot it.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[3]
BANK = REPO / "book" / "appraisal-test.yml"
# chapter number -> the stem of its page, from the chapters themselves
CHAPTERS = {int(p.name[:2]): p.stem for p in sorted((REPO / "chapters").glob("[0-9][0-9]-*.md"))}
FLAG_BELOW = 0.20   # corrected item-total correlation under which an item is flagged


class ItemBankError(ValueError):
    """The item bank is malformed: the message names the item and the problem."""


@dataclass(frozen=True)
class Item:
    id: str
    pair: str
    form: str
    concept: str
    chapter: int
    prompt: str
    options: tuple[str, ...]
    answer: int          # index of the right option, as written
    why: str


def load(path: Path = BANK) -> tuple[dict[str, str], list[Item]]:
    """The Key Concepts (code -> wording) and the items of the bank at
    ``path``, checked; raises ``ItemBankError`` naming what is wrong."""
    import yaml

    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    concepts = {str(k): str(v) for k, v in (raw.get("concepts") or {}).items()}
    items = []
    for n, entry in enumerate(raw.get("items") or [], 1):
        where = f"{path.name}, item {n} ({entry.get('id', 'no id')})"
        missing = [k for k in ("id", "pair", "form", "concept", "chapter", "prompt", "options", "why")
                   if not entry.get(k)]
        if missing:
            raise ItemBankError(f"{where}: missing {', '.join(missing)}")
        if entry["form"] not in ("A", "B"):
            raise ItemBankError(f"{where}: form is {entry['form']!r}; it must be A or B")
        if str(entry["concept"]) not in concepts:
            raise ItemBankError(f"{where}: concept {entry['concept']!r} is not one of {', '.join(concepts)}")
        if entry["chapter"] not in CHAPTERS:
            raise ItemBankError(f"{where}: chapter {entry['chapter']!r} is not {min(CHAPTERS)} to {max(CHAPTERS)}")
        options = entry["options"]
        right = [i for i, o in enumerate(options) if o.get("correct")]
        if not 3 <= len(options) <= 4 or len(right) != 1:
            raise ItemBankError(f"{where}: needs three or four options with exactly one marked correct: true "
                                f"(has {len(options)} options, {len(right)} correct)")
        items.append(Item(str(entry["id"]), str(entry["pair"]), entry["form"], str(entry["concept"]),
                          int(entry["chapter"]), " ".join(str(entry["prompt"]).split()),
                          tuple(" ".join(str(o["text"]).split()) for o in options), right[0],
                          " ".join(str(entry["why"]).split())))
    ids = [i.id for i in items]
    if len(set(ids)) != len(ids):
        raise ItemBankError(f"{path.name}: item ids repeat: {sorted({i for i in ids if ids.count(i) > 1})}")
    for pair in sorted({i.pair for i in items}):
        both = [i for i in items if i.pair == pair]
        if sorted(i.form for i in both) != ["A", "B"] or len({(i.concept, i.chapter) for i in both}) != 1:
            raise ItemBankError(f"{path.name}: pair {pair!r} needs one A and one B item with the same concept "
                                f"and chapter; it has {[(i.id, i.form, i.concept, i.chapter) for i in both]}")
    return concepts, items


def form(items: list[Item], name: str) -> list[Item]:
    """The items of form ``name``, in pair order (the same order in both forms)."""
    pairs = sorted({i.pair for i in items}, key=[i.pair for i in items].index)
    return [next(i for i in items if i.pair == p and i.form == name) for p in pairs]


ABSOLUTES = ("always", "never", "certainly", "definitely")
LENGTH_RATIO = (0.8, 1.25)   # the right option's length over its distractors' mean


def answer_cues(items: list[Item]) -> list[str]:
    """What would let a test-wise reader find the right options without
    appraising anything, in words (an empty list when there is nothing):
    the right option the longest (or the shortest) more often than chance,
    a right option much longer or shorter than its distractors, absolute
    words (which mark an option as wrong) and the right option in one
    position far more often than the others."""
    def longest(item: Item, sign: int) -> bool:
        lengths = [sign * len(o) for o in item.options]
        return lengths[item.answer] >= max(n for k, n in enumerate(lengths) if k != item.answer)

    problems = []
    chance = sum(1 / len(i.options) for i in items)
    for sign, word in ((1, "longest"), (-1, "shortest")):
        hits = [i.id for i in items if longest(i, sign)]
        if len(hits) > chance:
            problems.append(f"the right option is the {word} in {len(hits)} of {len(items)} items "
                            f"(chance is {chance:.1f}): {', '.join(hits)}")
    for item in items:
        others = [len(o) for k, o in enumerate(item.options) if k != item.answer]
        ratio = len(item.options[item.answer]) / (sum(others) / len(others))
        if not LENGTH_RATIO[0] <= ratio <= LENGTH_RATIO[1]:
            problems.append(f"{item.id}: the right option is {ratio:.2f} times the length of the others "
                            f"(keep it within {LENGTH_RATIO[0]}-{LENGTH_RATIO[1]})")
        for option in item.options:
            found = [w for w in ABSOLUTES if w in option.lower().replace(",", " ").split()]
            if found:
                problems.append(f"{item.id}: {', '.join(found)!s} in {option!r}")
    for name in ("A", "B"):
        shown = form(items, name)
        places = [[k for k, _ in _options(i)].index(i.answer) for i in shown]
        most = max(set(places), key=places.count)
        if places.count(most) > len(shown) / 2:
            problems.append(f"form {name}: the right option is shown in place {'ABCD'[most]} in "
                            f"{places.count(most)} of {len(shown)} items")
    return problems


# ------------------------------------------------------------ a class's numbers
def simulate_class(n: int, items: list[Item], seed: int, gain: float = 0.8,
                   discrimination: dict[str, float] | None = None) -> pd.DataFrame:
    """A synthetic class of ``n`` learners (seeded): for each learner, form A
    or B first at random, then the other; right (1) or wrong (0) on each item
    from a two-parameter item-response model. Abilities are standard normal
    before and raised by ``gain`` (with spread 0.3) after; each pair's
    difficulty is drawn once for both forms, so the forms are parallel; an
    item's discrimination is 1.5 unless ``discrimination`` gives another.
    One row per learner, test (pre, post) and item."""
    rng = np.random.default_rng(seed)
    pairs = sorted({i.pair for i in items})
    difficulty = dict(zip(pairs, rng.normal(0.0, 0.8, len(pairs)), strict=True))
    slopes = {i.id: (discrimination or {}).get(i.id, 1.5) for i in items}
    rows = []
    for learner in range(n):
        ability = rng.normal()
        first = "A" if rng.random() < 0.5 else "B"
        for test, theta, name in (("pre", ability, first),
                                  ("post", ability + rng.normal(gain, 0.3), "B" if first == "A" else "A")):
            for item in form(items, name):
                p = 1 / (1 + math.exp(-slopes[item.id] * (theta - difficulty[item.pair])))
                rows.append({"learner": f"L{learner + 1:03d}", "test": test, "form": name, "item": item.id,
                             "concept": item.concept, "right": int(rng.random() < p)})
    return pd.DataFrame(rows)


def item_analysis(responses: pd.DataFrame) -> pd.DataFrame:
    """Each item's difficulty (share right), discrimination (correlation of the
    item with the learner's score on the rest of the same test, form by form)
    and whether it is flagged (discrimination under ``FLAG_BELOW``), from
    responses with columns learner, test, form, item, right."""
    out = []
    for (_, name), sheet in responses.groupby(["test", "form"]):
        wide = sheet.pivot(index="learner", columns="item", values="right")
        total = wide.sum(axis=1)
        for item in wide.columns:
            rest = total - wide[item]
            r = float(np.corrcoef(wide[item], rest)[0, 1]) if wide[item].std() > 0 and rest.std() > 0 else 0.0
            out.append({"item": item, "form": name, "n": len(wide), "right": int(wide[item].sum()),
                        "discrimination_by_test": r})
    frame = pd.DataFrame(out)
    summary = frame.groupby(["item", "form"], as_index=False).agg(
        n=("n", "sum"), right=("right", "sum"), discrimination=("discrimination_by_test", "mean"))
    summary["difficulty"] = summary["right"] / summary["n"]
    summary["flagged"] = summary["discrimination"] < FLAG_BELOW
    return summary[["item", "form", "n", "difficulty", "discrimination", "flagged"]].sort_values("item",
                                                                                             ignore_index=True)


def paired_change(responses: pd.DataFrame) -> pd.DataFrame:
    """The change from pre- to post-test in the share right, by Key Concept and
    overall, over the learners who took both: the mean change and its 95%
    interval (paired t)."""
    from scipy import stats

    per = (responses.groupby(["learner", "concept", "test"])["right"].mean().unstack("test")
           .dropna(subset=["pre", "post"]))
    overall = responses.groupby(["learner", "test"])["right"].mean().unstack("test").dropna()
    rows = []
    for concept, frame in [*per.groupby(level="concept"), ("all", overall)]:
        diff = (frame["post"] - frame["pre"]).to_numpy()
        n = len(diff)
        mean = float(diff.mean())
        half = float(stats.t.ppf(0.975, n - 1) * diff.std(ddof=1) / math.sqrt(n)) if n > 1 else float("nan")
        rows.append({"concept": concept, "learners": n, "pre": float(frame["pre"].mean()),
                     "post": float(frame["post"].mean()), "change": mean, "ci_low": mean - half,
                     "ci_high": mean + half})
    return pd.DataFrame(rows)


def change_figure(change: pd.DataFrame, concepts: dict[str, str]) -> dict:
    """A plotly figure: each Key Concept's mean change in the share right, with
    its 95% interval, and the whole test's."""
    labels = [("All items" if c == "all" else f"{c} {concepts.get(c, '')[:38]}") for c in change["concept"]]
    return {
        "data": [{"type": "scatter", "mode": "markers", "x": [round(100 * v, 1) for v in change["change"]],
                  "y": labels, "name": "Mean change",
                  "error_x": {"type": "data", "symmetric": False,
                              "array": [round(100 * (h - m), 1) for h, m in zip(change["ci_high"],
                                                                                change["change"], strict=True)],
                              "arrayminus": [round(100 * (m - lo), 1) for lo, m in zip(change["ci_low"],
                                                                                       change["change"],
                                                                                       strict=True)]},
                  "marker": {"size": 9, "color": "#1f5f99"}}],
        "layout": {"title": {"text": "Change from pre- to post-test, by Key Concept (95% interval)"},
                   "xaxis": {"title": {"text": "Change in share of items right (percentage points)"},
                             "zeroline": True},
                   "yaxis": {"autorange": "reversed", "automargin": True}, "height": 120 + 34 * len(labels),
                   "showlegend": False, "margin": {"l": 20, "r": 30, "t": 60, "b": 60}},
    }


# ------------------------------------------------------------ on the site
def _options(item: Item) -> list[tuple[int, str]]:
    """The item's options in display order, shuffled as the self-check
    questions are (seeded by the test and the item's id), the same on every
    build."""
    from .selfcheck import shuffled

    return shuffled("appraisal-test", item)


def test_html(concepts: dict[str, str], items: list[Item]) -> str:
    """The test on the site: both forms (the learner's browser shows one at a
    time, ``book/static/js/learningtest.js`` scores it and keeps the results in
    the browser alone), and the data it scores with."""
    import html
    import json

    forms = []
    for name in ("A", "B"):
        questions = []
        for number, item in enumerate(form(items, name), 1):
            radios = "".join(
                f'<div class="tlt-option"><input type="radio" id="tlt-{item.id}-{i}" name="tlt-{item.id}" '
                f'value="{i}"><label for="tlt-{item.id}-{i}">{html.escape(text)}</label></div>'
                for i, text in _options(item))
            questions.append(f'<fieldset class="tlt-question" data-item="{item.id}"><legend>'
                             f'<span class="tlt-number">{number}.</span> {html.escape(item.prompt)}</legend>'
                             f"{radios}</fieldset>")
        forms.append(f'<form class="tlt-form" data-form="{name}" hidden novalidate>{"".join(questions)}'
                     f'<p class="tlt-unanswered" role="alert" hidden></p>'
                     f'<button type="submit" class="tlt-score">Score my answers</button></form>')
    data = {"concepts": concepts,
            "chapters": {str(n): f"../chapters/{stem}.html" for n, stem in CHAPTERS.items()},
            "items": {i.id: {"form": i.form, "pair": i.pair, "concept": i.concept, "chapter": i.chapter,
                             "answer": i.answer, "right": i.options[i.answer], "why": i.why} for i in items}}
    from ..frontends.static import json_script

    return (f'<div class="tlt-test"><div class="tlt-status" aria-live="polite"></div>{"".join(forms)}'
            f'<section class="tlt-results" aria-live="polite" hidden></section>'
            f'<p class="tlt-actions"><button type="button" class="tlt-clear">Clear my answers from this browser'
            f'</button></p>{json_script(json.dumps(data, ensure_ascii=False), "tlt-data")}</div>')


def show(path: Path = BANK) -> None:
    """Display the test (in a page of the book)."""
    from IPython.display import HTML, display

    display(HTML(test_html(*load(path))))


# ------------------------------------------------------------ for a class (nbgrader)
ASSIGNMENTS = {"A": "appraisal-a", "B": "appraisal-b"}
LETTERS = "abcd"


def _meta(grade_id: str, *, solution: bool = False, points: int | None = None) -> dict:
    meta = {"grade": points is not None, "grade_id": grade_id, "locked": not solution, "schema_version": 3,
            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def notebook(concepts: dict[str, str], items: list[Item], name: str) -> Any:
    """Form ``name`` of the test as an nbgrader source notebook: each question
    with its options lettered in the site's order, an answer cell (one
    letter) and an autograded check worth one point (its right letter in a
    hidden test)."""
    import nbformat

    v4 = nbformat.v4
    cells = [v4.new_markdown_cell(
        f"# Appraisal test, form {name}\n\nThirteen short scenarios, each testing one Informed Health "
        "Choices Key Concept that the course teaches. For each question, give the letter of the best "
        "answer in the cell under it. Do not look anything up: the test measures what you can do, before "
        "and after the course.", metadata=_meta("intro"))]
    for number, item in enumerate(form(items, name), 1):
        shown = _options(item)
        lines = "\n".join(f"- **{LETTERS[k]}.** {text}" for k, (_, text) in enumerate(shown))
        cells.append(v4.new_markdown_cell(
            f"## Question {number} ({item.concept} {concepts[item.concept]})\n\n{item.prompt}\n\n{lines}\n\n"
            f'In the cell below, replace its contents with `answer_{item.pair} = "?"`, your letter in place of ?, '
            "and run it.", metadata=_meta(f"q_{item.pair}")))
        right = LETTERS[[i for i, _ in shown].index(item.answer)]
        cells.append(v4.new_code_cell(f'### BEGIN SOLUTION\nanswer_{item.pair} = "{right}"\n### END SOLUTION',
                                      metadata=_meta(f"answer_{item.pair}", solution=True)))
        cells.append(v4.new_code_cell(
            f"# Checks for question {number}\n"
            f'assert "answer_{item.pair}" in globals(), "run the answer cell above first"\n'
            f'assert str(answer_{item.pair}).strip().lower() in {tuple(LETTERS[:len(shown)])!r}, (\n'
            f'    "write one letter between the quotes: {", ".join(LETTERS[:len(shown)])}")\n'
            "### BEGIN HIDDEN TESTS\n"
            f'assert str(answer_{item.pair}).strip().lower() == "{right}", "not the best answer"\n'
            "### END HIDDEN TESTS", metadata=_meta(f"test_{item.pair}", points=1)))
    for cell in cells:
        cell["id"] = cell.metadata["nbgrader"]["grade_id"].replace("_", "-")
    return v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}})


def write_notebooks(root: Path = REPO, path: Path = BANK) -> list[Path]:
    """Write both forms' source notebooks into ``root``'s ``solutions/``
    (``appraisal-a``, ``appraisal-b``); ``./course release`` makes the
    students' copies."""
    import nbformat

    concepts, items = load(path)
    out = []
    for name, assignment in ASSIGNMENTS.items():
        target = root / "solutions" / assignment / f"{assignment}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook(concepts, items, name), target)
        out.append(target)
    return out


def responses_from_gradebook(db: Path, path: Path = BANK) -> pd.DataFrame:
    """A class's answers from an nbgrader gradebook holding the two forms'
    assignments: one row per student, test (the form a student took first is
    the pre-test, by submission time), item and right (1 or 0)."""
    from nbgrader.api import Gradebook, MissingEntry

    _, items = load(path)
    by_pair = {(i.pair, i.form): i for i in items}
    concept_of = {i.id: i.concept for i in items}
    taken: dict[str, list] = {}
    with Gradebook(f"sqlite:///{db}") as gb:
        for name, assignment in ASSIGNMENTS.items():
            try:
                subs = gb.find_assignment(assignment).submissions
            except MissingEntry:
                continue
            for sub in subs:
                grades = {g.name: (g.score or 0) for nb in sub.notebooks for g in nb.grades}
                right = {by_pair[(gid.removeprefix("test_"), name)].id: int(score > 0)
                         for gid, score in grades.items() if gid.startswith("test_")}
                taken.setdefault(sub.student.id, []).append((sub.timestamp, name, right))
    rows = []
    for student, tests in sorted(taken.items()):
        for test, (_, name, right) in zip(("pre", "post"), sorted(tests, key=lambda t: (t[0] is None, t[0])),
                                          strict=False):
            rows += [{"learner": student, "test": test, "form": name, "item": item,
                      "concept": concept_of[item], "right": ok}
                     for item, ok in right.items()]
    return pd.DataFrame(rows, columns=["learner", "test", "form", "item", "concept", "right"])


def class_report(responses: pd.DataFrame, out: Path, path: Path = BANK) -> dict[str, Path]:
    """The instructors' report of a class, written to folder ``out``: each
    student's share right by concept before and after (CSV), the paired
    change by concept with its interval (CSV, and the figure as a page that
    needs no network), and the item analysis (CSV, with the flagged items)."""
    import plotly.io as pio

    concepts, _ = load(path)
    out.mkdir(parents=True, exist_ok=True)
    by_student = (responses.groupby(["learner", "concept", "test"])["right"].mean().unstack("test")
                  .reindex(columns=["pre", "post"]).reset_index())
    by_student["change"] = by_student["post"] - by_student["pre"]
    files = {"by_student": out / "scores-by-concept.csv", "change": out / "change-by-concept.csv",
             "items": out / "item-analysis.csv", "figure": out / "change-by-concept.html"}
    by_student.to_csv(files["by_student"], index=False, float_format="%.3f")
    change = paired_change(responses)
    change.to_csv(files["change"], index=False, float_format="%.3f")
    item_analysis(responses).to_csv(files["items"], index=False, float_format="%.3f")
    pio.write_html(change_figure(change, concepts), files["figure"], include_plotlyjs=True, full_html=True)
    return files


def main(argv: list[str] | None = None) -> int:
    """``./course appraisal-report``: write the class's report from the
    gradebook (``--notebooks``: write the two forms' source notebooks)."""
    import argparse

    parser = argparse.ArgumentParser(prog="./course appraisal-report", description=__doc__.split("\n\n")[0])
    parser.add_argument("--gradebook", type=Path, default=REPO / "gradebook.db")
    parser.add_argument("--out", type=Path, default=REPO / "appraisal-report")
    parser.add_argument("--notebooks", action="store_true",
                        help="write solutions/appraisal-a and -b from book/appraisal-test.yml instead")
    parser.add_argument("--bank", type=Path, default=BANK, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        _, items = load(args.bank)
    except ItemBankError as error:
        print(f"appraisal-report: {error}", file=sys.stderr)
        return 2
    for cue in answer_cues(items):
        print(f"appraisal-report: warning: a test-wise reader could find the answers without appraising: {cue}",
              file=sys.stderr)
    if args.notebooks:
        for target in write_notebooks(path=args.bank):
            print(f"wrote {target.relative_to(REPO)}; run ./course release {target.parent.name}")
        return 0
    if not args.gradebook.is_file():
        print(f"appraisal-report: no gradebook at {args.gradebook}: grade the class first", file=sys.stderr)
        return 2
    from sqlalchemy.exc import DatabaseError

    try:
        responses = responses_from_gradebook(args.gradebook, args.bank)
    except DatabaseError as error:
        print(f"appraisal-report: {args.gradebook} is not an nbgrader gradebook ({error.orig}); give the "
              "course's gradebook.db with --gradebook", file=sys.stderr)
        return 2
    if responses.empty:
        print(f"appraisal-report: no graded submission of {' or '.join(ASSIGNMENTS.values())} in "
              f"{args.gradebook}", file=sys.stderr)
        return 2
    files = class_report(responses, args.out, args.bank)
    both = responses.groupby("learner")["test"].nunique().eq(2).sum()
    print(f"{responses['learner'].nunique()} students, {both} with both tests; wrote:")
    for path in files.values():
        print(f"  {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
