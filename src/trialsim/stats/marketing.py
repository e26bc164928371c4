"""From a plausible mechanism to a treatment that works: Bayes' rule in odds.

A learner starts from a base rate (the published share of drug candidates
that reach approval from a phase of development) and adds evidence, each
piece with a likelihood ratio: how much more often a result like it is seen
when the treatment works than when it does not. Posterior odds are prior odds
times the product of the likelihood ratios, which assumes the pieces of
evidence are independent given the truth.

For a trial the likelihood ratio follows from its design: a positive result
(p below ``alpha`` in the right direction) is seen with probability ``power``
if the treatment works and ``alpha`` if it does not, so LR+ = power / alpha;
a negative result has LR- = (1 - power) / (1 - alpha).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from . import validate

TINY = 1e-12


def _probability(p: float, name: str) -> float:
    """A probability strictly between 0 and 1 (certainty cannot be updated)."""
    return float(validate.probability(name, p, TINY, 1 - TINY))


def _ratio(lr: float, name: str) -> float:
    return float(validate.number(name, lr, TINY, 1e12))


def odds(p: float) -> float:
    """The odds p / (1 - p) of a probability ``p`` strictly between 0 and 1."""
    p = _probability(p, "p")
    return p / (1 - p)


def probability(o: float) -> float:
    """The probability o / (1 + o), between 0 and 1, of odds ``o`` (a finite number, 0 or more)."""
    o = float(validate.number("odds", o, 0, math.inf))
    return o / (1 + o)


def chain(prior: float, likelihood_ratios: Sequence[float]) -> list[float]:
    """The probability that the treatment works before any evidence and after
    each likelihood ratio in turn (``len(likelihood_ratios) + 1`` values)."""
    o = odds(_probability(prior, "prior"))
    out = [probability(o)]
    for i, lr in enumerate(likelihood_ratios):
        o *= _ratio(lr, f"likelihood ratio {i + 1}")
        out.append(probability(o))
    return out


def posterior(prior: float, likelihood_ratios: Sequence[float]) -> float:
    """The probability that the treatment works after all the evidence."""
    return chain(prior, likelihood_ratios)[-1]


def trial_likelihood_ratio(power: float, alpha: float = 0.025, positive: bool = True) -> float:
    """The likelihood ratio of a trial's result: power / alpha when positive,
    (1 - power) / (1 - alpha) when negative. ``alpha`` is one-sided (a result
    significant in the direction of benefit)."""
    power = _probability(power, "power")
    alpha = _probability(alpha, "alpha")
    if power <= alpha:
        raise ValueError(f"power ({power}) must exceed alpha ({alpha}) for a trial to be informative")
    return power / alpha if positive else (1 - power) / (1 - alpha)


def share_reaching(transitions: Sequence[float]) -> float:
    """The share of candidates that pass every phase: the product of the
    phase-transition rates (the report's "likelihood of approval")."""
    if not transitions:
        raise ValueError("give at least one phase-transition rate")
    return math.prod(_probability(t, f"transition rate {i + 1}") for i, t in enumerate(transitions))


def likelihood_ratio_needed(prior: float, target: float) -> float:
    """The combined likelihood ratio that takes ``prior`` to ``target``."""
    return odds(_probability(target, "target")) / odds(_probability(prior, "prior"))
