"""Chapter 4 (MESEMS, a negative randomised trial): three explorers.

* "Reading a confidence interval": the trial's rate ratio and interval
  against a smallest worthwhile effect the learner picks, and how the
  interval would narrow with more patients or more scans.
* "What could this trial have detected?": the power of the comparison by
  endpoint, design, patients, true effect, overdispersion and follow-up.
* "Safe, or just small?": what no serious harm among n treated patients
  allows (the rule of three) and how many patients a rare harm needs.

The lesion model is calibrated to the trial: the control arm's GELs per scan
is an assumption (``gel_per_scan`` in the data set), and the overdispersion
is the one that makes a parallel comparison of 69 and 75 patients over three
scans give the published interval (``mesems.dispersion_from_ci``).
"""

from __future__ import annotations

import math
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from .. import data
from ..frontends import figures
from ..frontends.conclude import Rule, Rules, percent
from ..frontends.explorer import Control, Explorer, Readout
from ..stats import intervals, mesems, proportions

if TYPE_CHECKING:
    import pandas as pd

FACTS = data.facts("mesems_summary")
N_MSC, N_PLACEBO = FACTS["n_msc_first"], FACTS["n_placebo_first"]
RR, LOW, HIGH = FACTS["gel_rr"], FACTS["gel_ci_low"], FACTS["gel_ci_high"]
SCANS = 3                                   # weeks 4, 12 and 24
SCAN_NAMES = [f"week_{FACTS[f'scan_week_{i}']}" for i in (1, 2, 3)]
RATE = FACTS["gel_per_scan"]
DISPERSION = mesems.dispersion_from_ci(LOW, HIGH, N_MSC, N_PLACEBO, RATE * SCANS, RR)
SYNTHETIC_SEED = 0


def synthetic_trial() -> tuple[pd.DataFrame, int]:
    """The SYNTHETIC patients of ``datasets/mesems_synthetic.csv``: (frame,
    seed found).  Per-scan GEL counts for 69 MSC and 75 placebo patients,
    reproducing the published rate ratio and interval (see the data card)."""
    return mesems.synthetic_lesion_trial(N_MSC, N_PLACEBO, RATE, DISPERSION, RR, (LOW, HIGH), SCAN_NAMES,
                                         groups=("MSC", "placebo"), tolerance=0.01, seed=SYNTHETIC_SEED)


def _se(n_msc, n_placebo, scans, dispersion=DISPERSION, rate=RATE):
    mean = rate * scans
    return math.sqrt(mesems.log_ratio_variance(n_msc, mean * RR, n_placebo, mean, dispersion))


SE_AS_RUN = _se(N_MSC, N_PLACEBO, SCANS)


def _ratio_text(r):
    return f"{r:.2f}".rstrip("0").rstrip(".") if r != 1 else "1"


def _fewer(r):
    return f"RR {_ratio_text(r)} ({round(100 * (1 - r))}% fewer lesions)"


# ---------------------------------------------------------------- explorer 1


def _interval(worthwhile, patients, scans):
    factor = _se(N_MSC * patients, N_PLACEBO * patients, scans) / SE_AS_RUN
    low, high = intervals.narrowed(RR, LOW, HIGH, factor)
    verdict = intervals.verdict(low, high, worthwhile)
    return {"low": low, "high": high, "factor": factor, "verdict": verdict,
            "published_verdict": intervals.verdict(LOW, HIGH, worthwhile),
            "n_total": (N_MSC + N_PLACEBO) * patients, "weeks": 8 * scans,
            "reduction": round(100 * (1 - worthwhile))}


