"""Chapter 2 (the Hadassah ALS run-in trial): "Responders with no treatment at all".

Simulated ALS patients who get no effective treatment are put through the
trial's design: a run-in, injections, a follow-up, each patient's slope
after treatment compared with the same patient's slope before. The learner
changes the true effect, the measurement noise, the run-in and follow-up,
who is enrolled, the shape of the decline, dropout, the number of patients,
the endpoint and the design, and sees how often the design reports a benefit
and whether a concurrent placebo arm removes it.
"""

from __future__ import annotations

import numpy as np

from .. import data
from ..frontends import figures
from ..frontends.conclude import Rule, Rules, percent
from ..frontends.explorer import Control, Explorer, Readout
from ..stats import als
from ..tables import Table

_FACTS = data.facts("als_hadassah_summary")
N_TRIAL = _FACTS["n_treated"]
RESP_TRIAL = _FACTS["n_responders"]
MEAN_TRIAL = _FACTS["mean_improvement"]
P_TRIAL = _FACTS["wilcoxon_p"]
THRESHOLD = _FACTS["responder_threshold_pct"]
COLORS = {"treated": "#1f5f99", "placebo": "#8c8c8c", "threshold": "#2b7a3d", "published": "#8b1a1a"}
CENTRES = [float(c) for c in (als.CHANGE_BINS[:-1] + als.CHANGE_BINS[1:]) / 2]
EDGES = [float(e) for e in als.CHANGE_BINS]
TICKS = ["0" if e == 0 else f"{e:+.0f}".replace("-", "−") for e in EDGES]
TESTS = {
    ("run-in", "responders"): "a count: more than half are responders",
    ("run-in", "mean"): "a one-sample t test of the % change",
    ("run-in", "wilcoxon"): "a Wilcoxon signed-rank test, each patient against the run-in",
    ("placebo", "responders"): "a z test of the responders in the two arms",
    ("placebo", "mean"): "a Welch t test of the % change in the two arms",
    ("placebo", "wilcoxon"): "a Mann-Whitney test of the slope change in the two arms",
}


def _table_entry(seed, design, effect, enrol, shape, dropout, noise_sd, run_in_months, followup_months, n):
    return als.simulate_run_in_trials(
        n=n, run_in_months=run_in_months, followup_months=followup_months, noise_sd=noise_sd,
        effect=effect, shape=shape, enrol=enrol, dropout=dropout, design=design, reps="precise", seed=seed)


def _trials(design, effect, enrol, shape, dropout, noise_sd, run_in_months, followup_months, n):
    return TABLE.get(design=design, effect=effect, enrol=enrol, shape=shape, dropout=dropout, noise_sd=noise_sd,
                     run_in_months=run_in_months, followup_months=followup_months, n=n)


def _biases(enrol, shape, dropout) -> str:
    found = []
    if enrol == "fast":
        found.append("enrolling only fast progressors (they regress towards the mean)")
    if shape == "slowing":
        found.append("a decline that slows by itself")
    if dropout == "informative":
        found.append("the sickest dropping out before the later visits")
    if not found:
        return ""
    return found[0] if len(found) == 1 else ", ".join(found[:-1]) + " and " + found[-1]


def _simulate(design, effect, enrol, shape, dropout, noise_sd, run_in_months, followup_months, n,
              endpoint):
    args = (enrol, shape, dropout, noise_sd, run_in_months, followup_months, n)
    out = dict(_trials(design, effect, *args))
    null = _trials(design, 0.0, *args)
    out["report"] = out[f"report_{endpoint}"]
    out["mc_halfwidth"] = max(out["halfwidth"], null["halfwidth"])
    out["null_report"] = null[f"report_{endpoint}"]
    out["p_typical"] = out[f"p_{endpoint}"]
    out["biases"] = _biases(enrol, shape, dropout)
    out["accelerating"] = shape == "accelerating"
    out["test"] = TESTS[(design, endpoint)]
    return out


def _responders(f):
    m = f["n_completed"]
    return f"{percent(f['responder_share'])} (about {round(f['responder_share'] * m)} of {m} completers)"


def _placebo(key, fmt):
    def show(f):
        if f["design"] != "placebo":
            return "no placebo arm"
        return fmt(f[key])
    return show


def _p(f):
    if f["design"] == "run-in" and f["endpoint"] == "responders":
        return "no test: the run-in design only counts responders"
    return f"p = {f['p_typical']:.2g}"


