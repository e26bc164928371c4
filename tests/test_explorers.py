"""Every explorer in the registry: all states compute, every control matters,
the static payload matches the live engine, and the budget holds."""

import json
import math
import re

import pytest

from trialsim.explorer import Control, set_path, state_from_payload
from trialsim.explorers import all_explorers, get

EXPLORERS = all_explorers()
IDS = [e.name for e in EXPLORERS]
BUDGET = 300_000


def _signature(outcome):
    return (tuple(outcome.shown), tuple(outcome.slots), outcome.conclusion)


@pytest.fixture(scope="module")
def outcomes():
    return {e.name: [(p, e.outcome(**p)) for p in e.states()] for e in EXPLORERS}


@pytest.mark.parametrize("explorer", EXPLORERS, ids=IDS)
def test_every_state_computes(explorer, outcomes):
    states = outcomes[explorer.name]
    assert len(states) == explorer.n_states == math.prod(len(c.options) for c in explorer.controls)
    for params, out in states:
        assert out.conclusion.strip().endswith("."), params
        assert len(out.shown) == len(explorer.readouts)
        assert all(isinstance(s, str) and s for s in out.shown)
        assert not any("nan" in s.lower() for s in out.shown + [out.conclusion]), params
        assert len(out.slots) == len(explorer.slots)


@pytest.mark.parametrize("explorer", EXPLORERS, ids=IDS)
def test_each_control_changes_the_output_somewhere(explorer, outcomes):
    by_params = {tuple(sorted(p.items(), key=lambda kv: kv[0])): _signature(o)
                 for p, o in outcomes[explorer.name]}
    for control in explorer.controls:
        changed = False
        for params, out in outcomes[explorer.name]:
            for value in control.values:
                if value == params[control.name]:
                    continue
                other = dict(params, **{control.name: value})
                if by_params[tuple(sorted(other.items(), key=lambda kv: kv[0]))] != _signature(out):
                    changed = True
                    break
            if changed:
                break
        assert changed, f"control {control.name!r} of {explorer.name!r} never changes the output"


