"""Every explorer in the registry: all states compute, every control matters,
the static payload matches the live engine, and the budget holds."""

import html
import itertools
import json
import math
import re

import pytest

from trialsim.explorers import all_explorers, get
from trialsim.frontends import payload as payload_module
from trialsim.frontends.explorer import Control, set_path

EXPLORERS = all_explorers()
IDS = [e.name for e in EXPLORERS]
BUDGET = 300_000


def _signature(outcome):
    return (tuple(outcome.shown), tuple(outcome.slots), outcome.conclusion)


@pytest.fixture(scope="module")
def outcomes():
    return {e.name: list(zip(e.states(), e.all_outcomes(), strict=True)) for e in EXPLORERS}


@pytest.mark.parametrize("explorer", EXPLORERS, ids=IDS)
def test_every_state_computes(explorer, outcomes):
    states = outcomes[explorer.name]
    assert len(states) == explorer.n_states == math.prod(len(c.options) for c in explorer.controls)
    for params, out in states:
        assert out.conclusion.strip().endswith("."), params
        assert len(out.shown) == len(explorer.readouts)
        assert all(isinstance(s, str) and s for s in out.shown)
        assert not any("nan" in s.lower() for s in out.shown + [out.conclusion]), params
        assert len(out.slots) == len(explorer.slot_paths)


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
def test_static_payload_holds_every_state(explorer):
    """The payload's shape; that it decodes to what the engine computes, state by
    state, is tested with the page's own decoder (test_js.py, and in Chromium)."""
    payload = json.loads(explorer.payload_json())
    assert [c["size"] for c in payload["controls"]] == [len(c.options) for c in explorer.controls]
    assert len(payload["columns"]) == len(explorer.readouts) + 2
    kept = payload_module.kept_slots(explorer)
    assert payload["slots"] == [explorer.slot_paths[j] for j in kept]
    assert kept[:len(explorer.slots)] == list(range(len(explorer.slots)))
    for column in payload["columns"]:
        sizes = [len(explorer.controls[axis].options) for axis in column["deps"]]
        assert len(column["values"]) == math.prod(sizes)
    # the figure a state shows is the template with the state's slot values set at the slot paths
    for out in explorer.all_outcomes()[:: max(1, explorer.n_states // 50)]:
        fig = json.loads(json.dumps(payload["template"]))
        for path, value in zip(payload["slots"], payload_module.state_slots(explorer, out), strict=True):
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
    # a select's label must fit on a phone; the rest goes in its detail, shown beside it
    with pytest.raises(ValueError, match="over 30 characters.*detail"):
        Control("x", "X", [("A label far too long for a phone's select", 1), ("b", 2)], 1)
    c = Control("x", "X", [("Completers only", 1, "as the press release did"), ("All (as planned)", 2, "ITT"),
                           ("b", 3)], 1)
    assert c.details == ("as the press release did", "ITT", "")
    assert [c.said(i) for i in range(3)] == ["Completers only (as the press release did)", "All (as planned): ITT", "b"]
    Control("x", "X", [("A long label is fine on a slider, which wraps", 1), ("b", 2)], 1, kind="range")


@pytest.mark.parametrize("explorer", EXPLORERS, ids=IDS)
def test_select_details_are_shown_beside_the_select(explorer):
    """A select whose options have details carries them, and shows the default's."""
    page = explorer.static_html()
    for c in explorer.controls:
        if c.kind == "select" and any(c.details):
            assert f'id="tsx-{explorer.name}-{c.name}-choice"' in page
            shown = re.search(rf'id="tsx-{explorer.name}-{c.name}-choice">([^<]*)<', page).group(1)
            assert html.unescape(shown) == c.details[c.index(c.default)]
            assert all(len(label) <= 30 for label, _ in c.options)


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


def test_mesems_interval_flips_with_the_worthwhile_effect_and_more_patients():
    e = get("mesems-interval")
    start = e.outcome()                       # as published, against a 30 % reduction
    assert (start.numbers["low"], start.numbers["high"]) == (pytest.approx(0.58), pytest.approx(1.50))
    assert start.numbers["verdict"] == "inconclusive" and "inconclusive" in start.conclusion
    halving = e.outcome(worthwhile=0.5)
    assert halving.numbers["verdict"] == "ruled_out" and "rules out a benefit that large" in halving.conclusion
    big = e.outcome(patients=8)
    assert big.numbers["verdict"] == "ruled_out" and "a bigger trial could have" in big.conclusion
    # more scans narrow the interval far less than more patients (lesion-prone patients dominate)
    longer = e.outcome(scans=12)
    assert 0.85 < longer.numbers["factor"] < 1 and big.numbers["factor"] < 0.4
    assert longer.numbers["verdict"] == "inconclusive" and "only more patients narrow it" in longer.conclusion


def test_mesems_power_design_endpoint_and_the_null():
    from statsmodels.stats.rates import power_negbin_ratio_2indep

    from trialsim.explorers import mesems

    e = get("mesems-power")
    start = e.outcome()
    expected = power_negbin_ratio_2indep(0.6 * 0.7, 0.6, 72, 1, exposure=3, dispersion=mesems.DISPERSION,
                                         method_var="alt").power
    assert start.numbers["power"] == pytest.approx(float(expected), rel=1e-6)
    assert start.numbers["power"] < 0.5 and "says little" in start.conclusion
    crossover = e.outcome(design="crossover")
    assert crossover.numbers["power"] > 0.9 and "informative" in crossover.conclusion
    carried = e.outcome(design="carryover")
    assert start.numbers["power"] < carried.numbers["power"] < crossover.numbers["power"]
    null = e.outcome(true_rr=1.0)
    assert null.numbers["power"] == pytest.approx(0.05) and "false-positive" in null.conclusion
    progression = e.outcome(endpoint="progression", design="crossover")
    assert progression.numbers["crossover_impossible"]
    assert progression.numbers["power"] == e.outcome(endpoint="progression").numbers["power"]
    assert "cannot be undone" in progression.shown[4]
    # in a crossover the patients' differences cancel: the dispersion moves the share with no lesions, not power
    calm, varied = e.outcome(design="crossover", dispersion=0.0), e.outcome(design="crossover", dispersion=3.0)
    assert calm.numbers["power"] == varied.numbers["power"] and "cancels out" in calm.shown[4]
    assert calm.numbers["none"] == pytest.approx(math.exp(-1.8)) and calm.numbers["none"] < varied.numbers["none"]
    assert calm.shown[3] != varied.shown[3]


def test_mesems_safety_rule_of_three_and_fisher():
    from scipy import stats

    e = get("mesems-safety")
    start = e.outcome()
    assert start.numbers["rule3"] == pytest.approx(3 / 144)
    assert start.numbers["bound"] == pytest.approx(1 - 0.05 ** (1 / 144))
    assert start.numbers["fisher_p"] == pytest.approx(stats.fisher_exact([[0, 144], [7, 137]]).pvalue)
    assert start.numbers["needed"] == 2995 and "not proof of safety" in start.conclusion
    assert "would not mean effective" in start.conclusion     # no harm seen is not safe; safe is not effective
    big = e.outcome(n_cells=3000, harm=0.01)
    assert not big.numbers["covered"] and "is ruled out" in big.conclusion


@pytest.mark.parametrize("explorer", EXPLORERS, ids=IDS)
def test_figures_have_a_title_and_labelled_axes(explorer):
    layout = explorer.figure_template["layout"]
    assert layout["title"]["text"].strip(), f"{explorer.name}: the figure has no title"
    assert layout["xaxis"]["title"]["text"].strip(), f"{explorer.name}: the x axis has no label"
    categories = all(isinstance(v, str) for trace in explorer.figure_template["data"] for v in trace.get("y", []))
    y_title = layout["yaxis"].get("title", {}).get("text", "").strip()
    assert y_title or categories, f"{explorer.name}: the y axis is numeric but has no label"


def test_figure_layout_insists_on_axis_titles():
    from trialsim.frontends import figures

    with pytest.raises(ValueError, match="yaxis needs a title"):
        figures.layout("A figure", {"title": {"text": "x"}}, {"range": [0, 1]})
    shape, label = figures.hline(0.8, "80% power", below=True)
    assert shape["y0"] == shape["y1"] == label["y"] == 0.8 and label["yanchor"] == "top"


def test_liver_landmark_conclusion_moves_with_the_window():
    e = get("liver-landmark")
    start = e.outcome()                               # late benefit, landmark 13, after the landmark
    assert start.numbers["significant"] and start.numbers["start"] == 13
    assert "chosen before the data were seen" in start.conclusion
    whole = e.outcome(analysis="whole")
    assert not whole.numbers["significant"] and whole.numbers["start"] == 0 and "No difference" in whole.conclusion
    best = e.outcome(analysis="best")
    assert best.numbers["n_windows"] == 15 and "proves little" in best.conclusion
    assert best.numbers["null_best"] > 0.15          # with no effect, the best of 15 windows often 'finds' one
    # the figure marks the window: its start moves with the landmark
    assert e.outcome(landmark=6).slots[-6] == 6 and start.slots[-6] == 13


def test_liver_landmark_window_matches_lifelines():
    from lifelines.statistics import logrank_test

    from trialsim.explorers import liver as explorers
    from trialsim.stats import liver

    d = liver.simulate_months(110, 110, explorers.HAZARD, (1.0, explorers.LATE_HR), (explorers.CHANGE,), 75, reps=1,
                                 seed=explorers.SEED)
    t, ev, g = d["times"][0], d["events"][0], d["group"]
    keep = t > 13
    ref = logrank_test((t - 13)[keep & (g == 1)], (t - 13)[keep & (g == 0)], ev[keep & (g == 1)],
                       ev[keep & (g == 0)]).p_value
    got = get("liver-landmark").outcome()
    assert got.numbers["p"] == pytest.approx(ref, rel=1e-9)
    assert got.numbers["n_at_start"] == keep.sum()


def test_liver_many_windows_raises_the_false_positive_rate():
    e = get("liver-many-windows")
    one = e.outcome(k=0)
    assert abs(one.numbers["chance"] - 0.05) < 0.03 and "the 5% the test promises" in one.conclusion
    seven = e.outcome(k=7, sides="both")
    assert seven.numbers["tests"] == 15 and seven.numbers["chance"] > 0.15
    after_only = e.outcome(k=7, sides="after")
    assert one.numbers["chance"] <= after_only.numbers["chance"] < seven.numbers["chance"]
    assert all(a <= b for a, b in itertools.pairwise(seven.numbers["curve"]))


def test_meta_pooling_reproduces_the_published_result_and_moves():
    import numpy as np
    from statsmodels.stats.meta_analysis import combine_effects, effectsize_2proportions

    from trialsim import data

    e = get("meta-pooling")
    start = e.outcome()
    assert start.shown[0] == "1.61 (1.19 to 2.19)" and start.shown[2] == "0%"
    assert "says nothing about benefit" in start.conclusion
    # leaving out the zero-event trial, checked against statsmodels directly
    trials = data.load("meta_safety_synthetic")
    keep = (trials["events_msc"] > 0) & (trials["events_control"] > 0)
    t = trials[keep]
    y, v = effectsize_2proportions(t["events_msc"].to_numpy(), t["n_msc"].to_numpy(),
                                   t["events_control"].to_numpy(), t["n_control"].to_numpy(), statistic="risk-ratio")
    res = combine_effects(y, v, method_re="dl")
    expected = np.exp(res.mean_effect_re if res.tau2 > 0 else res.mean_effect_fe)
    excluded = e.outcome(correction="exclude")
    assert excluded.numbers["k"] == keep.sum() and excluded.numbers["estimate"] == pytest.approx(expected)
    assert e.outcome(correction="treatment-arm").numbers["estimate"] != start.numbers["estimate"]
    # heterogeneity makes the models disagree about whether there is a finding
    large = e.outcome(heterogeneity="large")
    fixed = e.outcome(heterogeneity="large", model="fixed")
    assert large.numbers["i2"] > 0.5 and large.numbers["ci_low"] < 1 < fixed.numbers["ci_low"]
    assert "models part company" in large.conclusion
    assert e.outcome(which="drop_I").numbers["k"] == 8


def test_meta_missing_trials_drift_and_egger():
    e = get("meta-missing")
    full = e.outcome(effect="small")
    assert full.numbers["k"] == 24 and not full.numbers["significant"]
    biased = e.outcome(effect="small", missing=6)
    assert biased.numbers["estimate"] < full.numbers["estimate"] and biased.numbers["significant"]
    assert "do not show" in biased.conclusion and biased.numbers["egger_p"] < 0.05
    assert sum(x is None for x in biased.numbers["x_shown"]) == 6


def test_meta_case_series_and_moderators():
    series = get("meta-case-series")
    high = series.outcome(background=0.45)
    assert "could be almost all background" in high.conclusion
    low = series.outcome(background=0.1)
    assert "not a comparison" in low.conclusion and low.numbers["extra_high"] == pytest.approx(0.569 - 0.1)
    mods = get("meta-moderators")
    one, five = mods.outcome(m=1), mods.outcome(m=5)
    assert one.numbers["chance"] == pytest.approx(0.05, abs=0.015) and "promises" in one.conclusion
    assert five.numbers["chance"] > 0.15 and "0.048" in five.conclusion


def _points(trace) -> int:
    xs, ys = trace.get("x"), trace.get("y")
    n = max((len(v) for v in (xs, ys) if isinstance(v, list)), default=0)
    return sum(1 for k in range(n)
               if (not isinstance(xs, list) or xs[k] is not None) and (not isinstance(ys, list) or ys[k] is not None))


@pytest.mark.parametrize("explorer", EXPLORERS, ids=IDS)
def test_figures_draw_only_what_exists(explorer, outcomes):
    """In every state: no legend entry for a trace with no point, and no
    category row (a word on an axis) without a value, so no empty "Control arm"
    row when there is no control and no "Placebo" key without a placebo arm."""
    legend_default = len(explorer.figure_template["data"]) > 1
    seen_hidden = 0
    for params, out in outcomes[explorer.name]:
        fig = explorer.figure_dict(out)
        legend = fig["layout"].get("showlegend", legend_default)
        for trace in fig["data"]:
            if trace.get("type") == "pie":
                continue
            if legend and trace.get("name") and trace.get("showlegend", True):
                assert _points(trace) > 0, (params, trace["name"])
            seen_hidden += legend and trace.get("name") and not trace.get("showlegend", True)
            for letter, other in (("x", "y"), ("y", "x")):
                pos, val = trace.get(letter), trace.get(other)
                if isinstance(pos, list) and isinstance(val, list):
                    empty = [p for p, v in zip(pos, val, strict=True) if isinstance(p, str) and v is None]
                    assert not empty, (params, f"row(s) {empty} drawn with no value")
    if explorer.name in ("als-run-in", "natural-recovery"):
        assert seen_hidden or explorer.name == "natural-recovery"  # the ALS placebo legend entry is hidden somewhere
