"""Chapter 7: "From a plausible mechanism to a treatment that works".

The learner starts from the published share of drug candidates that reach
approval and adds evidence (a mouse study, an uncontrolled phase I, a small
open-label study, a blinded randomised trial), each with a likelihood ratio
the learner can change, and watches the probability that the treatment works
move (``trialsim.stats.marketing``). The likelihood ratios are the course's
illustration; the trial's follows from its power and significance level.
"""

from __future__ import annotations

from .. import data
from ..content import drill
from ..frontends import figures
from ..frontends.conclude import Rule, Rules, percent
from ..frontends.explorer import Control, Explorer, Readout
from ..stats import marketing

FACTS = data.facts("marketing_success_rates")
BAR = FACTS["offer_threshold"]
ALPHA = FACTS["rct_alpha"]

STARTS = {
    "all": ("All candidates entering phase I", FACTS["loa_phase1"]),
    "biologic": ("Biologics entering phase I", FACTS["loa_biologic"]),
    "chronic": ("Chronic, common diseases", FACTS["loa_chronic_high_prevalence"]),
    "rare": ("Rare diseases", FACTS["loa_rare"]),
}
STEPS = ["Base rate", "Mouse study", "Phase I, no control", "Small open-label study", "Blinded randomised trial"]
# the bars' labels, broken so that they stay horizontal on a phone
STEP_LABELS = ["Base rate", "Mouse study", "Phase I,<br>no control", "Open-label<br>study", "Blinded<br>trial"]
RCT = {
    "none": "Not done yet",
    "positive": "Positive (p < 0.05, in favour)",
    "negative": "Negative (not significant)",
    "two": "2 independent positive trials",
}


SHORT_STARTS = {"all": ("All candidates", "all candidates entering phase I"),
                "biologic": ("Biologics", "biologics entering phase I"),
                "chronic": ("Chronic, common", "chronic diseases common in the population"),
                "rare": ("Rare diseases", "")}


def _lr_options(values, default):
    return [("Not done", 0.0)] + [
        (f"Positive, LR {v:g}" + (" (default)" if v == default else ""), v,
         f"likelihood ratio {v:g}" + (", the course's default" if v == default else "")
         + (": it tells us nothing" if v == 1 else "")) for v in values]


def rct_ratio(result: str, power: float) -> float:
    """The combined likelihood ratio of the randomised marketing."""
    if result == "none":
        return 1.0
    if result == "negative":
        return marketing.trial_likelihood_ratio(power, ALPHA, positive=False)
    single = marketing.trial_likelihood_ratio(power, ALPHA, positive=True)
    return single ** (2 if result == "two" else 1)


def _simulate(start, mouse, phase1, open_label, rct, power):
    prior = STARTS[start][1]
    ratios = [mouse or 1.0, phase1 or 1.0, open_label or 1.0, rct_ratio(rct, power)]
    path = marketing.chain(prior, ratios)
    return {
        "prior": prior,
        "path": path,
        "post": path[-1],
        "before_rct": path[-2],
        "combined": ratios[0] * ratios[1] * ratios[2] * ratios[3],
        "needed": marketing.likelihood_ratio_needed(path[-1], BAR) if path[-1] < BAR else 1.0,
        "lr_positive": marketing.trial_likelihood_ratio(power, ALPHA),
        "lr_negative": marketing.trial_likelihood_ratio(power, ALPHA, positive=False),
        "has_rct": rct != "none",
        "bar": BAR,
    }


def _ratio_text(x: float) -> str:
    return f"{x:.2f}" if x < 10 else f"{x:,.0f}"


THRESHOLD_LINE = {"type": "line", "xref": "x", "yref": "paper", "x0": BAR, "x1": BAR, "y0": 0, "y1": 1,
                  "line": {"color": figures.GREEN, "width": 2, "dash": "dash"}}
THRESHOLD_LABEL = {"xref": "x", "yref": "paper", "x": BAR, "y": 1, "xanchor": "right", "yanchor": "bottom",
                   "showarrow": False, "text": f"{BAR:.0%}: bar for use outside a trial",
                   "font": {"color": figures.GREEN, "size": 12}}

FIGURE = {
    "data": [
        {"type": "bar", "orientation": "h", "y": STEP_LABELS, "x": [0] * len(STEPS),
         "name": "Probability the treatment works", "customdata": STEPS,
         "marker": {"color": ["#6b6b6b", "#8fa9c4", "#8fa9c4", "#8fa9c4", "#1f5f99"]},
         "texttemplate": "%{x:.0%}", "textposition": "outside", "cliponaxis": False,
         "hovertemplate": "%{customdata}: %{x:.1%}<extra></extra>"},
    ],
    "layout": figures.layout(
        "The probability that the treatment works, as evidence is added",
        {"title": {"text": "Probability it works"}, "range": [0, 1.12], "tickformat": ".0%",
         "gridcolor": "#ddd"},
        {"title": {"text": "Evidence, added from the top"}, "autorange": "reversed", "automargin": True},
        height=420, margin={"l": 130},
        shapes=[THRESHOLD_LINE], annotations=[THRESHOLD_LABEL],
    ),
}