INTERVAL_FIGURE = {
    "data": [
        {"type": "scatter", "mode": "lines", "x": [LOW, HIGH], "y": ["As published", "As published"],
         "line": {"color": "#8c8c8c", "width": 6}, "name": "MESEMS 95% interval", "hoverinfo": "skip"},
        {"type": "scatter", "mode": "markers", "x": [RR], "y": ["As published"], "name": "MESEMS estimate",
         "marker": {"color": "#444", "size": 14, "symbol": "diamond"},
         "hovertemplate": f"rate ratio {RR} ({LOW} to {HIGH})<extra></extra>"},
        {"type": "scatter", "mode": "lines", "x": [LOW, HIGH],
         "y": ["Bigger or longer trial", "Bigger or longer trial"],
         "line": {"color": "#1f5f99", "width": 6}, "name": "Projected 95% interval",
         "hovertemplate": "%{x:.2f}<extra></extra>"},
        {"type": "scatter", "mode": "markers", "x": [RR], "y": ["Bigger or longer trial"],
         "name": "Same estimate", "marker": {"color": "#1f5f99", "size": 14, "symbol": "diamond"},
         "hoverinfo": "skip"},
    ],
    "layout": figures.layout(
        "Rate ratio of enhancing lesions, cells vs placebo (log scale)",
        figures.log_axis("Rate ratio (below 1: fewer lesions with cells)", 0.25, 2.2, [0.3, 0.5, 0.7, 1, 1.5, 2]),
        {"title": {"text": ""}, "categoryorder": "array", "categoryarray": ["Bigger or longer trial", "As published"]},
        height=340, margin={"l": 170},
        shapes=[
            {"type": "rect", "xref": "x", "yref": "paper", "x0": 0.25, "x1": 0.7, "y0": 0, "y1": 1,
             "fillcolor": "rgba(43,122,61,0.12)", "line": {"width": 0}, "layer": "below"},
            {"type": "line", "xref": "x", "yref": "paper", "x0": 1, "x1": 1, "y0": 0, "y1": 1,
             "line": {"color": "#444", "width": 2}},
            {"type": "line", "xref": "x", "yref": "paper", "x0": 0.7, "x1": 0.7, "y0": 0, "y1": 1,
             "line": {"color": "#2b7a3d", "width": 2, "dash": "dash"}},
        ],
        annotations=[
            {"xref": "x", "yref": "paper", "x": math.log10(0.7), "y": 1, "xanchor": "right", "yanchor": "bottom",
             "showarrow": False, "text": "worthwhile benefit", "font": {"color": "#2b7a3d", "size": 12}},
            {"xref": "x", "yref": "paper", "x": 0, "y": 1, "xanchor": "left", "yanchor": "bottom",
             "showarrow": False, "text": "no effect", "font": {"color": "#444", "size": 12}},
        ],
    ),
}

INTERVAL = Explorer(
    name="mesems-interval",
    title="Reading a confidence interval",
    page="chapters/04-mesems",
    figure_label=("Interval plot on a log scale: the trial's rate ratio of enhancing lesions, 0.94 with its "
                  "95% interval 0.58 to 1.50, and below it the interval the same estimate would have with more "
                  "patients or scans; a solid line marks no effect and a dashed line the smallest worthwhile "
                  "benefit, with the worthwhile region shaded."),
    note=(f"The published result is Uccelli 2021 (doi:10.1016/S1474-4422(21)00301-X). The projected interval "
          f"keeps the estimate at {RR} and shrinks the interval as a negative binomial model says it would "
          f"(illustrative: {RATE} lesions per scan assumed, overdispersion {DISPERSION:.2f} calibrated to the "
          "published interval)."),
    controls=[
        Control("worthwhile", "Smallest worthwhile benefit (rate ratio)",
                [(_fewer(w), w) for w in (0.5, 0.6, 0.7, 0.8, 0.9)], 0.7, kind="range",
                help="The smallest reduction in lesions that would make the treatment worth giving."),
        Control("patients", "Patients randomised", [("144 (as in MESEMS)", 1), ("288", 2), ("576", 4),
                                                    ("1,152", 8)], 1, kind="range"),
        Control("scans", "MRI scans per patient", [("3, to week 24 (as in MESEMS)", 3), ("6, to week 48", 6),
                                                    ("12, to week 96", 12)], 3, kind="range"),
    ],
    simulate=_interval,
    readouts=[
        Readout("As published", lambda f: f"{RR} ({LOW:.2f} to {HIGH:.2f})"),
        Readout("With these patients and scans", lambda f: f"{RR} ({f['low']:.2f} to {f['high']:.2f})"),
        Readout("Interval width on the log scale, compared with the trial's", lambda f: percent(f["factor"])),
        Readout("What the interval allows", lambda f: intervals.VERDICTS[f["verdict"]]),
    ],
    figure_template=INTERVAL_FIGURE,
    slots=[("data.2.x.0", lambda f: f["low"]), ("data.2.x.1", lambda f: f["high"]),
           ("layout.shapes.0.x1", lambda f: f["worthwhile"]),
           ("layout.shapes.2.x0", lambda f: f["worthwhile"]), ("layout.shapes.2.x1", lambda f: f["worthwhile"]),
           ("layout.annotations.0.x", lambda f: math.log10(f["worthwhile"]))],
    rules=Rules(
        Rule("As published, the interval {low:.2f} to {high:.2f} stops short of a {reduction}% reduction: MESEMS "
             "rules out a benefit that large, though not a smaller one. 'No effect shown' here is informative.",
             when=lambda f: f["verdict"] == "ruled_out" and f["patients"] == 1 and f["scans"] == 3),
        Rule("With {n_total:N} patients and {scans} scans the same estimate's interval, {low:.2f} to {high:.2f}, "
             "would rule out a {reduction}% reduction: a bigger trial could have turned 'we cannot tell' into "
             "'not worth having'.",
             when=lambda f: f["verdict"] == "ruled_out" and f["published_verdict"] != "ruled_out"),
        Rule("The interval {low:.2f} to {high:.2f} rules out a {reduction}% reduction in lesions; a smaller "
             "benefit is still possible.",
             when=lambda f: f["verdict"] == "ruled_out"),
        Rule("The interval {low:.2f} to {high:.2f} holds both no effect (1) and a {reduction}% reduction: on "
             "this question the trial is inconclusive, which is not the same as showing the cells do nothing.",
             when=lambda f: f["verdict"] == "inconclusive" and f["patients"] == 1 and f["scans"] == 3),
        Rule("Even with {n_total:N} patients and {scans} scans, the interval {low:.2f} to {high:.2f} would still "
             "hold both no effect and a {reduction}% reduction: only more patients narrow it much, because "
             "patients differ more than their scans do.",
             when=lambda f: f["verdict"] == "inconclusive"),
        Rule("The interval {low:.2f} to {high:.2f}: {verdict}."),
    ),
)


