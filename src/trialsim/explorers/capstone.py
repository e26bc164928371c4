"""Chapter 8, the capstone: a FICTIONAL trial (VELTRA-1) to appraise.

One explorer shows what the trial's numbers allow: the endpoint (the press
release's or the registered primary), who is analysed (completers, or
everyone randomised with the withdrawals counted either way) and whether the
threshold allows for the many outcomes tested. The checklist links each
appraisal question to the explorer in chapters 1 to 6 that answers it, with
its controls set to the trial's numbers where they can be.
"""

from __future__ import annotations

from statsmodels.stats.proportion import confint_proportions_2indep

from .. import data
from ..content import drill
from ..content.appraisal import Appraisal, Item, Link
from ..frontends import figures
from ..frontends.conclude import Rule, Rules, percent
from ..frontends.explorer import Control, Explorer, Readout, preset_link
from ..stats import proportions
from . import als, celltop, liver, mesems, meta, progressive_ms

PAGE = "chapters/08-capstone-appraisal"
FACTS = data.facts("capstone_veltra")
LOOKS = FACTS["outcomes"] * FACTS["timepoints"]
ENDPOINTS = {  # key: (short label, detail)
    "ais": ("1 AIS grade, 6 months", "at least one AIS grade better at 6 months: the press release's endpoint"),
    "motor": ("5 motor points, 12 months", "at least 5 motor points gained at 12 months: the registered primary"),
}
ANALYSED = {
    "completers": ("Completers only", "as the press release did"),
    "itt_worst": ("Everyone; dropouts failed", "everyone randomised, withdrawals counted as not improved"),
    "itt_best": ("Everyone; dropouts improved", "everyone randomised, withdrawals counted as improved"),
}
COLORS = {"cells": "#1f5f99", "control": "#6b6b6b"}


def counts(endpoint: str, analysed: str) -> tuple[int, int, int, int]:
    """(improved, analysed) in the cell arm and in the control arm."""
    k_cells, k_control = FACTS[f"{endpoint}_cells"], FACTS[f"{endpoint}_control"]
    n_cells, n_control = FACTS["n_cells"], FACTS["n_control"]
    gone_cells, gone_control = FACTS["withdrew_cells"], FACTS["withdrew_control"]
    if analysed == "completers":
        return k_cells, n_cells - gone_cells, k_control, n_control - gone_control
    if analysed == "itt_best":
        return k_cells + gone_cells, n_cells, k_control + gone_control, n_control
    return k_cells, n_cells, k_control, n_control


def _simulate(endpoint, analysed, correction):
    a, n_a, b, n_b = counts(endpoint, analysed)
    _, p = proportions.fisher_exact(a, n_a, b, n_b)
    low, high = confint_proportions_2indep(a, n_a, b, n_b, method="newcomb", compare="diff")
    threshold = 0.05 / LOOKS if correction == "bonferroni" else 0.05
    lo_a, hi_a = proportions.confint(a, n_a, method="wilson")
    lo_b, hi_b = proportions.confint(b, n_b, method="wilson")
    return {"n_tests": LOOKS, "points": f"{low * 100:+.0f} to {high * 100:+.0f} percentage points",
            "a": a, "n_a": n_a, "b": b, "n_b": n_b, "share_a": a / n_a, "share_b": b / n_b,
            "diff": a / n_a - b / n_b, "low": low, "high": high, "p": p, "threshold": threshold,
            "significant": p < threshold, "low_a": lo_a, "high_a": hi_a, "low_b": lo_b, "high_b": hi_b}


FIGURE = figures.share_bars(
    "VELTRA-1 (fictional): share improved in each arm, with 95% intervals", "Arm of the fictional trial",
    ["Cells", "Rehabilitation alone"], [COLORS["cells"], COLORS["control"]], "Patients improved",
    name="Share improved", height=360, whisker={"thickness": 2, "width": 10},
)


