"""Within-patient slopes before and after treatment: the run-in design of the
ALS chapter.

A single-arm ALS trial may follow each patient untreated for a few months
(the run-in), inject the cells, follow them again and report that the
ALSFRS-R score fell more slowly afterwards.  This module measures that claim
(least-squares slopes, the percentage change in the rate of decline, the
share of "responders", the Wilcoxon signed-rank test) and simulates it, so a
learner can see how much apparent improvement arises with no treatment
effect at all: from selecting fast decliners at enrolment (regression to the
mean), from fast decliners dropping out, and from a natural history that is
not a straight line.

Sign convention: ALSFRS-R falls over time, so slopes are negative (points
per month).  A *positive* change means the decline became slower:
``percent_slope_change(-1.0, -0.5)`` is +50 (half the rate of decline), and
``percent_slope_change(-1.0, -1.5)`` is -50.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from . import montecarlo, validate

if TYPE_CHECKING:
    import pandas as pd

SCORE_MAX = 48.0                 # ALSFRS-R runs from 0 to 48
BASELINE_MEAN, BASELINE_SD = 38.0, 5.0
BASELINE_RANGE = (20.0, 44.0)    # true score at month 0, kept off the ceiling
MIN_DECLINE = 0.05               # every patient's true slope is at most -0.05/month
SHAPES = {"linear": 0.0, "slowing": -0.5, "accelerating": 0.5}
ENROL = ("all", "fast")
DROPOUT = ("none", "informative")
DROPOUT_SHARE = 0.25
ALTERNATIVES = ("two-sided", "greater", "less")


def slope(times: ArrayLike, scores: ArrayLike) -> float | np.ndarray:
    """Least-squares slope of ``scores`` against ``times`` for each patient.

    ``scores`` is 1-D (one patient) or 2-D (one row per patient, one column
    per visit); missing visits are NaN and are left out of that patient's
    fit.  ``times`` is 1-D (the same visit times for every patient) or has
    the shape of ``scores``.  Returns a float for one patient, else an array
    with one slope per row.  Each patient needs two visits at different times.
    """
    y = np.asarray(scores, dtype=float)
    if y.ndim not in (1, 2) or y.size == 0:
        raise ValueError(f"scores has shape {y.shape}: give a 1-D or a 2-D array of scores")
    if np.any(np.isinf(y)):
        raise ValueError("scores contains an infinite value: allowed finite numbers, or NaN "
                         "for a missed visit")
    t = np.asarray(validate.number("times", times, -np.inf, np.inf), dtype=float)
    if t.shape != y.shape and t.shape != y.shape[-1:]:
        raise ValueError(f"times has shape {t.shape}: give one time per visit, shape "
                         f"{y.shape[-1:]} or {y.shape}")
    y2 = np.atleast_2d(y)
    seen = np.isfinite(y2)
    t2 = np.broadcast_to(t, y.shape).reshape(y2.shape) * seen
    count = seen.sum(axis=1)
    t_mean = t2.sum(axis=1) / np.maximum(count, 1)
    y_mean = np.where(seen, y2, 0).sum(axis=1) / np.maximum(count, 1)
    dt = np.where(seen, t2 - t_mean[:, None], 0)
    sxx = (dt ** 2).sum(axis=1)
    if np.any(sxx == 0):
        raise ValueError("scores has a patient with fewer than two visits at different times: "
                         "a slope needs at least two")
    out = (dt * np.where(seen, y2 - y_mean[:, None], 0)).sum(axis=1) / sxx
    return out[0].item() if y.ndim == 1 else out


def _change(pre, post):
    """Percent change in the rate of decline, without checks (NaN where pre is 0)."""
    pre = np.asarray(pre, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(pre == 0, np.nan, 100 * (np.asarray(post) - pre) / np.abs(pre))


def percent_slope_change(pre_slope: ArrayLike, post_slope: ArrayLike) -> float | np.ndarray:
    """Relative improvement in the rate of decline, in percent:
    ``100 * (post_slope - pre_slope) / abs(pre_slope)``.

    Positive means slower decline after treatment: -1.0/month becoming
    -0.5/month is +50; becoming -1.5/month is -50; a decline that stops
    (post 0) is +100.  Dividing by ``abs(pre_slope)`` keeps the sign meaning the
    same for the rare patient whose score rose during the run-in.  A pre-slope
    of exactly 0 has no relative change and raises ValueError; slopes close
    to 0 give huge percentages, one reason to distrust this endpoint.
    """
    pre = validate.number("pre_slope", pre_slope, -np.inf, np.inf)
    post = validate.number("post_slope", post_slope, -np.inf, np.inf)
    if np.ndim(pre) and np.ndim(post):
        validate.same_length(pre_slope=pre, post_slope=post)
    if np.any(np.asarray(pre) == 0):
        raise ValueError("pre_slope contains 0: a relative change needs a non-zero slope "
                         "before treatment")
    return _change(pre, post)[()]


def responders(pre_slope: ArrayLike, post_slope: ArrayLike, threshold: float = 0.25) -> float:
    """Share of patients whose decline slowed by more than ``threshold``
    (0.25 means a more than 25 % improvement by ``percent_slope_change``)."""
    threshold = validate.probability("threshold", threshold)
    change = np.atleast_1d(percent_slope_change(pre_slope, post_slope))
    return float(np.mean(change > 100 * threshold))


def wilcoxon_paired(pre: ArrayLike, post: ArrayLike, alternative: str = "two-sided") -> dict[str, float]:
    """Wilcoxon signed-rank test on the paired differences post - pre
    (scipy.stats.wilcoxon).  With slopes, alternative='greater' asks whether
    the post-treatment slopes are higher, i.e. the decline slower.

    Returns a dict with 'statistic' (scipy's: the smaller rank sum when
    two-sided, the sum of positive ranks otherwise) and 'p'.
    """
    validate.choice("alternative", alternative, ALTERNATIVES)
    pre = np.atleast_1d(validate.number("pre", pre, -np.inf, np.inf))
    post = np.atleast_1d(validate.number("post", post, -np.inf, np.inf))
    validate.same_length(pre=pre, post=post)
    if np.all(post == pre):
        raise ValueError("post equals pre for every patient: no differences to test")
    res = stats.wilcoxon(post, pre, alternative=alternative)
    return {"statistic": float(res.statistic), "p": float(res.pvalue)}


def _checked(n, run_in_months, followup_months, mean_slope, slope_sd, noise_sd, effect,
             shape, enrol, dropout, seed) -> dict:
    """The run-in simulators' shared parameter checks."""
    out = {
        "n": validate.number("n", n, 5, 10_000, integer=True),
        "run_in": validate.number("run_in_months", run_in_months, 2, 12, integer=True),
        "follow": validate.number("followup_months", followup_months, 2, 24, integer=True),
        "mean_slope": validate.number("mean_slope", mean_slope, -3.0, -0.1),
        "slope_sd": validate.number("slope_sd", slope_sd, 0.0, 1.5),
        "noise_sd": validate.number("noise_sd", noise_sd, 0.0, 4.0),
        "effect": validate.probability("effect", effect, 0.0, 0.9),
        "seed": validate.seed(seed),
    }
    validate.choice("shape", shape, SHAPES)
    validate.choice("enrol", enrol, ENROL)
    validate.choice("dropout", dropout, DROPOUT)
    return out


