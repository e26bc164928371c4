"""What the chapters say stays fair to the sources: the corrections of a
review of every chapter, each held by a test, and shares that never read
0 % or 100 % unless they are exactly that."""

import json
import re
from pathlib import Path

import pytest

from trialsim import data
from trialsim.frontends.conclude import share

ROOT = Path(__file__).resolve().parents[1]


def _chapter(stem: str) -> str:
    """A chapter's text and its self-check questions."""
    parts = [ROOT / "chapters" / f"{stem}.md", ROOT / "chapters" / f"{stem}.selfcheck.yml"]
    return "\n".join(p.read_text(encoding="utf-8") for p in parts)


def _cell(assignment: str, grade_id: str) -> str:
    nb = json.loads((ROOT / "solutions" / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id]
    assert len(cells) == 1, grade_id
    return "".join(cells[0]["source"])


def _flat(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- shares
@pytest.mark.parametrize("value,spec,expected", [
    (0.996, ".0%", "99.6%"), (0.9999, ".0%", "99.99%"), (0.0004, ".0%", "0.04%"), (0.0049, ".0%", "0.5%"),
    (0.5, ".0%", "50%"), (0.031, ".1%", "3.1%"), (1.0, ".0%", "100%"), (0.0, ".0%", "0%"),
    (1e-9, ".0%", "less than 0.001%"),
])
def test_a_share_never_reads_0_or_100_percent_unless_it_is(value, spec, expected):
    assert share(value, spec) == expected


def test_numbers_in_the_prose_use_the_course_format():
    from trialsim.content.prose import number

    assert number(0.9962).pct == "99.6%" and number(0.42).pct == "42%" and number(0.031).pct1 == "3.1%"
    assert number(1234.5).comma0 == "1,234" and number(59000).comma == "59,000" and number(0.5).f2 == "0.50"
    assert repr(number(10)) == "10" and repr(number(0.7)) == "0.7" and repr(number("text")) == "text"


def test_conclusions_format_shares_the_same_way():
    from trialsim.frontends.conclude import Rule, Rules

    rules = Rules(Rule("{p:.0%} and {q:P}"))
    assert rules({"p": 0.9961, "q": 0.9961}) == "99.6% and more than 99%"


# ---------------------------------------------------------------- chapter 7 and the clinic pages
def test_chapter_7_says_the_caveats_are_on_the_clinic_pages():
    text = _flat(_chapter("07-mechanism-to-marketing"))
    assert "The pages never say" not in text
    assert "The caveats are there, in the body text" in text
    assert "bydon2024,independent2024" not in text and "{footcite:p}`commentary2024`" in text
    assert "larger, controlled trials" not in text          # the two reviews do not ask for that
    assert "standard ways of isolating and growing the cells" in text
    assert "better understanding of how the cells regenerate nerve tissue" in text


def test_the_expert_commentary_is_in_the_bibliography_and_cited_for_encouraging():
    bib = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    assert "@misc{commentary2024," in bib
    ch1 = _flat(_chapter("01-celltop-spinal-cord"))
    assert "the authors called the result encouraging" not in ch1
    assert "called the result encouraging for that reason {footcite:p}`commentary2024`" in ch1


def test_unconfirmed_counts_in_drill_claims_are_hedged():
    nc = {}
    for name in data.names():
        if data.schema(name) == data.FACT_COLUMNS:
            frame = data.load(name)
            for key, value, status in zip(frame["key"], frame["value"], frame["status"], strict=True):
                if status == "NC" and float(value).is_integer() and float(value) > 10:
                    nc[key] = int(float(value))
    assert nc["sci_review_studies"] == 22
    claims = data.load("marketing_claims")
    for claim, context in zip(claims["claim"], claims["context"].fillna(""), strict=True):
        for key, number in nc.items():
            if re.search(rf"\b{number}\b", context):
                assert "reports" in context and "not confirmed" in context, (claim, key)


# ---------------------------------------------------------------- chapter 2 and ps02
def test_chapter_2_does_not_state_a_selection_the_paper_does_not_report():
    text = _flat(_chapter("02-als-run-in"))
    for claim in ("Patients were enrolled for declining fast", "The trial enrolled patients who declined fast",
                  "The trial's rule is applied", "enrolling patients because they declined fast",
                  "Patients were enrolled because their score fell fast", "Start where the trial is"):
        assert claim not in text, claim
    assert "they set no rule on the run-in slope" in text
    answer = _flat(_cell("ps02-als", "news_appraisal"))
    assert "Patients were chosen for declining fast" not in answer and "the sickest patients left" not in answer
    assert len(answer.split()) <= 150


def test_chapter_2_quotes_the_news_report_verbatim_and_says_could_about_dropout():
    text = _flat(_chapter("02-als-run-in"))
    assert '"twelve had three injections and ten had four"' not in text
    assert '"Twelve patients had three injections and 10 had four."' in text
    assert "they would have changed anyway" not in text and "they could have changed anyway" in text


def test_chapter_2_regression_figure_says_simulated_in_its_title():
    assert 'title={"text": "Simulated untreated patients' in _chapter("02-als-run-in")


# ---------------------------------------------------------------- numbers and wording
def test_chapter_1_computes_the_ratio_of_the_two_chances():
    text = _flat(_chapter("01-celltop-spinal-cord"))
    assert "ten thousand times" not in text
    assert 'glue("early_late_ratio", float(round(chance_early / chance_late, -3))' in text
    assert "about {eval}`early_late_ratio.comma0` times more likely" in text
    from trialsim.stats import proportions

    facts = data.facts("celltop_summary")
    k, n = facts["n_improved_ais"], facts["n_enrolled"]
    ratio = proportions.prob_at_least(k, n, facts["early_conversion_high"]) / \
        proportions.prob_at_least(k, n, facts["late_conversion"])
    assert 50_000 < ratio < 70_000       # about 59,000, not ten thousand


def test_chapter_1_states_the_one_sided_level_plainly():
    text = _flat(_chapter("01-celltop-spinal-cord"))
    assert "each at the usual two-sided 5 % level" not in text
    assert "one-sided {eval}`one_sided_alpha.pct1` level" in text
    from trialsim.stats import celltop

    assert celltop.ALPHA == 0.025


def test_mesems_safety_explorer_speaks_of_serious_adverse_events_not_harm():
    from trialsim.explorers import get

    said = get("mesems-safety").outcome().conclusion
    assert "was harmed" not in said and "No serious adverse event in 144 patients' cell periods" in said


def test_ps04_model_answer_uses_the_course_wording_and_the_trial_facts():
    answer = _flat(_cell("ps04-mesems", "patient_summary"))
    assert "European" not in answer and "15 centres in nine countries" in answer
    assert "did not help" not in answer and "does not show a benefit" in answer
    assert len(answer.split()) <= 150


def test_late_recovery_in_chronic_injury_is_cited_to_kirshblum_2004():
    text = _flat(_chapter("08-capstone-appraisal"))
    assert "drew attention {footcite:p}`bydon2024,kirshblum2004`" in text


def test_safety_meta_analysis_has_its_own_title():
    bib = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    entry = bib[bib.index("@article{mesabedoya2024,"):]
    entry = entry[:entry.index("\n}")]
    assert "The safety profile of mesenchymal stem cell therapy administered through intrathecal injections" in entry
