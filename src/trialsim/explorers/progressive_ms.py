"""Chapter 3 (progressive MS, MSC-NP): two explorers.

* "How much improvement is there without treatment?": the share of patients
  counted as improved, in a treated arm and a placebo arm, when the cells do
  nothing, by blinding, endpoint, expectation, fluctuation, definition of
  improvement, control and patients per arm.
* "How many endpoints and subgroups did you look at?": the chance of at least
  one "significant" finding among k tests, by correlation, alpha and
  correction, and what a subgroup p-value like the phase II's is worth.
"""

from __future__ import annotations

from functools import cache

from .. import data
from ..frontends import figures
from ..frontends.conclude import Rule, Rules, percent
from ..frontends.explorer import Control, Explorer, Readout
from ..stats import progressive_ms as model

_FACTS = data.facts("progressive_ms_summary")
RCT_MSC, RCT_PLACEBO = _FACTS["rct_improved_msc"], _FACTS["rct_improved_placebo"]
SUB_P = _FACTS["rct_sub_t25fw_p"]
BLINDING_WORDS = {"open": "open label", "rater": "a blinded rater but patients who know",
                  "double": "double blind"}


# ---------------------------------------------------------------- explorer 1
DEFINITIONS = {"single-0.5": ("single", 0.5), "single-1": ("single", 1.0), "confirmed-1": ("confirmed", 1.0)}


def _improvement(control, blinding, endpoint, expectation, fluctuation, definition, n_per_arm):
    visits, threshold = DEFINITIONS[definition]
    out = model.improvement(blinding=blinding, endpoint=endpoint, expectation=expectation,
                            fluctuation=fluctuation, definition=visits, threshold=threshold,
                            control=control, n_per_arm=n_per_arm)
    out["how"] = BLINDING_WORDS[blinding]
    out["gap"] = abs(out["difference"]) if control == "placebo" else 0.0
    out["gap_points"] = round(100 * out["gap"])
    return out


IMPROVEMENT_FIGURE = {
    "data": [
        {"type": "bar", "x": ["Treated with cells that do nothing", "Placebo arm"], "y": [0, None],
         "marker": {"color": ["#1f5f99", "#8c8c8c"]}, "name": "Share counted as improved",
         "hovertemplate": "%{x}: %{y:.0%}<extra></extra>"},
        figures.ref_line("Improved by score fluctuation alone", figures.GREEN, y=0),
    ],
    "layout": figures.layout(
        "Patients counted as improved when the cells do nothing",
        {"title": {"text": "Arm"}},
        {"title": {"text": "Share counted as improved"}, "range": [0, 1], "tickformat": ".0%", "gridcolor": "#ddd"},
        height=360, showlegend=True, **figures.OVERLAY_AXES,
        annotations=[
            {"xref": "paper", "yref": "paper", "x": 0, "y": 1.0, "xanchor": "left", "yanchor": "bottom",
             "showarrow": False, "font": {"color": "#8b1a1a", "size": 12},
             "text": f"Phase II, double blind: {RCT_MSC:.0%} (cells) vs {RCT_PLACEBO:.0%} (saline)"},
        ],
    ),
}

