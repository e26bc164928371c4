"""trialsim.stats.yourtrial, the "Your trial" calculators: each result against
the scipy or statsmodels call it rests on, the course's own trials reproduced,
bad input named, and the browser's yourtrial.js held to the same numbers on
500 seeded random inputs per calculator (edge cases included) in Chromium
and in node."""

from __future__ import annotations

import functools
import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize

from trialsim.stats import yourtrial

ROOT = Path(__file__).resolve().parents[1]
CASES = 500


# --- the engine against its libraries and the course's trials ---------------------------------

def test_two_groups_mesems_adverse_events():
    """MESEMS (doi 10.1016/S1474-4422(21)00301-X): 35 of 69 early-MSC and 42 of 75
    placebo-first patients had an adverse event (chapter 4)."""
    r = yourtrial.two_groups(35, 69, 42, 75)
    assert r["risk_t"] == 35 / 69 and r["risk_c"] == 42 / 75
    assert r["fisher_p"] == pytest.approx(stats.fisher_exact([[35, 34], [42, 33]]).pvalue, rel=1e-12)
    chi = stats.chi2_contingency([[35, 34], [42, 33]], correction=False)
    assert r["chi2_p"] == pytest.approx(chi.pvalue, rel=1e-12)
    assert r["rr"] == pytest.approx((35 / 69) / (42 / 75))
    se = math.sqrt(1 / 35 - 1 / 69 + 1 / 42 - 1 / 75)
    assert r["rr_low"] == pytest.approx(r["rr"] * math.exp(-stats.norm.isf(0.025) * se))
    assert r["or"] == pytest.approx(35 * 33 / (34 * 42))
    assert not r["corrected"]
    # an adverse event is bad: fewer with MSC is a benefit, and the interval crosses no difference
    assert r["nnt"] == pytest.approx(1 / (42 / 75 - 35 / 69)) and r["nnt_crosses"]
    assert r["nnt_a"] > 0 > r["nnt_b"]
    h = proportion_effectsize(0.56 - 0.1, 0.56)
    assert r["power"] == pytest.approx(NormalIndPower().power(h, 69, 0.05, ratio=75 / 69, alternative="two-sided"))
    for key, goal in (("n80", 0.8), ("n90", 0.9)):
        n = r[key]
        assert NormalIndPower().power(h, n, 0.05, ratio=75 / 69, alternative="two-sided") >= goal
        assert NormalIndPower().power(h, n - 1, 0.05, ratio=75 / 69, alternative="two-sided") < goal


def test_two_groups_zero_cell_is_corrected_and_said():
    r = yourtrial.two_groups(0, 10, 3, 10)
    assert r["corrected"]
    assert r["rr"] == pytest.approx((0.5 / 11) / (3.5 / 11))
    assert r["or"] == pytest.approx((0.5 * 7.5) / (10.5 * 3.5))
    assert r["fisher_p"] == pytest.approx(stats.fisher_exact([[0, 10], [3, 7]]).pvalue)
    nobody = yourtrial.two_groups(0, 10, 0, 12)
    assert math.isnan(nobody["chi2_p"]) and nobody["fisher_p"] == 1.0


def test_estimate_mesems_rate_ratio():
    """MESEMS's gadolinium-enhancing lesion rate ratio 0.94 (0.58 to 1.50); the
    paper prints p = 0.78, and the interval gives 0.80 (chapter 4)."""
    r = yourtrial.estimate(0.94, 0.58, 1.50, worthwhile=0.7)
    se = math.log(1.50 / 0.58) / (2 * stats.norm.isf(0.025))
    assert r["se"] == pytest.approx(se) and r["p"] == pytest.approx(2 * stats.norm.sf(abs(math.log(0.94) / se)))
    assert round(r["p"], 2) == 0.80 and r["verdict"] == "inconclusive"
    diff = yourtrial.estimate(-2.18, -3.62, -0.75, scale="difference", worthwhile=-1)
    assert diff["verdict"] == "benefit" and round(diff["p"], 3) == 0.003  # Zeng 2022, SLEDAI (chapter 6)


