"""Improvement without treatment, and findings from many looks: the
progressive-MS chapter.

``improvement`` gives the share of patients counted as "improved" on a
disability score in each arm of a trial, when the score fluctuates by itself,
when knowing the treatment shifts what is scored (an expectation effect) and
when the cells may or may not work. Whether the expectation reaches an arm
depends on who knows the allocation (the blinding) and on who scores the
endpoint (a rater, the patient, a stopwatch). All of it is closed-form
(normal and bivariate-normal probabilities), so a control change costs
well under a millisecond per state.

``any_significant`` gives the chance that at least one of ``k`` endpoints or
subgroups is "significant", for correlated tests, with or without a
correction (Bonferroni or Holm), computed exactly; ``simulate_any_significant``
does the same by seeded simulation (vectorised corrections, tested against
statsmodels ``multipletests``) as its check.

Sign convention: a positive change is an improvement. The model is
illustrative; its numbers are stated in the chapter.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike
from scipy import special, stats
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize

from . import validate

BLINDING = ("open", "rater", "double")
ENDPOINTS = {
    # who scores it, how much an expectation can move it (x the chosen size),
    # and how many component scores can each count as an improvement
    "edss_unblinded": {"scorer": "rater", "susceptibility": 1.0, "components": 1},
    "patient_reported": {"scorer": "patient", "susceptibility": 1.5, "components": 1},
    "t25fw": {"scorer": "clock", "susceptibility": 0.3, "components": 1},
    "edss_plus": {"scorer": "rater", "susceptibility": 0.6, "components": 3},
}
DEFINITIONS = ("single", "confirmed")
CONTROLS = ("none", "placebo")
CORRECTIONS = ("none", "bonferroni", "holm")
VISIT_CORRELATION = 0.5  # between the two visits of a confirmed improvement


def _expectation_reaches(blinding: str, scorer: str, arm: str) -> bool:
    """Does knowing (or hoping about) the allocation shift this arm's score?

    Double blind: nobody knows, so every arm, placebo included, gets the same
    hope (the placebo response) and the difference between arms stays fair.
    Otherwise the patients know, so what they report and how hard they walk
    against the clock shifts in the treated arm only; a rater's score shifts
    in the treated arm unless the rater is blinded."""
    if blinding == "double":
        return True
    if scorer == "rater" and blinding == "rater":
        return False
    return arm == "treated"


def _p_improved(shift, fluctuation, threshold, definition, components):
    """Chance that a patient counts as improved: the score change is
    Normal(shift, fluctuation) at each visit; "confirmed" needs two visits
    (correlated ``VISIT_CORRELATION``) both past the threshold; a composite of
    ``components`` independent scores counts if any one improves."""
    z = (threshold - shift) / fluctuation
    if definition == "single":
        one = stats.norm.sf(z)
    else:
        rho = VISIT_CORRELATION
        # P(X > z, Y > z) = P(X < -z, Y < -z) for a standard bivariate normal
        one = stats.multivariate_normal(mean=[0, 0], cov=[[1, rho], [rho, 1]]).cdf([-z, -z])
    return float(1 - (1 - one) ** components)


def improvement(blinding: str = "open", endpoint: str = "edss_unblinded", expectation: float = 0.5,
                fluctuation: float = 1.0, threshold: float = 1.0, definition: str = "single",
                control: str = "none", n_per_arm: int = 27, effect: float = 0.0, alpha: float = 0.05) -> dict:
    """Share "improved" per arm, the difference, and the chance a trial of
    ``n_per_arm`` per arm finds a difference (two-sided two-proportion test,
    statsmodels ``NormalIndPower`` on Cohen's h).

    ``expectation`` and ``effect`` are in units of the score (EDSS-like
    points); ``fluctuation`` is the SD of a patient's change with no treatment;
    ``threshold`` is the change that counts as an improvement.
    """
    validate.choice("blinding", blinding, BLINDING)
    validate.choice("endpoint", endpoint, ENDPOINTS)
    validate.choice("definition", definition, DEFINITIONS)
    validate.choice("control", control, CONTROLS)
    expectation = validate.number("expectation", expectation, 0.0, 3.0)
    fluctuation = validate.number("fluctuation", fluctuation, 0.05, 5.0)
    threshold = validate.number("threshold", threshold, 0.0, 5.0)
    n_per_arm = validate.number("n_per_arm", n_per_arm, 2, 100_000, integer=True)
    effect = validate.number("effect", effect, 0.0, 3.0)
    alpha = validate.probability("alpha", alpha, 1e-6, 0.5)
    spec = ENDPOINTS[endpoint]
    bias = expectation * spec["susceptibility"]

    def share(arm, true_effect):
        shift = true_effect + (bias if _expectation_reaches(blinding, spec["scorer"], arm) else 0.0)
        return _p_improved(shift, fluctuation, threshold, definition, spec["components"])

    treated = share("treated", effect)
    untreated = share("control", 0.0)
    out = {"treated": treated,
           # fluctuation alone: what a patient's score does with no cells and no expectation
           "natural": _p_improved(0.0, fluctuation, threshold, definition, spec["components"])}
    if control == "placebo":
        out["control_share"] = untreated
        out["difference"] = treated - untreated
        h = proportion_effectsize(treated, untreated)
        out["finds_difference"] = float(NormalIndPower().power(abs(h), n_per_arm, alpha)) if h else alpha
    else:
        out["control_share"] = float("nan")
        out["difference"] = float("nan")
        out["finds_difference"] = float("nan")
    return out


QUADRATURE_NODES = 160   # Gauss-Hermite nodes over the factor the tests share


def any_significant(k: int | Sequence[int] | np.ndarray = 5, rho: float = 0.0, alpha: float = 0.05,
                    correction: str = "none", effect: float = 0.0) -> dict:
    """Chance that at least one of ``k`` two-sided z-tests is significant,
    and the expected number significant, when the test statistics are
    equicorrelated (``rho``) normals with mean ``effect`` (0: nothing is
    true), after the chosen correction. Computed exactly, not simulated.

    Equicorrelated normals share one factor: Z_i = effect + sqrt(rho) W +
    sqrt(1 - rho) e_i with W and the e_i independent standard normals, so
    given W the tests are independent. Each chance is an integral over W
    (Gauss-Hermite quadrature) of a product of independent tail
    probabilities; for Holm's step-down the chance of at least j rejections
    given W follows the count of p-values below each of Holm's thresholds
    (a small dynamic programme). ``k`` may be a list; the result then holds
    one value per k. Checked against ``simulate_any_significant`` and
    scipy's multivariate normal."""
    ks = np.atleast_1d(validate.number("k", k, 1, 100, integer=True)).astype(int)
    rho = validate.probability("rho", rho, 0.0, 0.99)
    alpha = validate.probability("alpha", alpha, 1e-6, 0.5)
    validate.choice("correction", correction, CORRECTIONS)
    effect = validate.number("effect", effect, 0.0, 5.0)
    nodes, weights = np.polynomial.hermite_e.hermegauss(QUADRATURE_NODES)
    weights = weights / weights.sum()
    centre, spread = effect + np.sqrt(rho) * nodes, np.sqrt(1 - rho)

    def tail(level):
        """P(p <= level | W) for each node: a two-sided z-test at ``level``."""
        c = stats.norm.isf(np.asarray(level, dtype=float) / 2)
        c = np.expand_dims(c, -1)
        return stats.norm.cdf((-c - centre) / spread) + stats.norm.sf((c - centre) / spread)

    anys, expected = [], []
    for kk in ks:
        per_test = alpha if correction == "none" else alpha / kk
        q = tail(per_test)
        anys.append(float(weights @ (1 - (1 - q) ** kk)))
        if correction != "holm":
            marginal = stats.norm.cdf(-stats.norm.isf(per_test / 2) - effect) + \
                stats.norm.sf(stats.norm.isf(per_test / 2) - effect)
            expected.append(float(kk * marginal))
            continue
        # Holm: at least j rejections iff, for every i <= j, at least i p-values are <= alpha / (k - i + 1)
        g = tail(alpha / (kk - np.arange(kk)))            # (k thresholds, nodes), increasing in i
        state = np.zeros((kk + 1, nodes.size))             # P(count below threshold i = n, all checks passed)
        state[0] = 1.0
        previous = np.zeros(nodes.size)
        total = 0.0
        counts = np.arange(kk + 1)
        # moving[n, m]: from n p-values below the last threshold to m below the next, a binomial
        # number of the k - n others: comb(k - n, m - n) s^(m - n) (1 - s)^(k - m)
        gained = counts[None, :] - counts[:, None]
        ways = np.where(gained >= 0, special.comb(kk - counts[:, None], np.maximum(gained, 0)), 0.0)
        stays = np.maximum(kk - counts[None, :], 0)
        for i in range(kk):
            step = np.clip((g[i] - previous) / np.maximum(1 - previous, 1e-300), 0.0, 1.0)
            moving = (ways[..., None] * step ** np.maximum(gained, 0)[..., None]
                      * (1 - step) ** stays[..., None])
            new = np.einsum("nw,nmw->mw", state, moving)
            new[:i + 1] = 0.0                              # fewer than i + 1 below threshold i: Holm stops
            state, previous = new, g[i]
            total += float(weights @ state.sum(axis=0))    # P(at least i + 1 rejections)
        expected.append(total)
    scalar = np.ndim(k) == 0
    return {
        "any": anys[0] if scalar else np.array(anys),
        "expected": expected[0] if scalar else np.array(expected),
        # for independent tests with no correction: 1 - (1 - alpha)^k
        "independent_none": (1 - (1 - alpha) ** ks)[0] if scalar else 1 - (1 - alpha) ** ks,
    }


def simulate_any_significant(k: int | Sequence[int] | np.ndarray = 5, rho: float = 0.0, alpha: float = 0.05,
                             correction: str = "none", effect: float = 0.0, reps: int = 4000,
                             seed: int = 3) -> dict:
    """``any_significant`` by seeded simulation, the reference its exact
    computation is tested against: ``reps`` draws of the ``k`` test
    statistics, corrected with ``reject_matrix``."""
    ks = np.atleast_1d(validate.number("k", k, 1, 100, integer=True)).astype(int)
    rho = validate.probability("rho", rho, 0.0, 0.99)
    alpha = validate.probability("alpha", alpha, 1e-6, 0.5)
    validate.choice("correction", correction, CORRECTIONS)
    effect = validate.number("effect", effect, 0.0, 5.0)
    reps = validate.number("reps", reps, 100, 10_000_000, integer=True)
    rng = np.random.default_rng(validate.seed(seed))
    shared = rng.standard_normal((reps, 1))
    z = np.sqrt(rho) * shared + np.sqrt(1 - rho) * rng.standard_normal((reps, int(ks.max()))) + effect
    p = 2 * stats.norm.sf(np.abs(z))
    anys, expected = [], []
    for kk in ks:
        reject = reject_matrix(p[:, :kk], alpha, correction)
        anys.append(reject.any(axis=1).mean())
        expected.append(reject.sum(axis=1).mean())
    scalar = np.ndim(k) == 0
    return {"any": float(anys[0]) if scalar else np.array(anys),
            "expected": float(expected[0]) if scalar else np.array(expected)}


def reject_matrix(p: ArrayLike, alpha: float, correction: str) -> np.ndarray:
    """Rejections for each row of p-values (rows are trials), vectorised:
    'none' (p < alpha), 'bonferroni' (p < alpha/k), 'holm' (step-down)."""
    p = np.atleast_2d(np.asarray(p, dtype=float))
    k = p.shape[1]
    if correction == "none":
        return p < alpha
    if correction == "bonferroni":
        return p < alpha / k
    order = np.argsort(p, axis=1, kind="stable")
    sorted_p = np.take_along_axis(p, order, axis=1)
    limits = alpha / (k - np.arange(k))
    passed = np.cumprod(sorted_p <= limits, axis=1).astype(bool)   # stop at the first failure
    reject = np.zeros_like(passed)
    np.put_along_axis(reject, order, passed, axis=1)
    return reject
