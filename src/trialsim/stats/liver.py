"""Time to an event: Kaplan-Meier curves, the log-rank test, Cox hazard
ratios and landmark analyses (the liver trial's landmark survival chapter).

Survival claims go wrong in ways a learner can watch: a benefit that fades
(hazards that are not proportional), a single hazard ratio averaged over
an early and a late period, or a "landmark" analysis that starts the clock
only for patients who survived long enough to be treated or to respond.
``simulate_survival`` draws trials with a hazard ratio that changes at a
given month; the other functions are thin, validated wrappers over lifelines.

Conventions: times are in months from randomisation; ``events`` is 1 for an
event and 0 for censoring; ``group`` is 1 for the treated arm and 0 for
control, and hazard ratios are treated relative to control.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from contextlib import contextmanager

import numpy as np
import pandas as pd
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.statistics import logrank_test
from numpy.typing import ArrayLike
from scipy import stats

from . import validate


@contextmanager
def _quiet():
    """lifelines 0.30 calls pandas 3 methods with positional arguments, which
    warns (Pandas4Warning) on every fit; the results are unaffected."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=pd.errors.Pandas4Warning, module="lifelines")
        yield


def simulate_survival(n_per_arm: int = 50, hazard_control: float = 0.05, hazard_ratio_early: float = 0.7,
                      hazard_ratio_late: float = 0.7, change_month: float = 6, followup_months: float = 24,
                      seed: int = 0) -> dict:
    """Seeded two-arm trial with piecewise-exponential event times.

    Control patients have a constant hazard ``hazard_control`` per month;
    treated patients have ``hazard_ratio_early`` times that hazard before
    ``change_month`` and ``hazard_ratio_late`` times it afterwards.  Everyone
    is followed for ``followup_months`` (administrative censoring; no other
    loss to follow-up).  Returns a dict of arrays 'times', 'events' (0/1)
    and 'group' (0 control, then 1 treated).
    """
    n = validate.number("n_per_arm", n_per_arm, 5, 100_000, integer=True)
    hazard = validate.number("hazard_control", hazard_control, 1e-4, 5.0)
    hr_early = validate.number("hazard_ratio_early", hazard_ratio_early, 0.01, 20.0)
    hr_late = validate.number("hazard_ratio_late", hazard_ratio_late, 0.01, 20.0)
    follow = validate.number("followup_months", followup_months, 1, 240)
    change = validate.number("change_month", change_month, 0, follow)
    seed = validate.seed(seed)

    group = np.repeat([0, 1], n)
    early = hazard * np.where(group == 1, hr_early, 1.0)
    late = hazard * np.where(group == 1, hr_late, 1.0)
    # invert the cumulative hazard at an Exp(1) draw
    target = np.random.default_rng(seed).exponential(size=2 * n)
    before = early * change
    t = np.where(target < before, target / early, change + (target - before) / late)
    return {"times": np.minimum(t, follow), "events": (t <= follow).astype(int), "group": group}


def _data(times, events, group=None, arm=""):
    """Validated survival data: times >= 0, events 0/1 (and group 0/1 with
    both arms); ``arm`` ('_a', '_b') completes the parameter names."""
    t_name, e_name = "times" + arm, "events" + arm
    times = np.atleast_1d(validate.number(t_name, times, 0, np.inf)).astype(float)
    events = validate.binary(e_name, events)
    if group is None:
        validate.same_length(**{t_name: times, e_name: events})
        return times, events
    group = validate.binary("group", group)
    validate.same_length(times=times, events=events, group=group)
    if np.unique(group).size < 2:
        raise ValueError("group has only one arm: give 1 for treated and 0 for control patients")
    return times, events, group