def test_one_group_celltop():
    """CELLTOP (doi 10.1038/s41467-024-46259-y): 7 of 10 improved; against a
    natural-history rate of 5.6 % (Kirshblum 2004, PMID 15520976) the chance of 7
    or more is about 1.8 in ten million, against 30 % it is about 0.011 (chapter 1)."""
    r = yourtrial.one_group(7, 10, [0.056, 0.30])
    assert r["p"] == pytest.approx([stats.binomtest(7, 10, p, alternative="greater").pvalue for p in (0.056, 0.3)])
    assert f"{r['p'][0]:.3g}" == "1.78e-07" and round(r["p"][1], 4) == 0.0106
    ci = stats.binomtest(7, 10).proportion_ci(0.95, method="exact")
    assert (r["low"], r["high"]) == pytest.approx((ci.low, ci.high))
    # at the threshold the one-sided exact test sits exactly at 2.5 %
    assert stats.binom.sf(6, 10, r["threshold"]) == pytest.approx(0.025)


def test_many_results_match_statsmodels(monkeypatch):
    import gc

    monkeypatch.setattr(gc, "collect", lambda *args: 0)  # statsmodels' Holm collects on every call
    rng = np.random.default_rng(4)
    for ps in [[0.030, 0.036, 0.78, 0.048, 0.001], [0.01] * 5, [0.0, 1.0]] + [
            list(rng.uniform(0, 0.1, rng.integers(1, 30))) for _ in range(200)]:
        r = yourtrial.many_results(ps)
        for key, method in yourtrial.METHODS.items():
            reject, adjusted, _, _ = multipletests(ps, method=method)
            assert r[key] == pytest.approx(list(adjusted), rel=1e-12) and r[f"{key}_survive"] == list(reject)
        assert r["any_false"] == pytest.approx(1 - 0.95 ** len(ps))


def test_who_analysed_harris_2024():
    """The MSC-NP phase II trial (Harris 2024, NCT03355365): 27 randomised to each
    arm, 24 and 27 completed the first year; chapter 3 counts 9 and 10 who
    improved (33 % and 37 %). Here, illustratively, all of them among completers."""
    r = yourtrial.who_analysed(27, 24, 9, 27, 27, 10)
    assert (r["missing_t"], r["missing_c"]) == (3, 0)
    assert r["dropout_p"] == pytest.approx(stats.fisher_exact([[3, 24], [0, 27]]).pvalue)
    assert r["completers_rd"] == pytest.approx(9 / 24 - 10 / 27)
    assert r["missing_failures_rd"] == pytest.approx(9 / 27 - 10 / 27)
    assert r["best_case_rd"] == pytest.approx(12 / 27 - 10 / 27) == r["missing_successes_rd"]
    assert r["worst_case_fisher_p"] == pytest.approx(stats.fisher_exact([[9, 18], [10, 17]]).pvalue)


def test_unit_of_analysis_design_effect():
    r = yourtrial.unit_of_analysis(41, 19, 0.5, 0.0038)
    assert r["design_effect"] == pytest.approx(1 + (41 / 19 - 1) * 0.5)
    assert r["effective_n"] == pytest.approx(41 / r["design_effect"])
    assert r["p_adjusted"] == pytest.approx(2 * stats.norm.sf(stats.norm.isf(0.0019) / math.sqrt(r["design_effect"])))
    assert yourtrial.unit_of_analysis(41, 19, 0.0, 0.0038)["p_adjusted"] == pytest.approx(0.0038)


def test_ordered_outcome_matches_scipy_and_statsmodels():
    t, c = [1, 2, 3, 4], [3, 3, 2, 1]
    r = yourtrial.ordered(t, c)
    x, y = np.repeat(np.arange(4), t), np.repeat(np.arange(4), c)
    ref = stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic")
    assert r["p"] == pytest.approx(ref.pvalue) and r["u"] == ref.statistic
    pairs = np.sign(x[:, None] - y[None, :])
    assert r["prob_better"] == pytest.approx(((pairs > 0).sum() + 0.5 * (pairs == 0).sum()) / pairs.size)
    assert yourtrial.ordered(t, c, higher_is_better=False)["prob_better"] == pytest.approx(1 - r["prob_better"])
    po = yourtrial.proportional_odds(t, c)
    assert po["odds_ratio"] > 1 and po["low"] < po["odds_ratio"] < po["high"]
    flipped = yourtrial.proportional_odds(t, c, higher_is_better=False)
    assert flipped["odds_ratio"] == pytest.approx(1 / po["odds_ratio"], rel=1e-4)
    assert flipped["p"] == pytest.approx(po["p"], rel=1e-4)