RULES = Rules(
    Rule("With no informative evidence the probability stays at the base rate, {prior:P}: a plausible "
         "mechanism alone makes a candidate no more likely to work than any other entering trials.",
         lambda f: not f["has_rct"] and f["combined"] == 1),
    Rule("The blinded trial was negative: the probability that the treatment works falls to {post:P}. "
         "It should not be offered outside a trial, whatever the mechanism and the early studies promised.",
         lambda f: f["rct"] == "negative"),
    Rule("Without a randomised, blinded trial the evidence takes the probability from {prior:P} to only "
         "{post:P}: the treatment more likely fails than works. It belongs in a controlled trial, not on "
         "sale in a clinic.",
         lambda f: not f["has_rct"] and f["post"] < 0.5),
    Rule("Even with these generous likelihood ratios the probability is {post:P}, and it rests on studies "
         "without a control group, whose likelihood ratios are guesses: test it in a randomised trial "
         "before offering it.",
         lambda f: not f["has_rct"]),
    Rule("The positive blinded trial takes the probability from {before_rct:P} to {post:P}, still short of "
         "the {bar:P} bar: the next step is a confirmatory trial, not treatment outside one.",
         lambda f: f["post"] < f["bar"]),
    Rule("The probability is now {post:P}, above the {bar:P} bar, and it rests on randomised, blinded "
         "evidence: offering the treatment outside a trial becomes defensible, through a regulator's review "
         "of the harms as well as the benefit."),
)

EVIDENCE = Explorer(
    name="marketing-evidence",
    title="From a plausible mechanism to a treatment that works",
    page="chapters/07-mechanism-to-marketing",
    figure_label=("Horizontal bar chart: the probability that the treatment works at the base rate and after each "
                  "piece of evidence, from the top, with a dashed line at the course's bar for offering it outside "
                  "a trial."),
    note=(f"Base rates: the share of candidates reaching FDA approval from phase I, 2011 to 2020 (BIO, Informa "
          f"Pharma Intelligence and QLS Advisors, 2021). The likelihood ratios of the early studies are the "
          f"course's illustration; the blinded trial's is its power divided by its one-sided significance level "
          f"({ALPHA:g}), or (1 - power)/(1 - {ALPHA:g}) if it is negative."),
    controls=[
        Control("start", "Starting point (published share reaching approval)",
                [(f"{SHORT_STARTS[key][0]} ({p:.1%})", key, SHORT_STARTS[key][1]) for key, (_, p) in STARTS.items()],
                "all"),
        Control("mouse", "A mouse study shows recovery", _lr_options([1.0, 1.5, 3.0], FACTS["lr_mouse"]),
                FACTS["lr_mouse"]),
        Control("phase1", "An uncontrolled phase I reports 'signs of improvement'",
                _lr_options([1.0, 1.2, 2.0], FACTS["lr_phase1"]), FACTS["lr_phase1"]),
        Control("open_label", "A small open-label study is positive",
                _lr_options([1.0, 1.5, 3.0], FACTS["lr_open_label"]), FACTS["lr_open_label"]),
        Control("rct", "A blinded randomised trial", [(words, key) for key, words in RCT.items()], "none"),
        Control("power", "That trial's power", [("50%", 0.5), ("80%", FACTS["rct_power"]), ("90%", 0.9)],
                FACTS["rct_power"], kind="range"),
    ],
    simulate=_simulate,
    readouts=[
        Readout("Starting probability (base rate)", lambda f: percent(f["prior"])),
        Readout("Combined likelihood ratio of the evidence", lambda f: _ratio_text(f["combined"])),
        Readout("Probability the treatment works", lambda f: percent(f["post"])),
        Readout(f"Likelihood ratio still needed to reach {BAR:.0%}",
                lambda f: "none: the bar is reached" if f["post"] >= BAR else _ratio_text(f["needed"])),
        Readout("A blinded trial of this power: likelihood ratio if positive / if negative",
                lambda f: f"{_ratio_text(f['lr_positive'])} / {f['lr_negative']:.2f}"),
    ],
    figure_template=FIGURE,
    slots=figures.series_slots(0, "path", len(STEPS), axis="x"),
    rules=RULES,
)

EXPLORERS = [EVIDENCE]

# The red-flag drill: every claim that is not part of the capstone's press release
DRILL = drill.Drill(
    name="red-flags",
    title="Red-flag drill",
    kinds=("clinic", "media", "course"),
    intro=("Read each claim, tick every red flag it shows, then check it. The feedback names each flag you "
           "missed or ticked wrongly, with the chapter that teaches it. Clinic and newspaper quotations are one "
           "sentence, with the clinic's name removed; the others were written for the course."),
)
