"""The nbgrader pipeline, run for real on a class of made-up submissions.

One module fixture builds a temporary course folder from the repository's
``nbgrader_config.py`` and ``solutions/``, generates the release, writes one
submission per kind of student a class really produces, collects them from a
zip with ``nbgrader zip_collect`` and autogrades them all in one batch.  The
tests then read the scores from the gradebook: ``nbgrader validate`` exits 0
even when tests fail, so its exit status proves nothing.
"""

from __future__ import annotations

import csv
import filecmp
import json
import os
import shutil
import subprocess
import time
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from trialsim import grading
from trialsim.grading import check

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Spec:
    """A problem set, and the class of made-up students that grades it."""

    name: str
    data_call: str                     # how its code must read its data
    auto: dict[str, int]               # autograded test cells and their points
    manual: dict[str, int]             # hand-marked answer cells and their points
    right: dict[str, str]              # a right answer per solution cell
    students: dict[str, dict]          # answers differing from right, and the expected scores
    loop_cell: str                     # the answer cell the endless-loop student breaks
    mistake: tuple[str, str]           # (test cell, phrase its visible message gives the wrong student)

    @property
    def notebook(self) -> str:
        return f"{self.name}.ipynb"

    @property
    def full(self) -> int:
        return sum(self.auto.values())


# ps01-celltop. The commonest mistake: the chance of exactly k instead of k or more.
EXACTLY_K = "def chance_at_least(k, n, rate):\n    return float(stats.binom.pmf(k, n, rate))"
PS01_AUTO = {"test_chance_at_least": 3, "test_p_late_early": 2, "test_ci": 2, "test_n_per_arm": 2,
             "test_best_comparison": 2}
PS01 = Spec(
    name="ps01-celltop",
    data_call='data.facts("celltop_summary")',
    auto=PS01_AUTO,
    manual={"why_comparison": 2, "headline_appraisal": 5},
    right={
        "chance_at_least": ("def chance_at_least(k, n, rate):\n"
                            "    return float(stats.binom.sf(k - 1, n, rate))"),
        "p_late_early": ("p_late = chance_at_least(k, n, late_rate)\n"
                         "p_early = chance_at_least(k, n, early_rate)"),
        "ci": 'ci_low, ci_high = proportion_confint(k, n, alpha=0.05, method="beta")',
        "n_per_arm": ("h = proportion_effectsize(0.5, 0.3)\n"
                      "n_per_arm = math.ceil(NormalIndPower().solve_power(effect_size=h, alpha=0.05, power=0.8))"),
        "best_comparison": 'best_comparison = "c"  # lower case is accepted',
    },
    students={
        # every answer right
        "s01-right": dict(answers={}, expected={}),
        # plausible mistakes: exactly 7 (which also spoils question 2, computed
        # with it), and the historical benchmark as the comparison
        "s02-wrong": dict(
            answers={"chance_at_least": EXACTLY_K, "best_comparison": 'best_comparison = "A"'},
            expected={"test_chance_at_least": 0, "test_p_late_early": 0, "test_best_comparison": 0}),
        # a cell that raises: a confidence-interval method statsmodels does not have
        "s03-exception": dict(
            answers={"ci": 'ci_low, ci_high = proportion_confint(k, n, method="exact")'},
            expected={"test_ci": 0}),
        # an endless loop: a search for the sample size that never moves n on
        "s04-endless": dict(
            answers={"n_per_arm": ("h = proportion_effectsize(0.5, 0.3)\n"
                                   "n_per_arm = 2\n"
                                   "while NormalIndPower().power(h, n_per_arm, 0.05) < 0.8:\n"
                                   "    pass  # forgot: n_per_arm += 1")},
            expected={"test_n_per_arm": 0}),
        # deletes the checks of question 1 (answered right) and of question 3
        # (answered wrong), and empties those of question 2 (answered wrong)
        "s05-tamper": dict(
            answers={"p_late_early": "p_late, p_early = 0.5, 0.6",
                     "test_p_late_early": "# nothing to check here\npass",
                     "ci": 'ci_low, ci_high = proportion_confint(k, n, method="normal")'},
            delete=["test_chance_at_least", "test_ci"],
            expected={"test_p_late_early": 0, "test_ci": 0}),
        # a notebook file that is not a notebook (a truncated upload)
        "s06-corrupt": dict(corrupt=True, expected={k: 0 for k in PS01_AUTO}),
        # the untouched release: every answer still raises NotImplementedError
        "s07-untouched": dict(untouched=True, expected={k: 0 for k in PS01_AUTO}),
        # a student after all the broken ones, to prove the batch went on
        "s08-right-late": dict(answers={}, expected={}),
    },
    loop_cell="n_per_arm",
    mistake=("test_chance_at_least", "chance of exactly k"),
)

# ps02-als
PS02_AUTO = {"test_fast_share": 2, "test_all_share": 2, "test_wilcoxon": 3, "test_n_per_arm": 2,
             "test_best_design": 2}
SIM = ("als.simulate_run_in(n=2000, run_in_months=6, followup_months=6, noise_sd=1.5, effect=0.0, "
       'shape="linear", enrol="{enrol}", dropout="none", seed=1)')