FIGURE = {
    "data": [
        {"type": "bar", "x": CENTRES, "y": [0] * len(CENTRES), "name": "Treated patients",
         "marker": {"color": COLORS["treated"]},
         "hovertemplate": "treated: %{y}% of patients, change %{x:+}% ± 12.5<extra></extra>"},
        {"type": "bar", "x": CENTRES, "y": [None] * len(CENTRES), "name": "Placebo patients",
         "marker": {"color": COLORS["placebo"]},
         "hovertemplate": "placebo: %{y}% of patients, change %{x:+}% ± 12.5<extra></extra>"},
    ],
    "layout": {
        "height": 380, "barmode": "group", "bargap": 0.12,
        "margin": {"l": 70, "r": 20, "t": 60, "b": 80},
        "font": figures.FONT,
        "paper_bgcolor": "white", "plot_bgcolor": "white",
        "title": {"text": "How much each simulated patient's decline changed after injection", "x": 0,
                  "xanchor": "left", "font": {"size": 15}},
        "xaxis": {"title": {"text": "Change in the rate of ALSFRS-R decline, % (positive = slower)"},
                  "tickvals": EDGES, "ticktext": TICKS, "range": [EDGES[0], EDGES[-1]],
                  "gridcolor": "#eee", "zeroline": False},
        "yaxis": {"title": {"text": "Patients (%)"}, "gridcolor": "#ddd", "rangemode": "tozero"},
        **figures.OVERLAY_AXES,
    },
}
# the responder threshold, the published mean and the simulated mean: lines with legend entries
FIGURE["data"] += [
    figures.ref_line(f"responder: >{THRESHOLD:g}% slower", COLORS["threshold"], x=25),
    figures.ref_line(f"published mean +{MEAN_TRIAL:g}%", COLORS["published"], x=MEAN_TRIAL, dash="dot"),
    figures.ref_line("simulated mean", COLORS["treated"], x=0, dash="solid", width=3),
]


def _bar(arm: str, i: int):
    def value(f):
        v = f[f"hist_{arm}"][i]
        return None if not np.isfinite(v) else int(round(100 * float(v)))
    return value


def _mean_x(f):
    return int(round(float(np.clip(f["mean_change"], als.CHANGE_BINS[0], als.CHANGE_BINS[-1]))))


