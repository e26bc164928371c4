"""trialsim.stats.als: slopes against numpy.polyfit, the Wilcoxon test against
scipy, and the run-in simulator's known biases."""

import numpy as np
import pytest
from scipy import stats

from trialsim.stats import als

MONTHS = np.arange(6.0)


def test_slope_matches_polyfit_for_each_row():
    rng = np.random.default_rng(1)
    scores = 40 - 0.8 * MONTHS + rng.normal(0, 1.5, (5, MONTHS.size))
    got = als.slope(MONTHS, scores)
    expected = [np.polyfit(MONTHS, row, 1)[0] for row in scores]
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    assert als.slope(MONTHS, scores[0]) == pytest.approx(expected[0], rel=1e-12)


def test_slope_skips_missing_visits_and_accepts_per_patient_times():
    scores = np.array([[40, 39, np.nan, 36.5, np.nan, 35], [30, 30.5, 28, 27, 27.5, 25]])
    times = np.vstack([MONTHS, MONTHS * 2])
    seen = ~np.isnan(scores[0])
    assert als.slope(MONTHS, scores)[0] == pytest.approx(
        np.polyfit(MONTHS[seen], scores[0, seen], 1)[0], rel=1e-12)
    np.testing.assert_allclose(als.slope(times, scores)[1],
                               np.polyfit(times[1], scores[1], 1)[0], rtol=1e-12)


def test_percent_slope_change_sign_convention():
    got = als.percent_slope_change([-1.0, -1.0, -2.0, 0.5], [-0.5, -1.5, 0.0, 1.0])
    np.testing.assert_allclose(got, [50.0, -50.0, 100.0, 100.0])


def test_responders_counts_improvements_above_threshold():
    pre = np.array([-1.0, -1.0, -1.0, -2.0])
    post = np.array([-0.5, -0.8, -0.74, -1.6])     # 50 %, 20 %, 26 %, 20 %
    assert als.responders(pre, post, threshold=0.25) == 0.5
    assert als.responders(pre, post, threshold=0.1) == 1.0


@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_wilcoxon_matches_scipy(alternative):
    rng = np.random.default_rng(3)
    pre = rng.normal(-1, 0.4, 25)
    post = pre + rng.normal(0.2, 0.3, 25)
    got = als.wilcoxon_paired(pre, post, alternative=alternative)
    ref = stats.wilcoxon(post - pre, alternative=alternative)
    assert got["p"] == pytest.approx(ref.pvalue, rel=1e-12)
    assert got["statistic"] == ref.statistic


def test_run_in_is_seeded():
    a = als.simulate_run_in(n=30, seed=4)
    b = als.simulate_run_in(n=30, seed=4)
    c = als.simulate_run_in(n=30, seed=5)
    np.testing.assert_array_equal(a["scores"], b["scores"])
    assert not np.array_equal(a["scores"], c["scores"])


def test_run_in_slopes_are_the_slopes_of_the_returned_scores():
    out = als.simulate_run_in(n=20, run_in_months=4, followup_months=8, dropout="informative",
                                 seed=2)
    pre = als.slope(out["months"][:5], out["scores"][:, :5])
    np.testing.assert_allclose(out["pre_slope"], pre)
    i = np.flatnonzero(~out["completed"])[0]
    seen = ~np.isnan(out["scores"][i])
    post = np.polyfit(out["months"][seen][4:], out["scores"][i, seen][4:], 1)[0]
    assert out["post_slope"][i] == pytest.approx(post, rel=1e-10)
    assert out["n_completed"] == 15
    assert np.all(np.isnan(out["scores"][i, 9:])) and not np.any(np.isnan(out["scores"][i, :9]))


def test_noise_free_linear_run_in_recovers_the_true_effect():
    out = als.simulate_run_in(n=50, noise_sd=0.0, effect=0.4, seed=1)
    np.testing.assert_allclose(out["post_slope"] / out["pre_slope"], 0.6, rtol=1e-9)
    assert out["apparent_improvement"] == pytest.approx(40.0)
    assert out["responder_share"] == 1.0


def test_selecting_fast_decliners_creates_improvement_without_any_effect():
    fair = als.simulate_run_in(n=4000, effect=0.0, enrol="all", seed=11)
    assert abs(fair["apparent_improvement"]) < 3
    assert fair["wilcoxon_p"] > 0.01
    fast = als.simulate_run_in(n=4000, effect=0.0, enrol="fast", seed=11)
    assert fast["n_screened"] == 8000 and fast["n_enrolled"] == 4000
    assert fast["apparent_improvement"] > 15
    # the observed run-in slope was the selection; the true slopes did not change
    np.testing.assert_allclose(fast["true_pre_slope"], fast["true_post_slope"], atol=1e-9)


def test_informative_dropout_and_natural_history_mislead():
    base = dict(n=4000, effect=0.0, seed=12)
    assert als.simulate_run_in(dropout="informative", **base)["apparent_improvement"] > 5
    assert als.simulate_run_in(shape="slowing", **base)["apparent_improvement"] > 10
    assert als.simulate_run_in(shape="accelerating", **base)["apparent_improvement"] < -10


