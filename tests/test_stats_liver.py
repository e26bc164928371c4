"""trialsim.stats.liver: the simulator's hazards, Kaplan-Meier by hand, and the
log-rank test and Cox model against lifelines and statsmodels."""

import warnings

import numpy as np
import pandas as pd
import pytest
from lifelines import CoxPHFitter
from lifelines.statistics import logrank_test
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.duration.survfunc import survdiff

from trialsim.stats import liver

# the reference calls to lifelines below warn under pandas 3 (see liver._quiet)
pytestmark = pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning")

TIMES = [1, 2, 2, 3, 4, 5]
EVENTS = [1, 1, 0, 1, 0, 1]


def test_km_matches_a_hand_computation():
    out = liver.km(TIMES, EVENTS)
    # at risk 6, 5, 3, 1 at the event times 1, 2, 3, 5
    s1, s2 = 5 / 6, 5 / 6 * 4 / 5
    by_hand = {0: 1.0, 1: s1, 2: s2, 3: s2 * 2 / 3, 4: s2 * 2 / 3, 5: 0.0}
    np.testing.assert_allclose(out["timeline"], list(by_hand))
    np.testing.assert_allclose(out["survival"], list(by_hand.values()))
    assert out["median"] == 3.0
    assert np.all(out["ci_low"] <= out["survival"]) and np.all(out["survival"] <= out["ci_high"])


def test_simulator_is_seeded_and_censors_at_followup():
    a = liver.simulate_survival(n_per_arm=30, seed=3)
    b = liver.simulate_survival(n_per_arm=30, seed=3)
    c = liver.simulate_survival(n_per_arm=30, seed=4)
    np.testing.assert_array_equal(a["times"], b["times"])
    assert not np.array_equal(a["times"], c["times"])
    assert a["times"].max() <= 24 and np.all(a["times"][a["events"] == 0] == 24)
    np.testing.assert_array_equal(a["group"], [0] * 30 + [1] * 30)


def test_simulator_follows_the_piecewise_hazard():
    h, early, late, change, follow = 0.05, 0.4, 1.5, 6, 24
    d = liver.simulate_survival(20_000, h, early, late, change, follow, seed=1)
    treated, control = d["group"] == 1, d["group"] == 0
    assert d["events"][control].mean() == pytest.approx(1 - np.exp(-h * follow), abs=0.01)
    expected = 1 - np.exp(-h * (early * change + late * (follow - change)))
    assert d["events"][treated].mean() == pytest.approx(expected, abs=0.01)
    share_early = np.mean(d["events"][treated] & (d["times"][treated] <= change))
    assert share_early == pytest.approx(1 - np.exp(-h * early * change), abs=0.01)


def _arms(d):
    g = d["group"]
    return d["times"][g == 1], d["events"][g == 1], d["times"][g == 0], d["events"][g == 0]


def test_logrank_matches_lifelines_and_statsmodels():
    d = liver.simulate_survival(60, 0.06, 0.6, 0.6, 6, 24, seed=5)
    ta, ea, tb, eb = _arms(d)
    got = liver.logrank(ta, ea, tb, eb)
    ref = logrank_test(ta, tb, event_observed_A=ea, event_observed_B=eb)
    assert got["p"] == pytest.approx(ref.p_value, rel=1e-12)
    stat, p = survdiff(d["times"], d["events"], d["group"])
    assert got["statistic"] == pytest.approx(stat, rel=1e-8)
    assert got["p"] == pytest.approx(p, rel=1e-8)


def test_cox_matches_lifelines_and_statsmodels():
    d = liver.simulate_survival(80, 0.05, 0.5, 0.5, 6, 24, seed=6)
    got = liver.cox_hr(d["times"], d["events"], d["group"])
    frame = pd.DataFrame({"t": d["times"], "e": d["events"], "g": d["group"]})
    ref = CoxPHFitter().fit(frame, "t", "e").summary.loc["g"]
    assert got["hr"] == pytest.approx(ref["exp(coef)"], rel=1e-9)
    assert got["p"] == pytest.approx(ref["p"], rel=1e-9)
    fit = PHReg(d["times"], d["group"][:, None].astype(float), status=d["events"]).fit()
    assert got["hr"] == pytest.approx(np.exp(fit.params[0]), rel=1e-6)
    low, high = np.exp(fit.conf_int()[0])
    assert (got["ci_low"], got["ci_high"]) == pytest.approx((low, high), rel=1e-5)


