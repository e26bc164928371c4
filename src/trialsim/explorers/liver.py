"""Chapter 5 (the liver trial's landmark analysis): two explorers.

* "Choose your landmark": two arms of simulated patients under a chosen true
  effect; Kaplan-Meier curves with the analysis window marked, the hazard
  ratio and log-rank p in the window, how often trials like it find p < 0.05
  there, and a conclusion that changes with the window.
* "How often does a free choice of window find something?": with no true
  effect, the chance that at least one of several windows gives p < 0.05.

The abstract gives no survival numbers per period, so every
survival number here is illustrative: the models match only the arm sizes,
the longest follow-up and the shape of the published finding (no early
difference, a late one).  Survival comparisons use the whole-month tools in
``trialsim.stats.liver`` (checked against lifelines and statsmodels); many
simulated trials are computed once, the first time a setting is asked for.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from .. import data
from ..frontends import figures
from ..frontends.conclude import Rule, Rules, percent
from ..frontends.explorer import Control, Explorer, Readout
from ..stats import liver, montecarlo
from ..tables import Table

if TYPE_CHECKING:
    import pandas as pd

FACTS = data.facts("liver_summary")
N_MSC, N_CONTROL = FACTS["n_msc"], FACTS["n_control"]
FOLLOWUP = FACTS["followup_months"]
HAZARD = FACTS["hazard_control"]
LATE_HR, CHANGE = FACTS["late_hr"], FACTS["change_month"]
LANDMARKS = (0, 3, 6, 12, 13, 24)
TRIED = (3, 6, 12, 13, 18, 24, 36)          # the windows a free analysis could try, in order
SEED = 2043                                  # its first draw looks like the published pattern (see the note)
SYNTHETIC_SEED = 0
EFFECTS = {
    "none": ("no effect at all", (1.0,), ()),
    "early_harm": ("harm for six months, then a benefit", (1.6, 0.6), (6,)),
    "constant": ("the same benefit throughout (HR 0.7)", (0.7,), ()),
    "late_only": (f"nothing for {int(CHANGE)} months, then a benefit (HR {LATE_HR})", (1.0, LATE_HR), (CHANGE,)),
}
# the short labels of the effects (a select shows them; the words above follow as its detail)
EFFECT_LABELS = {"none": ("No effect at all", ""),
                 "early_harm": ("Early harm, later benefit", "harm for six months, then a benefit"),
                 "constant": ("Same benefit throughout", f"hazard ratio {EFFECTS['constant'][1][0]:g} from the start"),
                 "late_only": ("Delayed benefit", f"nothing for {int(CHANGE)} months, then hazard ratio {LATE_HR}")}
STEP = 3                                     # the curves are drawn from the survival at every third month
GRID = list(range(0, FOLLOWUP + 1, STEP))
COLORS = {"msc": "#1f5f99", "control": "#8c8c8c", "window": "rgba(43,122,61,0.10)", "landmark": "#2b7a3d"}


def synthetic_trial() -> tuple[pd.DataFrame, int]:
    """The ILLUSTRATIVE patients of ``datasets/liver_synthetic.csv``: (frame,
    seed).  108 treated and 111 control patients followed up to 75 months,
    with a benefit that starts at month 12 (HR ``late_hr``).  The first seed
    from ``SYNTHETIC_SEED`` whose trial shows what the paper reports: no
    difference in the first 12 months (log-rank p > 0.2, HR 0.8 to 1.25), a
    difference from month 13 on (p < 0.05) and none over the whole follow-up
    (p > 0.05).  Columns: patient, group ('UC-MSC' or 'control'), months
    (whole months to death or to the end of follow-up) and died (1 or 0)."""
    import pandas as pd

    ratios, changes = EFFECTS["late_only"][1:]
    for seed in range(SYNTHETIC_SEED, SYNTHETIC_SEED + 1000):
        d = liver.simulate_months(N_MSC, N_CONTROL, HAZARD, ratios, changes, FOLLOWUP, seed=seed)
        counts = liver.monthly_counts(d["times"], d["events"], d["group"], FOLLOWUP)
        early = liver.window_tests(counts, 0, 12)
        late = liver.window_tests(counts, FACTS["landmark_month"])
        whole = liver.window_tests(counts, 0)
        if (early["logrank_p"][0] > 0.2 and 0.8 <= early["hr"][0] <= 1.25 and late["logrank_p"][0] < 0.05
                and whole["logrank_p"][0] > 0.05):
            frame = pd.DataFrame({"patient": np.arange(1, N_MSC + N_CONTROL + 1),
                                  "group": np.where(d["group"] == 1, "UC-MSC", "control"),
                                  "months": d["times"][0], "died": d["events"][0]})
            return frame, seed
    raise ValueError("no seed in 1000 gives the published pattern: check the illustrative hazards")


# ---------------------------------------------------------------- the simulations, once per setting
def _windows(followup):
    """The analysis windows (start, stop) a free analysis could report:
    the whole follow-up, then before and after each landmark in ``TRIED``
    that leaves at least six months after it."""
    out = [(0, followup)]
    for month in TRIED:
        if month <= followup - 6:
            out += [(month, followup), (0, month)]
    return out


def _free_p(counts, followup):
    """Every trial's log-rank p in every free window: (windows, trials)."""
    return np.array([liver.window_tests(counts, a, b)["logrank_p"] for a, b in _windows(followup)])


