"""Chapter 6 (adding trials up): four explorers.

* "Pooling": nine illustrative safety trials that pool to the intrathecal
  meta-analysis's published result; the model, which trials are in, the
  continuity correction and added heterogeneity change the forest plot.
* "Missing trials": small trials with unfavourable results left unpublished,
  a funnel plot and Egger's test.
* "Counting case series": a pooled single-arm "improvement rate" against
  the share who would improve anyway.
* "Nine studies, many moderators": the chance that one of several study
  features comes out 'significant' in a meta-regression with no true effect.

All pooling is statsmodels' through ``trialsim.stats.meta``.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from .. import data
from ..frontends import figures
from ..frontends.conclude import Rule, Rules, percent, share
from ..frontends.explorer import Control, Explorer, Readout
from ..stats import meta
from ..tables import Table

FACTS = data.facts("meta_summary")
TRIALS = data.load("meta_safety_synthetic")
NAMES = TRIALS["trial"].tolist()
K = len(NAMES)
PAGE = "chapters/06-meta-analysis"
COLORS = {"trial": "#1f5f99", "pooled": "#b5482a", "out": "#b0b0b0"}
HETEROGENEITY = {"none": 0.0, "moderate": 0.6, "large": 1.2}      # sd of the added log risk ratio shifts
_DRAW = np.random.default_rng(7).standard_normal(K)
SHIFTS = _DRAW - _DRAW.mean()                                      # one fixed draw, centred, scaled by the level


def _fmt(r):
    return f"{r:.2f}"


# ---------------------------------------------------------------- explorer 1: pooling
def _trials_in(which):
    keep = np.ones(K, dtype=bool)
    if which == "low_bias":
        keep = (TRIALS["risk_of_bias"] == "low").to_numpy()
    elif which == "drop_largest":
        keep[int(np.argmax((TRIALS["n_msc"] + TRIALS["n_control"]).to_numpy()))] = False
    elif which.startswith("drop_"):
        keep[NAMES.index("Trial " + which[-1])] = False
    return keep


def _pooling(model, which, correction, heterogeneity):
    keep = _trials_in(which)
    n_t, n_c = TRIALS["n_msc"].to_numpy(), TRIALS["n_control"].to_numpy()
    e_c = TRIALS["events_control"].to_numpy()
    e_t = TRIALS["events_msc"].to_numpy().astype(float)
    if heterogeneity != "none":   # move each trial's MSC-arm events by a fixed, seeded shift of its risk ratio
        e_t = np.clip(np.round(e_t * np.exp(HETEROGENEITY[heterogeneity] * SHIFTS)), 0, n_t)
    studies = meta.risk_ratio_studies(e_t[keep].astype(int), n_t[keep], e_c[keep], n_c[keep], correction)
    res = meta.pool(studies["log_rr"], studies["variance"], model)
    other = meta.pool(studies["log_rr"], studies["variance"], "fixed" if model == "random" else "random")
    used = np.flatnonzero(keep)[studies["included"]]
    est, low, high = [None] * K, [None] * K, [None] * K
    for j, y, v in zip(used, studies["log_rr"], studies["variance"], strict=True):
        half = 1.959964 * math.sqrt(v)
        est[j], low[j], high[j] = math.exp(y), math.exp(y - half), math.exp(y + half)
    patients = int((n_t + n_c)[used].sum())
    return {"estimate": res["estimate"], "ci_low": res["ci_low"], "ci_high": res["ci_high"], "p": res["p"],
            "i2": res["i2"], "tau2": res["tau2"], "k": len(used), "patients": patients,
            "other": other["estimate"], "other_low": other["ci_low"], "other_high": other["ci_high"],
            "other_model": "fixed-effect" if model == "random" else "random-effects",
            "other_excludes_one": other["ci_low"] > 1 or other["ci_high"] < 1,
            "dropped_zero": bool(len(used) < keep.sum()), "excludes_one": res["ci_low"] > 1 or res["ci_high"] < 1,
            "est": est, "minus": [None if e is None else e - lo for e, lo in zip(est, low, strict=True)],
            "plus": [None if e is None else hi - e for e, hi in zip(est, high, strict=True)],
            "pub": FACTS["ith_msk_rr"], "moved": abs(res["estimate"] - FACTS["ith_msk_rr"]) >= 0.1}


ROWS = NAMES + ["Pooled"]
POOLING_FIGURE = {
    "data": [
        {"type": "scatter", "mode": "markers", "x": [1.0] * K, "y": NAMES, "name": "Trials",
         "marker": {"color": COLORS["trial"], "size": 10, "symbol": "square"},
         "error_x": {"type": "data", "symmetric": False, "array": [0] * K, "arrayminus": [0] * K,
                     "color": COLORS["trial"], "thickness": 2, "width": 4},
         "hovertemplate": "%{y}: RR %{x:.2f}<extra></extra>"},
        {"type": "scatter", "mode": "markers", "x": [1.0], "y": ["Pooled"], "name": "Pooled",
         "marker": {"color": COLORS["pooled"], "size": 16, "symbol": "diamond"},
         "error_x": {"type": "data", "symmetric": False, "array": [0], "arrayminus": [0],
                     "color": COLORS["pooled"], "thickness": 3, "width": 6},
         "hovertemplate": "pooled: RR %{x:.2f}<extra></extra>"},
    ],
    "layout": figures.layout(
        "Forest plot: musculoskeletal adverse events, MSC vs control (illustrative trials)",
        figures.log_axis("Risk ratio (log scale; above 1: more events with MSCs)", 0.02, 30,
                         [0.05, 0.1, 0.3, 1, 3, 10]),
        {"title": {"text": ""}, "autorange": "reversed", "automargin": True},  # first trial on top
        height=440, margin={"l": 90},
        shapes=[{"type": "line", "xref": "x", "yref": "paper", "x0": 1, "x1": 1, "y0": 0, "y1": 1,
                 "line": {"color": "#444", "width": 2}}],
    ),
}

POOLING = Explorer(
    name="meta-pooling",
    title="Pooling nine small trials",
    page=PAGE,
    figure_label=("Forest plot on a log scale: each illustrative trial's risk ratio of musculoskeletal adverse "
                  "events with its 95% interval, and the pooled risk ratio as a diamond, with a line at no "
                  "difference."),
    note=(f"Illustrative trials (not the real ones, whose data are not in the abstract) that pool to the "
          f"published {FACTS['ith_msk_rr']} ({FACTS['ith_msk_ci_low']} to {FACTS['ith_msk_ci_high']}), Mesa "
          "Bedoya 2024 (doi:10.1186/s13287-024-03748-7). Their risk-of-bias grades are made up too. Pooling "
          "is statsmodels' inverse-variance method, DerSimonian-Laird for random effects."),
    controls=[
        Control("heterogeneity", "Differences between trials added", [("None", "none"), ("Moderate", "moderate"),
                                                                      ("Large", "large")], "none"),
        Control("model", "Model", [("Random effects", "random", "DerSimonian-Laird"),
                                   ("Fixed effect", "fixed")], "random"),
        Control("which", "Trials included",
                [("All nine", "all"), ("Low risk of bias only", "low_bias"), ("Without the largest", "drop_largest")]
                + [(f"Without {name}", "drop_" + name[-1]) for name in NAMES], "all"),
        Control("correction", "Zero-event arms", [("Add 0.5 to every cell", 0.5),
                                                  ("Treatment-arm correction", "treatment-arm"),
                                                  ("Leave those trials out", "exclude")], 0.5),
    ],
    simulate=_pooling,
    readouts=[
        Readout("Pooled risk ratio (95% CI)", lambda f: f"{_fmt(f['estimate'])} ({_fmt(f['ci_low'])} to "
                                                       f"{_fmt(f['ci_high'])})"),
        Readout("Trials and patients pooled", lambda f: f"{f['k']} trials, {f['patients']:,} patients"),
        Readout("I² (variation beyond chance)", lambda f: share(f['i2'])),
        Readout("tau² (between-trial variance)", lambda f: f"{f['tau2']:.3f}"),
    ],
    figure_template=POOLING_FIGURE,
    slots=[*figures.series_slots(0, "est", K, axis="x"), *figures.series_slots(0, "plus", K, axis="error_x.array"),
           *figures.series_slots(0, "minus", K, axis="error_x.arrayminus"),
           ("data.1.x.0", lambda f: f["estimate"]), ("data.1.error_x.array.0", lambda f: f["ci_high"] - f["estimate"]),
           ("data.1.error_x.arrayminus.0", lambda f: f["estimate"] - f["ci_low"])],
    rules=Rules(
        Rule("The trials disagree (I² {i2:.0%}), and the models part company: {estimate:.2f} ({ci_low:.2f} to "
             "{ci_high:.2f}) here, {other:.2f} ({other_low:.2f} to {other_high:.2f}) with the {other_model} model. "
             "Which model was chosen, and why, decides whether there is a finding.",
             when=lambda f: f["excludes_one"] != f["other_excludes_one"]),
        Rule("With only {k} trials left, the pooled risk ratio is {estimate:.2f} ({ci_low:.2f} to {ci_high:.2f}), "
             "and the interval now includes 1: the finding rests on the trials you removed.",
             when=lambda f: not f["excludes_one"] and f["k"] < K),
        Rule("Added differences between trials: I² is {i2:.0%}, and the pooled {estimate:.2f} ({ci_low:.2f} to "
             "{ci_high:.2f}) averages trials that disagree. Ask why they differ before trusting one number.",
             when=lambda f: f["i2"] >= 0.3),
        Rule("Pooled risk ratio {estimate:.2f} ({ci_low:.2f} to {ci_high:.2f}) from {k} trials: more musculoskeletal "
             "adverse events with MSCs. This is a finding about a harm; it says nothing about benefit.",
             when=lambda f: f["estimate"] > 1),
        Rule("Pooled risk ratio {estimate:.2f} ({ci_low:.2f} to {ci_high:.2f}) from {k} trials."),
    ),
)


# ---------------------------------------------------------------- explorer 2: missing trials
N_FUNNEL = 24
FUNNEL_SIZES = np.geomspace(6, 60, N_FUNNEL).round().astype(int)
EFFECTS = {"none": ("no effect", 1.0), "small": ("a small benefit (RR 0.85)", 0.85)}
MISSING = (0, 2, 4, 6, 8)


@cache
def _funnel_trials(effect):
    """24 illustrative trials of a bad outcome (a risk of 30 % on control),
    6 to 60 patients per arm, seeded; their log risk ratios and variances."""
    rng = np.random.default_rng(25)
    ratio = EFFECTS[effect][1]
    e_c = rng.binomial(FUNNEL_SIZES, 0.3)
    e_t = rng.binomial(FUNNEL_SIZES, 0.3 * ratio)
    studies = meta.risk_ratio_studies(e_t, FUNNEL_SIZES, e_c, FUNNEL_SIZES)
    return studies["log_rr"], studies["variance"]


def _missing(effect, missing):
    y, v = _funnel_trials(effect)
    se = np.sqrt(v)
    # the trials least likely to be published: the smaller half, most unfavourable (highest risk ratio) first
    small = np.argsort(se)[N_FUNNEL // 2:]
    hidden = small[np.argsort(-y[small])][:missing]
    shown = np.setdiff1d(np.arange(N_FUNNEL), hidden)
    full = meta.pool(y, v)
    pub = meta.pool(y[shown], v[shown])
    egger = meta.egger_test(y[shown], v[shown])
    shown_set, hidden_set = set(shown.tolist()), set(hidden.tolist())
    return {"estimate": pub["estimate"], "ci_low": pub["ci_low"], "ci_high": pub["ci_high"], "p": pub["p"],
            "all_estimate": full["estimate"], "egger_p": egger["p"], "truth": EFFECTS[effect][0],
            "true_rr": EFFECTS[effect][1], "k": len(shown), "n_all": N_FUNNEL,
            "x_shown": [float(np.exp(y[j])) if j in shown_set else None for j in range(N_FUNNEL)],
            "x_hidden": [float(np.exp(y[j])) if j in hidden_set else None for j in range(N_FUNNEL)],
            "drift": pub["estimate"] / full["estimate"], "significant": pub["p"] < 0.05,
            "all_significant": full["p"] < 0.05,
            "egger_text": "p < 0.01" if egger["p"] < 0.01 else f"p = {egger['p']:.2f}", "flagged": egger["p"] < 0.05}


SE = np.sqrt(_funnel_trials("none")[1])
FUNNEL_FIGURE = {
    "data": [
        {"type": "scatter", "mode": "markers", "x": [1.0] * N_FUNNEL, "y": [float(s) for s in SE],
         "name": "Published", "marker": {"color": COLORS["trial"], "size": 9},
         "hovertemplate": "published: RR %{x:.2f}, SE %{y:.2f}<extra></extra>"},
        {"type": "scatter", "mode": "markers", "x": [None] * N_FUNNEL, "y": [float(s) for s in SE],
         "name": "Unpublished", "marker": {"color": "white", "size": 9, "line": {"color": COLORS["out"], "width": 2}},
         "hovertemplate": "unpublished: RR %{x:.2f}<extra></extra>"},
    ],
    "layout": figures.layout(
        "Funnel plot: each trial's result against its precision (illustrative trials)",
        figures.log_axis("Risk ratio of a bad outcome (log scale; below 1: benefit)", 0.15, 6, [0.2, 0.5, 1, 2, 5],
                         labelled=False),
        {"title": {"text": "Standard error (small trials low)"}, "autorange": "reversed", "gridcolor": "#ddd"},
        height=420, showlegend=True, legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        margin={"t": 90},
        shapes=[{"type": "line", "xref": "x", "yref": "paper", "x0": 1, "x1": 1, "y0": 0, "y1": 1,
                 "line": {"color": "#444", "width": 1}},
                {"type": "line", "xref": "x", "yref": "paper", "x0": 1, "x1": 1, "y0": 0, "y1": 1,
                 "line": {"color": COLORS["pooled"], "width": 2, "dash": "dash"}}],
    ),
}

FUNNEL = Explorer(
    name="meta-missing",
    title="Missing trials",
    page=PAGE,
    figure_label=("Funnel plot: 24 illustrative trials' risk ratios on a log scale against their standard errors, "
                  "published trials filled, unpublished ones hollow, with the pooled estimate of the published "
                  "trials as a dashed line."),
    note=("Illustrative: 24 seeded trials of 6 to 60 patients per arm, a 30 % risk of a bad outcome without "
          "cells. 'Unpublished' trials are the small ones with the least favourable results."),
    controls=[
        Control("effect", "True effect of the cells", [(words, key) for key, (words, _) in EFFECTS.items()], "none"),
        Control("missing", "Small unfavourable trials left unpublished", [(str(m), m) for m in MISSING], 0,
                kind="range"),
    ],
    simulate=_missing,
    readouts=[
        Readout("Pooled risk ratio of the published trials (95% CI)",
                lambda f: f"{_fmt(f['estimate'])} ({_fmt(f['ci_low'])} to {_fmt(f['ci_high'])})"),
        Readout("With every trial", lambda f: _fmt(f["all_estimate"])),
        Readout("Egger's test for small-study effects", lambda f: f["egger_text"]),
        Readout("Trials published", lambda f: f"{f['k']} of {N_FUNNEL}"),
    ],
    figure_template=FUNNEL_FIGURE,
    slots=[*figures.series_slots(0, "x_shown", N_FUNNEL, axis="x"),
           *figures.series_slots(1, "x_hidden", N_FUNNEL, axis="x"),
           ("layout.shapes.1.x0", lambda f: f["estimate"]), ("layout.shapes.1.x1", lambda f: f["estimate"])],
    rules=Rules(
        Rule("With every trial published, the pooled risk ratio is {estimate:.2f} ({ci_low:.2f} to {ci_high:.2f}) "
             "against a truth of {truth}: nothing is missing from the funnel.",
             when=lambda f: f["missing"] == 0),
        Rule("With {missing} small unfavourable trials missing, the published trials pool to {estimate:.2f} "
             "({ci_low:.2f} to {ci_high:.2f}), a 'significant benefit' that all {n_all} trials together do not show "
             "({all_estimate:.2f}). The funnel's empty corner is the clue; Egger's test gives {egger_text}.",
             when=lambda f: f["significant"] and f["estimate"] < 1 and not f["all_significant"]),
        Rule("With {missing} small unfavourable trials missing, the pooled estimate drifts to {estimate:.2f} "
             "(from {all_estimate:.2f} with every trial), and Egger's test flags the lopsided funnel ({egger_text}).",
             when=lambda f: f["flagged"]),
        Rule("With {missing} small unfavourable trials missing, the pooled estimate drifts to {estimate:.2f} "
             "(from {all_estimate:.2f} with every trial), and Egger's test misses it ({egger_text}): with few "
             "trials it often does."),
    ),
)


# ---------------------------------------------------------------- explorer 3: counting case series
SERIES = {"sci": ("spinal cord injury: AIS grade improved", FACTS["sci_ais_improved"], FACTS["sci_ais_ci_low"],
                  FACTS["sci_ais_ci_high"]),
          "ra": ("rheumatoid arthritis: 'effective rate'", FACTS["auto_ra_effective_rate"], None, None)}
BACKGROUND = (0.1, 0.2, 0.3, 0.45)


def _series(source, background):
    words, rate, low, high = SERIES[source]
    low = rate if low is None else low
    high = rate if high is None else high
    return {"rate": rate, "low": low, "high": high, "background": background, "words": words,
            "extra": rate - background, "extra_low": low - background, "extra_high": high - background,
            "published_ci": source == "sci", "covers": background >= low}


SERIES_FIGURE = figures.share_bars(
    "A pooled improvement rate against the improvement expected without cells", "What is shown",
    ["Pooled single-arm rate", "Improve anyway (assumed)"], [COLORS["trial"], COLORS["out"]], "Share of patients",
)

SERIES_EXPLORER = Explorer(
    name="meta-case-series",
    title="Counting case series",
    page=PAGE,
    figure_label=("Bar chart: a pooled single-arm improvement rate with its interval, beside the share assumed to "
                  "improve without cells."),
    note=(f"Published rates: Shang 2022 pooled {FACTS['sci_single_arm_studies']} spinal cord injury studies, "
          f"{FACTS['sci_single_arm_uncontrolled']} of them single-arm (doi:10.1186/s12916-022-02482-2); Zeng 2022 "
          "reported the RA 'total clinical effective rate' (doi:10.1155/2022/9463314). The share who would "
          "improve anyway is your assumption."),
    controls=[
        Control("source", "Pooled rate", [(words.split(": ")[0].capitalize(), key, words.split(": ")[1])
                                          for key, (words, *_rest) in SERIES.items()], "sci"),
        Control("background", "Share who would improve without cells (assumed)",
                [(f"{b:.0%}", b) for b in BACKGROUND], 0.3, kind="range",
                help="Natural recovery, regression to the mean and placebo response together."),
    ],
    simulate=_series,
    readouts=[
        Readout("Pooled rate, as published",
                lambda f: share(f["rate"], ".1%") + (f" ({share(f['low'], '.1%')} to {share(f['high'], '.1%')})"
                                                     if f["published_ci"] else " (no interval given)")),
        Readout("Improvement the cells could add, at most", lambda f: f"{f['extra_high'] * 100:.0f} percentage points"),
        Readout("Improvement the cells could add, at least",
                lambda f: f"{max(f['extra_low'], 0) * 100:.0f} percentage points"),
    ],
    figure_template=SERIES_FIGURE,
    slots=figures.share_slots([("rate", "low", "high"), ("background", None, None)]),
    rules=Rules(
        Rule("If {background:P} would improve anyway, the pooled {rate:P} could be almost all background: a "
             "single-arm rate cannot separate the cells from what would have happened without them.",
             when=lambda f: f["covers"] or f["extra_low"] < 0.1),
        Rule("Even if only {background:P} would improve anyway, the pooled {rate:P} is a share of treated patients, "
             "not a comparison: how much of it the cells caused depends entirely on an assumption no single-arm "
             "study can check."),
    ),
)


# ---------------------------------------------------------------- explorer 4: many moderators
M_MAX = 10
STUDIES = (9, 20, 50)
TAUS = {"none": 0.0, "some": 0.05}


def _moderator_entry(seed, k_studies, tau):
    return meta.moderator_false_positives(k_studies=k_studies, n_moderators=M_MAX, tau2=TAUS[tau],
                                             reps="precise", seed=seed)


def _moderators(m, k_studies, tau):
    res = MODERATOR_TABLE.get(k_studies=k_studies, tau=tau)
    curve = [float(c) for c in res["by_m"]]
    return {"chance": curve[m - 1], "curve": curve, "per_test": float(res["per_test"]),
            "times": curve[m - 1] / 0.05, "multi_p": FACTS["ith_multi_p"], "mc_halfwidth": res["halfwidth"]}


MOD_FIGURE = figures.chance_bars(
    "No true effect: the chance that some study feature looks 'significant'", "Study features tried as moderators",
    list(range(1, M_MAX + 1)), "At least one p < 0.05", 0.6, color=COLORS["trial"],
    hover="%{x} moderators: %{y:.0%}<extra></extra>",
)

MODERATORS = Explorer(
    monte_carlo=True,
    name="meta-moderators",
    title="Nine studies, many moderators",
    page=PAGE,
    figure_label=("Bar chart: with no true effect, the chance that at least one of several study features is "
                  "significant in a meta-regression, against the number of features tried, with the chosen number "
                  "highlighted and a dashed line at 5%."),
    note=("Simulated: thousands of seeded sets of studies with no true effect of anything (each chance known to "
          "within half a percentage point); each study feature (dose, "
          "product, disease, ...) is a yes/no coin per study, tested one at a time by weighted regression. Mesa "
          f"Bedoya 2024's 'fewer adverse events with multiple doses' had p = {FACTS['ith_multi_p']}."),
    controls=[
        Control("m", "Study features tried", [(str(m), m) for m in range(1, M_MAX + 1)], 5, kind="range"),
        Control("k_studies", "Studies in the meta-analysis", [("9 (as in the safety meta-analysis)", 9),
                                                              ("20", 20), ("50", 50)], 9, kind="range"),
        Control("tau", "Unexplained differences between studies", [("None", "none"), ("Some", "some")], "none"),
    ],
    simulate=_moderators,
    readouts=[
        Readout("Chance at least one feature gives p < 0.05", lambda f: percent(f["chance"])),
        Readout("Compared with one planned test", lambda f: f"{f['times']:.1f} times the 5%"),
        Readout("Share of single tests with p < 0.05", lambda f: percent(f["per_test"])),
    ],
    figure_template=MOD_FIGURE,
    slots=figures.curve_with_choice("curve", M_MAX, "m", "chance"),
    rules=Rules(
        Rule("One planned moderator 'finds' an effect that is not there {chance:P} of the time: the 5% the test "
             "promises.",
             when=lambda f: f["m"] == 1),
        Rule("Trying {m} study features, at least one comes out 'significant' {chance:P} of the time with no true "
             "effect at all. A p of {multi_p} for one of them, in a meta-regression of {k_studies} studies, is what "
             "chance alone often produces."),
    ),
)

MODERATOR_TABLE = Table(
    name="meta-moderators",
    keys=["k_studies", "tau"], values=[list(STUDIES), list(TAUS)],
    compute=_moderator_entry, seed=9,
    description=("With no true effect of anything, the chance that at least one of 1 to 10 yes/no study features "
                 "is 'significant' in a one-at-a-time meta-regression, for the explorer meta-moderators; seeded "
                 "batches until each chance has a 95% Monte Carlo half-width of at most half a percentage point."),
)

EXPLORERS = [POOLING, FUNNEL, SERIES_EXPLORER, MODERATORS]
TABLES = [MODERATOR_TABLE]