@pytest.mark.parametrize("explorer", EXPLORERS, ids=IDS)
def test_static_payload_matches_the_engine(explorer):
    payload = json.loads(explorer.payload_json())
    assert [c["size"] for c in payload["controls"]] == [len(c.options) for c in explorer.controls]
    assert len(payload["columns"]) == len(explorer.readouts) + 2
    # states spread over the grid decode, as the browser decodes them, to what the engine shows
    states = list(explorer.states())
    for idx in range(0, len(states), max(1, len(states) // 97)):
        params = states[idx]
        picked = [c.index(params[c.name]) for c in explorer.controls]
        flat = 0
        for c, k in zip(explorer.controls, picked):
            flat = flat * len(c.options) + k
        assert flat == idx
        out = explorer.outcome(**params)
        shown = state_from_payload(payload, picked)
        assert shown["shown"] == out.shown and shown["conclusion"] == out.conclusion
        fig = json.loads(json.dumps(payload["template"]))
        for path, value in zip(payload["slots"], shown["slots"]):
            set_path(fig, path, value)
        assert fig == json.loads(json.dumps(explorer.figure_dict(out)))


def test_payload_columns_keep_only_the_controls_they_depend_on():
    e = get("als-run-in")
    payload = e.payload()
    names = [c.name for c in e.controls]
    test_column = payload["columns"][[r.label for r in e.readouts].index("How this design judges the endpoint")]
    assert [names[a] for a in test_column["deps"]] == ["design", "endpoint"]
    assert len(test_column["values"]) == 6
    figure = payload["columns"][len(e.readouts)]
    assert "endpoint" not in [names[a] for a in figure["deps"]]


@pytest.mark.parametrize("explorer", EXPLORERS, ids=IDS)
def test_payload_within_budget(explorer):
    assert len(explorer.payload_json().encode()) <= BUDGET


@pytest.mark.parametrize("explorer", EXPLORERS, ids=IDS)
def test_static_html_has_labelled_controls_and_live_region(explorer):
    html = explorer.static_html()
    assert f'data-explorer="{explorer.name}"' in html
    for c in explorer.controls:
        cid = f"tsx-{explorer.name}-{c.name}"
        assert f'<label for="{cid}">' in html
        assert re.search(rf'<(select|input)[^>]*id="{cid}"', html)
    assert 'aria-live="polite"' in html
    assert html.count("<script") == 1 and "</script>" in html


@pytest.mark.parametrize("explorer", EXPLORERS, ids=IDS)
def test_figure_has_labelled_axes(explorer):
    layout = explorer.figure().layout
    assert layout.xaxis.title.text and layout.title.text


def test_celltop_conclusion_flips_from_no_control_to_randomised():
    e = get("natural-recovery")
    start = e.outcome(design="none", timing="early")
    end = e.outcome(design="randomised", n_per_arm=200, effect=0.25)
    assert start.conclusion != end.conclusion
    assert "cannot be credited" in start.conclusion or "proves nothing" in start.conclusion
    assert "could be attributed to the cells" in end.conclusion
    # and a small randomised trial is fair but underpowered
    small = e.outcome(design="randomised", n_per_arm=10, effect=0.25)
    assert "miss this effect" in small.conclusion


def test_outcome_rejects_unknown_controls_and_values():
    e = get("natural-recovery")
    with pytest.raises(ValueError, match="unknown control"):
        e.outcome(colour="red")
    with pytest.raises(ValueError, match=r"n_per_arm=37 is not allowed: choose one of"):
        e.outcome(n_per_arm=37)
    with pytest.raises(KeyError, match="no explorer named"):
        get("nope")


def test_control_declaration_is_checked():
    with pytest.raises(ValueError, match="default"):
        Control("x", "X", [("a", 1), ("b", 2)], 3)
    with pytest.raises(ValueError, match="at least two"):
        Control("x", "X", [("a", 1)], 1)


def test_als_run_in_finds_benefit_without_effect_and_placebo_removes_it():
    e = get("als-run-in")
    start = e.outcome()  # the trial's situation, cells that do nothing
    assert start.params["effect"] == 0 and start.numbers["report"] > 0.5
    assert "look like responders" in start.conclusion
    placebo = e.outcome(design="placebo")
    assert placebo.numbers["report"] < 0.06 and "measures the artefacts" in placebo.conclusion
    real = e.outcome(design="placebo", effect=0.25, n=200, endpoint="wilcoxon")
    assert "can be credited to the cells" in real.conclusion
    small = e.outcome(design="placebo", effect=0.25, n=19, endpoint="wilcoxon")
    assert "would not rule the cells out" in small.conclusion
    confounded = e.outcome(effect=0.25)
    assert "cannot tell a real effect from the artefacts" in confounded.conclusion


def test_ms_improvement_flips_from_open_single_arm_to_blinded_control():
    e = get("ms-improvement")
    start = e.outcome()
    assert "cannot credit the cells" in start.conclusion
    assert start.numbers["treated"] > start.numbers["natural"]
    open_placebo = e.outcome(control="placebo")
    assert "from expectation alone" in open_placebo.conclusion
    blind = e.outcome(control="placebo", blinding="double", endpoint="edss_plus")
    assert blind.numbers["difference"] == 0 and "no difference" in blind.conclusion


def test_ms_many_looks_corrections_and_the_subgroup():
    e = get("ms-many-looks")
    raw = e.outcome(k=20, rho=0.0, correction="none")
    assert raw.numbers["any"] == pytest.approx(1 - 0.95 ** 20, abs=0.03)
    assert "what chance produces" in raw.conclusion
    held = e.outcome(k=20, rho=0.0, correction="holm")
    assert held.numbers["any"] < 0.07 and "no longer a finding" in held.conclusion
    assert held.numbers["adjusted_sub_p"] == 0.6
