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
correction (vectorised Bonferroni and Holm, tested against statsmodels
``multipletests``), by seeded simulation.

Sign convention: a positive change is an improvement. The model is
illustrative; its numbers are stated in the chapter.
"""

from __future__ import annotations

import numpy as np
from scipy import stats
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


def improvement(blinding="open", endpoint="edss_unblinded", expectation=0.5, fluctuation=1.0,
                threshold=1.0, definition="single", control="none", n_per_arm=27, effect=0.0,
                alpha=0.05) -> dict:
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


def any_significant(k=5, rho=0.0, alpha=0.05, correction="none", effect=0.0, reps=4000, seed=3) -> dict:
    """Chance that at least one of ``k`` two-sided z-tests is significant,
    and the expected number significant, when the test statistics are
    equicorrelated (``rho``) normals with mean ``effect`` (0: nothing is
    true), after the chosen correction. Seeded simulation. ``k`` may be a
    list: the tests for a smaller k are the first of the larger set, so one
    draw serves every k and the curve is smooth."""
    ks = np.atleast_1d(validate.number("k", k, 1, 100, integer=True)).astype(int)
    rho = validate.probability("rho", rho, 0.0, 0.99)
    alpha = validate.probability("alpha", alpha, 1e-6, 0.5)
    validate.choice("correction", correction, CORRECTIONS)
    effect = validate.number("effect", effect, 0.0, 5.0)
    reps = validate.number("reps", reps, 100, 1_000_000, integer=True)
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
    return {
        "any": float(anys[0]) if scalar else np.array(anys),
        "expected": float(expected[0]) if scalar else np.array(expected),
        # for independent tests with no correction: 1 - (1 - alpha)^k
        "independent_none": (1 - (1 - alpha) ** ks)[0] if scalar else 1 - (1 - alpha) ** ks,
    }


def reject_matrix(p, alpha, correction):
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