PS02 = Spec(
    name="ps02-als",
    data_call='data.load("als_hadassah_synthetic")',
    auto=PS02_AUTO,
    manual={"news_appraisal": 5},
    right={
        "fast_share": (f"sim = {SIM.format(enrol='fast')}\n"
                       'fast_share = als.responders(sim["pre_slope"], sim["post_slope"], 0.25)'),
        "all_share": (f"sim = {SIM.format(enrol='all')}\n"
                      'all_share = als.responders(sim["pre_slope"], sim["post_slope"])'),
        "wilcoxon": ('before, after = cohort["run_in_slope"], cohort["post_slope"]\n'
                     "p_exact = stats.wilcoxon(after, before).pvalue\n"
                     'p_approx = stats.wilcoxon(after, before, method="approx").pvalue'),
        "n_per_arm": ("n_per_arm = math.ceil(TTestIndPower().solve_power(effect_size=0.25 / 0.6, alpha=0.05, "
                      "power=0.8))"),
        "best_design": 'best_design = " C "',
    },
    students={
        "s01-right": dict(answers={}, expected={}),
        # plausible mistakes: an unpaired test, and enrolling all comers as the fix
        "s02-wrong": dict(
            answers={"wilcoxon": ('p_exact = stats.mannwhitneyu(cohort["post_slope"], cohort["run_in_slope"]).pvalue\n'
                                  'p_approx = stats.mannwhitneyu(cohort["post_slope"], cohort["run_in_slope"], '
                                  'method="asymptotic").pvalue'),
                     "best_design": 'best_design = "A"'},
            expected={"test_wilcoxon": 0, "test_best_design": 0}),
        # a cell that raises: a misspelt alternative
        "s03-exception": dict(
            answers={"n_per_arm": ("n_per_arm = math.ceil(TTestIndPower().solve_power(effect_size=0.25 / 0.6, "
                                   'alpha=0.05, power=0.8, alternative="two_sided"))')},
            expected={"test_n_per_arm": 0}),
        # an endless loop: waiting for the share to change without re-simulating
        "s04-endless": dict(
            answers={"fast_share": (f"sim = {SIM.format(enrol='fast')}\n"
                                    'share = als.responders(sim["pre_slope"], sim["post_slope"], 0.25)\n'
                                    "while share < 0.5:\n"
                                    "    pass  # meant to simulate again until half respond\n"
                                    "fast_share = share")},
            expected={"test_fast_share": 0}),
        "s05-untouched": dict(untouched=True, expected={k: 0 for k in PS02_AUTO}),
    },
    loop_cell="fast_share",
    mistake=("test_wilcoxon", "Is your test paired"),
)
# ps03-progressive-ms
PS03_AUTO = {"test_fwer_20": 2, "test_fisher_p": 3, "test_rd": 2, "test_needs_blind_patient": 2}
TABLE = ('msc, saline = counts.loc["MSC-NP"], counts.loc["saline"]\n'
         'table = [[msc["sum"], msc["count"] - msc["sum"]], [saline["sum"], saline["count"] - saline["sum"]]]\n')
PS03 = Spec(
    name="ps03-progressive-ms",
    data_call='data.load("progressive_ms_synthetic")',
    auto=PS03_AUTO,
    manual={"clinic_appraisal": 5},
    right={
        "fwer_20": "fwer_20 = 1 - 0.95 ** 20",
        "fisher_p": TABLE + "fisher_p = stats.fisher_exact(table).pvalue",
        "rd": ("rd = 9 / 27 - 10 / 27\n"
               'rd_low, rd_high = confint_proportions_2indep(9, 27, 10, 27, method="newcomb", compare="diff")'),
        "needs_blind_patient": 'needs_blind_patient = "b"',
    },
    students={
        "s01-right": dict(answers={}, expected={}),
        # plausible mistakes: adding the chances, and a Wald interval
        "s02-wrong": dict(
            answers={"fwer_20": "fwer_20 = 20 * 0.05",
                     "rd": ("rd = 9 / 27 - 10 / 27\n"
                            'rd_low, rd_high = confint_proportions_2indep(9, 27, 10, 27, method="wald", '
                            'compare="diff")')},
            expected={"test_fwer_20": 0, "test_rd": 0}),
        # a cell that raises: a 2 x 2 table given as a flat list
        "s03-exception": dict(
            answers={"fisher_p": "fisher_p = stats.fisher_exact([9, 18, 10, 17]).pvalue"},
            expected={"test_fisher_p": 0}),
        # an endless loop: counting tests up to a target that is never reached
        "s04-endless": dict(
            answers={"fwer_20": ("k, fwer = 0, 0.0\n"
                                 "while round(fwer, 2) != 0.65:  # meant 0.64, so never reached\n"
                                 "    k = k % 20 + 1\n"
                                 "    fwer = 1 - 0.95 ** k\n"
                                 "fwer_20 = fwer")},
            expected={"test_fwer_20": 0}),
        "s05-untouched": dict(untouched=True, expected={k: 0 for k in PS03_AUTO}),
    },
    loop_cell="fwer_20",
    mistake=("test_fwer_20", "adding the chances counts overlaps twice"),
)
# ps04-mesems. The commonest mistakes: a negative binomial GLM with its dispersion fixed at 1 (a
# plausible interval, but not the fitted model's), and 1/n as the bound for zero events.
PS04_AUTO = {"test_rr": 3, "test_upper_rule3": 2, "test_sae_p": 2, "test_power_sim": 2, "test_n_for_80": 2}
NB_FIT = ('x = sm.add_constant((patients["group"] == "MSC").astype(float))\n'
          'fit = {model}\n'
          'rr = float(np.exp(fit.params.iloc[1]))\n'
          'rr_low, rr_high = (float(v) for v in np.exp(fit.conf_int().iloc[1]))')
PS04 = Spec(
    name="ps04-mesems",
    data_call='data.load("mesems_synthetic")',
    auto=PS04_AUTO,
    manual={"patient_summary": 5},
    right={
        "rr": NB_FIT.format(model='NegativeBinomial(patients["total"], x).fit(disp=0)'),
        "upper_rule3": "upper_rule3 = 3 / 144\nupper_exact = 1 - 0.05 ** (1 / 144)",
        "sae_p": "sae_p = stats.fisher_exact([[0, 144], [7, 137]]).pvalue",
        "power_sim": ("power_sim = mesems.rate_ratio_power(n_per_arm=72, base_rate=0.6, rate_ratio=0.5, "
                      "dispersion=DISPERSION, scans=3, reps=2000, seed=4)"),
        "n_for_80": ("n_for_80 = 72\n"
                     "while mesems.power(n_for_80, 0.6, 0.7, DISPERSION, 3) < 0.8:\n"
                     "    n_for_80 += 1"),
    },
    students={
        "s01-right": dict(answers={}, expected={}),
        "s02-wrong": dict(
            answers={"rr": NB_FIT.format(
                         model='sm.GLM(patients["total"], x, family=sm.families.NegativeBinomial()).fit()'),
                     "upper_rule3": "upper_rule3 = 1 / 144\nupper_exact = 1 - 0.05 ** (1 / 144)"},
            expected={"test_rr": 0, "test_upper_rule3": 0}),
        # a cell that raises: a 2 x 2 table given as a flat list
        "s03-exception": dict(
            answers={"sae_p": "sae_p = stats.fisher_exact([0, 144, 7, 137]).pvalue"},
            expected={"test_sae_p": 0}),
        # an endless loop: the patients are counted up in one name and tested in another
        "s04-endless": dict(
            answers={"n_for_80": ("n = 72\n"
                                  "while mesems.power(72, 0.6, 0.7, DISPERSION, 3) < 0.8:\n"
                                  "    n += 1\n"
                                  "n_for_80 = n")},
            expected={"test_n_for_80": 0}),
        "s05-untouched": dict(untouched=True, expected={k: 0 for k in PS04_AUTO}),
    },
    loop_cell="n_for_80",
    mistake=("test_upper_rule3", "is the risk one event would suggest"),
)
# ps05-liver. The commonest mistakes: a landmark subset that keeps the patients who died in month 13
# (months >= 13), and the share of all tests instead of the share of trials with any p < 0.05.
PS05_AUTO = {"test_km_12": 2, "test_p_whole": 2, "test_hr_landmark": 3, "test_fpr_best": 2,
             "test_at_risk_13": 2}
