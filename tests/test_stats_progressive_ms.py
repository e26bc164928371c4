"""trialsim.stats.progressive_ms: improvement shares against scipy, power against
statsmodels, corrections against statsmodels multipletests."""

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize

from trialsim.stats import progressive_ms


@pytest.mark.parametrize("method", ["bonferroni", "holm"])
def test_corrections_match_statsmodels(method, monkeypatch):
    # statsmodels' Holm calls gc.collect() on every call: 0.2 s each in a test
    # process holding many objects; the arithmetic is untouched
    import gc

    monkeypatch.setattr(gc, "collect", lambda *args: 0)
    rng = np.random.default_rng(0)
    p = rng.uniform(0, 0.2, size=(300, 7)) ** 1.5
    got = progressive_ms.reject_matrix(p, 0.05, method)
    for row, reject in zip(p, got, strict=True):
        assert list(reject) == list(multipletests(row, alpha=0.05, method=method)[0])


def test_familywise_error_for_independent_tests_is_one_minus_power():
    out = progressive_ms.any_significant(k=[1, 5, 20])
    np.testing.assert_allclose(out["any"], 1 - 0.95 ** np.array([1, 5, 20]), rtol=1e-9)
    np.testing.assert_allclose(out["expected"], 0.05 * np.array([1, 5, 20]), rtol=1e-9)


@pytest.mark.parametrize("k,rho,effect", [(3, 0.5, 0.0), (4, 0.9, 1.0), (2, 0.2, 0.5)])
def test_exact_chance_of_any_significant_equals_the_multivariate_normal(k, rho, effect):
    """P(at least one |Z| > c) for equicorrelated normals, from scipy's
    multivariate normal CDF over the box, for each correction."""
    cov = np.full((k, k), rho)
    np.fill_diagonal(cov, 1.0)
    mvn = stats.multivariate_normal(np.full(k, effect), cov)
    for correction, level in (("none", 0.05), ("bonferroni", 0.05 / k), ("holm", 0.05 / k)):
        c = stats.norm.isf(level / 2)
        inside = mvn.cdf(np.full(k, c), lower_limit=np.full(k, -c))
        got = progressive_ms.any_significant(k=k, rho=rho, effect=effect, correction=correction)["any"]
        assert got == pytest.approx(1 - inside, abs=2e-5)


@pytest.mark.parametrize("correction", ["none", "bonferroni", "holm"])
def test_exact_chances_agree_with_a_large_simulation(correction):
    ks = [1, 3, 10, 20]
    for rho, effect in ((0.0, 0.0), (0.5, 1.0), (0.9, 0.0)):
        exact = progressive_ms.any_significant(k=ks, rho=rho, correction=correction, effect=effect)
        sim = progressive_ms.simulate_any_significant(k=ks, rho=rho, correction=correction, effect=effect,
                                                reps=200_000, seed=11)
        se_any = np.sqrt(exact["any"] * (1 - exact["any"]) / 200_000)
        assert np.all(np.abs(sim["any"] - exact["any"]) <= 4 * se_any + 1e-9)
        # the expected count (Holm's by its step-down programme) within simulation error
        np.testing.assert_allclose(sim["expected"], exact["expected"], atol=0.02, rtol=0.02)


def test_corrections_hold_the_familywise_rate_and_correlation_lowers_it():
    assert progressive_ms.any_significant(k=20, correction="bonferroni")["any"] <= 0.05
    holm = progressive_ms.any_significant(k=20, correction="holm")
    bonf = progressive_ms.any_significant(k=20, correction="bonferroni")
    assert holm["any"] == bonf["any"]  # at least one rejection: the same rule for both
    assert holm["expected"] >= bonf["expected"]  # Holm rejects at least what Bonferroni does
    assert progressive_ms.any_significant(k=20, rho=0.9)["any"] < progressive_ms.any_significant(k=20, rho=0.0)["any"]


def test_single_visit_improvement_is_a_normal_tail():
    out = progressive_ms.improvement(blinding="double", endpoint="t25fw", expectation=0.0, fluctuation=0.8,
                               threshold=1.0, definition="single")
    assert out["treated"] == pytest.approx(stats.norm.sf(1.0 / 0.8))
    assert out["natural"] == out["treated"]


def test_confirmed_improvement_is_rarer_than_a_single_visit():
    single = progressive_ms.improvement(definition="single")["natural"]
    confirmed = progressive_ms.improvement(definition="confirmed")["natural"]
    rho = progressive_ms.VISIT_CORRELATION
    z = 1.0
    expected = stats.multivariate_normal([0, 0], [[1, rho], [rho, 1]]).cdf([-z, -z])
    assert confirmed == pytest.approx(expected, rel=1e-4) and confirmed < single


def test_blinding_decides_who_gets_the_expectation():
    base = dict(expectation=0.5, control="placebo", effect=0.0)
    open_ = progressive_ms.improvement(blinding="open", endpoint="edss_unblinded", **base)
    assert open_["difference"] > 0.1
    rater = progressive_ms.improvement(blinding="rater", endpoint="edss_unblinded", **base)
    assert rater["difference"] == 0
    patient = progressive_ms.improvement(blinding="rater", endpoint="patient_reported", **base)
    assert patient["difference"] > open_["difference"]  # the patient still knows
    double = progressive_ms.improvement(blinding="double", endpoint="patient_reported", **base)
    assert double["difference"] == 0 and double["control_share"] > double["natural"]  # a placebo response
    assert double["finds_difference"] == pytest.approx(0.05)


def test_power_is_statsmodels():
    out = progressive_ms.improvement(blinding="double", endpoint="edss_plus", control="placebo", effect=0.5,
                               n_per_arm=27)
    h = proportion_effectsize(out["treated"], out["control_share"])
    assert out["finds_difference"] == pytest.approx(NormalIndPower().power(h, 27, 0.05))


def test_composite_endpoint_improves_more_often_by_chance():
    one = progressive_ms.improvement(blinding="double", endpoint="edss_unblinded", expectation=0.0)["natural"]
    plus = progressive_ms.improvement(blinding="double", endpoint="edss_plus", expectation=0.0)["natural"]
    assert plus == pytest.approx(1 - (1 - one) ** 3)


@pytest.mark.parametrize("call, name", [
    (lambda: progressive_ms.improvement(blinding="triple"), "blinding"),
    (lambda: progressive_ms.improvement(endpoint="mood"), "endpoint"),
    (lambda: progressive_ms.improvement(fluctuation=0), "fluctuation"),
    (lambda: progressive_ms.improvement(definition="twice"), "definition"),
    (lambda: progressive_ms.improvement(n_per_arm=1), "n_per_arm"),
    (lambda: progressive_ms.any_significant(k=0), "k"),
    (lambda: progressive_ms.any_significant(rho=1.0), "rho"),
    (lambda: progressive_ms.any_significant(correction="sidak"), "correction"),
])
def test_bad_parameters_name_themselves(call, name):
    with pytest.raises(ValueError, match=name):
        call()