def _batch(rng, reps, effect, n_per_arm, followup):
    """``reps`` seeded trials of a setting: per trial, whether each landmark's
    window, the best free window and (at the longest follow-up) the best of
    the first k landmarks' windows give p < 0.05."""
    ratios, changes = EFFECTS[effect][1:]
    d = liver.simulate_months(n_per_arm, n_per_arm, HAZARD, ratios, changes, followup, reps=reps, rng=rng)
    counts = liver.monthly_counts(d["times"], d["events"], d["group"], followup)
    out = {f"after_{month}": liver.window_tests(counts, start=month)["logrank_p"] < 0.05 for month in LANDMARKS}
    free = _free_p(counts, followup)
    out["best"] = np.nanmin(free, axis=0) < 0.05
    if followup == FREE_FOLLOWUP:
        for sides in ("after", "both"):
            for k in range(K_MAX + 1):
                out[f"many_{sides}_{k}"] = np.nanmin(free[_rows(k, sides)], axis=0) < 0.05
    return out


def _table_entry(seed, effect, n_per_arm, followup):
    """The shares of trials with p < 0.05 for one setting, run until each is
    known to within half a percentage point (95 % Monte Carlo half-width)."""
    names = [f"after_{m}" for m in LANDMARKS] + ["best"]
    if followup == FREE_FOLLOWUP:
        names += [f"many_{sides}_{k}" for sides in ("after", "both") for k in range(K_MAX + 1)]
    trials = montecarlo.until_precise(lambda rng, reps: _batch(rng, reps, effect, n_per_arm, followup), names, seed)
    out = {"found_after": [float(trials[f"after_{m}"].mean()) for m in LANDMARKS],
           "found_best": float(trials["best"].mean()), "reps": trials["reps"], "halfwidth": trials["halfwidth"]}
    if followup == FREE_FOLLOWUP:
        for sides in ("after", "both"):
            out[f"many_{sides}"] = [float(trials[f"many_{sides}_{k}"].mean()) for k in range(K_MAX + 1)]
    return out


@cache
def _trial(effect, n_per_arm, followup):
    """The one trial drawn on the page (the first of seed SEED's draws) and its
    window tests: monthly counts, the tests per landmark and the free
    windows' p-values."""
    ratios, changes = EFFECTS[effect][1:]
    d = liver.simulate_months(n_per_arm, n_per_arm, HAZARD, ratios, changes, followup, reps=1, seed=SEED)
    counts = liver.monthly_counts(d["times"], d["events"], d["group"], followup)
    by_landmark = {month: liver.window_tests(counts, start=month) for month in LANDMARKS}
    return counts, by_landmark, _free_p(counts, followup)


def _curves(counts, followup):
    out = []
    for arm in (1, 0):
        surv = liver.km_monthly(counts[f"at_risk_{arm}"][0], counts[f"events_{arm}"][0])
        full = np.r_[1.0, surv]
        out.append([float(full[m]) if m <= followup else None for m in GRID])
    return out


def _true_hr(effect, start):
    ratios, changes = EFFECTS[effect][1:]
    if not changes:
        return f"HR {ratios[0]:g} throughout"
    if start >= changes[0]:
        return f"HR {ratios[1]:g} in this window"
    return f"HR {ratios[0]:g} until month {changes[0]:g}, then {ratios[1]:g}"