LANDMARK = ('late = patients[patients["months"] {keep}].copy()\n'
            'late["months"] = late["months"] - 13\n'
            'late["msc"] = (late["group"] == "UC-MSC").astype(int)\n'
            'fit = CoxPHFitter().fit(late[["months", "died", "msc"]], duration_col="months", event_col="died")\n'
            'hr_landmark = float(fit.hazard_ratios_["msc"])\n'
            'a, b = late[late["msc"] == 1], late[late["msc"] == 0]\n'
            'p_landmark = logrank_test(a["months"], b["months"], event_observed_A=a["died"], '
            'event_observed_B=b["died"]).p_value')
WINDOWS = ('sim = liver.simulate_months(110, 110, 0.012, followup=75, reps=500, seed=5)\n'
           'counts = liver.monthly_counts(sim["times"], sim["events"], sim["group"], 75)\n')
PS05 = Spec(
    name="ps05-liver",
    data_call='data.load("liver_synthetic")',
    auto=PS05_AUTO,
    manual={"author_questions": 5},
    right={
        "km_12": ('km_msc_12 = KaplanMeierFitter().fit(msc["months"], msc["died"]).survival_function_at_times(12)'
                  '.iloc[0]\n'
                  'km_control_12 = KaplanMeierFitter().fit(control["months"], control["died"])'
                  '.survival_function_at_times(12).iloc[0]'),
        "p_whole": ('p_whole = logrank_test(msc["months"], control["months"], event_observed_A=msc["died"], '
                    'event_observed_B=control["died"]).p_value'),
        "hr_landmark": LANDMARK.format(keep="> 13"),
        "fpr_best": (WINDOWS + 'p_windows = np.array([liver.window_tests(counts, start=m)["logrank_p"] '
                     'for m in (0, 3, 6, 12, 13, 24)])\n'
                     'fpr_best = float((p_windows < 0.05).any(axis=0).mean())'),
        "at_risk_13": ('at_risk_msc = int((msc["months"] > 13).sum())\n'
                       'at_risk_control = int((control["months"] > 13).sum())'),
    },
    students={
        "s01-right": dict(answers={}, expected={}),
        # plausible mistakes: the patient who died in month 13 kept in the landmark subset (only the
        # hidden checks see it), and the share of all 3,000 tests instead of the share of trials
        "s02-wrong": dict(
            answers={"hr_landmark": LANDMARK.format(keep=">= 13"),
                     "fpr_best": (WINDOWS + 'p_windows = np.array([liver.window_tests(counts, start=m)'
                                  '["logrank_p"] for m in (0, 3, 6, 12, 13, 24)])\n'
                                  'fpr_best = float((p_windows < 0.05).mean())')},
            expected={"test_hr_landmark": 0, "test_fpr_best": 0}),
        # a cell that raises: the whole frame, text column included, given to the Cox model
        "s03-exception": dict(
            answers={"hr_landmark": ('late = patients[patients["months"] > 13].copy()\n'
                                     'late["months"] = late["months"] - 13\n'
                                     'fit = CoxPHFitter().fit(late, duration_col="months", event_col="died")\n'
                                     'hr_landmark = float(fit.hazard_ratios_["group"])\n'
                                     'p_landmark = fit.summary.loc["group", "p"]')},
            expected={"test_hr_landmark": 0}),
        # an endless loop: a walk through the landmarks that never moves on to the next one
        "s04-endless": dict(
            answers={"fpr_best": (WINDOWS + 'landmarks = [0, 3, 6, 12, 13, 24]\n'
                                  'found = np.zeros(500, dtype=bool)\n'
                                  'i = 0\n'
                                  'while i < len(landmarks):\n'
                                  '    p = liver.window_tests(counts, start=landmarks[i])["logrank_p"]\n'
                                  '    found |= p < 0.05\n'
                                  '    # forgot: i += 1\n'
                                  'fpr_best = float(found.mean())')},
            expected={"test_fpr_best": 0}),
        "s05-untouched": dict(untouched=True, expected={k: 0 for k in PS05_AUTO}),
    },
    loop_cell="fpr_best",
    mistake=("test_fpr_best", "not the share of all the tests"),
)
# ps06-meta-analysis. The commonest mistakes: statsmodels' random-effects estimate with its negative
# between-trial variance left as it is, I² as statsmodels gives it, and 0.5 in the empty cell only.
PS06_AUTO = {"test_rr_trial_b": 2, "test_pooled_rr": 3, "test_heterogeneity": 2, "test_egger_p": 2,
             "test_chance_any": 2}
ARMS = ('e1, n1, e0, n0 = (trials[c].to_numpy() for c in ("events_msc", "n_msc", "events_control", "n_control"))\n'
        'zero = (e1 == 0) | (e0 == 0) | (e1 == n1) | (e0 == n0)\n'
        'y, v = effectsize_2proportions(e1 + 0.5 * zero, n1 + zero, e0 + 0.5 * zero, n0 + zero, '
        'statistic="risk-ratio")\n'
        'res = combine_effects(y, v, method_re="dl")\n')