# ---------------------------------------------------------------- explorer 2
RR_GRID = [round(x, 2) for x in np.arange(0.3, 1.0001, 0.05)]
ENDPOINTS = {
    "gel": ("enhancing lesions", RATE),
    "relapse": ("relapses", FACTS["relapses_per_24wk"]),
    "progression": ("confirmed EDSS progression", FACTS["progression_24wk"]),
}
DESIGN_WORDS = {
    "parallel": "MSC group against placebo group over the first 24 weeks, as MESEMS's primary analysis did",
    "crossover": "each patient's MSC period against their own placebo period, so how much patients differ cancels out",
    "carryover": "each patient's two periods, but the cells keep working after the switch, shrinking the gap",
}


WEEKS_PER_SCAN = 8


def _progression_power(base, ratios, n_per_arm):
    return proportions.two_proportion_power(base * np.asarray(ratios), base, n_per_arm, alpha=0.05,
                                            alternative="two-sided")


def _placebo_level(endpoint, weeks):
    """The placebo group's expected count per patient (lesions, relapses) or
    risk (progression) over ``weeks`` of follow-up."""
    rate = ENDPOINTS[endpoint][1]
    if endpoint == "gel":
        return rate * weeks / WEEKS_PER_SCAN
    if endpoint == "relapse":
        return rate * weeks / 24
    return 1 - (1 - rate) ** (weeks / 24)


@cache
def _curve(endpoint, design, n_per_arm, dispersion, weeks):
    """Power over RR_GRID, and the ratio detected with 80 % power.  Called
    with only the arguments the endpoint uses (the rest at fixed values), so
    the cache holds each curve once."""
    grid = np.array(RR_GRID)
    level = _placebo_level(endpoint, weeks)
    if endpoint == "progression":   # irreversible: only the first period counts, whatever the design
        fine = np.linspace(0.05, 0.999, 950)
        reach = _progression_power(level, fine, n_per_arm) >= 0.8
        return _progression_power(level, grid, n_per_arm), float(fine[reach].max()) if reach.any() else math.nan
    kind = "parallel" if design == "parallel" else "crossover"
    carry = 1.0 if design == "carryover" else 0.0
    return (mesems.power(n_per_arm, level, grid, dispersion, design=kind, carryover=carry),
            mesems.detectable_ratio(n_per_arm, level, dispersion, design=kind, carryover=carry))


