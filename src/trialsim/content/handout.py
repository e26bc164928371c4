"""A chapter's journal-club handout: its key numbers, each with its source,
and (on the site) a button that prints the one-page handout.

A chapter's "For journal clubs" section calls ``key_numbers`` with keys of
its data set (``datasets/<name>.csv``: key, value, status, source,
description). The box lists each number with the data set's description and
its source, the primary paper's first author, year and DOI (or registry
number) from ``book/references.bib``; a number that is not published (a
model assumption, a fictional trial) is marked illustrative.

On the site ``book/static/js/handout.js`` prints, on one page, the chapter's
number and title, its "The claim" section, this box and its "For journal
clubs" section (the discussion questions and the running order).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from .. import data

BIB = Path(__file__).resolve().parents[3] / "book" / "references.bib"
ENTRY = re.compile(r"@\w+\{([^,\s]+),(.*?)\n\}", re.S)
FIELD = re.compile(r"(\w+)\s*=\s*\{(.*?)\},?\s*$", re.M)
REGISTRY = re.compile(r"\bNCT\d{8}\b")


@cache
def references(path: Path = BIB) -> dict[str, dict[str, str]]:
    """The bibliography's entries by key: their fields (author, year, doi, ...)
    as written, braces included."""
    return {key: dict(FIELD.findall(body)) for key, body in ENTRY.findall(path.read_text(encoding="utf-8"))}


def source(key: str) -> str:
    """A short citation of bibliography entry ``key``: first author's surname (or
    the organisation), year, and the DOI or the registry number. Raises
    ``ValueError`` for a key the bibliography does not have."""
    refs = references()
    if key not in refs:
        raise ValueError(f"source {key!r} is not in {BIB.name}: add the entry, or fix the data set's source")
    entry = {name: value for name, value in refs[key].items()}
    first = entry.get("author", "").split(" and ")[0].strip()
    if entry.get("shortauthor"):         # a group's paper known by its corresponding author
        name = entry["shortauthor"]
    elif first.startswith("{"):            # an organisation, {{Mayo Clinic}}
        name = first.strip("{}")
    elif "," in first:                   # Surname, Given
        name = first.split(",")[0]
    else:                                # Given Surname
        name = first.split(" ")[-1]
    name = name.replace("{", "").replace("}", "")
    text = " ".join(entry.get(f, "") for f in ("title", "howpublished"))
    where = f"doi:{entry['doi']}" if entry.get("doi") else (REGISTRY.findall(text) or [""])[0]
    year = entry.get("year", "")
    return ", ".join(part for part in (f"{name} {year}".strip(), where or ("" if year else "undated")) if part)


def _value(raw: float | int, style: str) -> str:
    if style == "pct":
        return f"{100 * raw:.1f}".rstrip("0").rstrip(".") + "%"
    if isinstance(raw, int) or float(raw).is_integer():
        return f"{int(raw):,}"
    return f"{raw:g}"


def key_numbers(dataset: str, keys: Sequence[str | tuple[str, str]], *, printable: bool | None = None) -> str:
    """The key-numbers box of a chapter as HTML: each of ``keys`` of data set
    ``dataset`` (a key, or (key, "pct") to show a share as a percentage) with
    its description and source. With ``printable`` (by default while the book
    is built) it carries the button that prints the one-page handout."""
    from ..frontends.explorer import static_mode

    frame = data.load(dataset).set_index("key")
    values = data.facts(dataset)
    rows = []
    for item in keys:
        key, style = (item, "") if isinstance(item, str) else item
        if key not in frame.index:
            raise ValueError(f"{dataset} has no key {key!r}: its keys are {', '.join(frame.index)}")
        row = frame.loc[key]
        status = str(row["status"])
        if status in ("P", "R", "P;R", "S"):     # from the paper, the registry, or a secondary source
            cite = source(str(row["source"]))
        elif status == "NC":                     # reported, but not confirmed by the primary paper
            cite = source(str(row["source"])) + ", not confirmed"
        else:
            cite = "illustrative"
        rows.append(f"<dt>{html.escape(str(row['description']))}</dt>"
                    f"<dd>{html.escape(_value(values[key], style))} <span class=\"tsx-kn-source\">"
                    f"({html.escape(cite)})</span></dd>")
    button = ""
    if printable if printable is not None else static_mode():
        button = ('<p class="tsx-jc-actions"><button type="button" class="tsx-jc-print">Print the one-page '
                  "handout</button> the claim, these numbers, the questions and the running order.</p>")
    return (f'<div class="tsx-key-numbers" data-dataset="{html.escape(dataset)}">'
            f'<p class="tsx-kn-title"><strong>Key numbers</strong></p><dl>{"".join(rows)}</dl>{button}</div>')


def show(dataset: str, keys: Sequence[str | tuple[str, str]]) -> None:
    """Display ``key_numbers(dataset, keys)`` in a chapter."""
    from IPython.display import HTML, display

    display(HTML(key_numbers(dataset, keys)))