NUMBERS = Explorer(
    name="capstone-numbers",
    title="What VELTRA-1's numbers allow",
    page=PAGE,
    figure_label=("Bar chart: the share of patients improved in the cell arm and the rehabilitation arm of the "
                  "fictional trial, with 95% Wilson intervals, for the chosen endpoint and analysis."),
    note=(f"VELTRA-1 is fictional, written for the course. {FACTS['n_cells']} patients were randomised to cells "
          f"and {FACTS['n_control']} to rehabilitation alone; {FACTS['withdrew_cells']} in the cell arm withdrew. "
          f"The report lists {FACTS['outcomes']} outcomes at {FACTS['timepoints']} visits. p-values are from "
          "Fisher's exact test (two-sided); the interval for the difference is Newcombe's."),
    controls=[
        Control("endpoint", "Endpoint", [(label, key, detail) for key, (label, detail) in ENDPOINTS.items()], "ais"),
        Control("analysed", "Patients analysed", [(label, key, detail) for key, (label, detail) in ANALYSED.items()],
                "completers"),
        Control("correction", "Significance threshold",
                [("p < 0.05", "none", "as if this were the only test"),
                 (f"Bonferroni for {LOOKS} tests", "bonferroni",
                  f"corrected for the {LOOKS} outcome-visit tests reported")], "none"),
    ],
    simulate=_simulate,
    readouts=[
        Readout("Improved with cells", lambda f: f"{f['a']} of {f['n_a']} ({percent(f['share_a'])})"),
        Readout("Improved with rehabilitation alone", lambda f: f"{f['b']} of {f['n_b']} ({percent(f['share_b'])})"),
        Readout("Difference (95% CI)", lambda f: f"{f['diff'] * 100:+.0f} ({f['points']})"),
        Readout("Fisher's exact p (two-sided)", lambda f: f"{f['p']:.2f}"),
        Readout("Threshold for 'significant'", lambda f: f"{f['threshold']:.2g}"),
    ],
    figure_template=FIGURE,
    slots=figures.share_slots([("share_a", "low_a", "high_a"), ("share_b", "low_b", "high_b")]),
    rules=Rules(
        Rule("p = {p:.2f} is below {threshold:.2g}, but only for the patients who stayed, on the endpoint the "
             "press release chose, and the difference could be anything from {points}: a fair reading needs "
             "the registered primary and everyone randomised.",
             lambda f: f["significant"] and f["endpoint"] == "ais" and f["analysed"] == "completers"),
        Rule("p = {p:.2f} is below {threshold:.2g} only if every withdrawal is counted as improved, the "
             "most favourable assumption possible: the result depends on the three patients who left.",
             lambda f: f["significant"] and f["analysed"] == "itt_best"),
        Rule("The registered primary endpoint shows no clear difference (p = {p:.2f}; the difference could be "
             "anything from {points}): the trial's own main question was not answered in the cells' favour.",
             lambda f: f["endpoint"] == "motor"),
        Rule("Analysed as randomised, p = {p:.2f} against a threshold of {threshold:.2g}: the trial does not "
             "show a difference, and the headline's 'significant' result came from the choice of patients "
             "and endpoint.",
             lambda f: not f["significant"] and f["correction"] == "none"),
        Rule("Allowing for the {n_tests} outcome-visit tests the report lists, p = {p:.2f} is far above "
             "{threshold:.2g}: no result of this trial stands as evidence that the cells work.",
             lambda f: not f["significant"]),
        Rule("p = {p:.2f} passes even the threshold of {threshold:.2g}."),
    ),
)
EXPLORERS = [NUMBERS]

DRILL = drill.Drill(
    name="capstone-flags",
    title="Red flags in the press release",
    kinds=("capstone",),
    intro="The four sentences of the fictional press release, for the drill of chapter 7.",
)


def _p(endpoint, analysed):
    return NUMBERS.outcome(endpoint=endpoint, analysed=analysed).numbers


PRIMARY, AS_RANDOMISED = _p("motor", "completers"), _p("ais", "itt_worst")
SAE_LOW, SAE_HIGH = (float(x) for x in proportions.confint(FACTS["sae_cells"], FACTS["n_cells"]))
SEE_ONE_IN_100 = 1 - 0.99 ** FACTS["n_cells"]
RCT_POWER = celltop.NATURAL_RECOVERY.outcome(design="randomised", timing="late", effect=0.25,
                                              n_per_arm=20).numbers["rct_power"]


def _link(explorer, text, **values):
    href, settings = preset_link(explorer, PAGE, **values)
    return Link(text, href, settings)


def _section(page, anchor, text):
    return Link(text, f"{page}.html#{anchor}")