def _power(endpoint, design, n_per_arm, true_rr, dispersion, followup):
    label = ENDPOINTS[endpoint][0]
    if endpoint == "progression":   # how much patients differ does not matter for a yes/no outcome
        key = (endpoint, "parallel", n_per_arm, 0.0, followup)
    else:
        key = (endpoint, design, n_per_arm, dispersion, followup)
    curve, detectable = _curve(*key)
    power = float(curve[RR_GRID.index(true_rr)])
    level = _placebo_level(endpoint, followup)
    none = 1 - level if endpoint == "progression" else float(mesems.share_with_none(level, dispersion))
    return {"power": power, "miss": 1 - power, "curve": curve, "detectable": detectable,
            "what": label, "ratio_text": _ratio_text(true_rr), "level": level, "none": none,
            "crossover_impossible": endpoint == "progression" and design != "parallel"}


NONE_WORDS = {"gel": "enhancing lesion on any scan", "relapse": "relapse", "progression": "progression"}


def _placebo_rate(f):
    if f["endpoint"] == "gel":
        scans = f["followup"] // WEEKS_PER_SCAN
        return (f"{RATE} per scan: {f['level']:.1f} per patient over {scans} scan{'s' * (scans > 1)} "
                f"in {f['followup']} weeks (assumed)")
    if f["endpoint"] == "relapse":
        return f"{f['level']:.2f} relapses per patient in {f['followup']} weeks (assumed)"
    return (f"{f['level']:.0%} progress in {f['followup']} weeks (assumed; how much patients differ does not "
            "matter for a yes/no outcome)")


POWER_LINE = figures.hline(0.8, "80% power")
POWER_FIGURE = {
    "data": [
        {"type": "scatter", "mode": "lines+markers", "x": RR_GRID, "y": [0] * len(RR_GRID),
         "line": {"color": "#1f5f99", "width": 3}, "marker": {"size": 6}, "name": "Power",
         "hovertemplate": "true ratio %{x}: power %{y:.0%}<extra></extra>"},
        {"type": "scatter", "mode": "markers", "x": [0.7], "y": [0], "name": "Your setting",
         "marker": {"color": "#b5482a", "size": 16, "symbol": "circle-open", "line": {"width": 3}},
         "hovertemplate": "your setting: %{y:.0%}<extra></extra>"},
    ],
    "layout": figures.layout(
        "Chance the trial finds the effect (power), by true effect",
        {"title": {"text": "True rate ratio, cells vs placebo (1 = no effect)"}, "range": [0.27, 1.03],
         "gridcolor": "#eee"},
        {"title": {"text": "Power (p < 0.05, two-sided)"}, "range": [0, 1.02], "tickformat": ".0%",
         "gridcolor": "#ddd"},
        shapes=[POWER_LINE[0]], annotations=[POWER_LINE[1]],
    ),
}