MODERATORS = ('chance_any = meta.moderator_false_positives(k_studies=9, n_moderators=5, reps=2000, '
              'seed=1)["any"]\n'
              'fewest_moderators = 1\n'
              'while meta.moderator_false_positives(k_studies=9, n_moderators=fewest_moderators, reps=2000, '
              'seed=1)["any"] <= 0.2:\n'
              '    {step}\n')
PS06 = Spec(
    name="ps06-meta-analysis",
    data_call='data.load("meta_safety_synthetic")',
    auto=PS06_AUTO,
    manual={"clinic_critique": 5},
    right={
        "rr_trial_b": ('b = trials.set_index("trial").loc["Trial B"]\n'
                       'rr_trial_b = ((b["events_msc"] + 0.5) / (b["n_msc"] + 1)) / '
                       '((b["events_control"] + 0.5) / (b["n_control"] + 1))'),
        # statsmodels directly, Trial B corrected by hand (the solution uses meta.risk_ratio_studies)
        "pooled_rr": (ARMS + 'effect, se = res.mean_effect_fe, res.sd_eff_w_fe  # tau2 < 0 is set to 0\n'
                      'pooled_rr = math.exp(effect)\n'
                      'pooled_low, pooled_high = math.exp(effect - 1.96 * se), math.exp(effect + 1.96 * se)'),
        "heterogeneity": "cochran_q = res.q\ni2 = max(0.0, res.i2)",
        "egger_p": ("fit = sm.OLS(y / np.sqrt(v), sm.add_constant(1 / np.sqrt(v))).fit()\n"
                    "egger_p = fit.pvalues[0]"),
        "chance_any": MODERATORS.format(step="fewest_moderators += 1"),
    },
    students={
        "s01-right": dict(answers={}, expected={}),
        # plausible mistakes: 0.5 in the empty cell only (only the hidden checks see it), statsmodels'
        # mean_effect_re with tau2 left negative, and statsmodels' I² (negative here) as a percentage
        "s02-wrong": dict(
            answers={"rr_trial_b": ('b = trials.set_index("trial").loc["Trial B"]\n'
                                    'rr_trial_b = (b["events_msc"] / b["n_msc"]) / '
                                    '((b["events_control"] + 0.5) / b["n_control"])'),
                     "pooled_rr": (ARMS + 'pooled_rr = math.exp(res.mean_effect_re)\n'
                                   'pooled_low = math.exp(res.mean_effect_re - 1.96 * res.sd_eff_w_re)\n'
                                   'pooled_high = math.exp(res.mean_effect_re + 1.96 * res.sd_eff_w_re)'),
                     "heterogeneity": "cochran_q = res.q\ni2 = res.i2 * 100"},
            expected={"test_rr_trial_b": 0, "test_pooled_rr": 0, "test_heterogeneity": 0}),
        # a cell that raises: .pvalues indexed by name, but with numpy arrays it has no names
        "s03-exception": dict(
            answers={"egger_p": ("fit = sm.OLS(y / np.sqrt(v), sm.add_constant(1 / np.sqrt(v))).fit()\n"
                                 'egger_p = fit.pvalues["const"]')},
            expected={"test_egger_p": 0}),
        # an endless loop: the search for the number of moderators never moves on to the next number
        "s04-endless": dict(
            answers={"chance_any": MODERATORS.format(step="pass  # forgot: fewest_moderators += 1")},
            expected={"test_chance_any": 0}),
        "s05-untouched": dict(untouched=True, expected={k: 0 for k in PS06_AUTO}),
    },
    loop_cell="chance_any",
    mistake=("test_pooled_rr", "with its between-trial variance left negative"),
)
# ps07-marketing. The commonest mistakes: the likelihood ratios multiplied into the probability instead of
# the odds, a red flag missed (only the hidden checks see it), and the rule of three's 3 / rate taken for the
# exact number of patients.
PS07_AUTO = {"test_early_evidence": 2, "test_rct": 2, "test_studies_needed": 2, "test_surfer_flags": 1,
             "test_review_flags": 1, "test_fee_flags": 1, "test_patients_needed": 2}
PS07 = Spec(
    name="ps07-marketing",
    data_call='data.facts("marketing_success_rates")',
    auto=PS07_AUTO,
    manual={"patient_reply": 5},
    right={
        "early_evidence": ('prior_odds = facts["loa_phase1"] / (1 - facts["loa_phase1"])\n'
                           'odds_early = prior_odds * facts["lr_mouse"] * facts["lr_phase1"] '
                           '* facts["lr_open_label"]\n'
                           "p_early = odds_early / (1 + odds_early)"),
        # the numbers typed in, and the odds of question 1 taken again rather than p_early
        "rct": ("lr_rct = 0.8 / 0.025\n"
                "odds_rct = prior_odds * 1.5 * 1.2 * 1.5 * lr_rct\n"
                "p_rct = odds_rct / (1 + odds_rct)"),
        # logarithms for one count, a loop for the other
        "studies_needed": ("studies_needed = math.floor(math.log(0.9 / 0.1 / prior_odds) / math.log(1.5)) + 1\n"
                           "rcts_needed, o = 0, prior_odds\n"
                           "while o / (1 + o) <= 0.9:\n"
                           "    o *= lr_rct\n"
                           "    rcts_needed += 1"),
        "surfer_flags": 'surfer_flags = {"testimonial", "single_patient", "no_control"}',
        "review_flags": 'review_flags = {"sales_framing", "safety_meta_as_benefit"}',
        "fee_flags": 'fee_flags = frozenset(["no_control", "pay_to_join"])  # a frozenset is accepted',
        "patients_needed": ("rate = 1 / 200\n"
                            'chance_in_celltop = 1 - (1 - rate) ** celltop["n_enrolled"]\n'
                            "patients_needed = math.ceil(math.log(1 - 0.95) / math.log(1 - rate))"),
    },
    students={
        "s01-right": dict(answers={}, expected={}),
        # plausible mistakes: the probability times the likelihood ratios, the surfer's headline with its
        # missing control arm left out of its flags, and the rule of three for the patients needed
        "s02-wrong": dict(
            answers={"early_evidence": ('prior_odds = facts["loa_phase1"] / (1 - facts["loa_phase1"])\n'
                                        'p_early = facts["loa_phase1"] * facts["lr_mouse"] * facts["lr_phase1"] '
                                        '* facts["lr_open_label"]'),
                     "surfer_flags": 'surfer_flags = {"testimonial", "single_patient"}',
                     "patients_needed": ("rate = 1 / 200\n"
                                         'chance_in_celltop = 1 - (1 - rate) ** celltop["n_enrolled"]\n'
                                         "patients_needed = round(3 / rate)")},
            expected={"test_early_evidence": 0, "test_surfer_flags": 0, "test_patients_needed": 0}),
        # a cell that raises: a set built from two arguments instead of one collection
        "s03-exception": dict(
            answers={"fee_flags": 'fee_flags = set("pay_to_join", "no_control")'},
            expected={"test_fee_flags": 0}),
        # an endless loop: the odds of the next study are computed but never kept
        "s04-endless": dict(
            answers={"studies_needed": ("studies_needed, odds_now = 0, prior_odds\n"
                                        "while odds_now / (1 + odds_now) <= 0.9:\n"
                                        "    studies_needed += 1\n"
                                        '    odds_next = odds_now * facts["lr_open_label"]\n'
                                        "    # forgot: odds_now = odds_next\n"
                                        "rcts_needed = 2")},
            expected={"test_studies_needed": 0}),
        "s05-untouched": dict(untouched=True, expected={k: 0 for k in PS07_AUTO}),
    },
    loop_cell="studies_needed",
    mistake=("test_early_evidence", "you multiplied the probability by the likelihood ratios"),
)