RUN_IN = Explorer(
    monte_carlo=True,
    name="als-run-in",
    title="Responders with no treatment at all?",
    page="chapters/02-als-run-in",
    figure_label=("Bar chart: the share of simulated patients by the change in their rate of ALSFRS-R "
                  "decline after injection (the end bars include every change beyond them), for treated "
                  "patients and, with a placebo arm, placebo patients; a dashed line marks the 25% responder "
                  "threshold, a dotted line the published "
                  "mean improvement of 47.4%, and a solid line the simulated mean."),
    note=(f"Simulated patients; the model is illustrative. The published numbers ({RESP_TRIAL} of {N_TRIAL} "
          f"responders, mean +{MEAN_TRIAL:g}%, p = {P_TRIAL}) are from the trial's paper, "
          "doi:10.52586/4980."),
    controls=[
        Control("design", "Design", [
            ("Run-in only (as in the trial)", "run-in", "each patient is their own control"),
            ("Run-in plus placebo arm", "placebo", "a concurrent placebo arm as well as the run-in"),
        ], "run-in"),
        Control("effect", "True effect of the cells on the decline", [
            ("None", 0.0), ("25% slower decline", 0.25), ("50% slower decline", 0.5),
        ], 0.0),
        Control("enrol", "Who is enrolled", [
            ("Fast decliners only", "fast", "only patients who declined fast in the run-in: the design allows it"),
            ("All comers", "all"),
        ], "fast"),
        Control("shape", "Shape of the natural decline", [
            ("Slowing (floor effects)", "slowing"), ("Linear", "linear"), ("Accelerating", "accelerating"),
        ], "slowing"),
        Control("dropout", "Dropout", [
            ("Informative", "informative", "the sickest leave before the later visits"), ("None", "none"),
        ], "informative"),
        Control("noise_sd", "Measurement noise of ALSFRS-R scoring", [
            ("Low (SD 1 point)", 1.0), ("High (SD 2.5 points)", 2.5),
        ], 1.0, help="The same patient scored twice rarely gets exactly the same score."),
        Control("run_in_months", "Run-in length", [("3 months", 3), ("8 months", 8)], 8, kind="range",
                help="A news article reported a mean run-in of 7.8 months (not confirmed by the paper)."),
        Control("followup_months", "Follow-up after injection", [("6 months", 6), ("12 months", 12)], 6,
                kind="range"),
        Control("n", "Treated patients (and placebo patients, with a placebo arm)", [
            ("19", 19), ("50", 50), ("200", 200),
        ], 19, kind="range"),
        Control("endpoint", "Endpoint", [
            (f"Responders (>{THRESHOLD:g}% slower)", "responders",
             f"the share whose decline slowed by more than {THRESHOLD:g}%"),
            ("Mean % change", "mean", "the mean % change in the rate of decline"),
            ("Wilcoxon test of the slopes", "wilcoxon"),
        ], "responders"),
    ],
    simulate=_simulate,
    readouts=[
        Readout(f"Responders, decline over {THRESHOLD:g}% slower (published: {RESP_TRIAL} of {N_TRIAL})",
                _responders),
        Readout(f"Mean change in the rate of decline, typical trial (published: +{MEAN_TRIAL:g}%)",
                lambda f: f"{f['mean_change']:+.0f}%"),
        Readout("Placebo arm: responders", _placebo("placebo_responder_share", percent)),
        Readout("Placebo arm: mean change, typical trial", _placebo("placebo_mean_change", "{:+.0f}%".format)),
        Readout("How this design judges the endpoint", lambda f: f["test"]),
        Readout(f"Typical p-value (published: {P_TRIAL}, Wilcoxon)", _p),
        Readout("Trials that report a benefit on this endpoint", lambda f: percent(f["report"])),
        Readout("Trials that would report a benefit if the cells did nothing", lambda f: percent(f["null_report"])),
    ],
    figure_template=FIGURE,
    slots=[*[(f"data.0.y.{i}", _bar("treated", i)) for i in range(len(CENTRES))],
           *[(f"data.1.y.{i}", _bar("placebo", i)) for i in range(len(CENTRES))],
           ("data.4.x.0", _mean_x), ("data.4.x.1", _mean_x)],
    rules=Rules(
        Rule("With cells that do nothing, this run-in trial reports a benefit in {report:P} of trials: "
             "{biases} make untreated patients look like responders.",
             when=lambda f: f["design"] == "run-in" and f["effect"] == 0 and f["report"] >= 0.1
             and f["biases"]),
        Rule("With cells that do nothing, this run-in trial reports a benefit in {report:P} of trials: with "
             "no selection, no dropout and a steady decline the before-and-after comparison is nearly fair, "
             "but a real trial cannot check that these conditions hold.",
             when=lambda f: f["design"] == "run-in" and f["effect"] == 0 and not f["accelerating"]),
        Rule("With cells that do nothing, a decline that speeds up by itself makes this run-in trial see "
             "harm, and it reports a benefit in only {report:P} of trials: the comparison measures the "
             "natural history, not the cells.",
             when=lambda f: f["design"] == "run-in" and f["effect"] == 0),
        Rule("The run-in design reports a benefit in {report:P} of trials, but it would report one in "
             "{null_report:P} with cells that do nothing, so a positive result cannot tell a real effect "
             "from the artefacts.",
             when=lambda f: f["design"] == "run-in" and f["null_report"] >= 0.1),
        Rule("The run-in design reports a benefit in {report:P} of trials and rarely without an effect "
             "({null_report:P}), but only because these settings remove biases a real run-in trial cannot "
             "rule out; a placebo arm would not depend on them.",
             when=lambda f: f["design"] == "run-in"),
        Rule("The placebo patients look just as improved ({placebo_responder_share:P} responders), so the "
             "comparison credits cells that do nothing in only {report:P} of trials: the placebo arm "
             "measures the artefacts.",
             when=lambda f: f["effect"] == 0),
        Rule("The comparison with placebo is fair, but with {n} patients per arm it finds this effect only "
             "{report:P} of the time, so a negative result would not rule the cells out.",
             when=lambda f: f["report"] < 0.8),
        Rule("With a concurrent placebo arm, a benefit found here can be credited to the cells: the trial "
             "finds it in {report:P} of trials, and with cells that do nothing in only {null_report:P}."),
    ),
)

TABLE = Table(
    name="als-run-in",
    keys=[c.name for c in RUN_IN.controls if c.name != "endpoint"],
    values=[c.values for c in RUN_IN.controls if c.name != "endpoint"],
    compute=_table_entry, seed=2021,
    description=("Simulated run-in trials of untreated (or treated) ALS patients per setting of the explorer "
                 "als-run-in, run in seeded batches until every share of trials reporting a benefit has a 95% "
                 "Monte Carlo half-width of at most half a percentage point (trialsim.stats.als)."),
)

EXPLORERS = [RUN_IN]
TABLES = [TABLE]
