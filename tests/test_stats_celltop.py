"""The chapter 1 simulator (trialsim.stats.celltop), checked by independent calculation."""

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize

from trialsim import data
from trialsim.stats import celltop


def test_natural_rate_model():
    assert celltop.natural_rate(0.05, "late", "ais1") == pytest.approx(0.05)
    assert celltop.natural_rate(0.05, "early", "ais1") == pytest.approx(1 - 0.95 * 0.75)
    assert celltop.natural_rate(0.05, "late", "ais2") == pytest.approx(0.05 * 0.375)
    assert celltop.natural_rate(0.30, "early", "motor") == pytest.approx(min(2 * (1 - 0.7 * 0.75), 0.95))
    assert celltop.benchmark_rate(0.05, "ais2") == pytest.approx(0.05 * 0.375)


def test_model_assumptions_match_the_data_card():
    facts = data.facts("celltop_summary")
    assert celltop.EARLY_EXTRA == facts["early_extra"]
    assert celltop.ENDPOINT_FACTOR["ais2"] == facts["ais2_factor"]
    assert celltop.ENDPOINT_FACTOR["motor"] == facts["motor_factor"]


def test_no_control_numbers():
    out = celltop.simulate("none", 0.05, 10, "ais1", 0.0, "early")
    p_nat = 1 - 0.95 * 0.75
    assert out["k_like"] == 7
    assert out["chance_like"] == pytest.approx(stats.binom.sf(6, 10, p_nat))
    assert (out["ci_low"], out["ci_high"]) == pytest.approx((0.34755, 0.93326), abs=1e-5)
    assert np.isnan(out["false_alarm"]) and np.isnan(out["power"])


def _brute_force_single_arm(n, p0, p_true, alpha=0.025):
    """P(the exact one-sided test against p0 rejects) when the true rate is p_true."""
    return sum(stats.binom.pmf(k, n, p_true) for k in range(n + 1)
               if stats.binomtest(k, n, p0, alternative="greater").pvalue <= alpha)


@pytest.mark.parametrize("timing", ["early", "late"])
@pytest.mark.parametrize("n", [10, 50])
def test_historical_design_by_brute_force(timing, n):
    out = celltop.simulate("historical", 0.05, n, "ais1", 0.25, timing)
    p_nat = celltop.natural_rate(0.05, timing, "ais1")
    p_treat = p_nat + 0.25 * (1 - p_nat)
    assert out["false_alarm"] == pytest.approx(_brute_force_single_arm(n, 0.05, p_nat), abs=1e-12)
    assert out["power"] == pytest.approx(_brute_force_single_arm(n, 0.05, p_treat), abs=1e-12)


def test_early_injection_breaks_a_late_benchmark():
    early = celltop.simulate("historical", 0.05, 10, "ais1", 0.0, "early")
    late = celltop.simulate("historical", 0.05, 10, "ais1", 0.0, "late")
    assert early["false_alarm"] > 0.5
    assert late["false_alarm"] <= 0.025


def test_randomised_design_matches_statsmodels():
    out = celltop.simulate("randomised", 0.05, 200, "ais1", 0.25, "early")
    p_nat = 1 - 0.95 * 0.75
    p_treat = p_nat + 0.25 * (1 - p_nat)
    ref = NormalIndPower().power(proportion_effectsize(p_treat, p_nat), 200, 0.025, alternative="larger")
    assert out["power"] == pytest.approx(ref)
    assert out["rct_power"] == pytest.approx(ref)
    assert out["false_alarm"] == pytest.approx(0.025)


def test_vectorised_over_sample_size():
    sizes = np.array([10, 20, 50, 100, 200])
    vec = celltop.simulate("historical", 0.05, sizes, "ais1", 0.25, "late")
    for i, n in enumerate(sizes):
        one = celltop.simulate("historical", 0.05, int(n), "ais1", 0.25, "late")
        for key in ("chance_like", "false_alarm", "power", "rct_power", "ci_low"):
            assert vec[key][i] == pytest.approx(one[key]), key


@pytest.mark.parametrize("kwargs,param", [
    (dict(design="placebo"), "design"),
    (dict(assumed_rate=0.9), "assumed_rate"),
    (dict(assumed_rate=-0.1), "assumed_rate"),
    (dict(n_per_arm=3), "n_per_arm"),
    (dict(n_per_arm=10.5), "n_per_arm"),
    (dict(endpoint="walking"), "endpoint"),
    (dict(effect=1.5), "effect"),
    (dict(timing="never"), "timing"),
    (dict(observed_share=0), "observed_share"),
    (dict(alpha=0.5), "alpha"),
])
def test_bad_parameters_name_the_parameter_and_the_allowed_values(kwargs, param):
    args = dict(design="none", assumed_rate=0.05, n_per_arm=10, endpoint="ais1", effect=0.0, timing="early")
    args.update(kwargs)
    with pytest.raises(ValueError, match=rf"{param}=.*(allowed|choose one of)"):
        celltop.simulate(**args)
