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

import numpy as np
from scipy import stats

from . import validate

SCORE_MAX = 48.0                 # ALSFRS-R runs from 0 to 48
BASELINE_MEAN, BASELINE_SD = 38.0, 5.0
BASELINE_RANGE = (20.0, 44.0)    # true score at month 0, kept off the ceiling
MIN_DECLINE = 0.05               # every patient's true slope is at most -0.05/month
SHAPES = {"linear": 0.0, "slowing": -0.5, "accelerating": 0.5}
ENROL = ("all", "fast")
DROPOUT = ("none", "informative")
DROPOUT_SHARE = 0.25
ALTERNATIVES = ("two-sided", "greater", "less")


def slope(times, scores):
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


def percent_slope_change(pre_slope, post_slope):
    """Relative improvement in the rate of decline, in percent:
    100 * (post_slope - pre_slope) / |pre_slope|.

    Positive means slower decline after treatment: -1.0/month becoming
    -0.5/month is +50; becoming -1.5/month is -50; a decline that stops
    (post 0) is +100.  Dividing by |pre_slope| keeps the sign meaning the
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


def responders(pre_slope, post_slope, threshold=0.25):
    """Share of patients whose decline slowed by more than ``threshold``
    (0.25 means a more than 25 % improvement by ``percent_slope_change``)."""
    threshold = validate.probability("threshold", threshold)
    change = np.atleast_1d(percent_slope_change(pre_slope, post_slope))
    return float(np.mean(change > 100 * threshold))


def wilcoxon_paired(pre, post, alternative="two-sided"):
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


def simulate_run_in(n=40, run_in_months=3, followup_months=6, mean_slope=-1.0, slope_sd=0.5,
                    noise_sd=1.5, effect=0.0, shape="linear", enrol="all", dropout="none",
                    seed=0) -> dict:
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
    """
    n = validate.number("n", n, 5, 10_000, integer=True)
    run_in = validate.number("run_in_months", run_in_months, 2, 12, integer=True)
    follow = validate.number("followup_months", followup_months, 2, 24, integer=True)
    mean_slope = validate.number("mean_slope", mean_slope, -3.0, -0.1)
    slope_sd = validate.number("slope_sd", slope_sd, 0.0, 1.5)
    noise_sd = validate.number("noise_sd", noise_sd, 0.0, 4.0)
    effect = validate.probability("effect", effect, 0.0, 0.9)
    validate.choice("shape", shape, SHAPES)
    validate.choice("enrol", enrol, ENROL)
    validate.choice("dropout", dropout, DROPOUT)
    seed = validate.seed(seed)
    rng = np.random.default_rng(seed)

    screened = 2 * n if enrol == "fast" else n
    months = np.arange(run_in + follow + 1, dtype=float)
    total = months[-1]
    natural = months + SHAPES[shape] * months ** 2 / (2 * total)   # integral of 1 + c t / T
    at_start = natural[run_in]
    course = np.where(months <= run_in, natural, at_start + (1 - effect) * (natural - at_start))

    baseline = np.clip(rng.normal(BASELINE_MEAN, BASELINE_SD, screened), *BASELINE_RANGE)
    rate = np.minimum(rng.normal(mean_slope, slope_sd, screened), -MIN_DECLINE)
    truth = baseline[:, None] + rate[:, None] * course
    scores = np.clip(truth + rng.normal(0.0, noise_sd, truth.shape), 0.0, SCORE_MAX)
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