@pytest.mark.parametrize("call, message", [
    (lambda: yourtrial.two_groups(11, 10, 3, 10), "treated events=11 is out of range: allowed whole numbers from 0 to"),
    (lambda: yourtrial.two_groups(1.5, 10, 3, 10), "treated events=1.5 is not a whole number"),
    (lambda: yourtrial.two_groups(1, 0, 3, 10), "treated patients=0 is out of range"),
    (lambda: yourtrial.estimate(0.94, 1.50, 0.58), "lower limit .* must be below the upper limit"),
    (lambda: yourtrial.estimate(2.0, 0.58, 1.50), "estimate .* must lie within its interval"),
    (lambda: yourtrial.estimate(0.5, 0, 1.5), "above 0"),
    (lambda: yourtrial.one_group(11, 10, [0.05]), "patients who improved=11 is out of range"),
    (lambda: yourtrial.one_group(3, 10, [1.5]), "natural-history rate"),
    (lambda: yourtrial.many_results([0.2, 1.3]), "p-value"),
    (lambda: yourtrial.who_analysed(27, 28, 9, 27, 27, 10), "treated analysed=28 is out of range"),
    (lambda: yourtrial.who_analysed(27, 24, 25, 27, 27, 10), "treated successes=25 is out of range"),
    (lambda: yourtrial.unit_of_analysis(10, 19, 0.5, 0.01), "observations=10 is out of range"),
    (lambda: yourtrial.unit_of_analysis(41, 19, 1.5, 0.01), "ICC"),
    (lambda: yourtrial.ordered([1, 2], [1, 2, 3]), "same categories"),
    (lambda: yourtrial.ordered([0, 0], [1, 2]), "every count is 0"),
])
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- the same numbers in the browser ------------------------------------------------------------