IMPROVEMENT = Explorer(
    name="ms-improvement",
    title="How much improvement is there without treatment?",
    page="chapters/03-progressive-ms",
    figure_label=("Bar chart: the share of patients counted as improved in the treated arm and, with a "
                  "placebo arm, in the placebo arm, when the cells do nothing; a dashed line marks the share "
                  "that score fluctuation alone produces."),
    note=("Illustrative model: the cells do nothing in every setting. Scores are EDSS-like points. The phase "
          f"II's {RCT_MSC:.0%} vs {RCT_PLACEBO:.0%} is from Harris 2024, doi:10.1186/s13287-024-03765-6."),
    controls=[
        Control("control", "Control group", [("None (as in the phase I)", "none", "a single open arm"),
                                             ("Placebo arm", "placebo")], "none"),
        Control("blinding", "Blinding", [("Open label: everyone knows", "open"),
                                          ("Blinded rater, patients know", "rater"),
                                          ("Double blind (as in phase II)", "double")], "open"),
        Control("endpoint", "Endpoint", [("EDSS scored by a rater", "edss_unblinded"),
                                         ("Patient-reported scale", "patient_reported",
                                          "walking or bladder, as the patient rates it"),
                                         ("Timed 25-foot walk", "t25fw"),
                                         ("EDSS-Plus", "edss_plus", "improved when any of three scores improves")],
                "edss_unblinded"),
        Control("expectation", "Expectation effect on the score", [("None", 0.0), ("Moderate", 0.5),
                                                                   ("Strong", 1.0)], 0.5, kind="range",
                help="How far knowing about or hoping for treatment shifts what is scored, in points."),
        Control("fluctuation", "Natural fluctuation of the score", [("Low (SD 0.5 points)", 0.5),
                                                                   ("High (SD 1 point)", 1.0)], 1.0),
        Control("definition", "What counts as improved", [("A half-point gain at one visit", "single-0.5"),
                                                          ("A 1-point gain at one visit", "single-1"),
                                                          ("A 1-point gain, confirmed", "confirmed-1",
                                                           "the gain seen again at a second visit")],
                "single-1"),
        Control("n_per_arm", "Patients per arm", [("10", 10), ("27 (as in the phase II)", 27), ("100", 100)],
                27, kind="range"),
    ],
    simulate=_improvement,
    readouts=[
        Readout("Treated patients counted as improved", lambda f: percent(f["treated"])),
        Readout("Placebo patients counted as improved",
                lambda f: percent(f["control_share"]) if f["control"] == "placebo" else "no placebo arm"),
        Readout("Difference between the arms",
                lambda f: f"{100 * f['difference']:+.0f} points" if f["control"] == "placebo" else "no comparison"),
        Readout("Trials of this size that call the difference significant",
                lambda f: percent(f["finds_difference"]) if f["control"] == "placebo" else "no test"),
        Readout("Improved by score fluctuation alone", lambda f: percent(f["natural"])),
    ],
    figure_template=IMPROVEMENT_FIGURE,
    slots=[("data.0.y.0", lambda f: f["treated"]),
           ("data.0.y.1", lambda f: f["control_share"] if f["control"] == "placebo" else None),
           ("data.1.y.0", lambda f: f["natural"]), ("data.1.y.1", lambda f: f["natural"])],
    rules=Rules(
        Rule("With no control group, {treated:P} of patients count as improved although the cells do "
             "nothing: fluctuation alone gives {natural:P}, and expectation adds the rest. A single open arm "
             "cannot credit the cells with any of it.",
             when=lambda f: f["control"] == "none" and f["treated"] > f["natural"] + 0.005),
        Rule("With no control group and no expectation effect, {treated:P} of patients still count as "
             "improved from fluctuation alone; without a comparison arm nobody can tell this from a benefit.",
             when=lambda f: f["control"] == "none"),
        Rule("The placebo arm is there, but with {how}, the treated arm looks {gap_points} percentage points "
             "better from expectation alone, and a trial of {n_per_arm} per arm would call that significant "
             "{finds_difference:P} of "
             "the time.",
             when=lambda f: f["gap"] > 0.005),
        Rule("Controlled and {how}, both arms count about the same share as improved ({treated:P} and "
             "{control_share:P}): no difference, as in the phase II's 33% and 37%. The improvement is fluctuation "
             "and hope, not the cells.",
             when=lambda f: f["blinding"] == "double"),
        Rule("Controlled, and nothing here shifts one arm's scores more than the other's, so both arms count "
             "the same share as improved ({treated:P}): the comparison is fair for this endpoint."),
    ),
)


# ---------------------------------------------------------------- explorer 2
KS = [1, 2, 3, 5, 10, 20]