def km(times: ArrayLike, events: ArrayLike) -> dict:
    """Kaplan-Meier estimate (lifelines ``KaplanMeierFitter``).

    Returns a dict: 'timeline' (0 and each distinct time), 'survival' (the
    estimated share event-free just after each time), its pointwise 95 %
    'ci_low'/'ci_high', and 'median' (inf when survival never falls to half).
    """
    times, events = _data(times, events)
    with _quiet():
        fit = KaplanMeierFitter().fit(times, events)
    ci = fit.confidence_interval_survival_function_.to_numpy()
    return {"timeline": fit.timeline, "survival": fit.survival_function_.to_numpy()[:, 0],
            "ci_low": ci[:, 0], "ci_high": ci[:, 1], "median": float(fit.median_survival_time_)}


def logrank(times_a: ArrayLike, events_a: ArrayLike, times_b: ArrayLike, events_b: ArrayLike) -> dict:
    """Log-rank test of two arms (lifelines ``logrank_test``); returns a
    dict with the chi-squared 'statistic' (1 df) and the two-sided 'p'."""
    times_a, events_a = _data(times_a, events_a, arm="_a")
    times_b, events_b = _data(times_b, events_b, arm="_b")
    if events_a.sum() + events_b.sum() == 0:
        raise ValueError("events_a and events_b are all 0: the log-rank test needs an event")
    with _quiet():
        res = logrank_test(times_a, times_b, event_observed_A=events_a, event_observed_B=events_b)
    return {"statistic": float(res.test_statistic), "p": float(res.p_value)}


def cox_hr(times: ArrayLike, events: ArrayLike, group: ArrayLike) -> dict:
    """Hazard ratio of group 1 (treated) to group 0 from a Cox proportional
    hazards model (lifelines ``CoxPHFitter``, Efron ties).  Returns a dict
    with 'hr', its 95 % Wald 'ci_low'/'ci_high' and the Wald 'p'."""
    times, events, group = _data(times, events, group)
    return _cox(times, events, group)


def _cox(times, events, group):
    if events.sum() == 0:
        raise ValueError("events are all 0: a hazard ratio needs at least one event")
    frame = pd.DataFrame({"time": times, "event": events, "group": group})
    with _quiet():
        row = CoxPHFitter().fit(frame, "time", "event").summary.loc["group"]
    return {"hr": float(row["exp(coef)"]), "ci_low": float(row["exp(coef) lower 95%"]),
            "ci_high": float(row["exp(coef) upper 95%"]), "p": float(row["p"])}


def landmark(times: ArrayLike, events: ArrayLike, group: ArrayLike, start: float) -> dict:
    """Landmark analysis from month ``start``: keep only patients still
    event-free and in follow-up after ``start`` (time > start), restart
    their clock at ``start`` and compare the arms over the remaining window.

    Returns the Cox 'hr', 'ci_low', 'ci_high', 'p' in the window, the
    log-rank 'logrank_p' over it, and 'n' and 'n_events' kept.
    """
    times, events, group = _data(times, events, group)
    start = validate.number("start", start, 0, np.inf)
    keep = times > start
    if np.unique(group[keep]).size < 2 or events[keep].sum() == 0:
        raise ValueError(f"start={start!r} leaves no events or only one arm at risk: "
                         "choose an earlier landmark")
    t, e, g = times[keep] - start, events[keep], group[keep]
    out = _cox(t, e, g)
    out["logrank_p"] = logrank(t[g == 1], e[g == 1], t[g == 0], e[g == 0])["p"]
    out.update(n=int(keep.sum()), n_events=int(e.sum()))
    return out


# ---------------------------------------------------------------- many trials at once, in whole months
#
# The explorers recompute survival comparisons for hundreds of simulated
# trials and several analysis windows at a time, far faster than one
# lifelines fit each.  Event times here are whole months (an event in the
# m-th month of follow-up is recorded as month m), so the trials' data
# reduce to counts per month, and the Kaplan-Meier curve, the log-rank test
# and the Cox model for one binary covariate (Breslow's handling of ties)
# are sums over months.  The tests check each against lifelines or
# statsmodels on the same whole-month data.

