"""trialsim.stats.meta: effect sizes and zero cells by hand, fixed effect by the
inverse-variance formula, random effects against statsmodels and the
published BCG example, Egger's test against least squares by hand."""

import itertools
import warnings

import numpy as np
import pytest
from scipy import stats
from scipy.special import expit, logit
from statsmodels.stats.meta_analysis import combine_effects

from trialsim.stats import meta

# Colditz et al. (1994): 13 trials of BCG vaccine against tuberculosis
# (tpos, tneg, cpos, cneg), the standard worked example of meta-analysis
# (metafor's dat.bcg).
BCG = np.array([(4, 119, 11, 128), (6, 300, 29, 274), (3, 228, 11, 209), (62, 13536, 248, 12619),
                (33, 5036, 47, 5761), (180, 1361, 372, 1079), (8, 2537, 10, 619),
                (505, 87886, 499, 87892), (29, 7470, 45, 7232), (17, 1699, 65, 1600),
                (186, 50448, 141, 27197), (5, 2493, 3, 2338), (27, 16886, 29, 17825)])


def _bcg():
    tpos, tneg, cpos, cneg = BCG.T
    return meta.risk_ratio_studies(tpos, tpos + tneg, cpos, cpos + cneg)


def test_log_risk_ratio_and_variance_by_hand():
    s = _bcg()
    tpos, tneg, cpos, cneg = BCG.T.astype(float)
    n_t, n_c = tpos + tneg, cpos + cneg
    np.testing.assert_allclose(s["log_rr"], np.log(tpos / n_t) - np.log(cpos / n_c))
    np.testing.assert_allclose(s["variance"], 1 / tpos - 1 / n_t + 1 / cpos - 1 / n_c)
    assert s["included"].all() and not s["corrected"].any()


def test_zero_cells_are_corrected_only_where_they_occur():
    events_t, n_t, events_c, n_c = [0, 3, 0, 4], [10, 20, 15, 12], [2, 5, 0, 4], [12, 20, 15, 12]
    half = meta.risk_ratio_studies(events_t, n_t, events_c, n_c, correction=0.5)
    assert half["log_rr"][0] == pytest.approx(np.log(0.5 / 11) - np.log(2.5 / 13))
    assert half["variance"][0] == pytest.approx(1 / 0.5 - 1 / 11 + 1 / 2.5 - 1 / 13)
    assert half["log_rr"][2] == 0.0                         # no events in either arm
    # studies without a zero cell keep their plain estimates
    assert half["log_rr"][1] == pytest.approx(np.log(3 / 20) - np.log(5 / 20))
    assert half["log_rr"][3] == pytest.approx(0.0)
    np.testing.assert_array_equal(half["corrected"], [True, False, True, False])

    tac = meta.risk_ratio_studies(events_t, n_t, events_c, n_c, correction="treatment-arm")
    k_t, k_c = 12 / 22, 10 / 22                             # n_c/(n_t+n_c), n_t/(n_t+n_c)
    assert tac["log_rr"][0] == pytest.approx(np.log(k_t / (10 + 1)) - np.log((2 + k_c) / (12 + 1)))
    assert tac["log_rr"][1] == half["log_rr"][1]

    out = meta.risk_ratio_studies(events_t, n_t, events_c, n_c, correction="exclude")
    np.testing.assert_array_equal(out["included"], [False, True, False, True])
    np.testing.assert_allclose(out["log_rr"], half["log_rr"][[1, 3]])


def test_risk_ratio_uses_the_current_statsmodels_spelling():
    with warnings.catch_warnings():
        warnings.simplefilter("error")       # "rr" would raise a FutureWarning here
        meta.risk_ratio_studies([0, 3], [10, 20], [2, 5], [12, 20], correction=0.5)


def test_fixed_effect_is_the_inverse_variance_average():
    effects = np.array([-0.5, -0.1, -0.3, 0.2])
    variances = np.array([0.04, 0.09, 0.02, 0.25])
    w = 1 / variances
    mean = (w * effects).sum() / w.sum()
    se = np.sqrt(1 / w.sum())
    q = (w * (effects - mean) ** 2).sum()
    got = meta.pool(effects, variances, method="fixed")
    assert got["effect"] == pytest.approx(mean) and got["se"] == pytest.approx(se)
    assert got["estimate"] == pytest.approx(np.exp(mean))
    assert got["ci_low"] == pytest.approx(np.exp(mean - 1.959964 * se), rel=1e-6)
    assert got["q"] == pytest.approx(q)
    assert got["q_p"] == pytest.approx(stats.chi2.sf(q, 3))
    assert got["i2"] == pytest.approx(max(0, (q - 3) / q))
    assert got["p"] == pytest.approx(2 * stats.norm.sf(abs(mean / se)))
    np.testing.assert_allclose(got["weights"], w / w.sum())