def _inputs(seed: int = 2026) -> dict[str, list]:
    """CASES seeded random inputs per calculator, beginning with the edge cases."""
    rng = np.random.default_rng(seed)
    two = [(0, 10, 0, 10), (0, 10, 3, 10), (10, 10, 10, 10), (5, 5, 0, 7), (1, 2, 0, 200), (35, 69, 42, 75),
           (7, 10, 0, 1), (0, 1, 1, 1), (3000, 9000, 2500, 9100)]
    while len(two) < CASES:
        n_t, n_c = (int(v) for v in rng.choice([rng.integers(1, 30), rng.integers(1, 400), rng.integers(1, 3000)], 2))
        two.append((int(rng.integers(0, n_t + 1)), n_t, int(rng.integers(0, n_c + 1)), n_c))
    est = [(0.94, 0.58, 1.50, "ratio", 0.95, 0.7), (1.0, 0.5, 2.0, "ratio", 0.95, 0.8),
           (-2.18, -3.62, -0.75, "difference", 0.95, -1.0), (0.0, -1.0, 1.0, "difference", 0.9, 0.5),
           (1.5, 1.0, 2.25, "ratio", 0.99, 1.25)]
    while len(est) < CASES:
        scale = str(rng.choice(["ratio", "difference"]))
        centre, half = rng.normal(0, 1), rng.uniform(0.01, 2)
        low, high = centre - half * rng.uniform(0.2, 1), centre + half * rng.uniform(0.2, 1)
        value = rng.uniform(low, high)
        level = float(rng.choice([0.8, 0.9, 0.95, 0.99]))
        worthwhile = float(rng.choice([-1, 1]) * rng.uniform(0.05, 1.5))
        if scale == "ratio":
            low, high, value, worthwhile = math.exp(low), math.exp(high), math.exp(value), math.exp(worthwhile)
        est.append((float(value), float(low), float(high), scale, level, worthwhile))
    one = [(0, 10), (10, 10), (7, 10), (0, 1), (1, 1), (50, 2000)]
    while len(one) < CASES:
        n = int(rng.choice([rng.integers(1, 30), rng.integers(1, 2000)]))
        one.append((int(rng.integers(0, n + 1)), n))
    one = [(k, n, [float(v) for v in np.round(rng.uniform(0.001, 0.9, 3), 4)]) for k, n in one]
    many = [[0.05], [0.0, 1.0], [0.03, 0.036, 0.78, 0.048], [0.01] * 5]
    while len(many) < CASES:
        m = int(rng.integers(1, 40))
        many.append([float(v) for v in rng.choice([rng.uniform(0, 1, m), rng.uniform(0, 0.08, m)])])
    who = [(27, 24, 9, 27, 27, 10), (1, 1, 0, 1, 1, 1), (10, 1, 1, 10, 10, 0), (50, 50, 50, 60, 30, 0)]
    while len(who) < CASES:
        r_t, r_c = (int(rng.integers(1, rng.choice([20, 300]))) for _ in range(2))
        a_t, a_c = int(rng.integers(1, r_t + 1)), int(rng.integers(1, r_c + 1))
        who.append((r_t, a_t, int(rng.integers(0, a_t + 1)), r_c, a_c, int(rng.integers(0, a_c + 1))))
    unit = [(41, 19, 0.5, 0.0038), (10, 10, 0.3, 0.05), (200, 4, 1.0, 1e-6), (30, 3, 0.0, 1.0)]
    while len(unit) < CASES:
        patients = int(rng.integers(1, 300))
        unit.append((patients * int(rng.integers(1, 8)) + int(rng.integers(0, patients)), patients,
                     float(rng.uniform(0, 1)), float(10 ** rng.uniform(-8, 0))))
    ordinal = [([1, 2, 3, 4], [3, 3, 2, 1]), ([0, 5, 0], [0, 4, 0]), ([5, 0], [0, 5]), ([1, 0], [1, 0]),
               ([0, 0, 7], [2, 0, 0])]
    while len(ordinal) < CASES:
        size = int(rng.integers(2, 8))
        arms = [[int(v) for v in rng.integers(0, rng.choice([3, 40]), size)] for _ in range(2)]
        for arm in arms:
            arm[int(rng.integers(0, size))] += 1  # at least one patient per arm
        ordinal.append((arms[0], arms[1]))
    ordinal = [(t, c, bool(i % 2)) for i, (t, c) in enumerate(ordinal)]
    return {"two": two, "est": est, "one": one, "many": many, "who": who, "unit": unit, "ordinal": ordinal}


@functools.cache
def _expected() -> tuple[dict, dict]:
    """The inputs and the engine's results, computed once per process."""
    inputs = _inputs()
    return inputs, _python(inputs)


def _python(inputs) -> dict[str, list]:
    return {
        "two": [yourtrial.two_groups(*a) for a in inputs["two"]],
        "est": [yourtrial.estimate(v, lo, hi, scale=s, level=lv, worthwhile=w)
                for v, lo, hi, s, lv, w in inputs["est"]],
        "one": [yourtrial.one_group(k, n, rates) for k, n, rates in inputs["one"]],
        "many": [yourtrial.many_results(ps) for ps in inputs["many"]],
        "who": [yourtrial.who_analysed(*a) for a in inputs["who"]],
        "unit": [yourtrial.unit_of_analysis(*a) for a in inputs["unit"]],
        "ordinal": [yourtrial.ordered(t, c, higher_is_better=h) for t, c, h in inputs["ordinal"]],
    }


