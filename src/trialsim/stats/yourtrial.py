"""Your trial: the calculators of the "Your trial" toolkit, on a reader's own numbers.

Each function takes what a paper prints and returns a flat dict of numbers
(and a few keys naming a reading), the same dict that the browser's
``book/static/js/yourtrial.js`` computes on the static site; a test holds the
two to the same numbers on hundreds of seeded random inputs.  Every result
here comes from scipy or statsmodels:

* ``two_groups``: a yes/no outcome in two arms of any size;
* ``estimate``: an estimate and its confidence interval as printed;
* ``one_group``: k of n with no control, against natural-history rates;
* ``many_results``: a list of p-values, adjusted three ways;
* ``who_analysed``: randomised, analysed and successes per arm, five ways;
* ``unit_of_analysis``: observations from fewer patients, the p-value recomputed;
* ``ordered``: counts per category of an ordered scale, Wilcoxon-Mann-Whitney;
* ``proportional_odds``: the same counts, the proportional-odds model (Python only).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_effectsize

from . import intervals, validate
from .proportions import MAX_N

ZERO_CELL_CORRECTION = 0.5


def _z(level: float) -> float:
    return float(stats.norm.isf((1 - level) / 2))


def _counts(events_t, n_t, events_c, n_c) -> tuple[int, int, int, int]:
    n_t = validate.number("treated patients", n_t, 1, MAX_N, integer=True)
    n_c = validate.number("control patients", n_c, 1, MAX_N, integer=True)
    events_t = validate.number("treated events", events_t, 0, n_t, integer=True)
    events_c = validate.number("control events", events_c, 0, n_c, integer=True)
    return events_t, n_t, events_c, n_c


def _power(p_t: float, p_c: float, n_t: float, n_c: float, alpha: float) -> float:
    h = proportion_effectsize(p_t, p_c)
    return float(NormalIndPower().power(h, n_t, alpha, ratio=n_c / n_t, alternative="two-sided"))


def patients_for_power(p_t: float, p_c: float, ratio: float, target: float, alpha: float = 0.05) -> int:
    """The smallest whole number of treated patients (with ``ratio`` control
    patients per treated patient) for which a two-sided test at ``alpha`` of
    ``p_t`` against ``p_c`` has at least ``target`` power (statsmodels
    ``NormalIndPower``, on Cohen's h)."""
    h = abs(float(proportion_effectsize(p_t, p_c)))
    if h == 0:
        raise ValueError("the worthwhile difference is zero: no number of patients detects no difference")
    # the one-tailed closed form is a lower bound; step up to the first size that reaches the target
    n = max(1, math.floor((stats.norm.isf(alpha / 2) + stats.norm.ppf(target)) ** 2 / h**2 * (1 + 1 / ratio)) - 1)
    while _power(p_t, p_c, n, n * ratio, alpha) < target:
        n += 1
    return n


def _compare_shares(k_t: float, n_t: int, k_c: float, n_c: int, level: float) -> dict:
    """Two arms' shares: each risk, their difference with Newcombe's interval, and
    Fisher's exact test (two_groups and each analysis of who_analysed)."""
    low, high = confint_proportions_2indep(k_t, n_t, k_c, n_c, method="newcomb", compare="diff", alpha=1 - level)
    return {"risk_t": k_t / n_t, "risk_c": k_c / n_c, "rd": k_t / n_t - k_c / n_c, "rd_low": float(low),
            "rd_high": float(high), "fisher_p": float(stats.fisher_exact([[k_t, n_t - k_t], [k_c, n_c - k_c]]).pvalue)}


def two_groups(events_t: int, n_t: int, events_c: int, n_c: int, *, event_is_good: bool = False,
               worthwhile: float = 0.1, level: float = 0.95) -> dict:
    """A yes/no outcome in two arms: risks, risk difference (Newcombe's
    interval), risk ratio and odds ratio (log intervals; 0.5 added to every
    cell when one is zero), NNT, Fisher's exact and chi-square tests, and the
    power of these arm sizes for a difference of ``worthwhile`` (in risk, a
    share from 0 to 1) from the control risk, with the patients needed for
    80 % and 90 % power at the same allocation."""
    events_t, n_t, events_c, n_c = _counts(events_t, n_t, events_c, n_c)
    level = validate.probability("level", level, 0.5, 0.999)
    worthwhile = validate.number("worthwhile difference", worthwhile, 1e-9, 1 - 1e-9)
    out = _compare_shares(events_t, n_t, events_c, n_c, level)
    r_c = out["risk_c"]

    cells = [[events_t, n_t - events_t], [events_c, n_c - events_c]]
    zero = min(events_t, n_t - events_t, events_c, n_c - events_c) == 0
    out["corrected"] = zero
    table = Table2x2(np.array(cells, dtype=float) + (ZERO_CELL_CORRECTION if zero else 0.0))
    out["rr"] = float(table.riskratio)
    out["rr_low"], out["rr_high"] = (float(v) for v in table.riskratio_confint(alpha=1 - level))
    out["or"] = float(table.oddsratio)
    out["or_low"], out["or_high"] = (float(v) for v in table.oddsratio_confint(alpha=1 - level))

    # number needed to treat: on the benefit scale (positive = fewer bad or more good events)
    sign = 1 if event_is_good else -1
    benefit, b_low, b_high = sign * out["rd"], *sorted((sign * out["rd_low"], sign * out["rd_high"]))
    out["nnt"] = 1 / benefit if benefit != 0 else math.inf
    out["nnt_crosses"] = b_low <= 0 <= b_high
    # the ends of its interval: 1/benefit at each end (NNT to benefit is positive, to harm negative)
    out["nnt_a"] = 1 / b_high if b_high != 0 else math.inf
    out["nnt_b"] = 1 / b_low if b_low != 0 else math.inf
    out["rd_verdict"] = intervals.verdict(out["rd_low"], out["rd_high"], sign * worthwhile, scale="difference")

    if events_t + events_c in (0, n_t + n_c):  # no patient, or every patient, had the event
        out["chi2"] = out["chi2_p"] = out["chi2_yates"] = out["chi2_yates_p"] = math.nan
    else:
        for key, correction in (("chi2", False), ("chi2_yates", True)):
            res = stats.chi2_contingency(cells, correction=correction)
            out[key], out[f"{key}_p"] = float(res.statistic), float(res.pvalue)
    # the smallest expected count of a cell (below 5, the chi-square test is unreliable)
    events = events_t + events_c
    out["expected_min"] = min(n_t, n_c) * min(events, n_t + n_c - events) / (n_t + n_c)
    out["small_expected"] = out["expected_min"] < 5

    # power for the worthwhile difference from the control risk, in the direction of benefit
    target = r_c + sign * worthwhile
    if not 0 < target < 1:
        target = r_c - sign * worthwhile
    out["power_p_t"] = target
    out["has_power"] = 0 < target < 1
    if not out["has_power"]:
        out["power"] = out["n80"] = out["n90"] = out["n80_c"] = out["n90_c"] = math.nan
    else:
        out["power"] = _power(target, r_c, n_t, n_c, 1 - level)
        for key, goal in (("n80", 0.8), ("n90", 0.9)):
            out[key] = patients_for_power(target, r_c, n_c / n_t, goal, 1 - level)
            out[f"{key}_c"] = math.ceil(out[key] * n_c / n_t - 1e-9)
    return out


def estimate(value: float, low: float, high: float, *, scale: str = "ratio", level: float = 0.95,
             worthwhile: float | None = None) -> dict:
    """An estimate with its interval as printed: the standard error (of the log
    for a ratio), z, the two-sided p-value, and the interval's reading against
    the smallest worthwhile effect (``intervals.verdict``)."""
    validate.choice("scale", scale, intervals.SCALES)
    level = validate.probability("level", level, 0.5, 0.9999)
    floor = 0.0 if scale == "ratio" else -1e12
    value = validate.number("estimate", value, floor, 1e12)
    low = validate.number("lower limit", low, floor, 1e12)
    high = validate.number("upper limit", high, floor, 1e12)
    if scale == "ratio" and min(value, low, high) <= 0:
        raise ValueError("a ratio and its interval must be above 0: a ratio of 0 or less is not possible")
    if not low < high:
        raise ValueError(f"the lower limit ({low:g}) must be below the upper limit ({high:g})")
    if not low <= value <= high:
        raise ValueError(f"the estimate ({value:g}) must lie within its interval ({low:g} to {high:g})")
    f = np.log if scale == "ratio" else (lambda x: x)
    se = float((f(high) - f(low)) / (2 * _z(level)))
    z = float(f(value) / se)
    out = {"se": se, "z": z, "p": float(2 * stats.norm.sf(abs(z)))}
    if worthwhile is not None:
        out["verdict"] = intervals.verdict(low, high, worthwhile, scale=scale)
    return out


def one_group(k: int, n: int, rates: list[float], *, level: float = 0.95) -> dict:
    """k of n patients improved, with no control: the exact (Clopper-Pearson)
    interval, the one-sided exact test of each natural-history rate (the chance
    of k or more if that rate were the truth), and the rate above which k of n
    stops being surprising (the lower end of the interval: the highest rate the
    one-sided exact test at (1 - level) / 2 rejects)."""
    n = validate.number("patients", n, 1, MAX_N, integer=True)
    k = validate.number("patients who improved", k, 0, n, integer=True)
    level = validate.probability("level", level, 0.5, 0.999)
    rates = validate.number("natural-history rate", np.atleast_1d(np.asarray(rates, dtype=float)), 0.0001, 0.9999)
    tail = (1 - level) / 2
    low = float(stats.beta.ppf(tail, k, n - k + 1)) if k > 0 else 0.0
    high = float(stats.beta.isf(tail, k + 1, n - k)) if k < n else 1.0
    p = [float(stats.binom.sf(k - 1, n, r)) for r in rates]
    return {"share": k / n, "low": low, "high": high, "threshold": low, "p": p}


METHODS = {"bonferroni": "bonferroni", "holm": "holm", "bh": "fdr_bh"}


def _holm(pvalues: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values, as statsmodels' ``multipletests(method='holm')``
    computes them (which also runs a full garbage collection on every call, 0.1 s)."""
    order = np.argsort(pvalues, kind="stable")
    steps = pvalues[order] * np.arange(pvalues.size, 0, -1)
    adjusted = np.empty_like(pvalues)
    adjusted[order] = np.minimum(np.maximum.accumulate(steps), 1)
    return adjusted


def many_results(pvalues: list[float], *, alpha: float = 0.05) -> dict:
    """A list of p-values as reported: Bonferroni, Holm and Benjamini-Hochberg
    adjusted p-values (statsmodels ``multipletests``; Holm by the same formula),
    which survive at ``alpha``, and the chance of at least one false positive
    among that many independent looks when no effect is real."""
    pvalues = validate.number("p-value", np.atleast_1d(np.asarray(pvalues, dtype=float)), 0, 1)
    if pvalues.size > 1000:
        raise ValueError(f"{pvalues.size} p-values: give at most 1000")
    alpha = validate.probability("alpha", alpha, 0.0001, 0.5)
    out = {"m": int(pvalues.size), "any_false": float(-np.expm1(pvalues.size * np.log1p(-alpha)))}
    for key, method in METHODS.items():
        if key == "holm":
            adjusted = _holm(pvalues)
        else:
            adjusted = multipletests(pvalues, alpha=alpha, method=method)[1]
        out[key] = [float(v) for v in adjusted]
        out[f"{key}_survive"] = [bool(v) for v in adjusted <= alpha]
        out[f"{key}_count"] = int(np.sum(adjusted <= alpha))
    out["raw_survive"] = [bool(v) for v in pvalues <= alpha]
    out["raw_count"] = int(np.sum(pvalues <= alpha))
    return out


SCENARIOS = ("completers", "missing_failures", "missing_successes", "best_case", "worst_case")


def who_analysed(randomised_t: int, analysed_t: int, successes_t: int, randomised_c: int, analysed_c: int,
                 successes_c: int, *, level: float = 0.95) -> dict:
    """Who was analysed: randomised, analysed and successes (patients with the
    good outcome) per arm.  The difference in success rates (treated minus
    control, Newcombe's interval, Fisher's test) analysed five ways: completers
    only; as randomised with the missing patients counted as failures, or as
    successes; the best case for the treatment (missing treated patients
    succeed, missing controls fail) and the worst case (the reverse).  And
    Fisher's test of whether the arms lost different shares of patients."""
    randomised_t = validate.number("treated randomised", randomised_t, 1, MAX_N, integer=True)
    randomised_c = validate.number("control randomised", randomised_c, 1, MAX_N, integer=True)
    analysed_t = validate.number("treated analysed", analysed_t, 1, randomised_t, integer=True)
    analysed_c = validate.number("control analysed", analysed_c, 1, randomised_c, integer=True)
    successes_t = validate.number("treated successes", successes_t, 0, analysed_t, integer=True)
    successes_c = validate.number("control successes", successes_c, 0, analysed_c, integer=True)
    level = validate.probability("level", level, 0.5, 0.999)
    miss_t, miss_c = randomised_t - analysed_t, randomised_c - analysed_c
    counts = {
        "completers": (successes_t, analysed_t, successes_c, analysed_c),
        "missing_failures": (successes_t, randomised_t, successes_c, randomised_c),
        "missing_successes": (successes_t + miss_t, randomised_t, successes_c + miss_c, randomised_c),
        "best_case": (successes_t + miss_t, randomised_t, successes_c, randomised_c),
        "worst_case": (successes_t, randomised_t, successes_c + miss_c, randomised_c),
    }
    out = {"missing_t": miss_t, "missing_c": miss_c,
           "dropout_p": float(stats.fisher_exact([[miss_t, analysed_t], [miss_c, analysed_c]]).pvalue)}
    for name, (k_t, n_t, k_c, n_c) in counts.items():
        for key, value in _compare_shares(k_t, n_t, k_c, n_c, level).items():
            out[f"{name}_{key}"] = value
    # the same verdict at the 5 % level whichever way the missing patients are counted
    out["robust"] = len({out[f"{name}_fisher_p"] <= 0.05 for name in SCENARIOS}) == 1
    return out


def unit_of_analysis(observations: int, patients: int, icc: float, p: float) -> dict:
    """Observations analysed as if independent when they come from fewer
    patients (repeated treatment periods, several limbs, lesions or eyes per
    patient): the design effect 1 + (m - 1) x ICC for m observations per
    patient, the effective sample size, and the reported two-sided p-value
    recomputed with its z shrunk by the square root of the design effect."""
    patients = validate.number("patients", patients, 1, MAX_N, integer=True)
    observations = validate.number("observations", observations, patients, MAX_N * 100, integer=True)
    icc = validate.probability("correlation within a patient (ICC)", icc)
    p = validate.number("reported p-value", p, 1e-15, 1)
    per_patient = observations / patients
    design_effect = 1 + (per_patient - 1) * icc
    z = float(stats.norm.isf(p / 2))
    z_adjusted = z / math.sqrt(design_effect)
    return {"per_patient": per_patient, "design_effect": design_effect, "effective_n": observations / design_effect,
            "z": z, "z_adjusted": z_adjusted, "p_adjusted": float(2 * stats.norm.sf(z_adjusted))}


def _categories(name: str, counts) -> np.ndarray:
    counts = validate.number(name, np.atleast_1d(np.asarray(counts, dtype=float)), 0, MAX_N, integer=True)
    if counts.size < 2 or counts.size > 12:
        raise ValueError(f"{name}: give a count for each of 2 to 12 categories, not {counts.size}")
    if counts.sum() == 0:
        raise ValueError(f"{name}: every count is 0: an arm needs at least one patient")
    return counts


def ordered(counts_t: list[int], counts_c: list[int], *, higher_is_better: bool = True) -> dict:
    """An ordered outcome (a disability scale) as counts per category, lowest
    category first, in each arm: the Wilcoxon-Mann-Whitney test with ties
    (scipy ``mannwhitneyu``, normal approximation with continuity correction)
    and the probability that a treated patient does better than a control
    (ties count half)."""
    counts_t = _categories("treated counts", counts_t)
    counts_c = _categories("control counts", counts_c)
    if counts_t.size != counts_c.size:
        raise ValueError(f"the arms have {counts_t.size} and {counts_c.size} categories: give the same categories")
    n_t, n_c = int(counts_t.sum()), int(counts_c.sum())
    below_c = np.concatenate([[0], np.cumsum(counts_c)[:-1]])
    u_t = float(np.sum(counts_t * (below_c + counts_c / 2)))  # pairs the treated patient is higher in
    higher = u_t / (n_t * n_c)
    out = {"n_t": n_t, "n_c": n_c, "u": u_t, "prob_better": higher if higher_is_better else 1 - higher}
    if np.count_nonzero(counts_t + counts_c) < 2:  # everyone in one category: no ordering to test
        out["p"] = math.nan
    else:
        x = np.repeat(np.arange(counts_t.size), counts_t)
        y = np.repeat(np.arange(counts_c.size), counts_c)
        out["p"] = float(stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic").pvalue)
    return out


def proportional_odds(counts_t: list[int], counts_c: list[int], *, higher_is_better: bool = True,
                      level: float = 0.95) -> dict:
    """The proportional-odds model's common odds ratio of a better category
    with treatment (statsmodels ``OrderedModel``, logit link), with its Wald
    interval and p-value.  In JupyterLab only: the browser has no optimiser."""
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    counts_t = _categories("treated counts", counts_t)
    counts_c = _categories("control counts", counts_c)
    if counts_t.size != counts_c.size:
        raise ValueError(f"the arms have {counts_t.size} and {counts_c.size} categories: give the same categories")
    used = (counts_t + counts_c) > 0
    if used.sum() < 2:
        raise ValueError("every patient is in one category: the model needs at least two")
    counts_t, counts_c = counts_t[used], counts_c[used]
    levels = np.arange(counts_t.size) if higher_is_better else np.arange(counts_t.size)[::-1]
    y = np.concatenate([np.repeat(levels, counts_t), np.repeat(levels, counts_c)])
    treated = np.concatenate([np.ones(counts_t.sum()), np.zeros(counts_c.sum())])
    import pandas as pd

    outcome = pd.Series(pd.Categorical(y, categories=np.arange(counts_t.size), ordered=True))
    fit = OrderedModel(outcome, treated[:, None], distr="logit").fit(method="bfgs", disp=False)
    coef, se = float(fit.params.iloc[0]), float(fit.bse.iloc[0])
    z = _z(level)
    return {"odds_ratio": math.exp(coef), "low": math.exp(coef - z * se), "high": math.exp(coef + z * se),
            "p": float(fit.pvalues.iloc[0])}
