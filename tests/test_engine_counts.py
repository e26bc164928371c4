"""trialsim.counts: the negative binomial's moments, rate ratios against
statsmodels fitted here, and the fast power loop against the GLM."""

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.discrete.discrete_model import NegativeBinomial
from statsmodels.stats.rates import power_negbin_ratio_2indep

from trialsim import counts


@pytest.mark.parametrize("mean, alpha", [(3.0, 0.5), (0.8, 2.0), (5.0, 0.0)])
def test_negbin_mean_and_variance_follow_nb2(mean, alpha):
    x = counts.simulate_negbin(400_000, mean, alpha, seed=1)
    assert x.mean() == pytest.approx(mean, rel=0.01)
    assert x.var() == pytest.approx(mean + alpha * mean ** 2, rel=0.03)


def test_negbin_matches_scipy_distribution():
    mean, alpha = 2.0, 1.5
    x = counts.simulate_negbin(200_000, mean, alpha, seed=2)
    k = 1 / alpha                              # scipy's n; p = k / (k + mean)
    expected = stats.nbinom.pmf(np.arange(4), k, k / (k + mean))
    np.testing.assert_allclose(np.bincount(x)[:4] / x.size, expected, atol=0.004)


def test_negbin_is_seeded_and_shaped():
    means = [1, 2, 3, 4, 5] * 2
    a = counts.simulate_negbin(10, means, 1.0, size=3, seed=7)
    assert a.shape == (3, 10)
    np.testing.assert_array_equal(a, counts.simulate_negbin(10, means, 1.0, size=3, seed=7))
    assert not np.array_equal(a, counts.simulate_negbin(10, means, 1.0, size=3, seed=8))


def _trial(seed, n=30, alpha=0.8):
    a = counts.simulate_negbin(n, 2.0 * 6, alpha, seed=seed)
    b = counts.simulate_negbin(n, 4.0 * 6, alpha, seed=seed + 1000)
    exposure_a = np.full(n, 6.0)
    exposure_b = np.where(np.arange(n) % 3 == 0, 4.0, 6.0)      # some missed scans
    return a, exposure_a, b, exposure_b


def _design(a, ea, b, eb):
    x = sm.add_constant(np.r_[np.ones(a.size), np.zeros(b.size)])
    exposure = np.r_[np.broadcast_to(ea, a.shape), np.broadcast_to(eb, b.shape)]
    return np.r_[a, b], x, np.log(exposure)


def test_poisson_rate_ratio_is_the_glm_coefficient():
    a, ea, b, eb = _trial(1)
    y, x, offset = _design(a, ea, b, eb)
    fit = sm.GLM(y, x, family=sm.families.Poisson(), offset=offset).fit()
    got = counts.rate_ratio(a, ea, b, eb, model="poisson")
    assert got["rate_ratio"] == pytest.approx(np.exp(fit.params[1]), rel=1e-9)
    # and the Poisson MLE is the ratio of events per unit exposure
    assert got["rate_ratio"] == pytest.approx((a.sum() / ea.sum()) / (b.sum() / eb.sum()), rel=1e-9)
    low, high = np.exp(fit.params[1] + np.array([-1, 1]) * 1.959964 * fit.bse[1])
    assert (got["ci_low"], got["ci_high"]) == pytest.approx((low, high), rel=1e-6)
    assert got["p"] == pytest.approx(fit.pvalues[1], rel=1e-9)
    assert got["dispersion"] == 0.0


def test_negbin_rate_ratio_is_the_nb_glm_at_the_estimated_alpha():
    a, ea, b, eb = _trial(2)
    got = counts.rate_ratio(a, ea, b, eb, model="negbin")
    y, x, offset = _design(a, ea, b, eb)
    fit = sm.GLM(y, x, family=sm.families.NegativeBinomial(alpha=got["dispersion"]),
                 offset=offset).fit()
    assert got["rate_ratio"] == pytest.approx(np.exp(fit.params[1]), rel=1e-5)
    # the GLM's expected information differs slightly from the ML fit's observed one
    assert got["p"] == pytest.approx(fit.pvalues[1], rel=0.02)
    ml = NegativeBinomial(y, x, loglike_method="nb2", offset=offset).fit(disp=0)
    assert got["rate_ratio"] == pytest.approx(np.exp(ml.params[1]), rel=1e-9)
    assert got["dispersion"] == pytest.approx(ml.params[2], rel=1e-9)
    assert got["p"] == pytest.approx(ml.pvalues[1], rel=1e-9)
    assert 0.3 < got["dispersion"] < 2.0      # true alpha 0.8
    # overdispersion widens the interval compared with Poisson
    poisson = counts.rate_ratio(a, ea, b, eb, model="poisson")
    assert got["ci_high"] / got["ci_low"] > poisson["ci_high"] / poisson["ci_low"]


