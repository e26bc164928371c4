"""trialsim.stats.proportions against scipy.stats and statsmodels."""

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_confint, proportion_effectsize

from trialsim.stats import proportions as P


@pytest.mark.parametrize("k,n,p", [(7, 10, 0.056), (7, 10, 0.30), (0, 5, 0.2), (140, 200, 0.2875), (10, 10, 0.5)])
def test_prob_at_least_matches_scipy(k, n, p):
    assert P.prob_at_least(k, n, p) == pytest.approx(stats.binom.sf(k - 1, n, p), rel=1e-12)
    # and the exact one-sided test gives the same tail
    if k > 0:
        assert P.exact_test_greater(k, n, p) == pytest.approx(
            stats.binomtest(k, n, p, alternative="greater").pvalue, rel=1e-12)


def test_prob_at_least_is_vectorised():
    rates = np.linspace(0.01, 0.5, 7)
    got = P.prob_at_least(7, 10, rates)
    assert got.shape == (7,)
    np.testing.assert_allclose(got, [stats.binom.sf(6, 10, r) for r in rates], rtol=1e-12)


def test_celltop_headline_tail():
    # 7 or more of 10 at the 5.6 % late-conversion rate: about 1.8e-7
    assert P.prob_at_least(7, 10, 0.056) == pytest.approx(1.7828e-07, rel=1e-3)


@pytest.mark.parametrize("n", [5, 10, 17, 50, 200])
@pytest.mark.parametrize("p0", [0.02, 0.056, 0.2, 0.45])
def test_critical_count_is_the_smallest_significant_count(n, p0):
    alpha = 0.025
    brute = next((k for k in range(n + 1)
                  if stats.binomtest(k, n, p0, alternative="greater").pvalue <= alpha), n + 1)
    assert P.critical_count(n, p0, alpha) == brute


@pytest.mark.parametrize("method,sm", [("clopper-pearson", "beta"), ("wilson", "wilson")])
def test_confint_matches_statsmodels(method, sm):
    low, high = P.confint(7, 10, 0.95, method)
    ref = proportion_confint(7, 10, alpha=0.05, method=sm)
    assert (low, high) == pytest.approx(ref, rel=1e-12)


def test_celltop_exact_interval():
    low, high = P.confint(7, 10)
    assert low == pytest.approx(0.3475, abs=1e-4)
    assert high == pytest.approx(0.9333, abs=1e-4)


def test_observed_range_matches_binomial_quantiles():
    low, high = P.observed_range(10, 0.3)
    assert low == stats.binom.ppf(0.025, 10, 0.3) / 10
    assert high == stats.binom.ppf(0.975, 10, 0.3) / 10


def test_two_proportion_power_matches_statsmodels():
    h = proportion_effectsize(0.475, 0.3)
    ref = NormalIndPower().power(h, 50, 0.025, ratio=1.0, alternative="larger")
    assert P.two_proportion_power(0.475, 0.3, 50) == pytest.approx(ref, rel=1e-12)
    # no effect: the power is the one-sided alpha
    assert P.two_proportion_power(0.3, 0.3, 50) == pytest.approx(0.025, rel=1e-9)


def test_n_per_arm_reaches_the_power():
    n = P.n_per_arm_for_power(0.475, 0.3, power=0.8)
    h = proportion_effectsize(0.475, 0.3)
    ref = NormalIndPower().solve_power(effect_size=h, alpha=0.025, power=0.8, ratio=1.0, alternative="larger")
    assert n == int(np.ceil(ref))
    assert P.two_proportion_power(0.475, 0.3, n) >= 0.8 > P.two_proportion_power(0.475, 0.3, n - 1)


def test_fisher_exact_matches_scipy():
    odds, p = P.fisher_exact(0, 69, 7, 75)
    ref = stats.fisher_exact([[0, 69], [7, 68]])
    assert (odds, p) == pytest.approx((ref.statistic, ref.pvalue))


def test_zero_event_bounds():
    assert P.rule_of_three(300) == pytest.approx(0.01)
    # the exact bound is the one-sided Clopper-Pearson upper limit for 0 events
    assert P.zero_event_upper(300) == pytest.approx(stats.beta.ppf(0.95, 1, 300), rel=1e-9)


def test_simulation_agrees_with_the_exact_tail():
    draws = P.simulate_counts(10, 0.3, reps=200_000, seed=1)
    assert np.mean(draws >= 7) == pytest.approx(P.prob_at_least(7, 10, 0.3), abs=0.002)
    assert np.array_equal(draws, P.simulate_counts(10, 0.3, reps=200_000, seed=1))


@pytest.mark.parametrize("call,param", [
    (lambda: P.prob_at_least(3, 0, 0.2), "n"),
    (lambda: P.prob_at_least(3, 10, 1.2), "p"),
    (lambda: P.prob_at_least(11, 10, 0.2), "k"),
    (lambda: P.prob_at_least(2.5, 10, 0.2), "k"),
    (lambda: P.confint(3, 10, method="exact"), "method"),
    (lambda: P.confint(3, 10, level=1.5), "level"),
    (lambda: P.two_proportion_power(0.5, -0.1, 20), "p_control"),
    (lambda: P.two_proportion_power(0.5, 0.1, 1), "n_per_arm"),
    (lambda: P.n_per_arm_for_power(0.3, 0.3), "p_treated"),
    (lambda: P.n_per_arm_for_power(0.2, 0.3), "p_treated"),
    (lambda: P.fisher_exact(5, 4, 1, 10), "events_a"),
    (lambda: P.critical_count(10, 0.2, alpha=0.9), "alpha"),
    (lambda: P.simulate_counts(10, 0.2, reps=0, seed=1), "reps"),
    (lambda: P.exact_test_greater(3, 10, float("nan")), "p0"),
])
def test_bad_parameters_are_named(call, param):
    with pytest.raises(ValueError, match=rf"\b{param}\b"):
        call()
