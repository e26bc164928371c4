"""trialsim.stats.mesems: the negative binomial's moments, rate ratios against
statsmodels fitted here, and the fast power loop against the GLM."""

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.discrete.discrete_model import NegativeBinomial
from statsmodels.stats.rates import power_negbin_ratio_2indep

from trialsim.stats import mesems


@pytest.mark.parametrize("mean, alpha", [(3.0, 0.5), (0.8, 2.0), (5.0, 0.0)])
def test_negbin_mean_and_variance_follow_nb2(mean, alpha):
    x = mesems.simulate_negbin(400_000, mean, alpha, seed=1)
    assert x.mean() == pytest.approx(mean, rel=0.01)
    assert x.var() == pytest.approx(mean + alpha * mean ** 2, rel=0.03)


def test_negbin_matches_scipy_distribution():
    mean, alpha = 2.0, 1.5
    x = mesems.simulate_negbin(200_000, mean, alpha, seed=2)
    k = 1 / alpha                              # scipy's n; p = k / (k + mean)
    expected = stats.nbinom.pmf(np.arange(4), k, k / (k + mean))
    np.testing.assert_allclose(np.bincount(x)[:4] / x.size, expected, atol=0.004)


def test_negbin_is_seeded_and_shaped():
    means = [1, 2, 3, 4, 5] * 2
    a = mesems.simulate_negbin(10, means, 1.0, size=3, seed=7)
    assert a.shape == (3, 10)
    np.testing.assert_array_equal(a, mesems.simulate_negbin(10, means, 1.0, size=3, seed=7))
    assert not np.array_equal(a, mesems.simulate_negbin(10, means, 1.0, size=3, seed=8))


def _trial(seed, n=30, alpha=0.8):
    a = mesems.simulate_negbin(n, 2.0 * 6, alpha, seed=seed)
    b = mesems.simulate_negbin(n, 4.0 * 6, alpha, seed=seed + 1000)
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
    got = mesems.rate_ratio(a, ea, b, eb, model="poisson")
    assert got["rate_ratio"] == pytest.approx(np.exp(fit.params[1]), rel=1e-9)
    # and the Poisson MLE is the ratio of events per unit exposure
    assert got["rate_ratio"] == pytest.approx((a.sum() / ea.sum()) / (b.sum() / eb.sum()), rel=1e-9)
    low, high = np.exp(fit.params[1] + np.array([-1, 1]) * 1.959964 * fit.bse[1])
    assert (got["ci_low"], got["ci_high"]) == pytest.approx((low, high), rel=1e-6)
    assert got["p"] == pytest.approx(fit.pvalues[1], rel=1e-9)
    assert got["dispersion"] == 0.0


def test_negbin_rate_ratio_is_the_nb_glm_at_the_estimated_alpha():
    a, ea, b, eb = _trial(2)
    got = mesems.rate_ratio(a, ea, b, eb, model="negbin")
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
    poisson = mesems.rate_ratio(a, ea, b, eb, model="poisson")
    assert got["ci_high"] / got["ci_low"] > poisson["ci_high"] / poisson["ci_low"]


def test_closed_form_wald_equals_the_nb_glm_and_agrees_with_the_ml_fit():
    n = 15
    a = mesems.simulate_negbin(n, 1.0 * 6, 1.0, size=60, seed=3)
    b = mesems.simulate_negbin(n, 2.0 * 6, 1.0, size=60, seed=4)
    z, alpha = mesems._wald_z(a, b)
    same_decision = []
    for row in range(60):
        y, x, offset = _design(a[row], 6.0, b[row], 6.0)
        fit = sm.GLM(y, x, family=sm.families.NegativeBinomial(alpha=alpha[row]),
                     offset=offset).fit()
        assert z[row] == pytest.approx(fit.tvalues[1], rel=1e-6)
        ml = mesems.rate_ratio(a[row], 6.0, b[row], 6.0, model="negbin")
        same_decision.append((ml["p"] < 0.05) == (abs(z[row]) > 1.959964))
    assert np.mean(same_decision) >= 0.9