EFFECTS = {
    # name: (hazard ratio in each period, the months at which the period changes)
    "none": ((1.0,), ()),
    "early_harm": ((1.6, 0.6), (6,)),      # harm in the first six months, benefit after
    "constant": ((0.7,), ()),
    "late_only": ((1.0, 0.55), (12,)),     # nothing for a year, then a benefit
}


def simulate_months(n_treated: int, n_control: int, hazard_control: float, ratios: Sequence[float] = (1.0,),
                    changes: Sequence[float] = (), followup: int = 24, reps: int = 1, seed: int = 0,
                    rng: np.random.Generator | None = None) -> dict[str, np.ndarray]:
    """Seeded two-arm trials, ``reps`` at once, with event times in whole months.

    Control patients have a constant hazard ``hazard_control`` per month.
    Treated patients' hazard is ``ratios[j]`` times it in period j; the
    periods change at the months in ``changes`` (one fewer than ratios, in
    increasing order).  Everyone is followed for ``followup`` months.
    Every trial uses the same uniform draws whatever the ratios (common random
    numbers, so a change of effect is not confounded with a change of luck).
    ``rng`` (a numpy Generator) replaces ``seed`` when given, for batches
    of a longer seeded run.
    Returns a dict of arrays, shape (reps, n): 'times' (1 .. followup),
    'events' (0/1), and 'group' (1 treated first, then 0 control), shape (n,).
    """
    n1 = validate.number("n_treated", n_treated, 5, 100_000, integer=True)
    n0 = validate.number("n_control", n_control, 5, 100_000, integer=True)
    hazard = validate.number("hazard_control", hazard_control, 1e-4, 5.0)
    follow = validate.number("followup", followup, 1, 240, integer=True)
    ratios = [validate.number("ratios", r, 0.01, 20.0) for r in np.atleast_1d(ratios)]
    changes = [validate.number("changes", c, 0, follow) for c in np.atleast_1d(changes)]
    if len(changes) != len(ratios) - 1:
        raise ValueError(f"changes has {len(changes)} months for {len(ratios)} ratios: give one fewer change "
                         "than ratios")
    if list(changes) != sorted(changes):
        raise ValueError(f"changes {changes} must be in increasing order")
    reps = validate.number("reps", reps, 1, 1_000_000, integer=True)
    seed = validate.seed(seed)
    group = np.repeat([1, 0], [n1, n0])
    target = (rng or np.random.default_rng(seed)).exponential(size=(reps, n1 + n0))
    # the treated arm's cumulative hazard is piecewise linear: invert it period by period
    edges = np.r_[0.0, changes, np.inf]
    steps = zip(ratios[:-1], edges[:-2], edges[1:-1], strict=True)
    cum = np.r_[0.0, np.cumsum([hazard * r * (b - a) for r, a, b in steps])]
    period = np.searchsorted(cum, target, side="right") - 1
    rate = hazard * np.asarray(ratios)[period]
    treated_t = edges[period] + (target - cum[period]) / rate
    t = np.where(group == 1, treated_t, target / hazard)
    months = np.ceil(t).astype(int)
    events = (months <= follow).astype(int)
    return {"times": np.minimum(np.maximum(months, 1), follow), "events": events, "group": group}


def monthly_counts(times: ArrayLike, events: ArrayLike, group: ArrayLike, followup: int) -> dict[str, np.ndarray]:
    """Per trial and month m = 1 .. ``followup``: patients at risk at the
    start of month m and events in it, by arm.  ``times``/``events`` are
    (reps, n) or (n,) whole months; returns a dict of (reps, followup) arrays
    'at_risk_1', 'at_risk_0', 'events_1', 'events_0'."""
    follow = validate.number("followup", followup, 1, 240, integer=True)
    times = np.atleast_2d(validate.number("times", times, 1, follow, integer=True)).astype(int)
    events = np.atleast_2d(validate.binary("events", events))
    group = validate.binary("group", group)
    if times.shape != events.shape or times.shape[-1] != group.shape[-1]:
        raise ValueError(f"times {times.shape}, events {events.shape} and group {group.shape} must match")
    reps = times.shape[0]
    out = {}
    for arm in (1, 0):
        cols = group == arm
        t, e = times[:, cols], events[:, cols]
        row = np.arange(reps)[:, None] * (follow + 1)
        ended = np.bincount((row + t).ravel(), minlength=reps * (follow + 1)).reshape(reps, follow + 1)
        died = np.bincount((row + t).ravel(), weights=e.ravel(), minlength=reps * (follow + 1))
        died = died.reshape(reps, follow + 1)
        # at risk at the start of month m: everyone whose time is m or later
        at_risk = cols.sum() - np.cumsum(ended, axis=1)[:, :-1]
        out[f"at_risk_{arm}"] = at_risk[:, :follow]
        out[f"events_{arm}"] = died[:, 1:]
    return out