def test_landmark_is_the_analysis_of_those_still_at_risk():
    d = liver.simulate_survival(100, 0.05, 0.3, 1.0, 6, 24, seed=7)
    got = liver.landmark(d["times"], d["events"], d["group"], start=6)
    keep = d["times"] > 6
    frame = pd.DataFrame({"t": d["times"][keep] - 6, "e": d["events"][keep], "g": d["group"][keep]})
    ref = CoxPHFitter().fit(frame, "t", "e").summary.loc["g"]
    assert got["hr"] == pytest.approx(ref["exp(coef)"], rel=1e-9)
    assert got["n"] == keep.sum() and got["n_events"] == d["events"][keep].sum()
    g = frame["g"].to_numpy() == 1
    lr = logrank_test(frame["t"][g], frame["t"][~g], frame["e"][g], frame["e"][~g])
    assert got["logrank_p"] == pytest.approx(lr.p_value, rel=1e-12)


def test_a_fading_benefit_shows_in_the_landmark_not_the_overall_hr():
    d = liver.simulate_survival(3000, 0.05, 0.3, 1.0, 6, 24, seed=8)
    overall = liver.cox_hr(d["times"], d["events"], d["group"])
    late = liver.landmark(d["times"], d["events"], d["group"], start=6)
    assert overall["hr"] < 0.8
    assert late["ci_low"] < 1.0 < late["ci_high"]
    assert late["hr"] == pytest.approx(1.0, abs=0.1)