def test_power_behaves_and_is_seeded():
    def power(n_per_arm=20, dispersion=2.0, seed=1, rate_ratio=0.5):
        return mesems.rate_ratio_power(n_per_arm=n_per_arm, rate_ratio=rate_ratio,
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
    got = mesems.rate_ratio_power(n_per_arm=n, base_rate=rate, rate_ratio=ratio, dispersion=alpha,
                                  scans=6, reps=20_000, seed=5)
    assert got == pytest.approx(expected, abs=0.02)


@pytest.mark.parametrize("call, name", [
    (lambda: mesems.simulate_negbin(0, 1, 1), "n"),
    (lambda: mesems.simulate_negbin(5, -1, 1), "mean"),
    (lambda: mesems.simulate_negbin(5, [1, 2], 1), "mean"),
    (lambda: mesems.simulate_negbin(5, 1, -0.5), "dispersion"),
    (lambda: mesems.simulate_negbin(5, 1, 1, size=0), "size"),
    (lambda: mesems.simulate_negbin(5, 1, 1, seed=1.5), "seed"),
    (lambda: mesems.rate_ratio([1, 2.5], 1, [1, 2], 1), "counts_a"),
    (lambda: mesems.rate_ratio([1, 2], 0, [1, 2], 1), "exposure_a"),
    (lambda: mesems.rate_ratio([1, 2], 1, [0, 0], 1), "counts_b"),
    (lambda: mesems.rate_ratio([1, 2], 1, [1, 2], [1, 1, 1]), "exposure_b"),
    (lambda: mesems.rate_ratio([3], 1, [1, 2], 1), "counts_a"),
    (lambda: mesems.rate_ratio([1, 2], 1, [1, 2], 1, model="zip"), "model"),
    (lambda: mesems.rate_ratio_power(n_per_arm=1), "n_per_arm"),
    (lambda: mesems.rate_ratio_power(base_rate=0), "base_rate"),
    (lambda: mesems.rate_ratio_power(rate_ratio=-1), "rate_ratio"),
    (lambda: mesems.rate_ratio_power(dispersion=-1), "dispersion"),
    (lambda: mesems.rate_ratio_power(scans=0), "scans"),
    (lambda: mesems.rate_ratio_power(alpha=0.9), "alpha"),
    (lambda: mesems.rate_ratio_power(reps=0), "reps"),
    (lambda: mesems.rate_ratio_power(seed=-3), "seed"),
])
def test_bad_parameters_name_themselves(call, name):
    with pytest.raises(ValueError, match=name):
        call()


# ---- designs, power without simulation, the crossover analysis, calibration

@pytest.mark.parametrize("n, rate, ratio, alpha, scans", [(72, 0.6, 0.7, 1.54, 3), (20, 2.0, 0.5, 0.0, 1),
                                                          (300, 0.6, 0.9, 3.0, 6), (36, 0.35, 1.0, 0.3, 1)])
def test_power_equals_statsmodels_negbin_power(n, rate, ratio, alpha, scans):
    expected = power_negbin_ratio_2indep(rate * ratio, rate, n, 1, exposure=scans, alpha=0.05,
                                         dispersion=alpha, method_var="alt").power
    assert mesems.power(n, rate, ratio, alpha, scans) == pytest.approx(float(expected), rel=1e-9)


def test_power_takes_an_array_of_ratios():
    grid = np.array([0.5, 0.7, 1.0])
    together = mesems.power(72, 0.6, grid, 1.5, 3)
    apart = [mesems.power(72, 0.6, r, 1.5, 3) for r in grid]
    np.testing.assert_allclose(together, apart)
    assert together[0] > together[1] > together[2] == pytest.approx(0.05)


@pytest.mark.parametrize("carryover", [0.0, 0.5, 1.0])
@pytest.mark.parametrize("ratio", [1.0, 0.7])
def test_crossover_power_matches_simulation(ratio, carryover):
    expected = mesems.power(40, 0.6, ratio, 1.5, 3, design="crossover", carryover=carryover)
    got = mesems.rate_ratio_power(n_per_arm=40, base_rate=0.6, rate_ratio=ratio, dispersion=1.5, scans=3,
                                  reps=6000, seed=11, design="crossover", carryover=carryover)
    assert got == pytest.approx(expected, abs=0.025)


def test_crossover_without_carryover_is_two_poisson_arms_of_everyone():
    # the proneness cancels: statsmodels' power for two Poisson arms of 2n patients
    expected = power_negbin_ratio_2indep(0.6 * 0.8, 0.6, 2 * 50, 1, exposure=3, dispersion=0.0,
                                         method_var="alt").power
    assert mesems.power(50, 0.6, 0.8, 2.5, 3, design="crossover") == pytest.approx(float(expected), rel=1e-9)
    # and it beats the parallel design once patients differ, whatever the dispersion
    assert mesems.power(50, 0.6, 0.8, 2.5, 3, design="crossover") > mesems.power(50, 0.6, 0.8, 2.5, 3)
    # carryover shrinks the crossover's effect and its power
    assert (mesems.power(50, 0.6, 0.8, 1, 3, design="crossover", carryover=1.0)
            < mesems.power(50, 0.6, 0.8, 1, 3, design="crossover"))


def test_crossover_z_is_the_conditional_binomial_glm():
    # per patient: lesions in period 1 given the total, logit = period + log RR (a) or - log RR (b)
    rng = np.random.default_rng(3)
    prone = rng.gamma(1 / 1.5, 1.5, size=60)
    first = rng.poisson(2 * prone * np.r_[np.full(30, 0.6), np.ones(30)])
    second = rng.poisson(2 * prone * np.r_[np.ones(30), np.full(30, 0.6)])
    keep = first + second > 0
    group = np.r_[np.ones(30), -np.ones(30)][keep]
    x = sm.add_constant(group)
    endog = np.c_[first[keep], second[keep]]
    fit = sm.GLM(endog, x, family=sm.families.Binomial()).fit()
    got = mesems.crossover_z(first[:30].sum(), second[:30].sum(), first[30:].sum(), second[30:].sum())
    assert got["rate_ratio"] == pytest.approx(np.exp(fit.params[1]), rel=1e-6)
    assert got["p"] == pytest.approx(fit.pvalues[1], rel=1e-5)
    low, high = np.exp(fit.conf_int()[1])
    assert (got["ci_low"], got["ci_high"]) == (pytest.approx(low, rel=1e-5), pytest.approx(high, rel=1e-5))


def test_detectable_ratio_is_where_power_reaches_the_target():
    r = mesems.detectable_ratio(72, 0.6, 1.5, 3)
    assert mesems.power(72, 0.6, r, 1.5, 3) >= 0.8 > mesems.power(72, 0.6, r + 0.002, 1.5, 3)
    assert np.isnan(mesems.detectable_ratio(2, 0.01, 50, 1))


def test_dispersion_from_ci_reproduces_the_interval():
    alpha = mesems.dispersion_from_ci(0.58, 1.50, 69, 75, 1.8, 0.94)
    se = np.sqrt(mesems.log_ratio_variance(69, 1.8 * 0.94, 75, 1.8, alpha))
    assert 2 * 1.959964 * se == pytest.approx(np.log(1.50 / 0.58), rel=1e-6)
    with pytest.raises(ValueError, match="narrower than Poisson.*mean_b"):
        mesems.dispersion_from_ci(0.9, 1.1, 69, 75, 0.1, 1.0)
    with pytest.raises(ValueError, match="ci_low.*below ci_high"):
        mesems.dispersion_from_ci(1.5, 0.58, 69, 75, 1.8, 0.94)


def test_synthetic_lesion_trial_is_seeded_and_fits_the_target():
    frame, seed = mesems.synthetic_lesion_trial(40, 40, 1.0, 1.0, 0.8, (0.5, 1.3), ["a", "b"], tolerance=0.05,
                                                seed=5)
    again, seed_again = mesems.synthetic_lesion_trial(40, 40, 1.0, 1.0, 0.8, (0.5, 1.3), ["a", "b"],
                                                      tolerance=0.05, seed=5)
    assert seed == seed_again >= 5 and frame.equals(again)
    assert list(frame.columns) == ["patient", "group", "a", "b", "total"]
    assert (frame[["a", "b"]].sum(axis=1) == frame["total"]).all()
    t = frame["total"].to_numpy()
    fit = mesems.rate_ratio(t[:40], 2, t[40:], 2, model="negbin")
    assert fit["rate_ratio"] == pytest.approx(0.8, abs=0.02)
    assert abs(fit["ci_low"] - 0.5) <= 0.05 and abs(fit["ci_high"] - 1.3) <= 0.05
    with pytest.raises(ValueError, match="no seed from 0 to 4"):
        mesems.synthetic_lesion_trial(40, 40, 1.0, 1.0, 0.8, (0.79, 0.81), ["a"], tolerance=0.001, max_tries=5)
    with pytest.raises(ValueError, match="scan_names"):
        mesems.synthetic_lesion_trial(40, 40, 1.0, 1.0, 0.8, (0.5, 1.3), [])


@pytest.mark.parametrize("call, name", [
    (lambda: mesems.power(1, 0.6, 0.7, 1), "n_per_arm"),
    (lambda: mesems.power(20, 0.6, 0, 1), "rate_ratio"),
    (lambda: mesems.power(20, 0.6, 0.7, 1, design="stepped"), "design"),
    (lambda: mesems.power(20, 0.6, 0.7, 1, design="crossover", carryover=1.5), "carryover"),
    (lambda: mesems.rate_ratio_power(design="latin"), "design"),
    (lambda: mesems.crossover_z(-1, 2, 3, 4), "first_a"),
])
def test_new_parameters_name_themselves(call, name):
    with pytest.raises(ValueError, match=name):
        call()


@pytest.mark.parametrize("mean, alpha", [(1.8, 0.0), (1.8, 1.54), (0.35, 3.0), (5.0, 0.2)])
def test_share_with_none_is_the_negative_binomial_zero(mean, alpha):
    from scipy import stats

    got = mesems.share_with_none(mean, alpha)
    if alpha == 0:
        assert got == pytest.approx(stats.poisson.pmf(0, mean))
    else:  # NB2 with mean mu and variance mu + alpha mu^2: P(0) = (1 + alpha mu) ** (-1 / alpha)
        assert got == pytest.approx((1 + alpha * mean) ** (-1 / alpha))
        draws = np.random.default_rng(1).negative_binomial(1 / alpha, 1 / (1 + alpha * mean), 200_000)
        assert got == pytest.approx(np.mean(draws == 0), abs=0.005)
    with pytest.raises(ValueError, match="dispersion"):
        mesems.share_with_none(mean, -1)