def test_random_effects_match_combine_effects():
    effects = np.array([-0.9, -0.1, -0.5, 0.3, -1.2])
    variances = np.array([0.05, 0.04, 0.1, 0.08, 0.2])
    got = meta.pool(effects, variances, method="random", scale="identity")
    ref = combine_effects(effects, variances, method_re="dl")
    assert ref.tau2 > 0
    assert got["estimate"] == pytest.approx(ref.mean_effect_re)
    assert got["se"] == pytest.approx(ref.sd_eff_w_re)
    assert (got["ci_low"], got["ci_high"]) == pytest.approx(tuple(ref.conf_int()[1]))
    assert got["tau2"] == pytest.approx(ref.tau2) and got["i2"] == pytest.approx(ref.i2)


def test_random_effects_reproduce_the_published_bcg_analysis():
    # metafor, rma(measure="RR", method="DL") on dat.bcg (Viechtbauer 2010):
    # estimate -0.7141 (se 0.1787, 95 % CI -1.0644 to -0.3638), tau2 0.3088,
    # I2 92.12 %, Q 152.2330 on 12 df; fixed effect -0.4303 (se 0.0405)
    s = _bcg()
    re = meta.pool(s["log_rr"], s["variance"], method="random")
    assert re["effect"] == pytest.approx(-0.7141, abs=5e-5)
    assert re["se"] == pytest.approx(0.1787, abs=5e-5)
    assert re["ci_low"] == pytest.approx(np.exp(-1.0644), rel=1e-4)
    assert re["ci_high"] == pytest.approx(np.exp(-0.3638), rel=1e-4)
    assert re["tau2"] == pytest.approx(0.3088, abs=5e-5)
    assert re["i2"] == pytest.approx(0.9212, abs=5e-5)
    assert re["q"] == pytest.approx(152.2330, abs=5e-5)
    fe = meta.pool(s["log_rr"], s["variance"], method="fixed")
    assert fe["effect"] == pytest.approx(-0.4303, abs=5e-5)
    assert fe["se"] == pytest.approx(0.0405, abs=5e-5)


def test_negative_dersimonian_laird_variance_is_truncated_to_zero():
    effects, variances = np.array([0.10, 0.12, 0.11]), np.array([0.1, 0.2, 0.3])
    with np.errstate(invalid="ignore"):
        assert combine_effects(effects, variances, method_re="dl").tau2 < 0   # statsmodels as is
    re = meta.pool(effects, variances, method="random")
    fe = meta.pool(effects, variances, method="fixed")
    assert re["tau2"] == 0.0 and re["i2"] == 0.0
    assert re["estimate"] == fe["estimate"] and re["se"] == fe["se"]


def test_egger_intercept_matches_least_squares_by_hand():
    rng = np.random.default_rng(4)
    variances = rng.uniform(0.01, 0.3, 12)
    effects = -0.4 + 1.5 * np.sqrt(variances) + rng.normal(0, np.sqrt(variances))
    got = meta.egger_test(effects, variances)
    se = np.sqrt(variances)
    x = np.column_stack([np.ones(12), 1 / se])
    y = effects / se
    coef, rss, *_ = np.linalg.lstsq(x, y, rcond=None)
    cov = rss[0] / (12 - 2) * np.linalg.inv(x.T @ x)
    t = coef[0] / np.sqrt(cov[0, 0])
    assert got["intercept"] == pytest.approx(coef[0]) and got["slope"] == pytest.approx(coef[1])
    assert got["se"] == pytest.approx(np.sqrt(cov[0, 0]))
    assert got["p"] == pytest.approx(2 * stats.t.sf(abs(t), 10))


def test_pooled_proportion_on_the_logit_scale():
    events, n = np.array([3, 0, 7, 12]), np.array([10, 8, 20, 30])
    yes = np.where(events == 0, 0.5, events)
    no = n - events + np.where(events == 0, 0.5, 0)
    var = 1 / yes + 1 / no
    w = 1 / var
    mean = (w * logit(yes / (yes + no))).sum() / w.sum()
    fixed = meta.pool_proportions(events, n, method="fixed")
    assert fixed["estimate"] == pytest.approx(expit(mean))
    assert fixed["ci_high"] == pytest.approx(expit(mean + 1.959964 / np.sqrt(w.sum())), rel=1e-6)
    events, n = np.array([2, 9, 15, 1]), np.array([20, 12, 25, 30])
    random = meta.pool_proportions(events, n, method="random")
    ref = combine_effects(logit(events / n), 1 / events + 1 / (n - events), method_re="dl")
    assert ref.tau2 > 0
    assert random["estimate"] == pytest.approx(expit(ref.mean_effect_re))
    assert random["tau2"] == pytest.approx(ref.tau2)


