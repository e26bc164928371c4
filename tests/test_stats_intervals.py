"""trialsim.stats.intervals: reading an interval against the smallest worthwhile
effect, and the interval arithmetic behind the MESEMS explorer."""

import math

import pytest
from scipy import stats

from trialsim.stats import intervals, proportions


@pytest.mark.parametrize("low, high, worthwhile, verdict", [
    (0.58, 1.50, 0.5, "ruled_out"),      # MESEMS against a halving
    (0.58, 1.50, 0.7, "inconclusive"),   # ... against a 30 % reduction
    (0.30, 0.60, 0.7, "worthwhile"),
    (0.50, 0.90, 0.7, "benefit"),
    (0.80, 0.95, 0.7, "small"),
    (1.10, 1.60, 0.7, "harm"),
    (0.70, 1.20, 0.7, "ruled_out"),      # an interval ending exactly at the worthwhile effect excludes less
])
def test_verdicts(low, high, worthwhile, verdict):
    assert intervals.verdict(low, high, worthwhile) == verdict
    assert verdict in intervals.VERDICTS


@pytest.mark.parametrize("low, high, worthwhile, verdict", [
    (1.48, 4.47, 0.7, "worthwhile"),     # a gain in points, higher is better: not harm
    (1.48, 4.47, -0.7, "harm"),          # the same interval when lower is better
    (-3.62, -0.75, -1.0, "benefit"),     # a fall in a disease score, lower is better
    (-0.5, 0.2, 1.0, "ruled_out"),
    (-0.5, 2.0, 1.0, "inconclusive"),
    (0.2, 0.6, 1.0, "small"),
])
def test_verdicts_for_differences(low, high, worthwhile, verdict):
    assert intervals.verdict(low, high, worthwhile, scale="difference") == verdict


def test_a_verdict_does_not_depend_on_which_way_the_scale_points():
    """Mirroring an interval and the worthwhile effect about no effect (1/x for a
    ratio, -x for a difference), or moving a difference to the ratio scale by exp,
    reads the same."""
    import numpy as np

    rng = np.random.default_rng(21)
    for _ in range(2000):
        low, high = np.sort(rng.normal(0, 1, 2))
        worthwhile = rng.choice([-1, 1]) * rng.uniform(0.05, 1.5)
        want = intervals.verdict(low, high, worthwhile, scale="difference")
        assert intervals.verdict(-high, -low, -worthwhile, scale="difference") == want
        ratio = intervals.verdict(np.exp(low), np.exp(high), np.exp(worthwhile))
        assert ratio == want == intervals.verdict(np.exp(-high), np.exp(-low), np.exp(-worthwhile))


def test_interval_arithmetic_round_trips():
    se = intervals.se_from_ci(0.58, 1.50)
    assert se == pytest.approx(math.log(1.50 / 0.58) / (2 * stats.norm.isf(0.025)))
    low, high = intervals.ratio_interval(0.94, se)
    assert high / low == pytest.approx(1.50 / 0.58)
    assert intervals.narrowed(0.94, 0.58, 1.50, 1.0) == pytest.approx((0.58, 1.50))
    low2, high2 = intervals.narrowed(0.94, 0.58, 1.50, 0.5)
    assert math.log(0.94 / low2) == pytest.approx(math.log(0.94 / 0.58) / 2)
    assert math.log(high2 / 0.94) == pytest.approx(math.log(1.50 / 0.94) / 2)


@pytest.mark.parametrize("call, message", [
    (lambda: intervals.verdict(1.2, 0.8, 0.7), "low.*must not be above high"),
    (lambda: intervals.verdict(0.5, 0.8, 1.0), "worthwhile=1 is no effect"),
    (lambda: intervals.verdict(-1, 2, 0.5), "low=-1 is out of range"),
    (lambda: intervals.verdict(-1, 2, 0, scale="difference"), "worthwhile=0 is no effect"),
    (lambda: intervals.verdict(1, 2, 0.5, scale="log"), "scale='log' is not allowed"),
    (lambda: intervals.se_from_ci(1.5, 0.58), "low.*below high"),
    (lambda: intervals.narrowed(2.0, 0.58, 1.50, 1), "estimate 2.0 must lie within"),
    (lambda: intervals.ratio_interval(0.94, 0.2, level=1.2), "level"),
])
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_patients_to_see_a_rare_harm():
    assert proportions.patients_to_see(0.001) == 2995
    for rate in (0.01, 0.001, 1 / 200):
        n = proportions.patients_to_see(rate)
        assert proportions.prob_at_least(1, n, rate) >= 0.95 > proportions.prob_at_least(1, n - 1, rate)
        assert n == pytest.approx(3 / rate, rel=0.01)           # the rule of three read backwards
    with pytest.raises(ValueError, match="rate"):
        proportions.patients_to_see(0)
