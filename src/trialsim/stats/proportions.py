"""Proportions: exact binomial tails and tests, confidence intervals, and the
power and size of a two-proportion comparison.

Thin, validated, vectorised wrappers around scipy.stats and statsmodels, so
that every chapter asks the same question the same way.  Tests check each
function against the library call it wraps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_confint, proportion_effectsize

from . import validate

if TYPE_CHECKING:
    import pandas as pd

MAX_N = 100_000
CI_METHODS = {"clopper-pearson": "beta", "wilson": "wilson"}


def prob_at_least(k: ArrayLike, n: ArrayLike, p: ArrayLike) -> float | np.ndarray:
    """P(X >= k) for X ~ Binomial(n, p): the chance of seeing ``k`` or more
    successes among ``n`` patients when each succeeds with probability ``p``."""
    n = validate.number("n", n, 1, MAX_N, integer=True)
    k = validate.number("k", k, 0, MAX_N, integer=True)
    p = validate.probability("p", p)
    validate.at_most("k", k, "n", n)
    return stats.binom.sf(np.asarray(k) - 1, n, p)[()]


def exact_test_greater(k: int, n: int, p0: float) -> float:
    """One-sided exact binomial test p-value that the true rate exceeds ``p0``
    (scipy.stats.binomtest)."""
    k = validate.number("k", k, 0, MAX_N, integer=True)
    n = validate.number("n", n, 1, MAX_N, integer=True)
    p0 = validate.probability("p0", p0, 1e-9, 1 - 1e-9)
    validate.at_most("k", k, "n", n)
    return float(stats.binomtest(k, n, p0, alternative="greater").pvalue)


def critical_count(n: ArrayLike, p0: ArrayLike, alpha: float = 0.025) -> int | np.ndarray:
    """Smallest count k such that the one-sided exact binomial test of
    ``k``/``n`` against ``p0`` has p <= ``alpha``: the number of patients who
    must improve before a single-arm trial may claim to beat a benchmark.
    Returns n + 1 where no count is enough."""
    n = validate.number("n", n, 1, MAX_N, integer=True)
    p0 = validate.probability("p0", p0, 1e-9, 1 - 1e-9)
    alpha = validate.probability("alpha", alpha, 1e-6, 0.5)
    k = stats.binom.ppf(1 - alpha, n, p0) + 1
    # ppf works on a floating-point cdf: step once either way to the exact boundary
    k = np.where(stats.binom.sf(k - 2, n, p0) <= alpha, k - 1, k)
    k = np.where(stats.binom.sf(k - 1, n, p0) > alpha, k + 1, k)
    return np.minimum(k, np.asarray(n) + 1).astype(int)[()]


def confint(k: ArrayLike, n: ArrayLike, level: float = 0.95,
            method: str = "clopper-pearson") -> tuple[float | np.ndarray, float | np.ndarray]:
    """Two-sided confidence interval for ``k``/``n`` (statsmodels
    ``proportion_confint``); ``method`` is 'clopper-pearson' (exact) or 'wilson'."""
    validate.choice("method", method, CI_METHODS)
    n = validate.number("n", n, 1, MAX_N, integer=True)
    k = validate.number("k", k, 0, MAX_N, integer=True)
    level = validate.probability("level", level, 0.5, 0.999)
    validate.at_most("k", k, "n", n)
    low, high = proportion_confint(k, n, alpha=1 - level, method=CI_METHODS[method])
    return np.asarray(low)[()], np.asarray(high)[()]


def observed_range(n: ArrayLike, p: ArrayLike, level: float = 0.95) -> tuple[float | np.ndarray, float | np.ndarray]:
    """The central ``level`` range of the share a trial of ``n`` patients would
    observe when the true rate is ``p`` (binomial quantiles divided by n)."""
    n = validate.number("n", n, 1, MAX_N, integer=True)
    p = validate.probability("p", p)
    tail = (1 - validate.probability("level", level, 0.5, 0.999)) / 2
    low = stats.binom.ppf(tail, n, p) / np.asarray(n)
    high = stats.binom.ppf(1 - tail, n, p) / np.asarray(n)
    return low[()], high[()]


def two_proportion_power(p_treated: ArrayLike, p_control: ArrayLike, n_per_arm: ArrayLike, alpha: float = 0.025,
                         alternative: str = "larger") -> float | np.ndarray:
    """Power of a randomised two-arm comparison of proportions (normal
    approximation on Cohen's h, statsmodels ``NormalIndPower``).

    The default, one-sided alpha 0.025 for 'treated larger', is the benefit
    half of the usual two-sided 5 % test."""
    p_treated = validate.probability("p_treated", p_treated)
    p_control = validate.probability("p_control", p_control)
    n_per_arm = validate.number("n_per_arm", n_per_arm, 2, MAX_N, integer=True)
    alpha = validate.probability("alpha", alpha, 1e-6, 0.5)
    validate.choice("alternative", alternative, ["larger", "two-sided"])
    h = proportion_effectsize(p_treated, p_control)
    power = NormalIndPower().power(h, n_per_arm, alpha, ratio=1.0, alternative=alternative)
    return np.asarray(power)[()]


def n_per_arm_for_power(p_treated: float, p_control: float, power: float = 0.8, alpha: float = 0.025,
                        alternative: str = "larger") -> int:
    """Patients needed per arm for a two-arm comparison of proportions to reach
    ``power`` (statsmodels ``NormalIndPower.solve_power``), rounded up."""
    p_treated = validate.probability("p_treated", p_treated)
    p_control = validate.probability("p_control", p_control)
    power = validate.probability("power", power, 0.5, 0.999)
    alpha = validate.probability("alpha", alpha, 1e-6, 0.5)
    validate.choice("alternative", alternative, ["larger", "two-sided"])
    if p_treated == p_control:
        raise ValueError(
            f"p_treated={p_treated!r} equals p_control={p_control!r}: no sample size detects "
            "a zero difference; choose different rates"
        )
    h = proportion_effectsize(p_treated, p_control)
    if alternative == "larger" and h < 0:
        raise ValueError(
            f"p_treated={p_treated!r} is below p_control={p_control!r}: with "
            "alternative='larger' the treated rate must be the higher one"
        )
    n = NormalIndPower().solve_power(effect_size=abs(h) if alternative == "two-sided" else h,
                                     nobs1=None, alpha=alpha, power=power, ratio=1.0,
                                     alternative=alternative)
    return int(np.ceil(n))


def fisher_exact(events_a: int, n_a: int, events_b: int, n_b: int,
                 alternative: str = "two-sided") -> tuple[float, float]:
    """Fisher's exact test of events_a/n_a against events_b/n_b (scipy);
    returns (odds ratio, p-value)."""
    n_a = validate.number("n_a", n_a, 1, MAX_N, integer=True)
    n_b = validate.number("n_b", n_b, 1, MAX_N, integer=True)
    events_a = validate.number("events_a", events_a, 0, n_a, integer=True)
    events_b = validate.number("events_b", events_b, 0, n_b, integer=True)
    validate.choice("alternative", alternative, ["two-sided", "less", "greater"])
    table = [[events_a, n_a - events_a], [events_b, n_b - events_b]]
    res = stats.fisher_exact(table, alternative=alternative)
    return float(res.statistic), float(res.pvalue)


def rule_of_three(n: ArrayLike) -> float | np.ndarray:
    """Approximate 95 % upper bound on an event rate when 0 events were seen
    in ``n`` patients (3/n); see ``zero_event_upper`` for the exact bound."""
    n = validate.number("n", n, 1, MAX_N * 100, integer=True)
    return (3.0 / np.asarray(n))[()]


def zero_event_upper(n: ArrayLike, level: float = 0.95) -> float | np.ndarray:
    """Exact one-sided upper confidence bound on an event rate when 0 events
    were seen in ``n`` patients: 1 - (1 - level)**(1/n)."""
    n = validate.number("n", n, 1, MAX_N * 100, integer=True)
    level = validate.probability("level", level, 0.5, 0.999)
    return (1 - (1 - level) ** (1 / np.asarray(n, dtype=float)))[()]


def patients_to_see(rate: ArrayLike, prob: float = 0.95) -> int | np.ndarray:
    """Patients needed for at least one event to happen with probability
    ``prob`` when each patient has the event with probability ``rate``: the
    smallest n with 1 - (1 - rate)**n >= prob.  (For prob 0.95 this is
    about 3/rate: the rule of three read backwards.)"""
    rate = validate.probability("rate", rate, 1e-9, 1 - 1e-9)
    prob = validate.probability("prob", prob, 1e-6, 1 - 1e-9)
    n = np.ceil(np.log1p(-np.asarray(prob)) / np.log1p(-np.asarray(rate)) - 1e-9)
    return n.astype(int)[()]


def simulate_counts(n: int, p: float, reps: int, seed: int) -> np.ndarray:
    """Seeded Monte-Carlo draw of ``reps`` trial results (number of successes
    among ``n``), to check the exact results by simulation."""
    n = validate.number("n", n, 1, MAX_N, integer=True)
    p = validate.probability("p", p)
    reps = validate.number("reps", reps, 1, 10_000_000, integer=True)
    seed = validate.seed(seed)
    return np.random.default_rng(seed).binomial(n, p, size=reps)


def synthetic_binary_groups(groups: dict[str, tuple[int, int]], seed: int = 0) -> pd.DataFrame:
    """Illustrative patient-level rows, SYNTHETIC, that reproduce published
    counts exactly: ``groups`` maps a group name to (patients, events).
    Returns a DataFrame (patient, group, event) in a seeded random order of
    patients within each group."""
    import pandas as pd

    seed = validate.seed(seed)
    rng = np.random.default_rng(seed)
    rows = []
    for name, (n, events) in groups.items():
        n = validate.number(f"{name} patients", n, 1, MAX_N, integer=True)
        events = validate.number(f"{name} events", events, 0, MAX_N, integer=True)
        validate.at_most(f"{name} events", events, f"{name} patients", n)
        flags = np.zeros(n, dtype=bool)
        flags[:events] = True
        rows.append(pd.DataFrame({"group": name, "event": rng.permutation(flags)}))
    frame = pd.concat(rows, ignore_index=True)
    frame.insert(0, "patient", np.arange(1, len(frame) + 1))
    return frame
