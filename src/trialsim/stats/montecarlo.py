"""How sure a simulated rate is, and simulations that run until it is sure enough.

A rate read off simulated trials ("trials like this report a benefit 38 % of
the time") is itself an estimate. In a course about chance the figure a
learner reads must not be noise, so every simulated rate the course shows
has a 95 % Monte Carlo half-width of at most ``TARGET_HALFWIDTH`` (half a
percentage point).

* ``halfwidth(share, reps)`` is that half-width: the larger distance from
  the share to the ends of its 95 % Wilson interval (it stays above zero
  when no trial, or every trial, counts).
* ``reps_needed(share)`` is how many trials a rate near ``share`` needs.
* ``until_precise(batch, rates, seed)`` runs a vectorised simulator in
  seeded batches until every named rate is that precise (at least
  ``min_reps`` trials, at most ``max_reps``; 40,000 trials make any rate
  precise enough, since a rate of one half needs 38,415).

Batch ``i`` draws from ``numpy.random.default_rng([seed, i])``, so a run is
reproduced exactly from its seed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping

import numpy as np

from . import validate

Z95 = 1.959963984540054
TARGET_HALFWIDTH = 0.005
MIN_REPS = 2_000
BATCH_REPS = 2_000
MAX_REPS = 40_000


def halfwidth(share: float, reps: int) -> float:
    """95 % Monte Carlo half-width of a rate ``share`` estimated from ``reps``
    trials: the larger distance from ``share`` to the ends of its Wilson
    interval."""
    share = validate.probability("share", share)
    reps = validate.number("reps", reps, 1, 10**12, integer=True)
    z2 = Z95 ** 2
    centre = (share + z2 / (2 * reps)) / (1 + z2 / reps)
    spread = Z95 * math.sqrt(share * (1 - share) / reps + z2 / (4 * reps ** 2)) / (1 + z2 / reps)
    return max(share - (centre - spread), centre + spread - share)


def worst_halfwidth(shares: Iterable[float], reps: int) -> float:
    """The largest ``halfwidth`` among several rates from the same trials."""
    return max((halfwidth(float(s), reps) for s in shares), default=0.0)


def reps_needed(share: float, target: float = TARGET_HALFWIDTH) -> int:
    """Trials needed for a rate near ``share`` to have a 95 % half-width of
    at most ``target`` (normal approximation, which the Wilson interval meets
    away from 0 and 1)."""
    share = validate.probability("share", share)
    target = validate.number("target", target, 1e-6, 0.5)
    return max(1, math.ceil(Z95 ** 2 * share * (1 - share) / target ** 2))


def until_precise(batch: Callable[[np.random.Generator, int], Mapping[str, np.ndarray]],
                  rates: Iterable[str], seed: int, *, target: float = TARGET_HALFWIDTH,
                  min_reps: int = MIN_REPS, batch_reps: int = BATCH_REPS, max_reps: int = MAX_REPS) -> dict:
    """Run ``batch(rng, reps)`` in seeded batches until every rate is precise.

    ``batch`` returns a dict of per-trial arrays (the first axis is the
    trials). ``rates`` names the boolean (0/1) arrays whose means are the
    rates to make precise. Returns the batches' arrays joined along the
    first axis, plus ``reps`` (trials run) and ``halfwidth`` (the worst 95 %
    half-width of the named rates)."""
    rates = list(rates)
    if len(set(rates)) != len(rates):
        raise ValueError(f"rates {rates} name a rate twice: each must be named once")
    seed = validate.seed(seed)
    target = validate.number("target", target, 1e-6, 0.5)
    min_reps = validate.number("min_reps", min_reps, 1, 10**8, integer=True)
    batch_reps = validate.number("batch_reps", batch_reps, 1, 10**8, integer=True)
    max_reps = validate.number("max_reps", max_reps, min_reps, 10**9, integer=True)
    parts: dict[str, list[np.ndarray]] = {}
    hits = {name: 0 for name in rates}
    reps, i, worst = 0, 0, 1.0
    while True:
        size = min(batch_reps, max_reps - reps)
        out = batch(np.random.default_rng([seed, i]), size)
        missing = [name for name in rates if name not in out]
        if missing:
            raise ValueError(f"the batch returned no rate named {', '.join(missing)}; it returned "
                             f"{', '.join(out)}")
        for name, values in out.items():
            values = np.asarray(values)
            if values.shape[:1] != (size,):
                raise ValueError(f"the batch's {name!r} has shape {values.shape}: its first axis must be "
                                 f"the {size} trials")
            parts.setdefault(name, []).append(values)
        for name in rates:
            hits[name] += int(np.count_nonzero(out[name]))
        reps += size
        i += 1
        worst = worst_halfwidth((hits[name] / reps for name in rates), reps)
        if reps >= max_reps or (reps >= min_reps and worst <= target):
            break
    joined = {name: np.concatenate(values) for name, values in parts.items()}
    joined["reps"] = reps
    joined["halfwidth"] = worst
    return joined
