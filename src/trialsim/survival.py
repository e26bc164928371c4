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
from contextlib import contextmanager

import numpy as np
import pandas as pd
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.statistics import logrank_test

from . import validate


@contextmanager
def _quiet():
    """lifelines 0.30 calls pandas 3 methods with positional arguments, which
    warns (Pandas4Warning) on every fit; the results are unaffected."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=pd.errors.Pandas4Warning, module="lifelines")
        yield


def simulate_survival(n_per_arm=50, hazard_control=0.05, hazard_ratio_early=0.7,
                      hazard_ratio_late=0.7, change_month=6, followup_months=24, seed=0) -> dict:
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


def km(times, events) -> dict:
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


def logrank(times_a, events_a, times_b, events_b) -> dict:
    """Log-rank test of two arms (lifelines ``logrank_test``); returns a
    dict with the chi-squared 'statistic' (1 df) and the two-sided 'p'."""
    times_a, events_a = _data(times_a, events_a, arm="_a")
    times_b, events_b = _data(times_b, events_b, arm="_b")
    if events_a.sum() + events_b.sum() == 0:
        raise ValueError("events_a and events_b are all 0: the log-rank test needs an event")
    with _quiet():
        res = logrank_test(times_a, times_b, event_observed_A=events_a, event_observed_B=events_b)
    return {"statistic": float(res.test_statistic), "p": float(res.p_value)}


def cox_hr(times, events, group) -> dict:
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


def landmark(times, events, group, start) -> dict:
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