POWER = Explorer(
    name="mesems-power",
    title="What could this trial have detected?",
    page="chapters/04-mesems",
    figure_label=("Line chart: the power of the trial against the true rate ratio, from 0.3 to 1 (no effect), "
                  "with the chosen setting circled and a dashed line at 80% power."),
    note=(f"Illustrative model. Lesion and relapse counts are negative binomial; GELs {RATE} per scan and "
          f"overdispersion {DISPERSION:.2f} reproduce the width of MESEMS's interval; relapse and progression "
          "rates are assumptions. Power is the normal approximation (statsmodels' negative binomial and "
          "two-proportion power), checked against simulation in the course's tests."),
    controls=[
        Control("endpoint", "Endpoint", [("Enhancing lesions (primary)", "gel", "new enhancing lesions on MRI"),
                                         ("Relapses", "relapse"),
                                         ("Confirmed EDSS progression", "progression")], "gel"),
        Control("design", "Design and analysis", [("Parallel groups (primary)", "parallel",
                                                   "the first 24 weeks, group against group"),
                                                  ("Crossover, within patients", "crossover"),
                                                  ("Crossover with carry-over", "carryover",
                                                   "the cells' effect lasts into the placebo period")],
                "parallel"),
        Control("n_per_arm", "Patients per group", [("20", 20), ("36", 36), ("72 (as in MESEMS)", 72),
                                                    ("150", 150), ("300", 300)], 72, kind="range"),
        Control("true_rr", "True effect (rate or risk ratio)",
                [("0.3: 70% fewer", 0.3), ("0.5: half", 0.5), ("0.7: 30% fewer", 0.7), ("0.9: 10% fewer", 0.9),
                 ("1: no effect", 1.0)], 0.7, kind="range"),
        Control("dispersion", "How much patients differ in lesion or relapse counts",
                [("Not at all (Poisson)", 0.0), ("Moderately (0.5)", 0.5),
                 (f"As calibrated to MESEMS ({DISPERSION:.1f})", DISPERSION), ("A lot (3)", 3.0)],
                DISPERSION, kind="range",
                help="Negative binomial overdispersion: a few prone patients have most of the lesions or relapses."),
        Control("followup", "Follow-up per period", [("8 weeks (1 scan)", 8),
                                                      ("24 weeks (3 scans, as in MESEMS)", 24),
                                                      ("48 weeks (6 scans)", 48)], 24, kind="range"),
    ],
    simulate=_power,
    readouts=[
        Readout("Power: chance the trial finds the effect", lambda f: percent(f["power"])),
        Readout("Smallest effect found 80% of the time",
                lambda f: ("none, even a 95% reduction" if math.isnan(f["detectable"]) else
                           f"RR {_ratio_text(f['detectable'])} (a {round(100 * (1 - f['detectable']))}% reduction)")),
        Readout("Placebo group's rate", _placebo_rate),
        Readout("Placebo patients with none in the period",
                lambda f: f"{percent(f['none'])} have no {NONE_WORDS[f['endpoint']]}"),
        Readout("What is compared", lambda f: ("MSC group against placebo group over the first 24 weeks only: "
                                               "progression cannot be undone, so a crossover cannot compare it "
                                               "within patients") if f["crossover_impossible"]
                else DESIGN_WORDS[f["design"]]),
    ],
    figure_template=POWER_FIGURE,
    slots=figures.curve_with_choice("curve", len(RR_GRID), "true_rr", "power"),
    rules=Rules(
        Rule("With no true effect, the trial 'finds' one {power:P} of the time: the false-positive rate the "
             "5% test promises.",
             when=lambda f: f["true_rr"] == 1),
        Rule("Power is {power:P}: a trial like this would find a true ratio of {ratio_text} for {what} almost every "
             "time, so a null result at this setting is informative: it makes an effect this large unlikely.",
             when=lambda f: f["power"] >= 0.8),
        Rule("Power is {power:P}: a trial like this misses a true ratio of {ratio_text} for {what} {miss:P} of "
             "the time. A null result is a weak hint, not evidence of no effect.",
             when=lambda f: f["power"] >= 0.5),
        Rule("Power is only {power:P}: a trial like this misses a true ratio of {ratio_text} for {what} {miss:P} "
             "of the time, so a null result at this setting says little about an effect this size."),
    ),
)


# ---------------------------------------------------------------- explorer 3
N_GRID = [int(round(x)) for x in np.geomspace(10, 10_000, 31)]
SAE_PLACEBO, SAE_MSC = FACTS["sae_patients_placebo"], FACTS["sae_events_msc"]
PERIODS = FACTS["n_randomised"]       # every patient has one MSC period and one placebo period


@cache
def _chance_curve(harm):
    return [float(proportions.prob_at_least(1, n, harm)) if n <= proportions.MAX_N else 1.0 for n in N_GRID]


def _safety(n_cells, harm, level):
    bound = float(proportions.zero_event_upper(n_cells, level))
    chance = float(proportions.prob_at_least(1, n_cells, harm))
    placebo_events = round(SAE_PLACEBO / PERIODS * n_cells)
    fisher_p = proportions.fisher_exact(SAE_MSC, n_cells, placebo_events, n_cells)[1]
    return {"bound": bound, "rule3": float(proportions.rule_of_three(n_cells)),
            "bound_in": max(1, round(1 / bound)), "harm_in": round(1 / harm), "chance": chance,
            "miss": 1 - chance, "needed": int(proportions.patients_to_see(harm, 0.95)),
            "placebo_events": placebo_events, "fisher_p": fisher_p, "curve": _chance_curve(harm),
            "covered": bound > harm}