def _months(run_in: int, follow: int) -> np.ndarray:
    return np.arange(run_in + follow + 1, dtype=float)


def _cohort(rng, size: tuple, months, run_in, effect, shape, mean_slope, slope_sd, noise_sd):
    """True and observed ALSFRS-R scores for patients of array shape ``size``
    (one more axis, the visits, is added): the model of ``simulate_run_in``.
    ``effect`` may be an array that broadcasts against ``size`` (one effect
    per arm)."""
    total = months[-1]
    natural = months + SHAPES[shape] * months ** 2 / (2 * total)   # integral of 1 + c t / T
    at_start = natural[run_in]
    effect = np.asarray(effect, dtype=float)[..., None]
    course = np.where(months <= run_in, natural, at_start + (1 - effect) * (natural - at_start))
    baseline = np.clip(rng.normal(BASELINE_MEAN, BASELINE_SD, size), *BASELINE_RANGE)
    rate = np.minimum(rng.normal(mean_slope, slope_sd, size), -MIN_DECLINE)
    truth = baseline[..., None] + rate[..., None] * course
    scores = np.clip(truth + rng.normal(0.0, noise_sd, truth.shape), 0.0, SCORE_MAX)
    return truth, scores


def simulate_run_in(n: int = 40, run_in_months: int = 3, followup_months: int = 6, mean_slope: float = -1.0,
                    slope_sd: float = 0.5, noise_sd: float = 1.5, effect: float = 0.0, shape: str = "linear",
                    enrol: str = "all", dropout: str = "none", seed: int = 0) -> dict:
    """Simulate a single-arm run-in trial of ALSFRS-R-like scores.

    Patients are seen monthly: months 0 to ``run_in_months`` untreated (the
    run-in), cells given at month ``run_in_months``, then seen to month
    ``run_in_months + followup_months``.  The injection visit ends the
    run-in slope and starts the follow-up slope.

    Model (all illustrative): true score at month 0 ~ Normal(38, 5) kept in
    20-44; each patient's true slope ~ Normal(``mean_slope``, ``slope_sd``),
    capped at -0.05/month (ALS is progressive).  The natural rate of decline
    at month t is the patient's slope times 1 + c*t/T (T the whole study,
    c = 0 'linear', -0.5 'slowing', +0.5 'accelerating').  After treatment
    the rate is multiplied by 1 - ``effect``.  Each visit adds independent
    measurement noise (sd ``noise_sd``); scores are clipped to 0-48, so a
    patient at the floor looks as if the decline had stopped.

    ``enrol='fast'`` screens 2n patients and enrols the n whose observed
    run-in slope is steeper than the median.  ``dropout='informative'``:
    the quarter of patients who lose the most points in the first half of
    follow-up leave at that visit; the summaries are on completers, as a
    completers-only report would be.

    Returns a dict of numpy arrays and numbers:

    months, scores
        visit months and observed scores (patients x visits, NaN after dropout).
    pre_slope, post_slope, completed
        per enrolled patient: observed slopes (post from the visits attended)
        and whether they completed follow-up.
    true_pre_slope, true_post_slope
        noise-free slopes over the same visits.
    apparent_improvement
        percent_slope_change of the completers' mean slopes.
    median_improvement, responder_share, wilcoxon_p
        per-patient percent change (median), share improving by more than
        25 %, and the two-sided Wilcoxon p of post against pre slopes
        (completers).
    treatment_effect
        the true percent slowing caused by treatment (100 * effect).
    n_screened, n_enrolled, n_completed
        patients screened, enrolled and completing follow-up.
    """
    p = _checked(n, run_in_months, followup_months, mean_slope, slope_sd, noise_sd, effect,
                 shape, enrol, dropout, seed)
    n, run_in, follow = p["n"], p["run_in"], p["follow"]
    rng = np.random.default_rng(p["seed"])
    screened = 2 * n if enrol == "fast" else n
    months = _months(run_in, follow)
    truth, scores = _cohort(rng, (screened,), months, run_in, p["effect"], shape,
                            p["mean_slope"], p["slope_sd"], p["noise_sd"])
    pre = slope(months[:run_in + 1], scores[:, :run_in + 1])

    if enrol == "fast":
        keep = np.sort(np.argsort(pre, kind="stable")[:n])
        truth, scores, pre = truth[keep], scores[keep], pre[keep]

    completed = np.ones(n, dtype=bool)
    if dropout == "informative":
        mid = run_in + follow // 2
        loss = scores[:, run_in] - scores[:, mid]
        leaving = np.argsort(-loss, kind="stable")[:int(round(DROPOUT_SHARE * n))]
        completed[leaving] = False
        scores[leaving, mid + 1:] = np.nan

    post = slope(months[run_in:], scores[:, run_in:])
    true_pre = slope(months[:run_in + 1], truth[:, :run_in + 1])
    true_post = slope(months[run_in:], np.where(np.isnan(scores), np.nan, truth)[:, run_in:])
    pre_c, post_c = pre[completed], post[completed]
    change = _change(pre_c, post_c)
    return {
        "months": months, "scores": scores,
        "pre_slope": pre, "post_slope": post, "completed": completed,
        "true_pre_slope": true_pre, "true_post_slope": true_post,
        "apparent_improvement": float(_change(pre_c.mean(), post_c.mean())),
        "median_improvement": float(np.nanmedian(change)),
        "responder_share": float(np.mean(change > 25)),
        "wilcoxon_p": wilcoxon_paired(pre_c, post_c)["p"],
        "treatment_effect": 100 * effect,
        "n_screened": screened, "n_enrolled": n, "n_completed": int(completed.sum()),
    }


