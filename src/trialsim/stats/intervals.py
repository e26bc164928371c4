"""Reading a confidence interval for a ratio against the smallest effect worth having.

A trial's result is a ratio (a rate ratio, a risk ratio, a hazard ratio) with
a confidence interval; values below 1 mean fewer events with the treatment.
Whether a "non-significant" result rules an effect out depends on where the
interval ends, not on the p-value: an interval that includes 1 *and* a
worthwhile benefit is inconclusive; one that includes 1 but stops short of
any worthwhile benefit rules that benefit out.  ``verdict`` names which,
so every chapter that shows an interval reads it the same way.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from . import validate

VERDICTS = {
    "worthwhile": "a worthwhile benefit is shown: the whole interval lies beyond the smallest worthwhile effect",
    "benefit": "a benefit is shown, but the interval also allows one too small to be worth having",
    "small": "a benefit is shown, but the whole interval is smaller than worthwhile",
    "ruled_out": "no benefit is shown, and a worthwhile benefit is ruled out",
    "inconclusive": "inconclusive: the interval allows both no effect and a worthwhile benefit",
    "harm": "harm is shown: the whole interval lies on the side of no effect opposite to benefit",
}


def _z(level):
    level = validate.probability("level", level, 0.5, 0.9999)
    return stats.norm.isf((1 - level) / 2)


def se_from_ci(low: ArrayLike, high: ArrayLike, level: float = 0.95) -> float | np.ndarray:
    """Standard error of the log ratio implied by a symmetric (on the log
    scale) confidence interval from ``low`` to ``high``."""
    low = validate.number("low", low, 1e-9, 1e9)
    high = validate.number("high", high, 1e-9, 1e9)
    if not np.all(np.asarray(low) < np.asarray(high)):
        raise ValueError(f"low ({low!r}) must be below high ({high!r})")
    return (np.log(np.asarray(high) / np.asarray(low)) / (2 * _z(level)))[()]


def ratio_interval(estimate: float, se: float, level: float = 0.95) -> tuple[float, float]:
    """(low, high): the Wald interval exp(log estimate -/+ z se)."""
    estimate = validate.number("estimate", estimate, 1e-9, 1e9)
    se = validate.number("se", se, 0, 100)
    half = _z(level) * np.asarray(se)
    log = np.log(estimate)
    return float(np.exp(log - half)), float(np.exp(log + half))


SCALES = {"ratio": 1.0, "difference": 0.0}


def verdict(low: float, high: float, worthwhile: float, scale: str = "ratio") -> str:
    """What an interval (``low``, ``high``) allows, given the smallest
    worthwhile benefit ``worthwhile`` on the same scale.  Returns a key of
    ``VERDICTS``.

    ``scale`` is 'ratio' (no effect is 1; a rate, risk, odds or hazard ratio)
    or 'difference' (no effect is 0; a difference in means, points or risks).
    The side of no effect on which ``worthwhile`` lies is the side of benefit:
    0.7 reads a ratio where fewer events are better, 1.3 one where more are;
    -2 reads a difference where lower is better, +0.7 one where higher is.
    "harm" is an interval wholly on the other side."""
    validate.choice("scale", scale, SCALES)
    null = SCALES[scale]
    floor = 0.0 if scale == "ratio" else -1e12
    low = validate.number("low", low, floor, 1e12)
    high = validate.number("high", high, floor, 1e12)
    worthwhile = validate.number("worthwhile", worthwhile, floor, 1e12)
    if not low <= high:
        raise ValueError(f"low ({low!r}) must not be above high ({high!r})")
    if worthwhile == null or (scale == "ratio" and worthwhile <= 0):
        raise ValueError(f"worthwhile={worthwhile:g} is no effect at all: give the smallest benefit worth "
                         f"having, a {scale} on the side of {null:g} that means benefit")
    if worthwhile > null:  # benefit is upward: mirror so that benefit is downward
        low, high, worthwhile, null = -high, -low, -worthwhile, -null
    if high < worthwhile:
        return "worthwhile"
    if high < null:
        return "benefit" if low < worthwhile else "small"
    if low > null:
        return "harm"
    return "ruled_out" if low >= worthwhile else "inconclusive"


def narrowed(estimate: float, low: float, high: float, factor: float) -> tuple[float, float]:
    """A published interval (``low``, ``high``) around ``estimate`` with
    both arms scaled by ``factor`` on the log scale: what the same estimate's
    interval becomes when the standard error is multiplied by ``factor``
    (e.g. 1/sqrt(2) with twice the patients).  Keeps any asymmetry of the
    published interval, so a factor of 1 returns it unchanged."""
    estimate = validate.number("estimate", estimate, 1e-9, 1e9)
    low = validate.number("low", low, 1e-9, 1e9)
    high = validate.number("high", high, 1e-9, 1e9)
    factor = validate.number("factor", factor, 0, 100)
    if not low <= estimate <= high:
        raise ValueError(f"estimate {estimate!r} must lie within its interval ({low!r}, {high!r})")
    centre = np.log(estimate)
    return (float(np.exp(centre - factor * (centre - np.log(low)))),
            float(np.exp(centre + factor * (np.log(high) - centre))))