def _landmark(effect, landmark, n_per_arm, followup, analysis):
    counts, by_landmark, free = _trial(effect, n_per_arm, followup)
    rates = TABLE.get(effect=effect, n_per_arm=n_per_arm, followup=followup)
    null = TABLE.get(effect="none", n_per_arm=n_per_arm, followup=followup)
    windows = _windows(followup)
    if analysis == "whole":
        start, stop = 0, followup
    elif analysis == "after":
        start, stop = landmark, followup
    else:                                    # every window tried, the smallest p in this trial reported
        best = int(np.nanargmin(free[:, 0]))
        start, stop = windows[best]
    if stop == followup and start in by_landmark:
        tests = by_landmark[start]
    else:
        tests = liver.window_tests(counts, start, stop)
    found = float(rates["found_best"]) if analysis == "best" else float(rates["found_after"][LANDMARKS.index(start)])
    curves = _curves(counts, followup)
    p = float(tests["logrank_p"][0])
    return {
        "start": start, "stop": stop, "hr": float(tests["hr"][0]), "ci_low": float(tests["ci_low"][0]),
        "ci_high": float(tests["ci_high"][0]), "p": p, "significant": p < 0.05, "n_at_start": int(tests["n"][0]),
        "deaths": int(tests["events"][0]), "found": found, "null_best": float(null["found_best"]),
        "n_windows": len(windows), "curve_msc": curves[0], "curve_control": curves[1],
        "truth": _true_hr(effect, start), "effect_words": EFFECTS[effect][0], "window": _window_words(start, stop),
        "benefit": float(tests["hr"][0]) < 1, "mc_halfwidth": max(rates["halfwidth"], null["halfwidth"]),
    }


def _window_words(start, stop):
    return f"months {start + 1} to {stop}"


def _p_text(p):
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}" if p < 0.1 else f"p = {p:.2f}"


LANDMARK_SIZES = (60, 110, 300)
LANDMARK_FOLLOWUPS = (36, 60, FOLLOWUP)
SIZE_WORDS = {110: "110 (as in the trial)"}

LANDMARK_FIGURE = {
    "data": [
        {"type": "scatter", "mode": "lines", "x": GRID, "y": [1.0] * len(GRID), "line": {"shape": "hv", "width": 3,
         "color": COLORS["msc"]}, "name": "Cells plus usual care", "hovertemplate": "cells, month %{x}: %{y:.0%}"
         "<extra></extra>"},
        {"type": "scatter", "mode": "lines", "x": GRID, "y": [1.0] * len(GRID), "line": {"shape": "hv", "width": 3,
         "color": COLORS["control"], "dash": "dot"}, "name": "Usual care alone",
         "hovertemplate": "usual care, month %{x}: %{y:.0%}<extra></extra>"},
    ],
    "layout": figures.layout(
        "Survival by arm in one simulated trial (illustrative, not the trial's data)",
        {"title": {"text": "Months since randomisation"}, "range": [0, FOLLOWUP + 1], "dtick": 12,
         "gridcolor": "#eee"},
        {"title": {"text": "Alive (Kaplan-Meier)"}, "range": [0, 1.02], "tickformat": ".0%", "gridcolor": "#ddd"},
        height=400, margin={"t": 100}, showlegend=True,
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        shapes=[
            {"type": "rect", "xref": "x", "yref": "paper", "x0": 0, "x1": FOLLOWUP, "y0": 0, "y1": 1,
             "fillcolor": COLORS["window"], "line": {"width": 0}, "layer": "below"},
            {"type": "line", "xref": "x", "yref": "paper", "x0": 0, "x1": 0, "y0": 0, "y1": 1,
             "line": {"color": COLORS["landmark"], "width": 2, "dash": "dash"}},
        ],
        annotations=[{"xref": "x", "yref": "paper", "x": 0, "y": 0.02, "xanchor": "left", "yanchor": "bottom",
                      "showarrow": False, "text": "window analysed", "font": {"color": COLORS["landmark"],
                                                                              "size": 12}}],
    ),
}