@cache
def _curve(rho, alpha, correction, effect):
    return model.any_significant(k=KS, rho=rho, alpha=alpha, correction=correction, effect=effect)


def _looks(k, rho, alpha, correction, effect):
    curve = _curve(rho, alpha, correction, effect)
    i = KS.index(k)
    return {"any": float(curve["any"][i]), "expected": float(curve["expected"][i]),
            "curve": curve["any"], "adjusted_sub_p": min(1.0, SUB_P * k)}


LOOKS_FIGURE = figures.chance_bars(
    "Chance of at least one 'significant' result", "Endpoints or subgroups tested", list(range(len(KS))),
    "At least one p below alpha", 1, color="#1f5f99", name="Any number of tests",
    hover="%{y:.0%}<extra></extra>", chosen_hover="chosen: %{y:.0%}<extra></extra>",
    xaxis={"tickvals": list(range(len(KS))), "ticktext": [str(k) for k in KS]}, planned=False,
    margin={"t": 90}, showlegend=True, legend={"orientation": "h", "x": 0, "y": 1.04, "yanchor": "bottom"},
)

LOOKS = Explorer(
    name="ms-many-looks",
    title="How many endpoints and subgroups did you look at?",
    page="chapters/03-progressive-ms",
    figure_label=("Bar chart: the chance of at least one significant result against the number of endpoints "
                  "or subgroups tested, with the chosen number highlighted."),
    note=(f"Computed exactly for z-tests that share the chosen correlation (no simulation). "
          f"The subgroup p = {SUB_P} is the phase II's timed "
          "25-foot walk result in patients with EDSS 6.0 to 6.5 (Harris 2024)."),
    controls=[
        Control("k", "Endpoints or subgroups tested", [(str(k), k) for k in KS], 10, kind="range"),
        Control("rho", "Correlation between them", [("None", 0.0), ("Moderate (0.5)", 0.5),
                                                    ("High (0.9)", 0.9)], 0.5),
        Control("alpha", "Significance level", [("0.05", 0.05), ("0.01", 0.01)], 0.05),
        Control("correction", "Correction for multiple tests", [("None", "none"), ("Bonferroni", "bonferroni"),
                                                                ("Holm", "holm")], "none"),
        Control("effect", "True effect of the cells", [("None", 0.0), ("Small (z shifted by 1)", 1.0)], 0.0),
    ],
    simulate=_looks,
    readouts=[
        Readout("Chance of at least one 'significant' result", lambda f: percent(f["any"])),
        Readout("Expected number of 'significant' results", lambda f: f"{f['expected']:.2f}"),
        Readout(f"The subgroup's p = {SUB_P}, Bonferroni-adjusted for this many tests",
                lambda f: f"{f['adjusted_sub_p']:.2f}"),
    ],
    figure_template=LOOKS_FIGURE,
    slots=figures.curve_with_choice("curve", len(KS), lambda f: KS.index(f["k"]), "any"),
    rules=Rules(
        Rule("With cells that do nothing and {k} uncorrected looks, at least one comes out 'significant' "
             "{any:P} of the time: a subgroup signal found this way is what chance produces.",
             when=lambda f: f["effect"] == 0 and f["correction"] == "none" and f["k"] > 1),
        Rule("With one pre-specified test and cells that do nothing, a false positive happens {any:P} of the "
             "time, the rate alpha promises.",
             when=lambda f: f["effect"] == 0 and f["k"] == 1),
        Rule("The correction keeps false positives across all {k} looks at {any:P}; the subgroup's p = 0.03 "
             "becomes {adjusted_sub_p:.2f} after adjustment, no longer a finding.",
             when=lambda f: f["effect"] == 0),
        Rule("With a real small effect, at least one of {k} looks is significant {any:P} of the time; only a "
             "pre-specified primary endpoint tells a reader which finding to believe."),
    ),
)

EXPLORERS = [IMPROVEMENT, LOOKS]