def _one_broken_student(spec: Spec) -> Spec:
    """The problem set with its student whose answer raises and its student
    whose answer loops made one student doing both (in different questions):
    ps01 grades them apart, and for the others one kernel less per problem set
    still shows that each costs only its own question."""
    students = dict(spec.students)
    raises, loops = students.pop("s03-exception"), students.pop("s04-endless")
    assert not set(raises["expected"]) & set(loops["expected"]), spec.name
    students["s04-endless"] = dict(answers={**raises["answers"], **loops["answers"]},
                                   expected={**raises["expected"], **loops["expected"]})
    return replace(spec, students=students)


SPECS = {spec.name: spec for spec in (PS01, *map(_one_broken_student, (PS02, PS03, PS04, PS05, PS06, PS07)))}


def nbgrader(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """``trialsim.grading.nbgrader``, failing the test with nbgrader's message."""
    try:
        return grading.nbgrader(root, *args, check=check)
    except RuntimeError as err:
        raise AssertionError(str(err)) from None


def submission(spec: Spec, release: nbformat.NotebookNode, student: dict) -> str:
    """The text of one student's notebook, made from the release."""
    if student.get("corrupt"):
        return nbformat.writes(release)[:5000]
    nb = nbformat.from_dict(json.loads(nbformat.writes(release)))
    if not student.get("untouched"):
        answers = {**spec.right, **student.get("answers", {})}
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in answers:
                cell.source = answers[grade_id]
            elif grade_id in spec.manual:
                cell.source = "The trial had no control group, so the change could have happened anyway."
        nb.cells = [c for c in nb.cells
                    if c.metadata.get("nbgrader", {}).get("grade_id") not in student.get("delete", [])]
    return nbformat.writes(nb)


@dataclass
class Run:
    spec: Spec
    root: Path
    release: nbformat.NotebookNode
    autograde: subprocess.CompletedProcess
    seconds: float

    def gradebook(self) -> Gradebook:
        return Gradebook(f"sqlite:///{self.root / 'gradebook.db'}")

    def scores(self, student: str) -> dict[str, float]:
        with self.gradebook() as gb:
            sub = gb.find_submission_notebook(self.spec.name, self.spec.name, student)
            return {g.name: g.score for g in sub.grades}

    def graded_notebook(self, student: str) -> nbformat.NotebookNode:
        return nbformat.read(self.root / "autograded" / student / self.spec.name / self.spec.notebook,
                             as_version=4)

    def readable(self) -> list[str]:
        return sorted(s for s, d in self.spec.students.items() if not d.get("corrupt"))


# Seconds of computing a cell may use before it is stopped, in the tests. The
# course's 30 s is proved once, under load (test_grading_under_load.py); every
# right answer computes for under 2 s, so 5 s stops the endless loops sooner and
# still measures the kernel's CPU time, not the wall clock.
SHORT_TIMEOUT = 5


def make_course(root: Path, spec: Spec, timeout: int | None = SHORT_TIMEOUT) -> nbformat.NotebookNode:
    """A course folder at ``root`` with the repository's settings (the cell
    limit set to ``timeout`` unless None), the release generated and the
    class's submissions collected from a zip with zip_collect; returns the
    release."""
    grading.new_course(root, [spec.name], cell_timeout=timeout)

    release = nbformat.read(root / "exercises" / spec.name / spec.notebook, as_version=4)
    archive = root / "downloaded" / spec.name / "archive"
    archive.mkdir(parents=True)
    with zipfile.ZipFile(archive / "submissions.zip", "w") as zf:
        for student, details in spec.students.items():
            zf.writestr(f"{student}/{spec.notebook}", submission(spec, release, details))
    nbgrader(root, "zip_collect", spec.name)
    return release


_RUNS: dict[str, Run] = {}


def _claim_for_this_worker(name: str, tmp_path_factory) -> None:
    """Fail loudly if another pytest-xdist worker already graded this problem
    set: its tests change the gradebook in order, so they must share one."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return
    claim = tmp_path_factory.getbasetemp().parent / f"graded-{name}"
    try:
        with open(claim, "x") as fh:
            fh.write(worker)
    except FileExistsError:
        pytest.fail(f"{name} was already graded by worker {claim.read_text()}: pytest-xdist split its group "
                    f"(run with --dist loadgroup, and a pytest that xdist can group under)", pytrace=False)


@pytest.fixture(params=[pytest.param(name, marks=pytest.mark.xdist_group(name)) for name in SPECS])
def run(request, tmp_path_factory) -> Run:
    """A temporary course whose class is autograded in one batch, once per
    problem set and test process (each problem set's tests form one
    pytest-xdist group, so they share one process and one grading)."""
    spec = SPECS[request.param]
    if spec.name not in _RUNS:
        _claim_for_this_worker(spec.name, tmp_path_factory)
        root = tmp_path_factory.mktemp(spec.name)
        release = make_course(root, spec)
        start = time.perf_counter()
        proc = nbgrader(root, "autograde", spec.name, check=False)
        _RUNS[spec.name] = Run(spec, root, release, proc, time.perf_counter() - start)
    return _RUNS[spec.name]


only_ps01 = pytest.mark.parametrize(
    "run", [pytest.param("ps01-celltop", marks=pytest.mark.xdist_group("ps01-celltop"))], indirect=True)


# ------------------------------------------------------------ the release
def test_committed_release_is_exactly_what_nbgrader_generates(run):
    name = run.spec.name
    generated, committed = run.root / "exercises" / name, REPO / "exercises" / name
    names = sorted(p.name for p in generated.iterdir())
    assert names == sorted(p.name for p in committed.iterdir()), "exercises/ holds other files than the release"
    for file in names:
        assert filecmp.cmp(generated / file, committed / file, shallow=False), (
            f"exercises/{name}/{file} differs from what nbgrader generates from solutions/: "
            f"run ./course release {name} and commit the result")


@pytest.mark.parametrize("spec", SPECS.values(), ids=list(SPECS))
def test_items_and_points_are_set(spec):
    nb = nbformat.read(REPO / "solutions" / spec.name / spec.notebook, as_version=4)
    auto, manual = {}, {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            target = manual if meta.get("solution") else auto
            target[meta["grade_id"]] = meta["points"]
    assert auto == spec.auto and manual == spec.manual
    assert len(auto) >= 4 and len(manual) >= 1
    # a cell that is neither graded, an answer nor locked loses its id in the release, and
    # autograde then fails for every student (nbgrader's KeyError 'grade_id')
    loose = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
             if not any(c.metadata["nbgrader"].get(k) for k in ("grade", "solution", "locked"))]
    assert loose == [], f"{spec.name}: lock these cells: {loose}"


@pytest.mark.parametrize("spec", SPECS.values(), ids=list(SPECS))
def test_notebook_reads_its_data_through_trialsim(spec):
    nb = nbformat.read(REPO / "exercises" / spec.name / spec.notebook, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert spec.data_call in code
    for hard_coded in ("read_csv", "open(", "/work", "datasets/"):
        lines = [line for line in code.splitlines() if hard_coded in line and not line.lstrip().startswith("#")]
        assert not lines, f"the exercise reads data around trialsim.data: {lines}"


# ------------------------------------------------------------ the grading
def test_autograde_runs_the_whole_batch(run):
    graded = sorted(p.name for p in (run.root / "autograded").iterdir())
    assert graded == run.readable(), run.autograde.stderr[-3000:]
    with run.gradebook() as gb:
        assert sorted(s.id for s in gb.students) == sorted(run.spec.students)
    n = len(run.spec.students)
    print(f"{run.spec.name} autograde: {run.seconds:.1f} s for {n} submissions "
          f"({run.seconds / n:.1f} s each, including one {SHORT_TIMEOUT} s timeout)")


@only_ps01
def test_an_unreadable_notebook_scores_zero_and_is_kept(run):
    with run.gradebook() as gb:
        assert gb.find_submission(run.spec.name, "s06-corrupt").score == 0
    kept = run.root / "submitted" / "s06-corrupt" / run.spec.name / run.spec.notebook
    assert kept.read_text() == submission(run.spec, run.release, run.spec.students["s06-corrupt"])
    assert run.autograde.returncode == 1  # the run says something failed, and what
    assert (f"error processing assignment: {run.root / 'submitted' / 's06-corrupt' / run.spec.name}"
            in run.autograde.stderr)


def test_scores_from_the_gradebook(run):
    got, expected = {}, {}
    for student in run.readable():
        want = {item: run.spec.students[student]["expected"].get(item, points)
                for item, points in run.spec.auto.items()}
        want.update({item: 0 for item in run.spec.manual})  # not yet graded by hand
        expected[student], got[student] = want, run.scores(student)
    assert got == expected


def test_solution_full_marks_untouched_zero_mistakes_partial(run):
    totals = {s: sum(run.scores(s).values()) for s in run.readable()}
    assert totals["s01-right"] == run.spec.full
    untouched = next(s for s, d in run.spec.students.items() if d.get("untouched"))
    assert totals[untouched] == 0
    assert 0 < totals["s02-wrong"] < run.spec.full
    for broken in {"s03-exception", "s04-endless"} & set(run.spec.students):  # lose only the items they break
        lost = sum(run.spec.auto[i] for i in run.spec.students[broken]["expected"])
        assert totals[broken] == run.spec.full - lost


def test_endless_loop_is_stopped_by_the_timeout(run):
    nb = run.graded_notebook("s04-endless")
    loop = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == run.spec.loop_cell)
    errors = [o for o in loop.outputs if o.output_type == "error"]
    assert [e.ename for e in errors] == ["CellTimeoutError"], errors
    assert f"stopped after {SHORT_TIMEOUT} s of computing (an endless loop?)" in errors[0].evalue


@only_ps01
def test_deleted_and_edited_tests_are_restored(run):
    nb = run.graded_notebook("s05-tamper")
    source = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in nb.cells}
    original = nbformat.read(REPO / "solutions" / run.spec.name / run.spec.notebook, as_version=4)
    for cell in original.cells:
        if cell.metadata["nbgrader"]["grade_id"] in ("test_chance_at_least", "test_p_late_early", "test_ci"):
            # restored, hidden tests included (a restored cell starts with a note)
            assert source[cell.metadata["nbgrader"]["grade_id"]].endswith(cell.source)
    assert source["test_chance_at_least"].startswith(
        "# This cell (id:test_chance_at_least) was missing from the submission")


def test_visible_tests_explain_the_mistake(run):
    test_cell, phrase = run.spec.mistake
    nb = run.graded_notebook("s02-wrong")
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == test_cell)
    error = next(o for o in cell.outputs if o.output_type == "error")
    assert error.ename == "AssertionError"
    assert phrase in error.evalue


def test_a_passing_visible_check_says_so_in_one_line(run):
    nb = run.graded_notebook("s01-right")
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") in run.spec.auto:
            printed = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
            assert printed.count("\n") == 1 and "the checks you can see pass" in printed, printed


# ------------------------------------------------ by hand, feedback, export
def test_manual_grading_feedback_and_export(run):
    spec = run.spec
    with run.gradebook() as gb:
        for student in run.readable():
            for item, points in spec.manual.items():
                grade = gb.find_grade(item, spec.name, spec.name, student)
                assert grade.needs_manual_grade or spec.students[student].get("untouched")
                grade.manual_score = points - 1
            gb.db.commit()
    nbgrader(run.root, "generate_feedback", spec.name)
    html = (run.root / "feedback" / "s02-wrong" / spec.name / f"{spec.name}.html").read_text()
    html = " ".join(html.split())  # messages are wrapped to fit the page
    assert spec.mistake[1] in html and "Score:" in html
    # a failing hidden check's message reaches the student, its code does not
    assert any(phrase in html for phrase in ("that comparison cannot separate", "leaves at least one of the "
                                             "artefacts", "is not the Newcombe interval",
                                             "with the dispersion estimated",
                                             "is not the hazard ratio of the patients still alive after month 13",
                                             "was added only to the empty cell",
                                             "is not the set of red flags this claim shows"))
    assert leaks(run.root / "feedback", hidden_tests_only=True) == []
    assert len(secret_lines(hidden_tests_only=True)) > 10
    nbgrader(run.root, "export", "--to", str(run.root / "grades.csv"))
    with open(run.root / "grades.csv", newline="") as fh:
        rows = {row["student_id"]: row for row in csv.DictReader(fh)}
    assert set(rows) == set(spec.students)
    manual = sum(spec.manual.values()) - len(spec.manual)
    assert float(rows["s01-right"]["score"]) == spec.full + manual
    assert float(rows["s01-right"]["max_score"]) == spec.full + sum(spec.manual.values())
    for student, details in spec.students.items():
        if details.get("corrupt"):
            assert float(rows[student]["score"]) == 0


# --------------------------------------------------- nothing secret leaks
def secret_lines(hidden_tests_only: bool = False) -> set[str]:
    """Every line an instructor keeps from students: solution regions, hidden
    tests, model answers to the written questions and the graders' guide
    (or only the hidden tests)."""
    secrets: set[str] = set()
    begin = ("### BEGIN HIDDEN TESTS",) if hidden_tests_only else ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS")
    for path in sorted((REPO / "solutions").glob("*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            lines = cell.source.splitlines()
            if cell.cell_type == "markdown" and meta.get("solution") and not hidden_tests_only:
                secrets.update(lines)
                continue
            inside = False
            for line in lines:
                if any(b in line for b in begin):
                    inside = True
                elif "### END SOLUTION" in line or "### END HIDDEN TESTS" in line:
                    inside = False
                elif inside:
                    secrets.add(line)
    for path in sorted((REPO / "solutions").glob("*/GRADING.md")):
        if not hidden_tests_only:
            secrets.update(path.read_text().splitlines())
    return {s.strip() for s in secrets if len(s.strip()) >= 12}


def leaks(folder: Path, hidden_tests_only: bool = False, markers: bool = True) -> list[str]:
    """Secret lines found in the files under ``folder``, and (with
    ``markers``) nbgrader's region markers, which only ever surround secrets
    in a notebook or feedback (the instructors' page names them in prose)."""
    secrets = secret_lines(hidden_tests_only)
    marks = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS") if markers else ()
    if markers and not hidden_tests_only:
        marks += ("BEGIN SOLUTION", "END SOLUTION")
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if path.suffix == ".ipynb":  # compare the cells' lines, not the JSON
            text = "\n".join(c.source for c in nbformat.reads(text, as_version=4).cells)
        lines = {line.strip() for line in text.splitlines()}
        found += [f"{path.relative_to(folder)}: {s}" for s in sorted(secrets & lines)]
        found += [f"{path.relative_to(folder)}: marker {m}" for m in marks if m in text]
    return found


def test_secret_lines_are_found():
    secrets = secret_lines()
    assert "return float(stats.binom.sf(k - 1, n, rate))" in secrets
    assert 'assert best_comparison.strip().upper() == "C", (' in secrets
    assert len(secrets) > 40


def test_no_solution_or_hidden_test_in_exercises():
    assert leaks(REPO / "exercises") == []


@pytest.mark.build
def test_no_solution_or_hidden_test_in_the_site(site_dir):
    assert leaks(site_dir, markers=False) == []


# ------------------------------------------------------ a learner alone
def test_learner_check_names_each_failing_question(tmp_path):
    """What a self-paced learner sees: each question, whether it passes the
    visible checks, and the failing check's message in full."""
    spec = PS01
    release = nbformat.read(REPO / "exercises" / spec.name / spec.notebook, as_version=4)
    mine = tmp_path / spec.notebook
    mine.write_text(submission(spec, release, spec.students["s02-wrong"]))
    items = {item.grade_id: item for item in check.run(mine)}
    assert list(items) == [*spec.auto, *spec.manual]
    q1 = items["test_chance_at_least"]
    assert q1.passed is False and q1.question.startswith("Question 1")
    assert "you computed the chance of exactly k, not of k or more" in q1.message
    # the wrong letter and the spoilt probabilities pass the visible checks:
    # only grading finds them
    assert [items[i].passed for i in spec.auto] == [False, True, True, True, True]
    assert items["headline_appraisal"].manual and items["headline_appraisal"].message == "13 words"

    untouched = tmp_path / "untouched.ipynb"
    untouched.write_text(submission(spec, release, spec.students["s07-untouched"]))
    items = check.run(untouched)
    assert [i.passed for i in items if not i.manual] == [False] * len(spec.auto)
    assert items[0].message.startswith("not answered yet: replace raise NotImplementedError()")
    assert items[1].message.startswith("p_late is not defined")
    assert {i.message for i in items if i.manual} == {"not answered yet"}


@pytest.mark.parametrize("spec", SPECS.values(), ids=list(SPECS))
def test_course_check_command(tmp_path, spec):
    release = nbformat.read(REPO / "exercises" / spec.name / spec.notebook, as_version=4)
    mine = tmp_path / spec.notebook
    mine.write_text(submission(spec, release, spec.students["s01-right"]))
    proc = subprocess.run([str(REPO / "course"), "check", str(mine)], cwd=REPO,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Every automatically marked question passes the checks you can see." in proc.stdout
    assert "✗" not in proc.stdout


def test_course_check_refuses_a_damaged_notebook(tmp_path):
    """The same for every problem set (the notebook is not read as one), so once."""
    release = nbformat.read(REPO / "exercises" / PS01.name / PS01.notebook, as_version=4)
    mine = tmp_path / PS01.notebook
    mine.write_text(nbformat.writes(release)[:300])  # damaged in a download
    proc = subprocess.run([str(REPO / "course"), "check", str(mine)], cwd=REPO,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 2
    assert "is not a readable notebook" in proc.stderr and "fresh copy" in proc.stderr


@only_ps01
def test_regrading_one_student_leaves_the_others_alone(run):
    """The corrupt upload is replaced by a readable one and regraded alone
    (autograde needs --force to grade a submission again)."""
    name = run.spec.name
    with run.gradebook() as gb:
        before = {s: gb.find_submission(name, s).score for s in run.readable()}
    fixed = run.root / "submitted" / "s06-corrupt" / name / run.spec.notebook
    fixed.write_text(submission(run.spec, run.release, run.spec.students["s02-wrong"]))
    nbgrader(run.root, "autograde", name, "--student", "s06-corrupt", "--force")
    assert run.scores("s06-corrupt") == run.scores("s02-wrong") | {item: 0 for item in run.spec.manual}
    with run.gradebook() as gb:
        after = {s: gb.find_submission(name, s).score for s in before}
    assert after == before


# ------------------------------------------------------- housekeeping
def test_grading_state_stays_out_of_git_and_the_book():
    state = ["gradebook.db", "submitted/a/ps01-celltop/x.ipynb", "autograded/a/x.ipynb",
             "feedback/a/x.html", "downloaded/ps01-celltop/archive/s.zip", "my-work/ps01-celltop/x.ipynb",
             "grades.csv", ".grading/ps01-celltop/graded.json", "synthetic-class.json"]
    proc = subprocess.run(["git", "check-ignore", "--no-index", *state], cwd=REPO, capture_output=True, text=True)
    assert sorted(proc.stdout.split()) == sorted(state)
    import yaml
    excluded = set(yaml.safe_load((REPO / "_config.yml").read_text())["exclude_patterns"])
    assert {"solutions", "exercises", "submitted", "autograded", "feedback", "downloaded", "my-work",
            ".grading"} <= excluded


# The capstone's exercise is the written appraisal on its page, marked with a problem set's rubric
CAPSTONE = ("08-capstone-appraisal.md", "solutions/ps07-marketing/GRADING.md")


def test_every_chapter_has_a_problem_set():
    for chapter in sorted((REPO / "chapters").glob("[0-9][0-9]-*.md")):
        if chapter.name == CAPSTONE[0]:
            assert CAPSTONE[1] in chapter.read_text(), f"{chapter.name} should name its rubric {CAPSTONE[1]}"
            assert (REPO / CAPSTONE[1]).is_file(), f"{CAPSTONE[1]} is missing"
            continue
        number = chapter.name[:2]
        sets = sorted((REPO / "solutions").glob(f"ps{number}-*/ps{number}-*.ipynb"))
        assert sets, f"chapter {chapter.name} has no problem set solutions/ps{number}-<slug>/"
        released = REPO / "exercises" / sets[0].parent.name / sets[0].name
        assert released.is_file(), (
            f"{released.relative_to(REPO)} is missing: run ./course release {sets[0].parent.name}")
        assert (sets[0].parent / "GRADING.md").is_file(), f"{sets[0].parent.name} has no GRADING.md for graders"


def test_course_start_copies_once_and_never_overwrites(tmp_path):
    for name in ("course",):
        shutil.copy2(REPO / name, tmp_path / name)
    shutil.copytree(REPO / "solutions", tmp_path / "solutions")
    shutil.copytree(REPO / "exercises", tmp_path / "exercises")
    name, notebook = PS01.name, PS01.notebook
    first = subprocess.run(["./course", "start", name], cwd=tmp_path, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    mine = tmp_path / "my-work" / name / notebook
    assert mine.read_bytes() == (REPO / "exercises" / name / notebook).read_bytes()
    mine.write_text("my answers")
    again = subprocess.run(["./course", "start", name], cwd=tmp_path, capture_output=True, text=True)
    assert again.returncode == 0 and "already exists" in again.stdout
    assert mine.read_text() == "my answers"
    unknown = subprocess.run(["./course", "start", "ps99-nothing"], cwd=tmp_path, capture_output=True, text=True)
    every = " ".join(sorted(p.name for p in (REPO / "solutions").iterdir() if p.is_dir()))
    assert unknown.returncode == 2 and f"the problem sets are: {every}" in unknown.stderr
    assert all(name in every for name in SPECS)


def test_feedback_shortens_errors_only_in_test_cells():
    from trialsim.grading.feedback import ErrorsWithoutCode

    def cell(meta):
        c = nbformat.v4.new_code_cell("x", metadata={"nbgrader": meta})
        c.outputs = [nbformat.v4.new_output("error", ename="AssertionError", evalue="word " * 40,
                                            traceback=["line 1", "### BEGIN HIDDEN TESTS", "line 3"])]
        return c

    nb = nbformat.v4.new_notebook(cells=[cell({"grade": True, "solution": False, "grade_id": "t"}),
                                         cell({"grade": False, "solution": True, "grade_id": "a"})])
    nb, _ = ErrorsWithoutCode()(nb, {})
    shortened, kept = nb.cells[0].outputs[0].traceback, nb.cells[1].outputs[0].traceback
    assert len(shortened) == 1 and "HIDDEN" not in shortened[0]
    assert shortened[0].startswith("AssertionError: word word")
    assert max(len(line) for line in shortened[0].splitlines()) <= 90 and shortened[0].count("\n") >= 2
    assert kept == ["line 1", "### BEGIN HIDDEN TESTS", "line 3"]  # the student's own code keeps it all