LANDMARK = Explorer(
    monte_carlo=True,
    name="liver-landmark",
    title="Choose your landmark",
    page="chapters/05-liver-landmark",
    figure_label=("Kaplan-Meier curves of one simulated trial, cells plus usual care against usual care alone, "
                  "over the months of follow-up, with the analysed window shaded and its start marked by a "
                  "dashed line. Illustrative data, not the trial's."),
    note=(f"Illustrative simulation, not the trial's data (the abstract gives no survival figures per period). "
          f"Untreated patients die at {HAZARD:.1%} a month. The curves show one seeded trial, chosen because, "
          "with a late benefit, it looks like the published pattern; the share of trials with p < 0.05 comes "
          "from thousands of seeded trials per setting (known to within half a percentage point), and it is the "
          "honest count. Hazard ratios are Cox models and p-values log-rank tests over the window."),
    controls=[
        Control("effect", "True effect of the cells", [(EFFECT_LABELS[key][0], key, EFFECT_LABELS[key][1])
                                                       for key in EFFECTS],
                "late_only"),
        Control("landmark", "Landmark: analyse from month", [(str(m) if m else "0 (no landmark)", m)
                                                               for m in LANDMARKS], 13, kind="range"),
        Control("n_per_arm", "Patients per arm", [(SIZE_WORDS.get(n, str(n)), n) for n in LANDMARK_SIZES], 110,
                kind="range"),
        Control("followup", "Follow-up (months)", [(f"{m} (as in the trial)" if m == FOLLOWUP else str(m), m)
                                                   for m in LANDMARK_FOLLOWUPS], 75, kind="range"),
        Control("analysis", "Analysis reported", [("The whole follow-up", "whole"),
                                                  ("Only after the landmark", "after"),
                                                  ("The best of every window", "best",
                                                   "every window tried, the best one reported")], "after"),
    ],
    simulate=_landmark,
    readouts=[
        Readout("Window compared", lambda f: f"{f['window']}: {f['n_at_start']:,} patients alive at its start, "
                                             f"{f['deaths']:,} deaths in it"),
        Readout("Hazard ratio in the window (95% CI)",
                lambda f: f"{f['hr']:.2f} ({f['ci_low']:.2f} to {f['ci_high']:.2f})"),
        Readout("Log-rank test in the window", lambda f: _p_text(f["p"])),
        Readout("Trials like this with p < 0.05 for what is reported", lambda f: percent(f["found"])),
        Readout("The truth in the window", lambda f: f["truth"]),
    ],
    figure_template=LANDMARK_FIGURE,
    slots=[*figures.series_slots(0, "curve_msc", len(GRID)),
           *figures.series_slots(1, "curve_control", len(GRID)),
           ("layout.shapes.0.x0", lambda f: f["start"]), ("layout.shapes.0.x1", lambda f: f["stop"]),
           ("layout.shapes.1.x0", lambda f: f["start"]), ("layout.shapes.1.x1", lambda f: f["start"]),
           ("layout.annotations.0.x", lambda f: f["start"]), ("layout.xaxis.range.1", lambda f: f["followup"] + 1)],
    rules=Rules(
        Rule("Trying {n_windows} windows and reporting the best ({window}, p = {p:.3f}) finds 'a benefit' in {found:P} "
             "of trials like this, and even with no effect at all {null_best:P} of trials would 'find' one. A "
             "window chosen after looking at the data proves little.",
             when=lambda f: f["analysis"] == "best" and f["significant"]),
        Rule("Even the best of {n_windows} windows ({window}) misses p < 0.05 in this trial; the truth was "
             "{effect_words}.",
             when=lambda f: f["analysis"] == "best"),
        Rule("With no true effect, this window still gives p < 0.05 in {found:P} of trials; this trial's "
             "'finding' (p = {p:.3f}) is chance.",
             when=lambda f: f["effect"] == "none" and f["significant"]),
        Rule("After month {landmark}, the cells' arm does better (HR {hr:.2f}, p = {p:.3f}). This compares only "
             "the {n_at_start:N} patients still alive at month {landmark}, so it counts as evidence only if the "
             "landmark was chosen before the data were seen.",
             when=lambda f: f["analysis"] == "after" and f["landmark"] > 0 and f["significant"] and f["benefit"]),
        Rule("Over the whole follow-up the arms differ (HR {hr:.2f}, p = {p:.3f}), with every randomised patient "
             "counted: the comparison randomisation protects.",
             when=lambda f: f["start"] == 0 and f["significant"] and f["benefit"]),
        Rule("The cells' arm does worse in this window (HR {hr:.2f}, p = {p:.3f}).",
             when=lambda f: f["significant"]),
        Rule("No difference is shown in {window} (HR {hr:.2f}, p = {p:.3f}), although the truth was {effect_words}: "
             "trials like this find it in this window only {found:P} of the time.",
             when=lambda f: f["effect"] != "none" and f["found"] < 0.8),
        Rule("No difference is shown in {window} (HR {hr:.2f}, p = {p:.3f}); the truth was {effect_words}."),
    ),
)


