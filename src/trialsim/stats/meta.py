"""Pooling trials: meta-analysis of risk ratios and of single-arm
proportions, heterogeneity and small-study effects.

Reviews of MSC therapy pool many small trials, often with zero events in an
arm, often single-arm.  This module computes each study's log risk ratio
with a stated handling of zero cells, pools by inverse variance (fixed
effect) or DerSimonian-Laird (random effects) with statsmodels
``combine_effects``, tests funnel-plot asymmetry (Egger) and pools
single-arm proportions on the logit scale, so a learner can see how much
the pooled answer rests on these choices.

Library note: statsmodels' DerSimonian-Laird estimate is (Q - df) / C
without truncation, so it turns negative when Q < df, and its I² then is
negative too.  The usual definitions (metafor, RevMan) set both to 0 and
the random-effects answer to the fixed-effect one; ``pool`` does that.
And ``effectsize_2proportions`` with a ``zero_correction`` adds it to the
events of every study but to the sizes of zero-cell studies only;
``risk_ratio_studies`` passes it only the studies that need correcting.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import statsmodels.api as sm
from numpy.typing import ArrayLike
from scipy import stats
from scipy.special import expit
from statsmodels.stats.meta_analysis import combine_effects, effectsize_2proportions

from . import montecarlo, validate

MAX_N = 10_000_000
METHODS = ("fixed", "random")
SCALES = {"log": np.exp, "logit": expit, "identity": lambda x: x}
CORRECTIONS = ("treatment-arm", "exclude")


def _counts(events_name, events, n_name, n):
    n = np.atleast_1d(validate.number(n_name, n, 1, MAX_N, integer=True))
    events = np.atleast_1d(validate.number(events_name, events, 0, MAX_N, integer=True))
    validate.at_most(events_name, events, n_name, n)
    return events, n


def risk_ratio_studies(events_t: ArrayLike, n_t: ArrayLike, events_c: ArrayLike, n_c: ArrayLike,
                       correction: float | str = 0.5) -> dict:
    """Log risk ratio (treated / control) and its variance for each study
    (statsmodels ``effectsize_2proportions(..., statistic="risk-ratio")``).

    A study with a zero cell (no events, or all patients with events, in
    either arm) has no finite log risk ratio.  ``correction`` says what to do:
    a number (0.5 is usual) is added to every cell of those studies;
    'treatment-arm' adds the Sweeting/Rücker amounts n_c/(n_t+n_c) to the
    treated and n_t/(n_t+n_c) to the control cells; 'exclude' drops those
    studies.  Studies with no events in either arm are corrected like the
    others (metafor's default), not dropped, unless 'exclude'.

    Returns a dict: 'log_rr' and 'variance' for the studies kept, and
    'included' and 'corrected', boolean masks over the studies given.
    """
    events_t, n_t = _counts("events_t", events_t, "n_t", n_t)
    events_c, n_c = _counts("events_c", events_c, "n_c", n_c)
    validate.same_length(events_t=events_t, n_t=n_t, events_c=events_c, n_c=n_c)
    if isinstance(correction, str):
        validate.choice("correction", correction, CORRECTIONS)
    else:
        validate.number("correction", correction, 0.01, 1.0)
    zero = (events_t == 0) | (events_t == n_t) | (events_c == 0) | (events_c == n_c)
    keep = ~zero if correction == "exclude" else np.ones(zero.size, dtype=bool)
    if not keep.any():
        raise ValueError("every study has a zero cell in events_t or events_c: with "
                         "correction='exclude' none is left; choose a continuity correction")
    zc = {"exclude": None, "treatment-arm": "tac"}.get(correction, correction)
    log_rr, var = np.empty(zero.size), np.empty(zero.size)
    # statsmodels adds the correction to the events of *every* study but to the
    # sizes of zero-cell studies only, so call it on the two kinds separately
    for rows, cc in ((~zero, None), (zero & keep, zc)):
        if rows.any():
            log_rr[rows], var[rows] = effectsize_2proportions(
                events_t[rows], n_t[rows], events_c[rows], n_c[rows],
                statistic="risk-ratio", zero_correction=cc)
    return {"log_rr": log_rr[keep], "variance": var[keep], "included": keep,
            "corrected": zero & keep}


def pool(effects: ArrayLike, variances: ArrayLike, method: str = "random", scale: str = "log") -> dict:
    """Pool study effects by inverse variance (statsmodels ``combine_effects``).

    ``method`` 'fixed' is the fixed-effect (common-effect) model; 'random'
    the DerSimonian-Laird random-effects model.  ``scale`` is the scale of
    ``effects``: 'log' (log risk, odds or hazard ratios), 'logit'
    (proportions) or 'identity'; the pooled 'estimate' and its 95 %
    'ci_low'/'ci_high' are transformed back (exp, inverse logit or none).

    Returns a dict with those, plus 'effect' and 'se' on the analysis
    scale, 'p' (z test of no effect: effect 0), 'q' and 'q_p' (Cochran's
    heterogeneity test), 'i2' (share of variation beyond chance, 0 to 1),
    'tau2' (between-study variance), 'k' and the relative 'weights'.
    """
    validate.choice("method", method, METHODS)
    validate.choice("scale", scale, SCALES)
    effects = np.atleast_1d(validate.number("effects", effects, -np.inf, np.inf)).astype(float)
    variances = np.atleast_1d(validate.number("variances", variances, 0, np.inf)).astype(float)
    k = validate.same_length(effects=effects, variances=variances)
    if k < 2:
        raise ValueError("effects has 1 study: pooling needs at least 2")
    if np.any(variances == 0):
        raise ValueError("variances contains 0: every study needs a positive variance")
    with np.errstate(divide="ignore", invalid="ignore"):
        res = combine_effects(effects, variances, method_re="dl")
    random = method == "random" and res.tau2 > 0
    effect = res.mean_effect_re if random else res.mean_effect_fe
    se = res.sd_eff_w_re if random else res.sd_eff_w_fe
    crit = stats.norm.isf(0.025)
    back = SCALES[scale]
    return {
        "estimate": float(back(effect)), "ci_low": float(back(effect - crit * se)),
        "ci_high": float(back(effect + crit * se)), "effect": float(effect), "se": float(se),
        "p": float(2 * stats.norm.sf(abs(effect / se))),
        "q": float(res.q), "q_p": float(stats.chi2.sf(res.q, k - 1)),
        "i2": float(max(res.i2, 0.0)), "tau2": float(max(res.tau2, 0.0)), "k": k,
        "weights": np.asarray(res.weights_rel_re if random else res.weights_rel_fe),
    }


def egger_test(effects: ArrayLike, variances: ArrayLike) -> dict:
    """Egger's regression test for small-study effects (funnel asymmetry):
    ordinary least squares (statsmodels OLS) of effect/se on 1/se.

    Returns a dict: 'intercept' (0 when small and large studies agree),
    its 'se' and two-sided t-test 'p' (k - 2 df), and 'slope' (an effect
    estimate corrected for small-study effects).  Needs 3 studies; the test
    has little power below about 10.
    """
    effects = np.atleast_1d(validate.number("effects", effects, -np.inf, np.inf)).astype(float)
    variances = np.atleast_1d(validate.number("variances", variances, 0, np.inf)).astype(float)
    k = validate.same_length(effects=effects, variances=variances)
    if k < 3:
        raise ValueError(f"effects has {k} studies: Egger's test needs at least 3")
    if np.any(variances == 0):
        raise ValueError("variances contains 0: every study needs a positive variance")
    se = np.sqrt(variances)
    fit = sm.OLS(effects / se, sm.add_constant(1 / se)).fit()
    return {"intercept": float(fit.params[0]), "se": float(fit.bse[0]),
            "p": float(fit.pvalues[0]), "slope": float(fit.params[1])}


def pool_proportions(events: ArrayLike, n: ArrayLike, method: str = "random", correction: float = 0.5) -> dict:
    """Pool single-arm proportions (events of n in each study) on the logit
    scale and return the pooled proportion (see ``pool`` for the keys).

    Each study's logit is log(e / (n - e)) with variance 1/e + 1/(n - e);
    a study with 0 or n events has ``correction`` added to its event and
    non-event counts first (metafor's default for this measure).
    """
    events, n = _counts("events", events, "n", n)
    validate.same_length(events=events, n=n)
    correction = validate.number("correction", correction, 0.01, 1.0)
    add = np.where((events == 0) | (events == n), correction, 0.0)
    yes, no = events + add, n - events + add
    return pool(np.log(yes / no), 1 / yes + 1 / no, method=method, scale="logit")


def synthetic_risk_ratio_trials(n_t: ArrayLike, n_c: ArrayLike, risk_ratio: float, target: tuple[float, float, float],
                                control_risk: tuple[float, float] = (0.08, 0.3), correction: float | str = 0.5,
                                tolerance: float = 0.005, max_i2: float = 0.005, seed: int = 0,
                                max_tries: int = 100_000) -> tuple[dict[str, np.ndarray], int]:
    """Illustrative two-arm trials, SYNTHETIC, for a meta-analysis that
    publishes only its pooled risk ratio.

    Trial j has ``n_t[j]`` treated and ``n_c[j]`` control patients; its
    control risk is drawn uniformly from ``control_risk`` and the treated
    risk is ``risk_ratio`` times it (at most 0.95); events are binomial.  The
    first seed from ``seed`` whose DerSimonian-Laird pooled risk ratio (with
    ``correction`` for zero cells, as ``risk_ratio_studies``) and its 95 %
    interval are each within ``tolerance`` of ``target`` = (estimate, low,
    high), with I-squared at most ``max_i2``, is kept.  Returns (dict of
    arrays 'events_t', 'events_c', 'n_t', 'n_c', seed)."""
    n_t = np.atleast_1d(validate.number("n_t", n_t, 1, MAX_N, integer=True))
    n_c = np.atleast_1d(validate.number("n_c", n_c, 1, MAX_N, integer=True))
    validate.same_length(n_t=n_t, n_c=n_c)
    risk_ratio = validate.number("risk_ratio", risk_ratio, 0.01, 100)
    low_risk, high_risk = (validate.probability("control_risk", r, 1e-6, 0.99) for r in control_risk)
    estimate, ci_low, ci_high = (validate.number("target", t, 1e-6, 1e6) for t in target)
    start = validate.seed(seed)
    for s in range(start, start + max_tries):
        rng = np.random.default_rng(s)
        base = rng.uniform(low_risk, high_risk, n_t.size)
        events_c = rng.binomial(n_c, base)
        events_t = rng.binomial(n_t, np.minimum(base * risk_ratio, 0.95))
        studies = risk_ratio_studies(events_t, n_t, events_c, n_c, correction)
        if studies["included"].sum() < 2:
            continue
        res = pool(studies["log_rr"], studies["variance"], "random")
        if (abs(res["estimate"] - estimate) <= tolerance and abs(res["ci_low"] - ci_low) <= tolerance
                and abs(res["ci_high"] - ci_high) <= tolerance and res["i2"] <= max_i2):
            return {"events_t": events_t, "events_c": events_c, "n_t": n_t, "n_c": n_c}, s
    raise ValueError(f"no seed from {start} to {start + max_tries - 1} pools to {target} within {tolerance}: "
                     "widen the tolerance or change the trial sizes")


def moderator_slopes(effects: ArrayLike, variances: ArrayLike, moderators: ArrayLike,
                     tau2: float = 0.0) -> dict[str, np.ndarray]:
    """Meta-regression of study effects on one moderator at a time:
    weighted least squares with weights 1 / (variance + tau2) and the
    variances taken as known (a z test, as metafor and the usual
    random-effects meta-regression do), vectorised over simulated sets of
    studies.  ``effects`` and ``variances`` are (..., k); ``moderators`` is
    (..., m, k), m candidate moderators per set.  Returns a dict of (..., m)
    arrays 'slope', 'se', 'z' and 'p' (two-sided); a moderator that does not
    vary across the studies gets NaN."""
    y = np.asarray(validate.number("effects", effects, -np.inf, np.inf), dtype=float)
    v = np.asarray(validate.number("variances", variances, 1e-12, np.inf), dtype=float)
    x = np.asarray(validate.number("moderators", moderators, -np.inf, np.inf), dtype=float)
    tau2 = validate.number("tau2", tau2, 0, np.inf)
    if y.shape != v.shape or x.shape[:-2] + x.shape[-1:] != y.shape:
        raise ValueError(f"effects {y.shape} and variances {v.shape} must match, and moderators {x.shape} must "
                         "be (..., m, k) for k studies")
    w = (1 / (v + tau2))[..., None, :]
    xbar = (w * x).sum(-1, keepdims=True) / w.sum(-1, keepdims=True)
    ybar = (w * y[..., None, :]).sum(-1, keepdims=True) / w.sum(-1, keepdims=True)
    sxx = (w * (x - xbar) ** 2).sum(-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = np.where(sxx > 0, (w * (x - xbar) * (y[..., None, :] - ybar)).sum(-1) / sxx, np.nan)
        se = np.where(sxx > 0, 1 / np.sqrt(sxx), np.nan)
        z = slope / se
    return {"slope": slope, "se": se, "z": z, "p": 2 * stats.norm.sf(np.abs(z))}


def moderator_false_positives(k_studies: int = 9, n_moderators: int = 5, study_size: tuple[int, int] = (20, 120),
                              control_risk: float = 0.2, tau2: float = 0.0, reps: int | Literal["precise"] = 2000,
                              seed: int = 0) -> dict:
    """With no true effect of any moderator, the chance that at least one of
    ``n_moderators`` yes/no study features (dose, product, disease ...) is
    'significant' (p < 0.05) in a meta-regression of ``k_studies`` studies:
    seeded simulation.  Each study's log risk ratio is drawn around 0 with its
    sampling variance (from a study of ``study_size`` patients per arm, drawn
    uniformly, and ``control_risk``) plus ``tau2``; each feature is a fair
    coin per study.  ``reps="precise"`` runs seeded batches until each
    chance has a 95 % Monte Carlo half-width of at most half a percentage
    point.  Returns a dict: 'any' (the chance), 'per_test' (the share of
    single tests with p < 0.05, about 5 %), 'by_m', the chance for 1 ..
    n_moderators moderators, 'reps' and 'halfwidth' (the worst 95 % Monte
    Carlo half-width of 'by_m')."""
    k = validate.number("k_studies", k_studies, 3, 1000, integer=True)
    m = validate.number("n_moderators", n_moderators, 1, 50, integer=True)
    low, high = (validate.number("study_size", s, 2, 100_000, integer=True) for s in study_size)
    if low > high:
        raise ValueError(f"study_size ({low}, {high}) must run from the smaller to the larger")
    risk = validate.probability("control_risk", control_risk, 0.001, 0.999)
    tau2 = validate.number("tau2", tau2, 0, 10)
    def batch(rng, size):
        return moderator_hits(rng, size, k, m, (low, high), risk, tau2)

    if reps == "precise":
        trials = montecarlo.until_precise(batch, [f"any_{j}" for j in range(1, m + 1)], validate.seed(seed))
    else:
        reps = validate.number("reps", reps, 10, 1_000_000, integer=True)
        trials = batch(np.random.default_rng(validate.seed(seed)), reps)
        trials["reps"] = reps
    by_m = [float(trials[f"any_{j}"].mean()) for j in range(1, m + 1)]
    return {"any": by_m[-1], "per_test": float(trials["hits"].mean()), "by_m": by_m, "reps": trials["reps"],
            "halfwidth": montecarlo.worst_halfwidth(by_m, trials["reps"])}


def moderator_hits(rng: np.random.Generator, reps: int, k_studies: int, n_moderators: int,
                   study_size: tuple[int, int], control_risk: float, tau2: float) -> dict[str, np.ndarray]:
    """``reps`` simulated meta-regressions for ``moderator_false_positives``:
    per trial, the share of the moderators with p < 0.05 (``hits``) and
    whether any of the first j is (``any_<j>``)."""
    low, high = study_size
    n = rng.integers(low, high + 1, size=(reps, k_studies))
    variance = 2 * (1 - control_risk) / (n * control_risk)   # var of a log risk ratio, equal risks
    effects = rng.normal(0.0, np.sqrt(variance + tau2))
    features = rng.integers(0, 2, size=(reps, n_moderators, k_studies)).astype(float)
    p = moderator_slopes(effects, variance, features, tau2)["p"]
    hit = np.nan_to_num(p, nan=1.0) < 0.05
    out = {"hits": hit.mean(axis=1)}
    for j in range(1, n_moderators + 1):
        out[f"any_{j}"] = hit[:, :j].any(axis=1)
    return out