CERTAIN_LINE = figures.hline(0.95, "95% certain", below=True)
SAFETY_FIGURE = {
    "data": [
        {"type": "scatter", "mode": "lines", "x": N_GRID, "y": [0] * len(N_GRID), "name": "Chance",
         "line": {"color": "#1f5f99", "width": 3},
         "hovertemplate": "%{x:,} patients: %{y:.0%}<extra></extra>"},
        {"type": "scatter", "mode": "markers", "x": [144], "y": [0], "name": "Your trial",
         "marker": {"color": "#b5482a", "size": 16, "symbol": "circle-open", "line": {"width": 3}},
         "hovertemplate": "%{x:,} patients: %{y:.0%}<extra></extra>"},
    ],
    "layout": figures.layout(
        "Chance that a trial sees a rare harm at least once",
        {"title": {"text": "Patients given the cells (log scale)"}, "type": "log", "gridcolor": "#eee",
         "range": [math.log10(N_GRID[0]) - 0.05, math.log10(N_GRID[-1]) + 0.05],
         "tickvals": [10, 30, 100, 300, 1000, 3000, 10000],
         "ticktext": ["10", "30", "100", "300", "1,000", "3,000", "10,000"]},
        {"title": {"text": "Chance of at least one case"}, "range": [0, 1.02], "tickformat": ".0%",
         "gridcolor": "#ddd"},
        shapes=[CERTAIN_LINE[0]], annotations=[CERTAIN_LINE[1]],
    ),
}

SAFETY = Explorer(
    name="mesems-safety",
    title="Safe, or just small?",
    page="chapters/04-mesems",
    figure_label=("Line chart: the chance that a trial sees a rare harm at least once against the number of "
                  "patients given the cells, for the chosen true risk, with the chosen trial size circled and a "
                  "dashed line at 95%."),
    note=(f"MESEMS reported {FACTS['sae_events_placebo']} serious adverse events in {SAE_PLACEBO} patients during "
          f"placebo and none during MSC treatment (Uccelli 2021). The Fisher test counts each of the "
          f"{PERIODS} patients' MSC and placebo periods, our assumption about the denominators. The true risks of "
          "harm are illustrative."),
    controls=[
        Control("n_cells", "Patients given cells, none with a serious adverse event during the cell period",
                [("20", 20), ("69 (MSC-first group)", 69), ("144 (everyone in MESEMS)", 144), ("1,000", 1000),
                 ("3,000", 3000)], 144, kind="range"),
        Control("harm", "True risk of a rare serious harm from the cells",
                [("1 in 100", 0.01), ("1 in 1,000", 0.001), ("1 in 10,000", 0.0001)], 0.001, kind="range"),
        Control("level", "Confidence for the upper bound", [("95% (the rule of three)", 0.95), ("99%", 0.99)],
                0.95),
    ],
    simulate=_safety,
    readouts=[
        Readout("Upper bound on the risk of harm", lambda f: f"{percent(f['bound'])} (1 in {f['bound_in']:,})"),
        Readout("Rule of three, 3/n", lambda f: percent(f["rule3"])),
        Readout("Chance the trial sees the harm at least once", lambda f: percent(f["chance"])),
        Readout("Patients needed to see it with 95% certainty", lambda f: f"{f['needed']:,}"),
        Readout("Serious adverse events, cells vs placebo at MESEMS's rates (Fisher's exact test)",
                lambda f: f"0 of {f['n_cells']:,} vs {f['placebo_events']:,} of {f['n_cells']:,}: "
                          f"p = {f['fisher_p']:.2g}"),
    ],
    figure_template=SAFETY_FIGURE,
    slots=figures.curve_with_choice("curve", len(N_GRID), "n_cells", "chance"),
    rules=Rules(
        Rule("No serious adverse event in {n_cells:N} patients' cell periods, yet a risk as high as 1 in {bound_in:N} "
             "is still possible: "
             "a 1-in-{harm_in:N} serious harm would go unseen {miss:P} of the time. "
             "No harm seen is not proof of safety "
             "(seeing it once with 95% certainty takes {needed:N} patients), and safe would not mean effective.",
             when=lambda f: f["covered"]),
        Rule("With no serious adverse event in {n_cells:N} patients' cell periods, a 1-in-{harm_in:N} serious harm "
             "is ruled out (upper bound 1 in "
             "{bound_in:N}); rarer harms are not. And a safe treatment is not thereby an effective one: that "
             "takes the efficacy endpoint."),
    ),
)

EXPLORERS = [INTERVAL, POWER, SAFETY]
