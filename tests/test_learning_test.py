"""The appraisal test's item bank and the instructors' numbers for a class:
two parallel forms, each item mapped to a Key Concept its chapter teaches
(as book/concepts-map.md lists), item difficulty and discrimination checked on
a seeded simulated class (two-parameter item-response model), and the paired
change by concept against scipy."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from trialsim.content import learning_test as lt

ROOT = Path(__file__).resolve().parents[1]


def test_two_parallel_forms_of_at_least_24_items():
    concepts, items = lt.load()
    assert len(items) >= 24
    a, b = lt.form(items, "A"), lt.form(items, "B")
    assert len(a) == len(b) == len(items) // 2
    assert [(i.concept, i.chapter) for i in a] == [(i.concept, i.chapter) for i in b]
    assert {i.concept for i in items} <= set(concepts)
    assert all(3 <= len(i.options) <= 4 and 0 <= i.answer < len(i.options) for i in items)


def test_each_item_is_taught_by_its_chapter_as_the_concepts_map_says():
    """concepts-map.md lists, chapter by chapter, the Key Concepts each teaches."""
    text = (ROOT / "book" / "concepts-map.md").read_text(encoding="utf-8")
    text = text.split("## The Key Concepts", 1)[1].split("\n## ", 1)[0]   # that table, not the biases'
    taught: dict[int, set[str]] = {}
    for block in re.split(r"\n\* - \[Chapter ", text)[1:]:
        number = int(block.split("]", 1)[0])
        taught[number] = set(re.findall(r"\*\*(\d\.\d[a-z]?)\*\*", block.split("\n* - ", 1)[0]))
    _, items = lt.load()
    wrong = [(i.id, i.concept, i.chapter) for i in items if i.concept not in taught[i.chapter]]
    assert wrong == []


def test_a_broken_bank_is_refused_by_name(tmp_path):
    good = (ROOT / "book" / "appraisal-test.yml").read_text(encoding="utf-8")
    bad = tmp_path / "bank.yml"
    bad.write_text(good.replace("    form: B\n    concept: \"1.1a\"", "    form: C\n    concept: \"1.1a\"", 1))
    with pytest.raises(lt.ItemBankError, match=r"item 2 \(harms-b\): form is 'C'; it must be A or B"):
        lt.load(bad)
    right = "      - text: A serious side effect in about 1 in 13 people could easily have gone unseen.\n"
    bad.write_text(good.replace(right + "        correct: true\n", right, 1))
    with pytest.raises(lt.ItemBankError, match=r"harms-a\): needs three or four options .* 0 correct"):
        lt.load(bad)
    bad.write_text(good.replace("    pair: harms\n    form: B", "    pair: harmz\n    form: B", 1))
    with pytest.raises(lt.ItemBankError, match="pair 'harms' needs one A and one B item"):
        lt.load(bad)


def test_no_option_gives_the_answer_away_to_a_test_wise_reader(tmp_path):
    """Item-writing cues: the right option is the longest (or the shortest)
    no more often than chance, each right option is about as long as its
    distractors, no option says always or never, and the right option is
    spread over the places it is shown in."""
    _, items = lt.load()
    assert lt.answer_cues(items) == []
    chance = sum(1 / len(i.options) for i in items)
    longest = [i.id for i in items if len(i.options[i.answer]) >= max(map(len, i.options))]
    assert len(longest) <= chance
    # The check catches the classic cue: every right answer padded with a qualifying clause.
    padded = [replace(i, options=tuple(o + ", at least in this kind of study and for now" if k == i.answer else o
                                       for k, o in enumerate(i.options))) for i in items]
    cues = lt.answer_cues(padded)
    assert cues[0].startswith(f"the right option is the longest in {len(items)} of {len(items)} items (chance is")
    assert sum("times the length of the others" in c for c in cues) == len(items)
    never = [replace(items[0], options=(items[0].options[0], "Harms never happen in small trials.",
                                        *items[0].options[2:]))]
    assert f"{items[0].id}: never in 'Harms never happen in small trials.'" in lt.answer_cues(never + items[1:])


def test_the_report_warns_of_cues_and_refuses_a_broken_bank(tmp_path, capsys):
    good = (ROOT / "book" / "appraisal-test.yml").read_text(encoding="utf-8")
    padded = tmp_path / "padded.yml"
    right = "A serious side effect in about 1 in 13 people could easily have gone unseen."
    padded.write_text(good.replace(right, right[:-1] + ", as the rule of three shows for 40 people with no event."))
    assert lt.main(["--bank", str(padded), "--gradebook", str(tmp_path / "none.db")]) == 2
    err = capsys.readouterr().err
    assert "warning: a test-wise reader could find the answers without appraising: harms-a: the right option is " \
           "1.65 times the length of the others (keep it within 0.8-1.25)" in err
    assert "the right option is the longest in 7 of 26 items (chance is 6.5): harms-a, " in err
    assert f"no gradebook at {tmp_path / 'none.db'}" in err
    text = tmp_path / "grades.txt"
    text.write_text("student,score\nann,9\n")
    assert lt.main(["--gradebook", str(text)]) == 2
    assert f"{text} is not an nbgrader gradebook (file is not a database)" in capsys.readouterr().err
    broken = tmp_path / "broken.yml"
    broken.write_text(good.replace('    form: B\n    concept: "1.1a"', '    form: C\n    concept: "1.1a"', 1))
    assert lt.main(["--bank", str(broken), "--notebooks"]) == 2
    assert "item 2 (harms-b): form is 'C'; it must be A or B" in capsys.readouterr().err


def test_item_analysis_flags_the_items_that_do_not_discriminate():
    _, items = lt.load()
    flat = {"bigdata-a": 0.0, "bigdata-b": 0.0, "source-a": 0.0}
    sim = lt.simulate_class(600, items, seed=7, discrimination=flat)
    assert sim["learner"].nunique() == 600 and set(sim["test"]) == {"pre", "post"}
    assert sim.groupby("learner")["form"].nunique().eq(2).all()      # each learner takes both forms
    report = lt.item_analysis(sim)
    assert len(report) == len(items) and report["n"].eq(600).all()
    assert sorted(report.loc[report["flagged"], "item"]) == sorted(flat)
    good = report[~report["item"].isin(list(flat))]
    assert good["discrimination"].min() > lt.FLAG_BELOW
    # difficulty is the share right, as counted
    right = sim[sim["item"] == "harms-a"]["right"]
    assert report.set_index("item").loc["harms-a", "difficulty"] == pytest.approx(right.mean())
    # parallel forms: the two items of a pair are about equally hard
    by = report.set_index("item")["difficulty"]
    pairs = {i.pair for i in items} - {"bigdata", "source"}
    assert max(abs(by[f"{p}-a"] - by[f"{p}-b"]) for p in pairs) < 0.1


def test_paired_change_by_concept_is_scipys_paired_t():
    concepts, items = lt.load()
    sim = lt.simulate_class(120, items, seed=11, gain=0.6)
    change = lt.paired_change(sim).set_index("concept")
    assert set(change.index) == {i.concept for i in items} | {"all"}
    per = sim.groupby(["learner", "test"])["right"].mean().unstack("test")
    test = stats.ttest_rel(per["post"], per["pre"])
    ci = test.confidence_interval(0.95)
    assert change.loc["all", "change"] == pytest.approx(float(np.mean(per["post"] - per["pre"])))
    assert (change.loc["all", "ci_low"], change.loc["all", "ci_high"]) == pytest.approx((ci.low, ci.high))
    assert change.loc["all", "ci_low"] > 0       # the simulated course teaches
    figure = lt.change_figure(lt.paired_change(sim), concepts)
    assert figure["data"][0]["x"][-1] == pytest.approx(round(100 * change.loc["all", "change"], 1))
    assert figure["layout"]["xaxis"]["title"]["text"].startswith("Change in share of items right")
