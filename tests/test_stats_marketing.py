"""trialsim.stats.marketing, the red-flag drill and the capstone's checklist: values
against direct computation, and clear errors for impossible input."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from trialsim import data
from trialsim.content import appraisal, drill
from trialsim.explorers import capstone, get
from trialsim.explorers import marketing as explorers
from trialsim.frontends.explorer import preset_link
from trialsim.stats import marketing

ROOT = Path(__file__).resolve().parents[1]


def test_posterior_is_bayes_rule_and_matches_a_simulated_pipeline():
    prior, power, alpha = 0.079, 0.8, 0.025
    direct = prior * power / (prior * power + (1 - prior) * alpha)
    lr = marketing.trial_likelihood_ratio(power, alpha)
    assert lr == pytest.approx(32.0)
    assert marketing.posterior(prior, [lr]) == pytest.approx(direct, rel=1e-12)
    # a seeded pipeline of candidates: the share that work among those with a positive trial
    rng = np.random.default_rng(7)
    works = rng.random(2_000_000) < prior
    positive = rng.random(works.size) < np.where(works, power, alpha)
    assert works[positive].mean() == pytest.approx(direct, abs=0.005)
    negative_share = works[~positive].mean()
    assert marketing.posterior(prior, [marketing.trial_likelihood_ratio(power, alpha, positive=False)]) == \
        pytest.approx(negative_share, abs=0.002)


def test_chain_multiplies_the_odds_in_order():
    path = marketing.chain(0.2, [2.0, 0.5, 3.0])
    odds = [0.25, 0.5, 0.25, 0.75]
    assert path == pytest.approx([o / (1 + o) for o in odds])
    assert marketing.likelihood_ratio_needed(0.2, path[-1]) == pytest.approx(3.0)


@pytest.mark.parametrize("call, words", [
    (lambda: marketing.posterior(1.0, [2.0]), "prior=1.0 is out of range"),
    (lambda: marketing.posterior(0.0, [2.0]), "prior=0.0 is out of range"),
    (lambda: marketing.posterior(0.1, [-2.0]), "likelihood ratio 1=-2.0 is out of range"),
    (lambda: marketing.trial_likelihood_ratio(0.02, 0.025), "must exceed alpha"),
    (lambda: marketing.share_reaching([]), "at least one"),
])
def test_impossible_input_is_refused_with_a_clear_message(call, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        call()


def test_success_rates_are_consistent_with_the_reports_headline():
    f = data.facts("marketing_success_rates")
    product = marketing.share_reaching([f["phase1_to_2"], f["phase2_to_3"], f["phase3_to_nda"], f["nda_to_approval"]])
    assert product == pytest.approx(f["loa_phase1"], abs=0.001)
    assert f["phase2_to_3"] == 0.289 and f["programs"] == 9704
    frame = data.load("marketing_success_rates")
    assert set(frame.loc[frame.key.str.startswith("lr_"), "status"]) == {"illustrative"}


def test_evidence_explorer_agrees_with_the_engine():
    for params in ({}, {"rct": "positive"}, {"rct": "two", "power": 0.9}, {"rct": "negative", "start": "rare"}):
        out = explorers.EVIDENCE.outcome(**params)
        p = out.params
        rct = {"none": [], "positive": [p["power"] / 0.025], "two": [p["power"] / 0.025] * 2,
               "negative": [(1 - p["power"]) / 0.975]}[p["rct"]]
        lrs = [x for x in (p["mouse"], p["phase1"], p["open_label"]) if x] + rct
        assert out.numbers["post"] == pytest.approx(marketing.posterior(explorers.STARTS[p["start"]][1], lrs))
    assert "controlled trial" in explorers.EVIDENCE.outcome().conclusion
    assert "should not be offered" in explorers.EVIDENCE.outcome(rct="negative").conclusion
    assert "defensible" in explorers.EVIDENCE.outcome(rct="two").conclusion
    assert "short of" in explorers.EVIDENCE.outcome(rct="positive").conclusion


# ------------------------------------------------------------------ the drill
def test_drill_data_has_ten_claims_and_flags_that_point_to_chapters():
    flags, claims = drill.load_flags(), drill.load_claims()
    assert len(flags) == 10 and len(explorers.DRILL.claims) >= 10
    for flag in flags.values():
        assert (ROOT / "chapters" / f"{flag.chapter}.md").is_file(), flag
    for claim in claims.values():
        assert claim.flags, f"{claim.key} has no flag"
        if claim.kind in ("clinic", "media"):
            sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z'])", claim.text.strip())
            assert len(sentences) == 1, f"{claim.key}: quote at most one sentence"
            assert claim.cited, f"{claim.key}: a quotation names the paper it is about"
    issue_flags = {"testimonial", "mechanism", "safety_as_efficacy", "safety_meta_as_benefit", "no_control",
                   "single_patient", "sales_framing", "pay_to_join", "no_registration"}
    assert issue_flags <= set(flags)
    assert issue_flags <= set().union(*(c.flags for c in explorers.DRILL.claims))


def test_drill_scores_name_every_missed_and_wrong_flag():
    d = explorers.DRILL
    right = d.score("media-surfer", ["testimonial", "single_patient", "no_control"])
    assert right["all_right"] and right["right"] == 10 and right["feedback"] == "All flags right."
    mixed = d.score("media-surfer", ["testimonial", "mechanism"])
    assert mixed["missed"] == ["no_control", "single_patient"] and mixed["wrong"] == ["mechanism"]
    assert mixed["right"] == 7
    assert "Missed: No control arm (chapter 1" in mixed["feedback"]
    assert "Not shown by this claim: A mechanism offered as proof (chapter 7" in mixed["feedback"]
    with pytest.raises(ValueError, match="unknown flag"):
        d.score("media-surfer", ["miracle"])
    with pytest.raises(ValueError, match="has no claim 'nope'"):
        d.score("nope", [])
    with pytest.raises(ValueError, match="give either claim_keys or kinds"):
        drill.Drill("x", "x")
    with pytest.raises(ValueError, match="unknown kind"):
        drill.Drill("x", "x", kinds=("blog",))
    assert [c.key for c in drill.Drill("x", "x", claim_keys=["media-surfer"]).claims] == ["media-surfer"]


def test_drill_html_marks_course_written_claims_and_embeds_the_key():
    html = explorers.DRILL.static_html()
    assert html.count('<fieldset class="tsd-claim"') == len(explorers.DRILL.claims)
    assert html.count("Written for the course (not a real quotation)") == \
        sum(c.kind == "course" for c in explorers.DRILL.claims)
    assert html.count('type="checkbox"') == 10 * len(explorers.DRILL.claims)
    assert 'class="tsd-data"' in html


def test_bad_claim_data_names_the_flag(tmp_path, monkeypatch):
    for name in ("marketing_flags", "marketing_claims"):
        (tmp_path / f"{name}.csv").write_text((ROOT / "datasets" / f"{name}.csv").read_text())
    claims = tmp_path / "marketing_claims.csv"
    claims.write_text(claims.read_text().replace("picked_result\n", "cherry_picking\n", 1))
    monkeypatch.setenv("TRIALSIM_DATA", str(tmp_path))
    with pytest.raises(data.DataError, match="unknown flag.*cherry_picking"):
        drill.load_claims()


# ------------------------------------------------------------------ capstone
def test_capstone_numbers_are_fishers_test_on_the_fictional_trial():
    f = data.facts("capstone_veltra")
    cases = {("ais", "completers"): (f["ais_cells"], f["n_cells"] - f["withdrew_cells"], f["ais_control"]),
             ("ais", "itt_worst"): (f["ais_cells"], f["n_cells"], f["ais_control"]),
             ("ais", "itt_best"): (f["ais_cells"] + f["withdrew_cells"], f["n_cells"], f["ais_control"]),
             ("motor", "completers"): (f["motor_cells"], f["n_cells"] - f["withdrew_cells"], f["motor_control"])}
    for (endpoint, analysed), (a, n_a, b) in cases.items():
        out = capstone.NUMBERS.outcome(endpoint=endpoint, analysed=analysed).numbers
        expected = stats.fisher_exact([[a, n_a - a], [b, f["n_control"] - b]]).pvalue
        assert out["p"] == pytest.approx(expected, rel=1e-9)
    # what the data card promises
    assert round(capstone.NUMBERS.outcome().numbers["p"], 2) == 0.04
    assert round(capstone.NUMBERS.outcome(analysed="itt_worst").numbers["p"], 2) == 0.10
    assert round(capstone.NUMBERS.outcome(endpoint="motor").numbers["p"], 2) == 0.67
    assert all(not capstone.NUMBERS.outcome(**s).numbers["significant"]
               for s in capstone.NUMBERS.states() if s["correction"] == "bonferroni")
    assert "FICTIONAL" in (ROOT / "datasets" / "capstone_veltra.md").read_text()


def test_checklist_links_preset_real_controls_and_the_model_waits():
    items = capstone.CHECKLIST.items
    assert len(items) >= 10
    keys = {i.key for i in items}
    assert {"design", "blinding", "endpoint", "size", "multiplicity", "registration", "attrition", "press"} <= keys
    presets = [link for i in items for link in i.links if "?tsx=" in link.href]
    assert len(presets) >= 6
    for link in presets:
        page, query = link.href.split("?")
        assert (ROOT / "chapters" / page.replace(".html", ".md")).is_file(), link.href
        name = re.search(r"tsx=([\w-]+)", query).group(1)
        explorer = get(name)
        for pair in query.split("#")[0].split("&")[1:]:
            control, index = pair.split("=")
            assert 0 <= int(index) < len(next(c for c in explorer.controls if c.name == control).options)
    html = capstone.CHECKLIST.static_html()
    assert 'class="tsa-open" disabled' in html and html.count('class="tsa-model" hidden') == len(items)
    answers = {i.key: "concern" for i in items}
    assert capstone.CHECKLIST.agreement(answers)["agree"] == sum(i.model == "concern" for i in items)
    with pytest.raises(ValueError, match="answer every item"):
        capstone.CHECKLIST.agreement({})
    with pytest.raises(ValueError, match="unknown rating"):
        capstone.CHECKLIST.agreement({**answers, "design": "fine"})


def test_preset_link_refuses_what_the_explorer_does_not_have():
    explorer = get("natural-recovery")
    href, said = preset_link(explorer, "chapters/08-capstone-appraisal", design="randomised")
    assert href == "01-celltop-spinal-cord.html?tsx=natural-recovery&design=2#tsx-natural-recovery"
    assert said == "Comparison: Randomised control arm (a concurrent control arm, allocated at random)"
    with pytest.raises(ValueError, match="no control 'arms'"):
        preset_link(explorer, "", arms=2)
    with pytest.raises(ValueError, match="n_per_arm=33 is not allowed"):
        preset_link(explorer, "", n_per_arm=33)
    with pytest.raises(ValueError, match="at least one"):
        preset_link(explorer, "")
    with pytest.raises(ValueError, match="model rating"):
        appraisal.Item("x", "q", "l", "fine", "r")


def test_live_drill_and_checklist_work_in_jupyterlab():
    import ipywidgets as W

    box = explorers.DRILL.live()
    claim = explorers.DRILL.claims[0]
    for key in claim.flags:
        box.boxes[claim.key][key].value = True
    button, out = box.children[3], box.children[4]
    assert isinstance(button, W.Button)
    button.click()
    assert "10 of 10 flag decisions right" in out.value and "All flags right." in out.value
    box.boxes[claim.key]["mechanism"].value = True
    button.click()
    assert "9 of 10" in out.value and "Not shown by this claim: A mechanism offered as proof" in out.value

    live = capstone.CHECKLIST.live()
    assert live.button.disabled
    for picker in live.pickers.values():
        picker.value = "concern"
    assert not live.button.disabled
    live.button.click()
    status = live.children[-2].value
    agree = capstone.CHECKLIST.agreement({k: "concern" for k in live.pickers})["agree"]
    assert f"on {agree} of {len(live.pickers)} items" in status
