"""A chapter's key numbers for its journal-club handout: each value is the data
set's, each sourced number names the primary paper (first author, year, DOI or
registry number), an unpublished number is marked illustrative, and a wrong
key or source is refused by name."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from trialsim import data
from trialsim.content import handout

ROOT = Path(__file__).resolve().parents[1]
SHOW = re.compile(r'handout\.show\("(\w+)", (\[.*?\])\)')


def test_a_source_names_author_year_and_doi():
    assert handout.source("uccelli2021") == "Uccelli 2021, doi:10.1016/S1474-4422(21)00301-X"
    refs = handout.references()
    assert "karussis2021" in refs and refs["karussis2021"]["shortauthor"] == "Karussis"
    assert handout.source("karussis2021").startswith("Karussis ")
    with pytest.raises(ValueError, match="'nosuch2020' is not in references.bib"):
        handout.source("nosuch2020")


def test_key_numbers_carry_the_data_sets_values_and_sources():
    box = handout.key_numbers("mesems_summary", ["n_randomised", "gel_rr", ("gel_p", "pct")], printable=True)
    facts = data.facts("mesems_summary")
    assert facts["n_randomised"] == 144 and facts["gel_rr"] == 0.94
    assert re.search(r"<dt>Patients randomised</dt><dd>144 <span[^>]*>\(Uccelli 2021, doi:", box)
    assert "<dd>0.94 " in box and f"<dd>{100 * facts['gel_p']:g}% " in box
    assert box.count("<dt>") == 3 and 'class="tsx-jc-print"' in box
    assert 'class="tsx-jc-print"' not in handout.key_numbers("mesems_summary", ["gel_rr"], printable=False)
    with pytest.raises(ValueError, match="mesems_summary has no key 'gel_hr': its keys are n_randomised, "):
        handout.key_numbers("mesems_summary", ["gel_hr"])


def test_an_unpublished_number_is_marked_illustrative():
    frame = data.load("capstone_veltra").set_index("key")
    box = handout.key_numbers("capstone_veltra", ["n_cells"], printable=False)
    assert frame.loc["n_cells", "status"] not in ("P", "R", "P;R", "S", "NC")
    assert "(illustrative)" in box


def test_every_chapter_shows_its_key_numbers():
    shown = {}
    for chapter in sorted((ROOT / "chapters").glob("[0-9][0-9]-*.md")):
        calls = SHOW.findall(chapter.read_text(encoding="utf-8"))
        assert len(calls) == 1, f"{chapter.name}: its 'For journal clubs' shows the key numbers once"
        dataset, keys = calls[0]
        box = handout.key_numbers(dataset, ast.literal_eval(keys))
        shown[chapter.name] = box.count("<dt>")
    assert len(shown) == 8 and all(4 <= n <= 7 for n in shown.values()), shown
