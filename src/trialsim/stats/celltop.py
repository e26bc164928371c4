"""Natural recovery against a treatment effect in a small spinal-cord-injury
trial (chapter 1, CELLTOP).

The model is deliberately simple and every assumption is a parameter:

* ``assumed_rate`` is the share of untreated patients who improve by at least
  one AIS grade over the follow-up, as taken from the literature by a reader
  or by a historical comparison (about 5 % for late recovery, Kirshblum 2004).
* ``timing`` says when patients were injected.  Late (chronic) patients
  recover at the assumed rate.  Patients injected early, within the first
  year, are still in the window of fast natural recovery and get an extra
  chance ``EARLY_EXTRA`` of improving (illustrative, inside the 11-30 %
  one-year conversion range reviewed by Kirshblum 2021).
* ``endpoint`` rescales every rate: two AIS grades is rarer than one, and a
  threshold on a continuous motor score is crossed more often than a grade
  changes (``ENDPOINT_FACTOR``, illustrative).
* ``effect`` is the share of patients who would not have improved naturally
  but improve because of the cells: p_treated = p_nat + effect * (1 - p_nat).

Everything is exact (binomial and normal-approximation power from scipy and
statsmodels) and vectorised over the numeric parameters.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from . import proportions, validate

DESIGNS = ("none", "historical", "randomised")
TIMINGS = ("early", "late")
EARLY_EXTRA = 0.25
ENDPOINT_FACTOR = {"ais1": 1.0, "ais2": 0.375, "motor": 2.0}
RATE_CAP = 0.95
ALPHA = 0.025  # one-sided: the 'benefit' half of a two-sided 5 % test


def natural_rate(assumed_rate: ArrayLike, timing: str, endpoint: str) -> float | np.ndarray:
    """True share of untreated patients improving on ``endpoint``."""
    assumed_rate = validate.probability("assumed_rate", assumed_rate, 0.0, 0.5)
    validate.choice("timing", timing, TIMINGS)
    validate.choice("endpoint", endpoint, ENDPOINT_FACTOR)
    base = np.asarray(assumed_rate, dtype=float)
    if timing == "early":
        base = 1 - (1 - base) * (1 - EARLY_EXTRA)
    return np.minimum(base * ENDPOINT_FACTOR[endpoint], RATE_CAP)[()]


def benchmark_rate(assumed_rate: ArrayLike, endpoint: str) -> float | np.ndarray:
    """The benchmark a historical comparison uses: the assumed rate on the
    endpoint's scale, whatever the timing of the patients actually treated."""
    assumed_rate = validate.probability("assumed_rate", assumed_rate, 0.0, 0.5)
    validate.choice("endpoint", endpoint, ENDPOINT_FACTOR)
    return np.minimum(np.asarray(assumed_rate) * ENDPOINT_FACTOR[endpoint], RATE_CAP)[()]


def simulate(design: str, assumed_rate: ArrayLike, n_per_arm: ArrayLike, endpoint: str, effect: ArrayLike,
             timing: str, observed_share: float = 0.7, alpha: float = ALPHA) -> dict:
    """What a trial of this design would show, and how often it would mislead.

    Returns a dict of numbers (numpy scalars or arrays, broadcast over the
    numeric parameters):

    p_natural, p_benchmark, p_treated
        true natural rate, the benchmark a historical comparison assumes, and
        the true rate with the cells.
    k_like, chance_like
        the count matching ``observed_share`` of ``n_per_arm`` (7 of 10 in
        CELLTOP) and the chance of at least that many improving with no
        treatment effect at all.
    ci_low, ci_high
        95 % Clopper-Pearson interval if ``k_like`` of ``n_per_arm`` improved.
    false_alarm, power
        for this design, the chance of declaring benefit when the cells do
        nothing, and when they have ``effect`` (NaN with no control: there is
        nothing to test against).
    rct_power, rct_false_alarm
        the same for a randomised trial with ``n_per_arm`` per arm.
    treated_low/high, control_low/high
        central 95 % range of the share each arm would show.
    """
    validate.choice("design", design, DESIGNS)
    n = validate.number("n_per_arm", n_per_arm, 5, 5000, integer=True)
    effect = validate.probability("effect", effect, 0.0, 0.9)
    observed_share = validate.probability("observed_share", observed_share, 0.01, 1.0)
    alpha = validate.probability("alpha", alpha, 0.001, 0.25)
    p_nat = natural_rate(assumed_rate, timing, endpoint)
    p_bench = benchmark_rate(assumed_rate, endpoint)
    p_treat = p_nat + np.asarray(effect) * (1 - p_nat)

    k_like = np.ceil(np.round(observed_share * np.asarray(n), 9)).astype(int)
    chance_like = proportions.prob_at_least(k_like, n, p_nat)
    ci_low, ci_high = proportions.confint(k_like, n, 0.95, "clopper-pearson")

    rct_power = proportions.two_proportion_power(p_treat, p_nat, n, alpha)
    rct_false = proportions.two_proportion_power(p_nat, p_nat, n, alpha)
    if design == "randomised":
        false_alarm, power = rct_false, rct_power
    elif design == "historical":
        k_crit = proportions.critical_count(n, np.clip(p_bench, 1e-6, 1 - 1e-6), alpha)
        false_alarm = _at_least(k_crit, n, p_nat)
        power = _at_least(k_crit, n, p_treat)
    else:
        shape = np.broadcast(n, p_nat, p_treat).shape
        false_alarm = power = np.full(shape, np.nan)[()]

    t_low, t_high = proportions.observed_range(n, p_treat)
    c_low, c_high = proportions.observed_range(n, p_nat)
    return {
        "p_natural": p_nat, "p_benchmark": p_bench, "p_treated": p_treat,
        "k_like": k_like[()], "chance_like": chance_like,
        "ci_low": ci_low, "ci_high": ci_high,
        "false_alarm": false_alarm, "power": power,
        "rct_power": rct_power, "rct_false_alarm": rct_false,
        "treated_low": t_low, "treated_high": t_high,
        "control_low": c_low, "control_high": c_high,
    }


def _at_least(k, n, p):
    """P(X >= k) allowing k = n + 1 (impossible: probability 0)."""
    k = np.asarray(k)
    safe = np.minimum(k, n)
    return np.where(k > n, 0.0, proportions.prob_at_least(safe, n, p))[()]