def test_wrappers_do_not_pass_on_lifelines_pandas_warnings():
    d = liver.simulate_survival(30, seed=9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        liver.km(d["times"], d["events"])
        liver.landmark(d["times"], d["events"], d["group"], start=3)


@pytest.mark.parametrize("call, name", [
    (lambda: liver.simulate_survival(n_per_arm=2), "n_per_arm"),
    (lambda: liver.simulate_survival(hazard_control=0), "hazard_control"),
    (lambda: liver.simulate_survival(hazard_ratio_early=-1), "hazard_ratio_early"),
    (lambda: liver.simulate_survival(hazard_ratio_late=100), "hazard_ratio_late"),
    (lambda: liver.simulate_survival(change_month=30, followup_months=24), "change_month"),
    (lambda: liver.simulate_survival(followup_months=0), "followup_months"),
    (lambda: liver.simulate_survival(seed=0.5), "seed"),
    (lambda: liver.km([1, -2], [1, 1]), "times"),
    (lambda: liver.km([1, 2], [1, 2]), "events"),
    (lambda: liver.km([1, 2], [1]), "times"),
    (lambda: liver.logrank([1, 2], [1, 1], [1, np.nan], [1, 1]), "times_b"),
    (lambda: liver.logrank([1, 2], [1, 1], [1, 2], [1, 3]), "events_b"),
    (lambda: liver.logrank([1, 2], [1, 1, 0], [1, 2], [1, 1]), "times_a"),
    (lambda: liver.logrank([1, 2], [0, 0], [1, 2], [0, 0]), "events_a"),
    (lambda: liver.cox_hr([1, 2, 3], [1, 0, 1], [0, 0, 0]), "group"),
    (lambda: liver.cox_hr([1, 2, 3], [1, 0, 1], [0, 1, 2]), "group"),
    (lambda: liver.cox_hr([1, 2, 3], [0, 0, 0], [0, 1, 1]), "events"),
    (lambda: liver.landmark([1, 2, 3, 4], [1, 1, 1, 1], [0, 1, 0, 1], start=-1), "start"),
    (lambda: liver.landmark([1, 2, 3, 4], [1, 1, 1, 1], [0, 1, 0, 1], start=3), "start"),
])
def test_bad_parameters_name_themselves(call, name):
    with pytest.raises(ValueError, match=name):
        call()


# ---- many trials at once, in whole months (checked against lifelines and statsmodels)

def _one(d, r=0):
    return d["times"][r], d["events"][r], d["group"]


def test_simulate_months_follows_the_piecewise_hazard_and_shares_its_draws():
    h, follow = 0.02, 48
    d = liver.simulate_months(40_000, 40_000, h, ratios=(1.0, 0.5), changes=(12,), followup=follow, seed=2)
    t, e, g = _one(d)
    assert t.min() >= 1 and t.max() <= follow and np.all(t[e == 0] == follow)
    assert e[g == 0].mean() == pytest.approx(1 - np.exp(-h * follow), abs=0.006)
    assert e[g == 1].mean() == pytest.approx(1 - np.exp(-h * (12 + 0.5 * 36)), abs=0.006)
    early = np.mean(e[g == 1] & (t[g == 1] <= 12))
    assert early == pytest.approx(1 - np.exp(-h * 12), abs=0.006)
    # the same seed with no effect gives the control arm the very same times
    null = liver.simulate_months(40_000, 40_000, h, followup=follow, seed=2)
    np.testing.assert_array_equal(null["times"][0][g == 0], t[g == 0])


def test_monthly_km_equals_lifelines():
    from lifelines import KaplanMeierFitter

    d = liver.simulate_months(60, 60, 0.03, followup=36, reps=2, seed=3)
    counts = liver.monthly_counts(d["times"], d["events"], d["group"], 36)
    for r in range(2):
        t, e, g = _one(d, r)
        for arm in (1, 0):
            fit = KaplanMeierFitter().fit(t[g == arm], e[g == arm])
            ref = fit.survival_function_at_times(np.arange(1, 37)).to_numpy()
            got = liver.km_monthly(counts[f"at_risk_{arm}"][r], counts[f"events_{arm}"][r])
            np.testing.assert_allclose(got, ref, rtol=1e-12)


@pytest.mark.parametrize("start", [0, 6, 13])
def test_window_tests_equal_lifelines_logrank_and_a_breslow_cox_model(start):
    d = liver.simulate_months(108, 111, 0.015, ratios=(1.0, 0.55), changes=(12,), followup=75, reps=3,
                                 seed=4)
    counts = liver.monthly_counts(d["times"], d["events"], d["group"], 75)
    got = liver.window_tests(counts, start=start)
    for r in range(3):
        t, e, g = _one(d, r)
        keep = t > start
        tk, ek, gk = t[keep] - start, e[keep], g[keep]
        lr = logrank_test(tk[gk == 1], tk[gk == 0], event_observed_A=ek[gk == 1], event_observed_B=ek[gk == 0])
        assert got["logrank_p"][r] == pytest.approx(lr.p_value, rel=1e-9)
        fit = PHReg(tk, gk[:, None].astype(float), status=ek, ties="breslow").fit()
        assert got["hr"][r] == pytest.approx(np.exp(fit.params[0]), rel=1e-7)
        low, high = np.exp(fit.conf_int()[0])
        assert (got["ci_low"][r], got["ci_high"][r]) == (pytest.approx(low, rel=1e-6), pytest.approx(high, rel=1e-6))
        assert got["cox_p"][r] == pytest.approx(fit.pvalues[0], rel=1e-6)
        assert got["n"][r] == keep.sum() and got["events"][r] == ek.sum()
        # lifelines' Cox model (Efron's ties) differs from Breslow's only a little with monthly ties
        ref = CoxPHFitter().fit(pd.DataFrame({"t": tk, "e": ek, "g": gk}), "t", "e").summary.loc["g"]
        assert got["hr"][r] == pytest.approx(ref["exp(coef)"], rel=0.02)


def test_window_tests_stop_early():
    d = liver.simulate_months(80, 80, 0.03, followup=24, seed=5)
    counts = liver.monthly_counts(d["times"], d["events"], d["group"], 24)
    t, e, g = _one(d)
    got = liver.window_tests(counts, start=0, stop=12)
    e12, t12 = np.where(t <= 12, e, 0), np.minimum(t, 12)
    lr = logrank_test(t12[g == 1], t12[g == 0], event_observed_A=e12[g == 1], event_observed_B=e12[g == 0])
    assert got["logrank_p"][0] == pytest.approx(lr.p_value, rel=1e-9)


@pytest.mark.parametrize("call, name", [
    (lambda: liver.simulate_months(3, 50, 0.01), "n_treated"),
    (lambda: liver.simulate_months(50, 50, 0.01, ratios=(1, 0.5)), "changes"),
    (lambda: liver.simulate_months(50, 50, 0.01, ratios=(1, 0.5, 2), changes=(12, 6), followup=24), "changes"),
    (lambda: liver.simulate_months(50, 50, 0.01, ratios=(0,)), "ratios"),
    (lambda: liver.monthly_counts([1, 30], [1, 0], [0, 1], 24), "times"),
    (lambda: liver.monthly_counts([1, 3], [1, 0, 1], [0, 1], 24), "times"),
    (lambda: liver.window_tests(liver.monthly_counts([1, 3], [1, 1], [0, 1], 4), start=4), "start"),
])
def test_monthly_tools_name_bad_input(call, name):
    with pytest.raises(ValueError, match=name):
        call()