def km_monthly(at_risk: np.ndarray, events: np.ndarray) -> np.ndarray:
    """Kaplan-Meier survival at the end of each month from the counts of one
    arm: the product of (1 - events / at risk); shape as given."""
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.where(at_risk > 0, 1 - events / at_risk, 1.0)
    return np.cumprod(step, axis=-1)


def window_tests(counts: Mapping[str, np.ndarray], start: int = 0, stop: int | None = None,
                 level: float = 0.95) -> dict[str, np.ndarray]:
    """The log-rank test and a Cox hazard ratio (treated vs control) over
    the months after ``start`` up to ``stop`` (a landmark analysis from
    ``start``: only patients still event-free and followed after it count),
    for every trial in ``counts`` (from ``monthly_counts``) at once.

    The log-rank statistic uses the hypergeometric variance (as lifelines
    and statsmodels do).  The hazard ratio maximises Cox's partial
    likelihood with Breslow's ties by Newton's method, with its Wald
    interval and p.  Returns a dict of arrays over trials: 'logrank_p',
    'chi2', 'hr', 'ci_low', 'ci_high', 'cox_p', 'events' (in the window) and
    'n' (at risk at its start)."""
    months = counts["at_risk_1"].shape[-1]
    start = validate.number("start", start, 0, months - 1, integer=True)
    stop = months if stop is None else validate.number("stop", stop, start + 1, months, integer=True)
    sl = slice(start, stop)
    n1, n0 = counts["at_risk_1"][..., sl].astype(float), counts["at_risk_0"][..., sl].astype(float)
    d1, d0 = counts["events_1"][..., sl], counts["events_0"][..., sl]
    n, d = n1 + n0, d1 + d0
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(n > 0, n1 / n, 0.0)
        expected = d * share
        var = np.where(n > 1, d * share * (1 - share) * (n - d) / (n - 1), 0.0)
        o_e, v = (d1 - expected).sum(-1), var.sum(-1)
        chi2 = np.where(v > 0, o_e ** 2 / v, np.nan)
        beta = np.where(v > 0, o_e / v, 0.0)          # the Peto estimate starts Newton's method
        for _ in range(25):
            w1 = n1 * np.exp(beta)[..., None]
            p = np.where(n > 0, w1 / (w1 + n0), 0.0)
            score, info = (d1 - d * p).sum(-1), (d * p * (1 - p)).sum(-1)
            step = np.where(info > 0, score / info, 0.0)
            beta = np.clip(beta + step, -20, 20)
            if np.all(np.abs(step) < 1e-10):
                break
        se = np.where(info > 0, 1 / np.sqrt(info), np.nan)
    z = stats.norm.isf((1 - validate.probability("level", level, 0.5, 0.9999)) / 2)
    with np.errstate(over="ignore", invalid="ignore"):
        return {"logrank_p": stats.chi2.sf(chi2, 1), "chi2": chi2, "hr": np.exp(beta),
                "ci_low": np.exp(beta - z * se), "ci_high": np.exp(beta + z * se),
                "cox_p": 2 * stats.norm.sf(np.abs(beta / se)), "events": d.sum(-1), "n": n[..., 0]}