def test_closed_form_wald_equals_the_nb_glm_and_agrees_with_the_ml_fit():
    n = 15
    a = counts.simulate_negbin(n, 1.0 * 6, 1.0, size=60, seed=3)
    b = counts.simulate_negbin(n, 2.0 * 6, 1.0, size=60, seed=4)
    z, alpha = counts._wald_z(a, b)
    same_decision = []
    for row in range(60):
        y, x, offset = _design(a[row], 6.0, b[row], 6.0)
        fit = sm.GLM(y, x, family=sm.families.NegativeBinomial(alpha=alpha[row]),
                     offset=offset).fit()
        assert z[row] == pytest.approx(fit.tvalues[1], rel=1e-6)
        ml = counts.rate_ratio(a[row], 6.0, b[row], 6.0, model="negbin")
        same_decision.append((ml["p"] < 0.05) == (abs(z[row]) > 1.959964))
    assert np.mean(same_decision) >= 0.9


def test_power_behaves_and_is_seeded():
    def power(n_per_arm=20, dispersion=2.0, seed=1, rate_ratio=0.5):
        return counts.rate_ratio_power(n_per_arm=n_per_arm, rate_ratio=rate_ratio,
                                       dispersion=dispersion, reps=2000, seed=seed)

    assert 0.02 < power(n_per_arm=40, rate_ratio=1.0) < 0.10
    weak = power()
    assert weak < power(dispersion=0.2) and weak < power(n_per_arm=80) and power(n_per_arm=80) > 0.8
    assert weak == power() and weak != power(seed=2)


@pytest.mark.parametrize("n, rate, ratio, alpha", [(40, 1.0, 0.6, 1.0), (80, 0.5, 0.5, 2.0),
                                                   (20, 2.0, 0.5, 0.5), (25, 1.0, 0.5, 0.0)])
def test_simulated_power_matches_statsmodels_negbin_power(n, rate, ratio, alpha):
    # Zhu's asymptotic power for the Wald test of two negative binomial rates
    expected = power_negbin_ratio_2indep(rate * ratio, rate, n, 1, exposure=6, alpha=0.05,
                                         dispersion=alpha, method_var="alt").power
    got = counts.rate_ratio_power(n_per_arm=n, base_rate=rate, rate_ratio=ratio, dispersion=alpha,
                                  scans=6, reps=20_000, seed=5)
    assert got == pytest.approx(expected, abs=0.02)


@pytest.mark.parametrize("call, name", [
    (lambda: counts.simulate_negbin(0, 1, 1), "n"),
    (lambda: counts.simulate_negbin(5, -1, 1), "mean"),
    (lambda: counts.simulate_negbin(5, [1, 2], 1), "mean"),
    (lambda: counts.simulate_negbin(5, 1, -0.5), "dispersion"),
    (lambda: counts.simulate_negbin(5, 1, 1, size=0), "size"),
    (lambda: counts.simulate_negbin(5, 1, 1, seed=1.5), "seed"),
    (lambda: counts.rate_ratio([1, 2.5], 1, [1, 2], 1), "counts_a"),
    (lambda: counts.rate_ratio([1, 2], 0, [1, 2], 1), "exposure_a"),
    (lambda: counts.rate_ratio([1, 2], 1, [0, 0], 1), "counts_b"),
    (lambda: counts.rate_ratio([1, 2], 1, [1, 2], [1, 1, 1]), "exposure_b"),
    (lambda: counts.rate_ratio([3], 1, [1, 2], 1), "counts_a"),
    (lambda: counts.rate_ratio([1, 2], 1, [1, 2], 1, model="zip"), "model"),
    (lambda: counts.rate_ratio_power(n_per_arm=1), "n_per_arm"),
    (lambda: counts.rate_ratio_power(base_rate=0), "base_rate"),
    (lambda: counts.rate_ratio_power(rate_ratio=-1), "rate_ratio"),
    (lambda: counts.rate_ratio_power(dispersion=-1), "dispersion"),
    (lambda: counts.rate_ratio_power(scans=0), "scans"),
    (lambda: counts.rate_ratio_power(alpha=0.9), "alpha"),
    (lambda: counts.rate_ratio_power(reps=0), "reps"),
    (lambda: counts.rate_ratio_power(seed=-3), "seed"),
])
def test_bad_parameters_name_themselves(call, name):
    with pytest.raises(ValueError, match=name):
        call()