DESIGNS = ("run-in", "placebo")
ENDPOINTS = ("responders", "mean", "wilcoxon")
CHANGE_BINS = np.arange(-100.0, 151.0, 25.0)  # % change in the rate of decline, for histograms


def _per_trial(values: np.ndarray, keep: np.ndarray, m: int) -> np.ndarray:
    """``values[keep]`` regrouped per trial and arm: every trial keeps ``m``."""
    return values[keep].reshape(*values.shape[:-1], m)


def two_proportion_z(events_a: ArrayLike, events_b: ArrayLike, n: int) -> float | np.ndarray:
    """Two-sided p of the pooled two-proportion z-test for equal group sizes
    ``n``, vectorised over trials (statsmodels ``proportions_ztest`` for one
    pair; tested against it)."""
    pa, pb = np.asarray(events_a) / n, np.asarray(events_b) / n
    pooled = (pa + pb) / 2
    se = np.sqrt(pooled * (1 - pooled) * 2 / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, (pa - pb) / se, 0.0)
    return 2 * stats.norm.sf(np.abs(z))


def simulate_run_in_trials(n: int = 19, run_in_months: int = 6, followup_months: int = 6, noise_sd: float = 1.5,
                           effect: float = 0.0, shape: str = "linear", enrol: str = "fast", dropout: str = "none",
                           design: str = "run-in", mean_slope: float = -1.0, slope_sd: float = 0.5,
                           reps: int | Literal["precise"] | None = None, seed: int = 2021) -> dict:
    """Many simulated trials of the run-in design at once, with or without a
    concurrent placebo arm (vectorised; the patient model is that of
    ``simulate_run_in``, with the selection of fast progressors and the
    informative dropout applied within each trial).

    ``n`` is the number of treated patients (the placebo arm, when there is
    one, has as many).  ``reps`` trials are simulated (by default about 6,000
    treated patients in all, at least 40 trials); ``reps="precise"`` runs
    seeded batches until every share of trials reporting a benefit has a
    95 % Monte Carlo half-width of at most half a percentage point
    (``trialsim.stats.montecarlo.until_precise``).  How each design decides
    that it has found a benefit, by endpoint:

    ==============  ======================================  ==========================================
    endpoint        run-in only (each patient his control)  with a placebo arm
    ==============  ======================================  ==========================================
    responders      more than half the completers improve    more treated than placebo responders,
                    by over 25 % (as in the published        two-proportion z-test p < 0.05
                    report)
    mean            mean % change above 0, one-sample t      Welch t-test of % change between arms
                    test p < 0.05                            p < 0.05, treated better
    wilcoxon        Wilcoxon signed-rank of post against     Mann-Whitney test of the slope change
                    pre slopes p < 0.05, slopes better       between arms p < 0.05, treated better
    ==============  ======================================  ==========================================

    Returns, over the simulated trials: ``responder_share`` (treated
    completers) and ``mean_change`` (a typical trial's mean per-patient %
    change: the median over trials, because a patient whose run-in slope is
    near zero gives a huge percentage); ``placebo_*`` likewise (NaN without a
    placebo arm); the median p per endpoint (``p_<endpoint>``; NaN for the
    responder count of the run-in design, which has no test); the share
    of trials reporting a benefit per endpoint (``report_<endpoint>``), the
    histogram of per-patient % change on ``CHANGE_BINS`` (``hist_treated``,
    ``hist_placebo``, shares of patients, the first and last bins also
    holding everything beyond them), ``n_completed``, ``reps`` and
    ``halfwidth``, the worst 95 % Monte Carlo half-width of the
    ``report_<endpoint>`` shares.
    """
    p = _checked(n, run_in_months, followup_months, mean_slope, slope_sd, noise_sd, effect,
                 shape, enrol, dropout, seed)
    validate.choice("design", design, DESIGNS)
    if p["n"] > 1000:
        raise ValueError(f"n={n!r} is too large for the many-trial simulator: allowed 5 to 1000")
    setting = dict(n=p["n"], run_in=p["run_in"], follow=p["follow"], noise_sd=p["noise_sd"],
                   effect=p["effect"], shape=shape, enrol=enrol, dropout=dropout, design=design,
                   mean_slope=p["mean_slope"], slope_sd=p["slope_sd"])

    def batch(rng, size):
        return _run_in_batch(rng, size, **setting)

    rates = [f"report_{name}" for name in ENDPOINTS]
    if reps == "precise":
        trials = montecarlo.until_precise(batch, rates, p["seed"])
    else:
        reps = max(40, 6000 // p["n"]) if reps is None else validate.number("reps", reps, 2, 5000, integer=True)
        trials = dict(batch(np.random.default_rng(p["seed"]), reps))
        trials["reps"] = reps
        trials["halfwidth"] = montecarlo.worst_halfwidth((np.mean(trials[r]) for r in rates), reps)
    return _run_in_summary(trials, placebo=design == "placebo")


def _run_in_batch(rng, reps, *, n, run_in, follow, noise_sd, effect, shape, enrol, dropout, design,
                  mean_slope, slope_sd) -> dict:
    """``reps`` simulated run-in trials: per-trial arrays (see
    ``simulate_run_in_trials``)."""
    arms = 2 if design == "placebo" else 1
    screened = 2 * n if enrol == "fast" else n
    months = _months(run_in, follow)
    effects = np.array([effect, 0.0][:arms]).reshape(1, arms, 1)
    _, scores = _cohort(rng, (reps, arms, screened), months, run_in, effects, shape,
                        mean_slope, slope_sd, noise_sd)
    flat = scores.reshape(-1, months.size)
    pre = slope(months[:run_in + 1], flat[:, :run_in + 1]).reshape(reps, arms, screened)
    if enrol == "fast":  # within each trial and arm, the faster-declining half
        order = np.argsort(pre, axis=-1, kind="stable")[..., :n]
        order.sort(axis=-1)
        pre = np.take_along_axis(pre, order, axis=-1)
        scores = np.take_along_axis(scores, order[..., None], axis=-2)
    completed = np.ones(pre.shape, dtype=bool)
    if dropout == "informative":
        mid = run_in + follow // 2
        loss = scores[..., run_in] - scores[..., mid]
        leaving = np.argsort(-loss, axis=-1, kind="stable")[..., :int(round(DROPOUT_SHARE * n))]
        np.put_along_axis(completed, leaving, False, axis=-1)
        scores = scores.copy()
        scores[..., mid + 1:][~completed] = np.nan
    post = slope(months[run_in:], scores[..., run_in:].reshape(-1, follow + 1)).reshape(pre.shape)
    m = int(completed[0, 0].sum())
    pre, post = _per_trial(pre, completed, m), _per_trial(post, completed, m)
    change = _change(pre, post)                      # (reps, arms, m), % slower decline
    responders_ = (change > 25).sum(axis=-1)         # (reps, arms)
    mean_change = np.nanmean(change, axis=-1)

    t, r = 0, 1
    if arms == 1:
        p_resp = np.full(reps, np.nan)       # a count, not a test: no p-value
        better_resp = responders_[:, t] > m / 2
        tt = stats.ttest_1samp(change[:, t], 0.0, axis=-1, nan_policy="omit")
        p_mean, better_mean = np.asarray(tt.pvalue), mean_change[:, t] > 0
        wx = stats.wilcoxon(post[:, t], pre[:, t], axis=-1)
        p_wil, better_wil = np.asarray(wx.pvalue), np.median(post[:, t] - pre[:, t], axis=-1) > 0
        report_resp = better_resp
    else:
        p_resp = two_proportion_z(responders_[:, t], responders_[:, r], m)
        better_resp = responders_[:, t] > responders_[:, r]
        tt = stats.ttest_ind(change[:, t], change[:, r], axis=-1, equal_var=False, nan_policy="omit")
        p_mean, better_mean = np.asarray(tt.pvalue), mean_change[:, t] > mean_change[:, r]
        diff = post - pre
        mw = stats.mannwhitneyu(diff[:, t], diff[:, r], axis=-1)
        p_wil = np.asarray(mw.pvalue)
        better_wil = np.median(diff[:, t], axis=-1) > np.median(diff[:, r], axis=-1)
        report_resp = (p_resp < 0.05) & better_resp

    def hist(arm):
        values = np.clip(change[:, arm], CHANGE_BINS[0], CHANGE_BINS[-1] - 1e-9)
        index = np.digitize(values, CHANGE_BINS[1:-1])            # bin of each patient, NaN -> last
        seen = np.isfinite(values)
        out = np.zeros((reps, CHANGE_BINS.size - 1), dtype=np.int64)
        for j in range(CHANGE_BINS.size - 1):
            out[:, j] = ((index == j) & seen).sum(axis=-1)
        return out

    out = {
        "responders_treated": responders_[:, t], "mean_treated": mean_change[:, t],
        "hist_treated": hist(t), "completed": np.full(reps, m),
        "p_responders": np.asarray(p_resp, dtype=float), "p_mean": p_mean, "p_wilcoxon": p_wil,
        "report_responders": report_resp,
        "report_mean": (p_mean < 0.05) & better_mean,
        "report_wilcoxon": (p_wil < 0.05) & better_wil,
    }
    if arms == 2:
        out.update({"responders_placebo": responders_[:, r], "mean_placebo": mean_change[:, r],
                    "hist_placebo": hist(r)})
    return out


def _run_in_summary(trials: dict, placebo: bool) -> dict:
    """What ``simulate_run_in_trials`` returns, from its per-trial arrays."""
    m = int(trials["completed"][0])
    reps = int(trials["reps"])

    def shares(counts):
        total = counts.sum(axis=0)
        return total / max(total.sum(), 1)

    nan_hist = np.full(CHANGE_BINS.size - 1, np.nan)
    out = {
        "responder_share": float(trials["responders_treated"].mean() / m),
        "mean_change": float(np.nanmedian(trials["mean_treated"])),
        "placebo_responder_share": float(trials["responders_placebo"].mean() / m) if placebo else float("nan"),
        "placebo_mean_change": float(np.nanmedian(trials["mean_placebo"])) if placebo else float("nan"),
        "hist_treated": shares(trials["hist_treated"]),
        "hist_placebo": shares(trials["hist_placebo"]) if placebo else nan_hist,
        "n_completed": m, "reps": reps, "halfwidth": float(trials["halfwidth"]),
    }
    for name in ENDPOINTS:
        pv = trials[f"p_{name}"]
        out[f"p_{name}"] = float("nan") if np.all(np.isnan(pv)) else float(np.nanmedian(pv))
        out[f"report_{name}"] = float(np.mean(trials[f"report_{name}"]))
    return out


def synthetic_run_in_cohort(seed: int = 0, n: int = 19, responders: int = 13, improved_less: int = 3,
                            mean_change: float = 47.4, wilcoxon_p: float = 0.0038) -> tuple[pd.DataFrame, int]:
    """Illustrative patient-level slopes for a run-in trial, SYNTHETIC.

    Draws run-in slopes of fast progressors (a decline of 0.6 to 2 points a
    month) and per-patient % changes: ``responders`` improve by more than
    25 %, ``improved_less`` by less, the rest worsen. The responders' changes
    are shifted together so the mean % change over all ``n`` patients is
    ``mean_change``. Draws are repeated from ``seed`` upwards until the
    rounded slopes reproduce, to the published precision, the responder
    count, the mean (0.1) and the two-sided Wilcoxon signed-rank p of post
    against run-in slopes (two significant digits) under the normal
    approximation without continuity correction, which common statistics
    packages report. Returns a DataFrame (patient, run_in_slope, post_slope,
    change_pct, responder) and the seed that produced it.
    """
    import pandas as pd

    n = validate.number("n", n, 5, 200, integer=True)
    responders = validate.number("responders", responders, 0, n, integer=True)
    improved_less = validate.number("improved_less", improved_less, 0, n - responders, integer=True)
    mean_change = validate.number("mean_change", mean_change, -100, 300)
    wilcoxon_p = validate.probability("wilcoxon_p", wilcoxon_p, 1e-12, 1.0)
    seed = validate.seed(seed)
    worse = n - responders - improved_less
    for attempt in range(seed, seed + 100_000):
        rng = np.random.default_rng(attempt)
        pre = -np.round(rng.uniform(0.6, 2.0, n), 3)
        pct = np.concatenate([rng.uniform(30, 120, responders), rng.uniform(3, 24, improved_less),
                              rng.uniform(-60, -5, worse)])
        pct[:responders] += (mean_change * n - pct.sum()) / max(responders, 1)
        post = np.round(pre + pct / 100 * np.abs(pre), 3)
        change = _change(pre, post)
        if ((change > 25).sum() != responders or ((change > 0) & (change <= 25)).sum() != improved_less
                or round(float(change.mean()), 1) != round(mean_change, 1)):
            continue
        p = stats.wilcoxon(post, pre, method="approx", correction=False).pvalue
        if f"{p:.1e}" != f"{wilcoxon_p:.1e}":
            continue
        order = rng.permutation(n)
        frame = pd.DataFrame({
            "patient": np.arange(1, n + 1),
            "run_in_slope": pre[order], "post_slope": post[order],
            "change_pct": np.round(change[order], 1), "responder": (change[order] > 25),
        })
        return frame, attempt
    raise ValueError("no draw reproduced the summaries within 100,000 seeds: check that they are "
                     "consistent (for example, the p-value is reachable with n patients)")