# ---------------------------------------------------------------- explorer 2
FREE_FOLLOWUP = FOLLOWUP
K_MAX = len([m for m in TRIED if m <= FREE_FOLLOWUP - 6])


def _rows(k, sides):
    """Rows of ``_windows``' p-values tried with ``k`` landmarks: the whole
    follow-up, then the window after (and, with ``sides='both'``, before)
    each of the first ``k`` landmarks in TRIED."""
    return [0] + [1 + 2 * j + s for j in range(k) for s in ((0,) if sides == "after" else (0, 1))]


def _many(k, sides, n_per_arm):
    rates = TABLE.get(effect="none", n_per_arm=n_per_arm, followup=FREE_FOLLOWUP)
    curve = [float(c) for c in rates[f"many_{sides}"]]
    tried = ("a landmark at month " if k == 1 else "landmarks at months ") + ", ".join(map(str, TRIED[:k]))
    return {"chance": curve[k], "curve": curve, "tests": len(_rows(k, sides)), "tried": tried,
            "ratio": curve[k] / 0.05, "mc_halfwidth": rates["halfwidth"]}


MANY_FIGURE = figures.chance_bars(
    "With no effect at all: the chance that some window 'finds' one", "Landmarks tried besides the whole follow-up",
    list(range(K_MAX + 1)), "At least one p < 0.05", 0.5, color="#1f5f99",
    hover="%{x} landmarks: %{y:.0%}<extra></extra>",
)

MANY = Explorer(
    monte_carlo=True,
    name="liver-many-windows",
    title="How often does a free choice of window find something?",
    page="chapters/05-liver-landmark",
    figure_label=("Bar chart: with no true effect, the chance that at least one analysis window gives p below "
                  "0.05, against the number of landmarks tried, with the chosen number highlighted and a dashed "
                  "line at 5%."),
    note=(f"Simulated: thousands of seeded trials per setting with no effect at all (each share known to within "
          f"half a percentage point), {FREE_FOLLOWUP} months of follow-up; landmarks are tried in the order "
          f"{', '.join(map(str, TRIED))} months, each with a log-rank test."),
    controls=[
        Control("k", "Landmarks tried besides the whole follow-up", [(str(k), k) for k in range(K_MAX + 1)], 1,
                kind="range"),
        Control("sides", "Windows per landmark", [("After it only", "after"), ("Before and after it", "both")],
                "both"),
        Control("n_per_arm", "Patients per arm", [("60", 60), ("110 (as in the trial)", 110), ("300", 300)], 110,
                kind="range"),
    ],
    simulate=_many,
    readouts=[
        Readout("Tests run", lambda f: f"{f['tests']}"),
        Readout("Chance at least one gives p < 0.05", lambda f: percent(f["chance"])),
        Readout("Compared with one planned test", lambda f: f"{f['ratio']:.1f} times the 5%"),
    ],
    figure_template=MANY_FIGURE,
    slots=figures.curve_with_choice("curve", K_MAX + 1, "k", "chance"),
    rules=Rules(
        Rule("One planned analysis of the whole follow-up 'finds' an effect that is not there {chance:P} of the "
             "time: the 5% the test promises.",
             when=lambda f: f["k"] == 0),
        Rule("Trying {tried} ({tests} tests in all) and reporting whichever gives p < 0.05 finds "
             "an effect that is not there {chance:P} of the time, {ratio:.1f} times the 5% a single planned test "
             "allows. Unless the landmark was fixed in advance, a landmark result needs that discount."),
    ),
)

TABLE = Table(
    name="liver",
    keys=["effect", "n_per_arm", "followup"],
    values=[list(EFFECTS), list(LANDMARK_SIZES), list(LANDMARK_FOLLOWUPS)],
    compute=_table_entry, seed=SEED,
    description=("Shares of simulated two-arm survival trials with log-rank p < 0.05 in each landmark's window, "
                 "in the best of every window tried, and (at the longest follow-up) in the best of the windows "
                 "around the first k landmarks, for the explorers liver-landmark and liver-many-windows; seeded "
                 "batches until each share has a 95% Monte Carlo half-width of at most half a percentage point."),
)

EXPLORERS = [LANDMARK, MANY]
TABLES = [TABLE]
