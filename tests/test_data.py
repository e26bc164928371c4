"""trialsim.data: schemas, clear errors, and citations that resolve."""

import re
from pathlib import Path

import pytest

from trialsim import data

ROOT = Path(__file__).resolve().parents[1]


def test_celltop_summary_loads_with_published_numbers():
    facts = data.facts("celltop_summary")
    assert facts["n_enrolled"] == 10 and facts["n_improved_ais"] == 7
    assert facts["late_conversion"] == pytest.approx(0.056)
    assert isinstance(facts["n_enrolled"], int)


def test_every_source_is_in_the_bibliography_and_every_data_set_has_a_card():
    bib = (ROOT / "book" / "references.bib").read_text()
    keys = set(re.findall(r"@\w+\{([^,]+),", bib))
    for name in data.names():
        frame = data.load(name)
        if "source" in frame.columns:
            for status, source in zip(frame["status"], frame["source"].fillna(""), strict=True):
                if status == "illustrative":
                    assert source == "", "model assumptions carry no citation"
                else:
                    assert source in keys, f"{name}: source {source!r} not in references.bib"
        assert (ROOT / "datasets" / f"{name}.md").is_file(), f"data card for {name} missing"


def test_missing_file_names_the_file(tmp_path):
    with pytest.raises(data.DataError, match=r"celltop_summary.*missing.*celltop_summary\.csv"):
        data.load("celltop_summary", folder=tmp_path)


def test_missing_column_names_the_column(tmp_path):
    (tmp_path / "celltop_summary.csv").write_text("key,value,status,source\nn,1,P,x\n")
    with pytest.raises(data.DataError, match=r"lacks column\(s\) description"):
        data.load("celltop_summary", folder=tmp_path)


def test_unknown_data_set_and_bad_values(tmp_path):
    with pytest.raises(data.DataError, match="unknown data set 'nope'"):
        data.load("nope")
    (tmp_path / "celltop_summary.csv").write_text(
        "key,value,status,source,description\nn,1,maybe,x,d\n")
    with pytest.raises(data.DataError, match="unknown status value.*maybe"):
        data.load("celltop_summary", folder=tmp_path)
    (tmp_path / "celltop_summary.csv").write_text(
        "key,value,status,source,description\nn,1,P,x,d\nn,2,P,x,d\n")
    with pytest.raises(data.DataError, match="repeats key.*n"):
        data.facts("celltop_summary", folder=tmp_path)
    (tmp_path / "celltop_summary.csv").write_text(
        "key,value,status,source,description\nn,ten,P,x,d\n")
    with pytest.raises(data.DataError, match="value of 'n' is 'ten'"):
        data.facts("celltop_summary", folder=tmp_path)


def test_datasets_folder_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TRIALSIM_DATA", str(tmp_path / "absent"))
    with pytest.raises(data.DataError, match="TRIALSIM_DATA"):
        data.datasets_dir()


def test_als_summary_loads_with_published_numbers():
    facts = data.facts("als_hadassah_summary")
    assert (facts["n_enrolled"], facts["n_treated"], facts["n_responders"]) == (20, 19, 13)
    assert facts["mean_improvement"] == pytest.approx(47.4) and facts["wilcoxon_p"] == pytest.approx(0.0038)
    # the abstract's per-interval counts: 19 -> 12 -> 10 patients
    assert facts["n_reached_third"] == 12 and facts["n_reached_fourth"] == 10
    assert facts["n_enrolled"] - facts["n_withdrew"] == facts["n_treated"]


def test_als_synthetic_patients_are_regenerated_exactly_and_reproduce_the_paper():
    import numpy as np
    from scipy import stats

    from trialsim.stats import als

    frame = data.load("als_hadassah_synthetic")
    fresh, seed = als.synthetic_run_in_cohort(seed=0)
    assert seed == 50
    assert np.array_equal(frame["run_in_slope"], fresh["run_in_slope"])
    assert np.array_equal(frame["post_slope"], fresh["post_slope"])
    assert list(frame["responder"]) == list(fresh["responder"])
    facts = data.facts("als_hadassah_summary")
    change = als.percent_slope_change(frame["run_in_slope"].to_numpy(), frame["post_slope"].to_numpy())
    assert len(frame) == facts["n_treated"]
    assert int((change > facts["responder_threshold_pct"]).sum()) == facts["n_responders"]
    assert round(float(change.mean()), 1) == facts["mean_improvement"]
    approx = stats.wilcoxon(frame["post_slope"], frame["run_in_slope"], method="approx").pvalue
    assert round(approx, 4) == facts["wilcoxon_p"]
    exact = stats.wilcoxon(frame["post_slope"], frame["run_in_slope"]).pvalue
    assert round(exact, 4) == 0.0024  # what the data card says scipy's exact test gives
    assert np.allclose(frame["change_pct"], np.round(change, 1))
    card = (ROOT / "datasets" / "als_hadassah_synthetic.md").read_text()
    assert "SYNTHETIC" in card and "seed 50" in card