CHECKLIST = Appraisal(
    name="veltra",
    title="Appraise VELTRA-1, item by item",
    items=[
        Item("design", "Design and comparison: is there a fair comparison group?",
             "Look at how patients were allocated and what the control arm received.",
             "concern",
             "It was randomised, which is its strength, but the control arm got rehabilitation alone, with no "
             "sham procedure, and the arms are tiny (20 against 10). Chronic injuries improve rarely on their "
             "own, so a control arm matters less than it would early after injury, but it still catches "
             "the rehabilitation and attention the trial gave.",
             [_link(celltop.NATURAL_RECOVERY, "Could this be natural recovery? (chapter 1)", design="randomised",
                    timing="late", n_per_arm=20)]),
        Item("blinding", "Blinding: did anyone know who had the cells?",
             "Who scored the AIS grade and the motor score, and did they know the arm?",
             "concern",
             "Open label: patients and the examiners knew. AIS grading and motor scores are examinations "
             "whose borderline calls can move with expectation, the mechanism chapter 3's explorer shows "
             "with an MS score.",
             [_link(progressive_ms.IMPROVEMENT, "How much improvement is there without treatment? (chapter 3)",
                    control="placebo", blinding="open", n_per_arm=10)]),
        Item("endpoint", "Endpoint: is the headline the planned primary endpoint?",
             "Compare the registered primary with the outcome in the headline.",
             "concern",
             f"No. The registered primary, at least 5 motor points at 12 months, shows {PRIMARY['a']} of "
             f"{PRIMARY['n_a']} against {PRIMARY['b']} of {PRIMARY['n_b']} (p = {PRIMARY['p']:.2f}). The headline "
             f"uses an AIS grade at 6 months, one of {FACTS['outcomes']} outcomes.",
             [Link("What VELTRA-1's numbers allow (this page)", "#tsx-capstone-numbers"),
              _link(progressive_ms.LOOKS, "Two endpoints, report whichever wins (chapter 3)", k=2,
                    correction="none")]),
        Item("size", "Size and power: could a trial this small find a realistic effect?",
             "Set the explorer to 20 patients per arm and a realistic effect.",
             "concern",
             f"Chapter 1's explorer gives a randomised trial of 20 patients per arm {percent(RCT_POWER)} power "
             "for a cell effect that helps one patient in four, and VELTRA-1's control arm had only 10. A "
             "'significant' result from a trial this small tends to overstate the effect.",
             [_link(celltop.NATURAL_RECOVERY, "Power of a randomised trial this size (chapter 1)", design="randomised",
                    timing="late", effect=0.25, n_per_arm=20),
              _link(mesems.POWER, "What could this trial have detected? (chapter 4)", n_per_arm=20)]),
        Item("multiplicity", "Multiplicity: how many comparisons were made?",
             "Count the outcomes and the visits at which each was tested.",
             "concern",
             f"{FACTS['outcomes']} outcomes at {FACTS['timepoints']} visits is {LOOKS} tests; with no effect at "
             "all, at least one p < 0.05 is very likely. The press release reports the one that passed.",
             [_link(progressive_ms.LOOKS, "How many endpoints and subgroups did you look at? (chapter 3)", k=20,
                    rho=0.5, correction="none"),
              _link(liver.MANY, "How often does a free choice of window find something? (chapter 5)", k=3)]),
        Item("registration", "Registration and protocol changes: was the plan public before the results?",
             "Compare the registration date with the first enrolment, and the registered outcomes with the "
             "report.",
             "concern",
             "Registered four months after the first patient was enrolled, so the plan was not fixed in public "
             "before the trial began; the headline outcome is not the registered primary.",
             [_section("04-mesems", "what-happened-next", "MESEMS and a retrospective registration (chapter 4)"),
              _link(liver.LANDMARK, "An analysis chosen after the data are in (chapter 5)", effect="none",
                    analysis="best")]),
        Item("attrition", "Attrition: were all randomised patients analysed?",
             "Who left, from which arm, and why?",
             "concern",
             f"{FACTS['withdrew_cells']} of the {FACTS['n_cells']} treated patients left (one after meningitis) "
             f"and were dropped. Counted as randomised, the headline result is {AS_RANDOMISED['a']} of "
             f"{AS_RANDOMISED['n_a']} against {AS_RANDOMISED['b']} of {AS_RANDOMISED['n_b']} "
             f"(p = {AS_RANDOMISED['p']:.2f}).",
             [Link("What VELTRA-1's numbers allow (this page)", "#tsx-capstone-numbers"),
              _link(als.RUN_IN, "Dropout that depends on how patients do (chapter 2)",
                    design="placebo", dropout="informative")]),
        Item("safety", "Safety: what do 20 treated patients tell us about harm?",
             "One serious harm, meningitis, in 20 treated patients; none in 10 controls.",
             "concern",
             f"One meningitis in {FACTS['n_cells']} is compatible with a true risk from {percent(SAE_LOW)} to "
             f"{percent(SAE_HIGH)} (exact 95% interval). A trial this size sees a 1-in-100 harm at all only "
             f"{percent(SEE_ONE_IN_100)} of the time (the explorer, set to 20 patients, shows it).",
             [_link(mesems.SAFETY, "Safe, or just small? (chapter 4)", n_cells=20, harm=0.01)]),
        Item("numbers", "What the numbers allow: what can be concluded?",
             "Put the three analyses side by side.",
             "concern",
             "Only analyses that drop the withdrawals or count them as improved, on a secondary endpoint and "
             "with no allowance for the other tests, reach p < 0.05. The "
             "trial is a reason for a larger, blinded trial with a registered endpoint, not for treatment.",
             [Link("What VELTRA-1's numbers allow (this page)", "#tsx-capstone-numbers"),
              _link(meta.SERIES_EXPLORER, "Counting case series (chapter 6)", source="sci")]),
        Item("press", "What the press and clinics make of it: does the publicity match the trial?",
             "Read the press release against the trial summary; run the red-flag drill on it.",
             "concern",
             f"The release picks one result from {LOOKS}, adds a mechanism and a testimonial, and points patients to a "
             "fee-paying 'expanded access' programme: four of the drill's red flags.",
             [Link("The red-flag drill (chapter 7)", "07-mechanism-to-marketing.html#tsd-red-flags")]),
    ],
)
