"""Counts per patient: new MRI lesions in the multiple-sclerosis chapters.

MSC trials in MS often count new or enhancing lesions on monthly MRI scans.
Counts are overdispersed: most patients have none, a few have many, so the
variance is far larger than the Poisson variance (equal to the mean).  This
module simulates such counts, compares two arms by a rate ratio (a Poisson
or a negative binomial regression in statsmodels with the number of scans as
exposure), and estimates by simulation the power of a small trial, so a
learner can see how a few "lesion-prone" patients can make or break it.

Parameterisation (NB2, as statsmodels uses it): a count with mean ``mu``
and dispersion ``alpha`` has variance mu + alpha * mu**2.  ``alpha = 0`` is
Poisson; ``alpha = 1/k`` in the "size" or "k" form (variance mu + mu**2 / k).
It arises as a Poisson count whose rate varies between patients by a gamma
distribution with mean ``mu`` and variance ``alpha * mu**2``.

Two designs are modelled.  In a *parallel* trial each patient is in one arm,
so the between-patient variation (alpha) enters the comparison.  In a
two-period *crossover* each patient has both treatments; a patient's
proneness to lesions is assumed the same in both periods, so it cancels: the
count in one period, given the patient's total, is binomial, and only the
Poisson noise is left.  If the treatment's effect carries over into the
following period (cells that keep working after a placebo infusion), the
crossover's estimate shrinks towards no effect.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import statsmodels.api as sm
from numpy.typing import ArrayLike
from scipy import stats
from statsmodels.discrete.discrete_model import NegativeBinomial

from . import validate

if TYPE_CHECKING:
    import pandas as pd

MAX_N = 1_000_000
MODELS = ("poisson", "negbin")
DESIGNS = ("parallel", "crossover")


def _draw(rng, mean, alpha, shape):
    """Gamma-Poisson (negative binomial NB2) counts with the given mean(s)."""
    rate = np.broadcast_to(mean, shape)
    if alpha > 0:
        rate = rate * rng.gamma(1 / alpha, alpha, size=shape)
    return rng.poisson(rate)


def simulate_negbin(n: int, mean: ArrayLike, dispersion: float, size: int | None = None,
                    seed: int = 0) -> np.ndarray:
    """Seeded negative binomial counts for ``n`` patients.

    ``mean`` is one mean for all or one per patient (length ``n``);
    ``dispersion`` is alpha in variance = mean + alpha * mean**2 (0 gives
    Poisson counts).  With ``size`` (a number of replicate trials) the result
    has shape (size, n), else (n,).
    """
    n = validate.number("n", n, 1, MAX_N, integer=True)
    mean = validate.number("mean", mean, 0, 10_000)
    if np.ndim(mean):
        validate.same_length(mean=mean, n=np.empty(n))
    alpha = validate.number("dispersion", dispersion, 0, 100)
    size = None if size is None else validate.number("size", size, 1, MAX_N, integer=True)
    seed = validate.seed(seed)
    shape = (n,) if size is None else (size, n)
    return _draw(np.random.default_rng(seed), mean, alpha, shape)


def _arm(name, counts, exposure_name, exposure):
    counts = np.atleast_1d(validate.number(name, counts, 0, 1e9, integer=True))
    exposure = np.atleast_1d(validate.number(exposure_name, exposure, 1e-9, 1e9))
    if exposure.size == 1:
        exposure = np.full(counts.size, exposure.item(), dtype=float)
    validate.same_length(**{name: counts, exposure_name: exposure})
    if counts.size < 2:
        raise ValueError(f"{name} has {counts.size} patient: give at least 2 per arm")
    if counts.sum() == 0:
        raise ValueError(f"{name} has no events at all: a rate ratio needs at least one "
                         "event in each arm")
    return counts, exposure


def rate_ratio(counts_a: ArrayLike, exposure_a: ArrayLike, counts_b: ArrayLike, exposure_b: ArrayLike,
               model: str = "poisson") -> dict[str, float]:
    """Rate ratio of arm a to arm b (put the treated arm first) from
    per-patient counts and exposures (e.g. the number of scans each patient
    had; one number means the same for everyone).

    Fits log(rate) = b0 + b1 * [arm a] with offset log(exposure):
    model='poisson' is a statsmodels Poisson GLM; model='negbin' a negative
    binomial (NB2) regression whose dispersion alpha is estimated by maximum
    likelihood (statsmodels ``NegativeBinomial``; its coefficients and Wald
    standard errors equal those of a negative binomial GLM with that alpha).

    Returns a dict: 'rate_ratio' = exp(b1), 95 % Wald 'ci_low'/'ci_high',
    two-sided 'p', and 'dispersion' (the estimated alpha; 0 for Poisson).
    """
    validate.choice("model", model, MODELS)
    ya, ea = _arm("counts_a", counts_a, "exposure_a", exposure_a)
    yb, eb = _arm("counts_b", counts_b, "exposure_b", exposure_b)
    y = np.r_[ya, yb]
    x = sm.add_constant(np.r_[np.ones(ya.size), np.zeros(yb.size)])
    offset = np.log(np.r_[ea, eb])
    if model == "poisson":
        fit = sm.GLM(y, x, family=sm.families.Poisson(), offset=offset).fit()
        alpha = 0.0
    else:
        with warnings.catch_warnings():   # alpha near 0 (no overdispersion) warns at the boundary
            warnings.simplefilter("ignore")
            fit = NegativeBinomial(y, x, loglike_method="nb2", offset=offset).fit(
                disp=0, maxiter=200)
        alpha = float(fit.params[-1])
    low, high = np.exp(np.asarray(fit.conf_int(alpha=0.05))[1])
    return {"rate_ratio": float(np.exp(fit.params[1])), "ci_low": float(low),
            "ci_high": float(high), "p": float(fit.pvalues[1]), "dispersion": alpha}


def log_ratio_variance(n_a: float | np.ndarray, mean_a: float | np.ndarray, n_b: float | np.ndarray,
                       mean_b: float | np.ndarray, dispersion: float | np.ndarray) -> float | np.ndarray:
    """Variance of the estimated log rate ratio of two parallel arms of
    negative binomial (NB2) counts: 1/(n_a mean_a) + alpha/n_a + the same
    for b.  ``mean`` is the expected count per patient (rate x exposure).
    This is the inverse information of the NB2 model with one arm indicator,
    and the variance statsmodels' ``power_negbin_ratio_2indep`` uses under
    the alternative."""
    return 1 / (n_a * mean_a) + dispersion / n_a + 1 / (n_b * mean_b) + dispersion / n_b


def share_with_none(mean: ArrayLike, dispersion: float) -> float | np.ndarray:
    """The share of patients with a count of 0 when counts are negative
    binomial (NB2) with ``mean`` per patient and ``dispersion`` alpha
    (scipy's ``nbinom`` with n = 1/alpha; Poisson when alpha = 0).  The
    more patients differ, the more of them have none at all."""
    mean = np.asarray(validate.number("mean", mean, 0, 1e6), dtype=float)
    alpha = validate.number("dispersion", dispersion, 0, 100)
    if alpha == 0:
        return stats.poisson.pmf(0, mean)[()]
    return stats.nbinom.pmf(0, 1 / alpha, 1 / (1 + alpha * mean))[()]


def _wald_z(counts_a, counts_b):
    """Wald z of the log rate ratio a/b, trial by trial (rows), for equal
    exposure per patient, in closed form.

    The negative binomial fit of one arm indicator puts each arm's rate at
    its mean count, so log RR = log(mean_a / mean_b), with variance
    1/(n_a mean_a) + alpha/n_a + the same for b (the inverse information of
    the NB2 model).  alpha is the moment estimate pooled over both arms,
    max(0, sum(var - mean) / sum(mean**2)).  Returns (z, alpha); z is NaN
    when an arm has no events (no finite estimate).
    """
    ma, mb = counts_a.mean(axis=-1), counts_b.mean(axis=-1)
    excess = counts_a.var(axis=-1, ddof=1) - ma + counts_b.var(axis=-1, ddof=1) - mb
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.maximum(excess / (ma ** 2 + mb ** 2), 0.0)
        var = log_ratio_variance(counts_a.shape[-1], ma, counts_b.shape[-1], mb, alpha)
        z = np.log(ma / mb) / np.sqrt(var)
    return np.where((ma > 0) & (mb > 0), z, np.nan), alpha


def rate_ratio_power(n_per_arm: int = 20, base_rate: float = 1.0, rate_ratio: float = 0.5,
                     dispersion: float = 1.0, scans: int = 6, alpha: float = 0.05, reps: int = 1000,
                     seed: int = 0, design: str = "parallel", carryover: float = 0.0) -> float:
    """Power of a two-arm trial comparing lesion counts, by seeded simulation.

    Each patient has ``scans`` scans; the control rate is ``base_rate``
    new lesions per scan, the treated rate ``base_rate * rate_ratio``;
    totals per patient are negative binomial with ``dispersion`` alpha.
    Each of ``reps`` simulated trials is tested by the two-sided Wald test of
    the negative binomial log rate ratio at level ``alpha`` (closed form,
    ``_wald_z``); a trial with no lesions in an arm counts as not
    significant.  Returns the share of significant trials.

    With ``design="crossover"`` each of 2 x ``n_per_arm`` patients has
    ``scans`` scans in each of two periods, half treated first; a patient's
    gamma-distributed proneness is the same in both periods; in the period
    after treatment the rate ratio is ``rate_ratio ** carryover``.  Each
    trial is tested by ``crossover_z`` (the conditional binomial analysis).

    With ``rate_ratio=1`` this is the false-positive rate.  In small, very
    overdispersed trials the Wald test rejects more often than ``alpha``:
    with 10 patients per arm, dispersion 3 and the default rates, about 13 %
    at alpha 0.05 (about 9 % with alpha estimated by maximum likelihood, as
    ``rate_ratio`` does).
    """
    n = validate.number("n_per_arm", n_per_arm, 2, 5000, integer=True)
    base_rate = validate.number("base_rate", base_rate, 0.001, 100)
    ratio = validate.number("rate_ratio", rate_ratio, 0.01, 10)
    disp = validate.number("dispersion", dispersion, 0, 100)
    scans = validate.number("scans", scans, 1, 100, integer=True)
    alpha = validate.probability("alpha", alpha, 1e-6, 0.5)
    reps = validate.number("reps", reps, 1, 100_000, integer=True)
    seed = validate.seed(seed)
    validate.choice("design", design, DESIGNS)
    carryover = validate.probability("carryover", carryover)
    rng = np.random.default_rng(seed)
    mean = base_rate * scans
    if design == "parallel":
        control = _draw(rng, mean, disp, (reps, n))
        treated = _draw(rng, mean * ratio, disp, (reps, n))
        z, _ = _wald_z(treated, control)
    else:
        prone = rng.gamma(1 / disp, disp, size=(2, reps, n)) if disp > 0 else np.ones((2, reps, n))
        first = rng.poisson(mean * prone * np.array([ratio, 1.0])[:, None, None])
        second = rng.poisson(mean * prone * np.array([ratio ** carryover, ratio])[:, None, None])
        z = crossover_z(first[0].sum(-1), second[0].sum(-1), first[1].sum(-1), second[1].sum(-1))["z"]
    return float(np.mean(np.abs(np.nan_to_num(z)) > stats.norm.isf(alpha / 2)))


def crossover_z(first_a: ArrayLike, second_a: ArrayLike, first_b: ArrayLike,
                second_b: ArrayLike) -> dict[str, float | np.ndarray]:
    """Rate ratio of a two-period crossover from each group's total counts
    per period: group a had the treatment first, group b second.

    Conditional on each patient's total, the count in period 1 is binomial
    (the patient's proneness cancels).  With a period effect, the
    conditional model logit P(period 1) = period + log RR in group a and
    period - log RR in group b is saturated, so its maximum likelihood
    estimate is log RR = (logit s_a - logit s_b) / 2, s = the group's share
    of its lesions seen in period 1, with variance
    (1/(T_a s_a (1 - s_a)) + 1/(T_b s_b (1 - s_b))) / 4 (T = the group's
    total).  Vectorised over trials.  Returns a dict of 'rate_ratio',
    'ci_low', 'ci_high' (95 % Wald), 'z' and 'p'; NaN where a share is 0 or 1.
    """
    parts = [np.asarray(validate.number(name, value, 0, 1e12), dtype=float) for name, value in
             (("first_a", first_a), ("second_a", second_a), ("first_b", first_b), ("second_b", second_b))]
    fa, sa, fb, sb = parts
    with np.errstate(divide="ignore", invalid="ignore"):
        ta, tb = fa + sa, fb + sb
        share_a, share_b = fa / ta, fb / tb
        log_rr = (np.log(share_a / (1 - share_a)) - np.log(share_b / (1 - share_b))) / 2
        se = np.sqrt((1 / (ta * share_a * (1 - share_a)) + 1 / (tb * share_b * (1 - share_b))) / 4)
        z = log_rr / se
    ok = np.isfinite(z)
    z = np.where(ok, z, np.nan)
    half = stats.norm.isf(0.025) * se
    out = {"rate_ratio": np.exp(log_rr), "ci_low": np.exp(log_rr - half), "ci_high": np.exp(log_rr + half),
           "z": z, "p": 2 * stats.norm.sf(np.abs(z))}
    return {k: np.where(ok, v, np.nan)[()] for k, v in out.items()}


def power(n_per_arm: int, base_rate: float, rate_ratio: ArrayLike, dispersion: float, scans: float = 1,
          alpha: float = 0.05, design: str = "parallel", carryover: float = 0.0) -> float | np.ndarray:
    """Power of a two-sided Wald test of a rate ratio, without simulation
    (variance at the alternative); ``rate_ratio`` may be an array.

    Parallel: two arms of ``n_per_arm`` with NB2 ``dispersion``, the
    variance of ``log_ratio_variance`` (the same power as statsmodels'
    ``power_negbin_ratio_2indep`` with ``method_var="alt"``, checked in the
    tests).  Crossover: the conditional analysis of ``crossover_z`` at its
    expected totals and shares; carryover shrinks the estimated ratio to
    rate_ratio ** (1 - carryover/2).  Without carryover its variance,
    (1/mean_treated + 1/mean_control) / (2 n_per_arm), is that of two
    Poisson arms of 2 x ``n_per_arm`` patients: the proneness cancels.
    ``rate_ratio_power`` checks both designs by simulation.
    """
    n = validate.number("n_per_arm", n_per_arm, 2, 100_000, integer=True)
    base_rate = validate.number("base_rate", base_rate, 0.001, 100)
    ratio = np.asarray(validate.number("rate_ratio", rate_ratio, 0.01, 10), dtype=float)
    disp = validate.number("dispersion", dispersion, 0, 100)
    scans = validate.number("scans", scans, 0.01, 1000)
    alpha = validate.probability("alpha", alpha, 1e-6, 0.5)
    validate.choice("design", design, DESIGNS)
    carryover = validate.probability("carryover", carryover)
    mean = base_rate * scans
    if design == "parallel":
        se = np.sqrt(log_ratio_variance(n, mean * ratio, n, mean, disp))
        effect = np.abs(np.log(ratio))
    else:
        later = ratio ** carryover                  # group a's rate ratio in the period after treatment
        total_a, share_a = n * mean * (ratio + later), ratio / (ratio + later)
        total_b, share_b = n * mean * (1 + ratio), 1 / (1 + ratio)
        se = np.sqrt((1 / (total_a * share_a * (1 - share_a)) + 1 / (total_b * share_b * (1 - share_b))) / 4)
        effect = (1 - carryover / 2) * np.abs(np.log(ratio))
    crit = stats.norm.isf(alpha / 2)
    return (stats.norm.sf(crit - effect / se) + stats.norm.cdf(-crit - effect / se))[()]


def detectable_ratio(n_per_arm: int, base_rate: float, dispersion: float, scans: float = 1, alpha: float = 0.05,
                     target: float = 0.8, design: str = "parallel", carryover: float = 0.0) -> float:
    """The rate ratio closest to 1 (a reduction) that a trial detects with
    power ``target``: the largest ratio below 1 on a fine grid whose
    ``power`` reaches it, or NaN if even a ratio of 0.05 does not."""
    target = validate.probability("target", target, 0.01, 0.999)
    grid = np.linspace(0.05, 0.999, 950)
    reached = power(n_per_arm, base_rate, grid, dispersion, scans, alpha, design, carryover) >= target
    return float(grid[reached].max()) if reached.any() else float("nan")


def dispersion_from_ci(ci_low: float, ci_high: float, n_a: int, n_b: int, mean_b: float, rate_ratio: float,
                       level: float = 0.95) -> float:
    """The NB2 dispersion that makes a parallel trial's Wald interval for
    the rate ratio as wide as a published one, given the expected control
    count per patient ``mean_b`` (an assumption when the paper does not give
    it).  Raises if the interval is too narrow for any dispersion >= 0."""
    low = validate.number("ci_low", ci_low, 1e-6, 1e6)
    high = validate.number("ci_high", ci_high, 1e-6, 1e6)
    if not low < high:
        raise ValueError(f"ci_low ({low!r}) must be below ci_high ({high!r})")
    n_a = validate.number("n_a", n_a, 1, 1e7, integer=True)
    n_b = validate.number("n_b", n_b, 1, 1e7, integer=True)
    mean_b = validate.number("mean_b", mean_b, 1e-6, 1e6)
    ratio = validate.number("rate_ratio", rate_ratio, 1e-6, 1e6)
    level = validate.probability("level", level, 0.5, 0.9999)
    se = np.log(high / low) / (2 * stats.norm.isf((1 - level) / 2))
    poisson_part = log_ratio_variance(n_a, mean_b * ratio, n_b, mean_b, 0.0)
    excess = se ** 2 - poisson_part
    if excess < 0:
        raise ValueError(f"an interval from {low} to {high} is narrower than Poisson counts with a control mean "
                         f"of {mean_b} per patient allow: assume a larger mean_b")
    return float(excess / (1 / n_a + 1 / n_b))


def _lesion_draw(rng, n_treated, n_control, per_scan_rate, dispersion, rate_ratio, scans):
    """One seeded draw of per-scan counts, the treated arm's total then moved
    one lesion at a time to the whole number nearest the target ratio of
    means (the rate ratio of a one-indicator count model)."""
    n = n_treated + n_control
    prone = rng.gamma(1 / dispersion, dispersion, size=n) if dispersion > 0 else np.ones(n)
    rate = per_scan_rate * prone * np.r_[np.full(n_treated, rate_ratio), np.ones(n_control)]
    counts = rng.poisson(np.repeat(rate[:, None], scans, axis=1))
    control_mean = counts[n_treated:].sum() / n_control
    target = int(round(rate_ratio * control_mean * n_treated))
    treated = counts[:n_treated]
    while treated.sum() != target:
        if treated.sum() < target:   # a lesion more, in a scan of a patient weighted by proneness
            i = rng.choice(n_treated, p=prone[:n_treated] / prone[:n_treated].sum())
            treated[i, rng.integers(scans)] += 1
        else:                        # a lesion fewer, from a scan that has one
            rows, cols = np.nonzero(treated)
            k = rng.integers(rows.size)
            treated[rows[k], cols[k]] -= 1
    return counts


def synthetic_lesion_trial(n_treated: int, n_control: int, per_scan_rate: float, dispersion: float, ratio: float,
                           ci: tuple[float, float], scan_names: Sequence[str],
                           groups: tuple[str, str] = ("treated", "control"), tolerance: float = 0.02, seed: int = 0,
                           max_tries: int = 2000) -> tuple[pd.DataFrame, int]:
    """Illustrative patient-level lesion counts, SYNTHETIC, for a trial that
    publishes only its rate ratio and confidence interval.

    Each patient has a gamma-distributed proneness (NB2 ``dispersion``) and
    Poisson counts on ``len(scan_names)`` scans at ``per_scan_rate`` lesions
    per scan (times ``ratio`` in the treated arm).  The treated arm's
    total is then set to the nearest whole number to ``ratio`` times the
    control mean, so the fitted ratio is the published one to rounding.  The
    first seed from ``seed`` on whose negative binomial fit (``rate_ratio``
    with model 'negbin') puts both ends of the 95 % interval within
    ``tolerance`` of ``ci`` is kept.  Returns (DataFrame, seed): columns
    patient, group, one per scan, and 'total'.
    """
    import pandas as pd

    n_treated = validate.number("n_treated", n_treated, 2, 100_000, integer=True)
    n_control = validate.number("n_control", n_control, 2, 100_000, integer=True)
    per_scan_rate = validate.number("per_scan_rate", per_scan_rate, 0.01, 100)
    dispersion = validate.number("dispersion", dispersion, 0, 100)
    ratio = validate.number("ratio", ratio, 0.01, 100)
    low, high = (validate.number("ci", c, 0.001, 1000) for c in ci)
    scans = len(scan_names)
    if scans < 1:
        raise ValueError("scan_names is empty: name at least one scan")
    start = validate.seed(seed)
    for s in range(start, start + max_tries):
        counts = _lesion_draw(np.random.default_rng(s), n_treated, n_control, per_scan_rate, dispersion,
                              ratio, scans)
        totals = counts.sum(axis=1)
        fit = rate_ratio(totals[:n_treated], scans, totals[n_treated:], scans, model="negbin")
        if abs(fit["ci_low"] - low) <= tolerance and abs(fit["ci_high"] - high) <= tolerance:
            frame = pd.DataFrame(counts, columns=list(scan_names))
            frame.insert(0, "group", [groups[0]] * n_treated + [groups[1]] * n_control)
            frame.insert(0, "patient", np.arange(1, n_treated + n_control + 1))
            frame["total"] = totals
            return frame, s
    raise ValueError(f"no seed from {start} to {start + max_tries - 1} gives an interval within {tolerance} of "
                     f"{ci}: the dispersion or rate assumed may not fit the published interval")