def test_progressive_ms_synthetic_patients_reproduce_the_published_shares():
    import numpy as np

    from trialsim.stats import proportions

    facts = data.facts("progressive_ms_summary")
    frame = data.load("progressive_ms_synthetic")
    counts = frame.groupby("group")["event"].agg(["sum", "count"])
    assert tuple(counts.loc["MSC-NP"]) == (9, facts["rct_msc"])
    assert tuple(counts.loc["saline"]) == (10, facts["rct_placebo"])
    assert round(9 / facts["rct_msc"], 2) == facts["rct_improved_msc"]
    assert round(10 / facts["rct_placebo"], 2) == facts["rct_improved_placebo"]
    fresh = proportions.synthetic_binary_groups({"MSC-NP": (27, 9), "saline": (27, 10)}, seed=2024)
    assert np.array_equal(fresh["event"].to_numpy(), frame["event"].to_numpy())
    assert "SYNTHETIC" in (ROOT / "datasets" / "progressive_ms_synthetic.md").read_text()


def test_mesems_summary_has_the_published_numbers():
    facts = data.facts("mesems_summary")
    assert facts["n_msc_first"] + facts["n_placebo_first"] == facts["n_randomised"] == 144
    assert (facts["gel_rr"], facts["gel_ci_low"], facts["gel_ci_high"], facts["gel_p"]) == (0.94, 0.58, 1.5, 0.78)
    assert facts["ae_events_msc_first"] + facts["ae_events_placebo_first"] == facts["ae_total"] == 213
    assert facts["infections_msc_first"] + facts["infections_placebo_first"] == facts["infections_total"]
    assert (facts["sae_events_placebo"], facts["sae_patients_placebo"], facts["sae_events_msc"]) == (9, 7, 0)


def test_mesems_synthetic_patients_reproduce_the_published_rate_ratio():
    import numpy as np
    import statsmodels.api as sm
    from statsmodels.discrete.discrete_model import NegativeBinomial

    from trialsim.explorers import mesems

    facts = data.facts("mesems_summary")
    frame = data.load("mesems_synthetic")
    fresh, seed = mesems.synthetic_trial()
    assert seed == 14
    assert frame.equals(fresh)
    assert (frame.groupby("group").size().to_dict()
            == {"MSC": facts["n_msc_first"], "placebo": facts["n_placebo_first"]})
    assert (frame[["week_4", "week_12", "week_24"]].sum(axis=1) == frame["total"]).all()
    # a negative binomial regression (statsmodels) of the totals gives the published result
    x = sm.add_constant((frame["group"] == "MSC").astype(float).to_numpy())
    fit = NegativeBinomial(frame["total"].to_numpy(), x, loglike_method="nb2").fit(disp=0)
    low, high = np.exp(fit.conf_int()[1])
    assert round(float(np.exp(fit.params[1])), 2) == facts["gel_rr"]
    assert abs(low - facts["gel_ci_low"]) <= 0.01 and abs(high - facts["gel_ci_high"]) <= 0.01
    # a Poisson GLM of the same counts is far too sure of itself
    poisson = sm.GLM(frame["total"].to_numpy(), x, family=sm.families.Poisson()).fit()
    p_low, p_high = np.exp(poisson.conf_int()[1])
    assert p_high / p_low < 0.7 * (high / low)
    card = (ROOT / "datasets" / "mesems_synthetic.md").read_text()
    assert "SYNTHETIC" in card and "seed 14" in card and "0.59 to 1.50" in card


def test_liver_summary_has_the_published_numbers():
    facts = data.facts("liver_summary")
    assert facts["n_msc"] + facts["n_control"] == facts["n_randomised"] == 219
    assert (facts["followup_months"], facts["landmark_month"], facts["infusions"]) == (75, 13, 3)
    frame = data.load("liver_summary")
    assert set(frame.loc[frame["status"] == "illustrative", "key"]) == {"hazard_control", "late_hr", "change_month"}


@pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning")   # lifelines 0.30 under pandas 3
def test_liver_synthetic_patients_show_only_the_known_pattern():
    import numpy as np
    import pandas as pd
    from lifelines import CoxPHFitter
    from lifelines.statistics import logrank_test

    from trialsim.explorers import liver

    facts = data.facts("liver_summary")
    frame = data.load("liver_synthetic")
    fresh, seed = liver.synthetic_trial()
    assert seed == 11 and frame.equals(fresh)
    assert frame.groupby("group").size().to_dict() == {"UC-MSC": facts["n_msc"], "control": facts["n_control"]}
    assert frame["months"].between(1, facts["followup_months"]).all()
    assert (frame.loc[frame["died"] == 0, "months"] == facts["followup_months"]).all()
    msc = frame["group"] == "UC-MSC"

    def test(keep, shift=0, stop=None):
        t = frame["months"][keep] - shift
        e = frame["died"][keep]
        if stop is not None:
            e, t = np.where(t <= stop, e, 0), np.minimum(t, stop)
        return logrank_test(t[msc[keep]], t[~msc[keep]], e[msc[keep]], e[~msc[keep]]).p_value

    everyone = frame["months"] > 0
    after = frame["months"] > facts["landmark_month"]
    assert test(everyone) > 0.05            # no difference over the whole follow-up
    assert test(everyone, stop=12) > 0.2    # none in the first year
    assert test(after, shift=facts["landmark_month"]) < 0.05   # a difference from month 13 on
    cox = CoxPHFitter().fit(pd.DataFrame({"t": frame["months"][after] - 13, "e": frame["died"][after],
                                          "g": msc[after].astype(int)}), "t", "e").summary.loc["g"]
    assert 0.5 < cox["exp(coef)"] < 0.75
    card = (ROOT / "datasets" / "liver_synthetic.md").read_text()
    assert "SYNTHETIC" in card and "ILLUSTRATIVE" in card and "seed 11" in card


def test_meta_summary_keeps_unconfirmed_numbers_marked():
    frame = data.load("meta_summary")
    status = dict(zip(frame["key"], frame["status"], strict=True))
    assert status["sci_review_studies"] == status["sci_review_patients"] == "NC"
    facts = data.facts("meta_summary")
    assert (facts["ith_msk_rr"], facts["ith_msk_ci_low"], facts["ith_msk_ci_high"]) == (1.61, 1.19, 2.19)
    assert facts["sci_single_arm_uncontrolled"] + facts["sci_single_arm_controlled"] == facts["sci_single_arm_studies"]


def test_meta_safety_trials_pool_to_the_published_risk_ratio():
    import numpy as np
    from statsmodels.stats.meta_analysis import combine_effects, effectsize_2proportions

    from trialsim.stats import meta

    facts = data.facts("meta_summary")
    frame = data.load("meta_safety_synthetic")
    arms, seed = meta.synthetic_risk_ratio_trials(frame["n_msc"], frame["n_control"], facts["ith_msk_rr"],
                                                     (facts["ith_msk_rr"], facts["ith_msk_ci_low"],
                                                      facts["ith_msk_ci_high"]), correction=facts["ith_correction"],
                                                     seed=38374)
    assert seed == 38374
    zero = (frame["events_msc"] == 0) | (frame["events_control"] == 0)
    assert zero.tolist() == [name == "Trial B" for name in frame["trial"]]
    assert np.array_equal(arms["events_t"], frame["events_msc"]) and np.array_equal(arms["events_c"],
                                                                                      frame["events_control"])
    assert len(frame) == facts["ith_rcts"] and (frame["n_msc"] + frame["n_control"]).sum() == facts["ith_patients"]
    # statsmodels directly: 0.5 added to every cell of the zero-cell trial only
    zero = (frame["events_msc"] == 0) | (frame["events_control"] == 0)
    add = np.where(zero, 0.5, 0.0)
    et, ec = frame["events_msc"].to_numpy() + add, frame["events_control"].to_numpy() + add
    nt, nc = frame["n_msc"].to_numpy() + 2 * add, frame["n_control"].to_numpy() + 2 * add
    y, v = effectsize_2proportions(et, nt, ec, nc, statistic="risk-ratio")
    res = combine_effects(y, v, method_re="dl")
    # Q < df: DerSimonian-Laird's tau-squared truncates to 0 (statsmodels leaves it negative), and the
    # random-effects answer is the fixed-effect one, as in metafor and RevMan
    assert res.q < len(frame) - 1 and res.tau2 < 0
    low, high = np.exp(res.conf_int(use_t=False)[0])      # row 0: the fixed-effect estimate
    assert round(float(np.exp(res.mean_effect_fe)), 2) == facts["ith_msk_rr"]
    assert (round(float(low), 2), round(float(high), 2)) == (facts["ith_msk_ci_low"], facts["ith_msk_ci_high"])
    card = (ROOT / "datasets" / "meta_safety_synthetic.md").read_text()
    assert "SYNTHETIC" in card and "seed 38374" in card