@pytest.mark.parametrize("call, name", [
    (lambda: als.slope([0, 1, 2], [[1, 2]]), "times"),
    (lambda: als.slope([0, 1], [[1, np.nan]]), "scores"),
    (lambda: als.slope([0, np.nan], [1, 2]), "times"),
    (lambda: als.slope([0, 1], [1, np.inf]), "scores"),
    (lambda: als.percent_slope_change([-1, 0], [-1, -1]), "pre_slope"),
    (lambda: als.percent_slope_change(-1, "x"), "post_slope"),
    (lambda: als.percent_slope_change([-1, -2], [-1, -1, -1]), "pre_slope"),
    (lambda: als.responders([-1], [-1], threshold=1.5), "threshold"),
    (lambda: als.wilcoxon_paired([1, 2], [1, 3], alternative="up"), "alternative"),
    (lambda: als.wilcoxon_paired([1, 2], [1, 3, 4]), "pre"),
    (lambda: als.wilcoxon_paired([1, 2], [1, 2]), "post"),
    (lambda: als.simulate_run_in(n=2), "n"),
    (lambda: als.simulate_run_in(run_in_months=1), "run_in_months"),
    (lambda: als.simulate_run_in(followup_months=2.5), "followup_months"),
    (lambda: als.simulate_run_in(mean_slope=0.5), "mean_slope"),
    (lambda: als.simulate_run_in(slope_sd=-1), "slope_sd"),
    (lambda: als.simulate_run_in(noise_sd=9), "noise_sd"),
    (lambda: als.simulate_run_in(effect=0.95), "effect"),
    (lambda: als.simulate_run_in(shape="curved"), "shape"),
    (lambda: als.simulate_run_in(enrol="slow"), "enrol"),
    (lambda: als.simulate_run_in(dropout="random"), "dropout"),
    (lambda: als.simulate_run_in(seed=-1), "seed"),
])
def test_bad_parameters_name_themselves(call, name):
    with pytest.raises(ValueError, match=name):
        call()


# ------------------------------------------------------------ many trials at once
def test_two_proportion_z_matches_statsmodels():
    from statsmodels.stats.proportion import proportions_ztest

    for a, b, n in [(13, 6, 19), (30, 22, 50), (5, 5, 20), (0, 3, 19)]:
        expected = proportions_ztest([a, b], [n, n])[1]
        assert als.two_proportion_z(a, b, n) == pytest.approx(expected, rel=1e-12)


def test_many_trials_are_seeded_and_shaped():
    a = als.simulate_run_in_trials(n=19, seed=3)
    b = als.simulate_run_in_trials(n=19, seed=3)
    c = als.simulate_run_in_trials(n=19, seed=4)
    assert a["responder_share"] == b["responder_share"] and a["report_wilcoxon"] == b["report_wilcoxon"]
    assert a["responder_share"] != c["responder_share"]
    assert a["reps"] == 6000 // 19 and a["n_completed"] == 19
    assert a["hist_treated"].shape == (als.CHANGE_BINS.size - 1,)
    assert a["hist_treated"].sum() == pytest.approx(1.0)
    assert np.isnan(a["hist_placebo"]).all() and np.isnan(a["p_responders"])
    dropped = als.simulate_run_in_trials(n=20, dropout="informative", seed=3)
    assert dropped["n_completed"] == 15


def test_within_patient_test_is_scipys_wilcoxon_per_trial():
    """With two trials the per-trial p-values can be recomputed one by one."""
    out = als.simulate_run_in_trials(n=12, reps=2, enrol="all", noise_sd=0.0, effect=0.5, seed=8)
    # noise-free, every patient's decline halves: every trial reports a benefit
    assert out["report_wilcoxon"] == 1.0 and out["report_mean"] == 1.0
    assert out["responder_share"] == 1.0 and out["mean_change"] == pytest.approx(50.0, abs=1e-6)
    assert out["p_wilcoxon"] == pytest.approx(stats.wilcoxon(np.arange(1, 13)).pvalue)


def test_placebo_arm_keeps_false_alarms_near_the_nominal_rate():
    out = als.simulate_run_in_trials(n=19, design="placebo", effect=0.0, shape="slowing",
                                        dropout="informative", reps=1000, seed=1)
    for endpoint in als.ENDPOINTS:
        assert out[f"report_{endpoint}"] < 0.06, endpoint
    assert out["placebo_responder_share"] == pytest.approx(out["responder_share"], abs=0.03)


def test_run_in_design_finds_benefit_with_no_effect():
    """The trial's situation: fast progressors, a decline that slows, the
    sickest dropping out. No effect at all, yet most trials 'find' one."""
    out = als.simulate_run_in_trials(n=19, effect=0.0, enrol="fast", shape="slowing",
                                        dropout="informative", seed=2)
    assert out["responder_share"] > 0.6 and out["mean_change"] > 30
    assert out["report_wilcoxon"] > 0.9
    fair = als.simulate_run_in_trials(n=19, effect=0.0, enrol="all", seed=2)
    assert fair["report_wilcoxon"] < 0.07


@pytest.mark.parametrize("call, name", [
    (lambda: als.simulate_run_in_trials(design="crossover"), "design"),
    (lambda: als.simulate_run_in_trials(n=2000), "n"),
    (lambda: als.simulate_run_in_trials(reps=1), "reps"),
    (lambda: als.simulate_run_in_trials(noise_sd=-1), "noise_sd"),
])
def test_many_trials_bad_parameters_name_themselves(call, name):
    with pytest.raises(ValueError, match=name):
        call()