BROWSER = """inputs => {
  const y = window.CellsOnTrial.yourtrial;
  const clean = r => JSON.parse(JSON.stringify(r, (k, v) => (typeof v === 'number' && !isFinite(v)) ? String(v) : v));
  return clean({
    two: inputs.two.map(a => y.twoGroups(a[0], a[1], a[2], a[3])),
    est: inputs.est.map(a => y.estimate(a[0], a[1], a[2], {scale: a[3], level: a[4], worthwhile: a[5]})),
    one: inputs.one.map(a => y.oneGroup(a[0], a[1], a[2])),
    many: inputs.many.map(ps => y.manyResults(ps)),
    who: inputs.who.map(a => y.whoAnalysed(...a)),
    unit: inputs.unit.map(a => y.unitOfAnalysis(...a)),
    ordinal: inputs.ordinal.map(a => y.ordered(a[0], a[1], {higherIsBetter: a[2]})),
  });
}"""

# results from a sum, a root or a continued fraction (scipy's and jStat's differ in their own
# iterations): 1e-6 relative; closed forms: 1e-9
ITERATIVE = {"fisher_p", "low", "high", "threshold", "p", "dropout_p",
             # the normal quantile of the reported p: Newton steps on jStat's erfc
             "unit:z", "unit:z_adjusted", "unit:p_adjusted"}


def _same(calculator: str, key: str, want, got, where: str) -> None:
    if isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), where
        for w, g in zip(want, got, strict=True):
            _same(calculator, key, w, g, where)
        return
    if isinstance(want, bool) or isinstance(want, str):
        assert got == want, f"{where} {key}: Python {want!r}, browser {got!r}"
        return
    if isinstance(want, float) and (math.isnan(want) or math.isinf(want)):
        assert got == str(want).replace("inf", "Infinity").replace("nan", "NaN"), f"{where} {key}: {got!r}"
        return
    iterative = key in ITERATIVE or f"{calculator}:{key}" in ITERATIVE or key.endswith("fisher_p")
    rel = 1e-6 if iterative else 1e-9
    # the page's normal tail is erfc computed as 1 - erf: exact to about 1e-16 absolute, so
    # p-values below 1e-7 agree in absolute terms (the page shows them as "< 0.0001")
    assert got == pytest.approx(want, rel=rel, abs=1e-14), f"{where} {key}: Python {want!r}, browser {got!r}"


def _compare(inputs, got) -> None:
    want = _expected()[1]
    for calculator, results in want.items():
        assert len(results) == len(got[calculator]) == CASES
        for i, (w, g) in enumerate(zip(results, got[calculator], strict=True)):
            assert set(w) == set(g), (calculator, i, set(w) ^ set(g))
            for key in w:
                _same(calculator, key, w[key], g[key], f"{calculator} case {i} {inputs[calculator][i]}")


def test_node_gives_the_engines_numbers(tmp_path):
    """The same cross-check in node (the quick lane): yourtrial.js with jStat from node_modules."""
    import subprocess

    if not (ROOT / "node_modules" / "jstat").is_dir():
        pytest.fail("node_modules is missing: run npm ci (./course test does)")
    inputs = _expected()[0]
    (tmp_path / "inputs.json").write_text(json.dumps(inputs))
    script = (f"const run = {BROWSER.replace('window.CellsOnTrial.yourtrial', 'require(process.argv[2])')};\n"
              "const inputs = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'));\n"
              "process.stdout.write(JSON.stringify(run(inputs)));")
    proc = subprocess.run([shutil.which("node") or "node", "-e", script, str(tmp_path / "inputs.json"),
                           str(ROOT / "book" / "static" / "js" / "yourtrial.js")],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    _compare(inputs, json.loads(proc.stdout))


@pytest.mark.browser
def test_browser_gives_the_engines_numbers(browser, tmp_path):
    for name in ("core", "yourtrial"):
        shutil.copy(ROOT / "book" / "static" / "js" / f"{name}.js", tmp_path / f"{name}.js")
    shutil.copy(ROOT / "node_modules" / "jstat" / "dist" / "jstat.min.js", tmp_path / "jstat.min.js")
    (tmp_path / "index.html").write_text(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Your trial</title>"
        "<script src='core.js'></script><script src='jstat.min.js'></script><script src='yourtrial.js'></script>"
        "</head><body></body></html>")
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto((tmp_path / "index.html").as_uri())
    inputs = _expected()[0]
    got = page.evaluate(BROWSER, json.loads(json.dumps(inputs)))
    page.close()
    _compare(inputs, got)
    assert errors == []