@pytest.mark.parametrize("call, name", [
    (lambda: meta.risk_ratio_studies([5], [4], [1], [10]), "events_t"),
    (lambda: meta.risk_ratio_studies([1], [0], [1], [10]), "n_t"),
    (lambda: meta.risk_ratio_studies([1], [10], [1.5], [10]), "events_c"),
    (lambda: meta.risk_ratio_studies([1, 2], [10, 10], [1], [10]), "events_t"),
    (lambda: meta.risk_ratio_studies([1], [10], [1], [10], correction="tac"), "correction"),
    (lambda: meta.risk_ratio_studies([1], [10], [1], [10], correction=0), "correction"),
    (lambda: meta.risk_ratio_studies([0], [10], [1], [10], correction="exclude"), "correction"),
    (lambda: meta.pool([0.1, 0.2], [0.1, 0.1], method="bayes"), "method"),
    (lambda: meta.pool([0.1, 0.2], [0.1, 0.1], scale="ratio"), "scale"),
    (lambda: meta.pool([0.1, np.nan], [0.1, 0.1]), "effects"),
    (lambda: meta.pool([0.1, 0.2], [0.1, -0.1]), "variances"),
    (lambda: meta.pool([0.1, 0.2], [0.1, 0.0]), "variances"),
    (lambda: meta.pool([0.1, 0.2], [0.1]), "effects"),
    (lambda: meta.pool([0.1], [0.1]), "effects"),
    (lambda: meta.egger_test([0.1, 0.2], [0.1, 0.1]), "effects"),
    (lambda: meta.egger_test([0.1, 0.2, 0.3], [0.1, 0.1, 0]), "variances"),
    (lambda: meta.pool_proportions([3, 11], [10, 10]), "events"),
    (lambda: meta.pool_proportions([3, 1], [10, 10], method="other"), "method"),
    (lambda: meta.pool_proportions([3, 1], [10, 10], correction=2), "correction"),
])
def test_bad_parameters_name_themselves(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_synthetic_trials_are_seeded_and_pool_to_the_target():
    a, seed = meta.synthetic_risk_ratio_trials([30] * 6, [30] * 6, 1.5, (1.5, 1.0, 2.2), tolerance=0.1,
                                                  max_i2=1.0, seed=3)
    b, seed_b = meta.synthetic_risk_ratio_trials([30] * 6, [30] * 6, 1.5, (1.5, 1.0, 2.2), tolerance=0.1,
                                                    max_i2=1.0, seed=3)
    assert seed == seed_b >= 3 and all(np.array_equal(a[k], b[k]) for k in a)
    st = meta.risk_ratio_studies(a["events_t"], a["n_t"], a["events_c"], a["n_c"])
    res = meta.pool(st["log_rr"], st["variance"])
    assert abs(res["estimate"] - 1.5) <= 0.1 and abs(res["ci_low"] - 1.0) <= 0.1 and abs(res["ci_high"] - 2.2) <= 0.1
    with pytest.raises(ValueError, match="no seed from 0 to 4"):
        meta.synthetic_risk_ratio_trials([30] * 6, [30] * 6, 1.5, (1.5, 1.49, 1.51), tolerance=0.001,
                                            max_tries=5)
    with pytest.raises(ValueError, match="n_c"):
        meta.synthetic_risk_ratio_trials([30] * 6, [0] * 6, 1.5, (1.5, 1.0, 2.2))


def test_moderator_slopes_equal_statsmodels_wls_with_known_variances():
    import statsmodels.api as sm

    rng = np.random.default_rng(8)
    y, v = rng.normal(0.3, 0.4, 9), rng.uniform(0.05, 0.6, 9)
    x = rng.integers(0, 2, (3, 9)).astype(float)
    got = meta.moderator_slopes(y, v, x, tau2=0.02)
    for j in range(3):
        fit = sm.WLS(y, sm.add_constant(x[j]), weights=1 / (v + 0.02)).fit(cov_type="fixed scale")
        assert got["slope"][j] == pytest.approx(fit.params[1], rel=1e-9)
        assert got["se"][j] == pytest.approx(fit.bse[1], rel=1e-9)
        assert got["p"][j] == pytest.approx(fit.pvalues[1], rel=1e-9)
    flat = meta.moderator_slopes(y, v, np.ones((1, 9)))
    assert np.isnan(flat["p"][0])


def test_many_moderators_in_nine_studies_find_something():
    one = meta.moderator_false_positives(n_moderators=1, reps=4000, seed=2)
    many = meta.moderator_false_positives(n_moderators=8, reps=4000, seed=2)
    assert one["any"] == pytest.approx(0.05, abs=0.015)
    assert many["per_test"] == pytest.approx(0.05, abs=0.01)
    # the eight tests share the same study effects, so they are correlated: well above 5 %, but below the
    # 1 - 0.95 ** 8 = 34 % that eight independent tests would give
    assert 0.2 < many["any"] < 1 - 0.95 ** 8
    assert all(a <= b for a, b in itertools.pairwise(many["by_m"]))
    with pytest.raises(ValueError, match="k_studies"):
        meta.moderator_false_positives(k_studies=2)
    with pytest.raises(ValueError, match="study_size"):
        meta.moderator_false_positives(study_size=(50, 10))
