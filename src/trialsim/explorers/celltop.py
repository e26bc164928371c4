"""Chapter 1 (CELLTOP): "Could this be natural recovery?"

The learner changes the comparison, the assumed rate of natural recovery,
the time from injury to injection, the endpoint, the true effect of the cells
and the number of patients, and sees how often each design would credit the
cells when they do nothing, and how often it would find a real effect.
"""

from __future__ import annotations

from .. import data
from ..frontends import figures
from ..frontends.conclude import Rule, Rules, percent, share
from ..frontends.explorer import Control, Explorer, Readout
from ..stats import celltop

COLORS = {"treated": "#1f5f99", "control": "#6b6b6b", "benchmark": "#c05a00", "truth": "#2b7a3d"}
_FACTS = data.facts("celltop_summary")
N_TRIAL, K_TRIAL = _FACTS["n_enrolled"], _FACTS["n_improved_ais"]
OBSERVED_SHARE = K_TRIAL / N_TRIAL
ROWS = ["Treated patients", "Control arm (randomised)", "Benchmark from the literature"]


def _simulate(design, assumed_rate, timing, endpoint, effect, n_per_arm):
    out = celltop.simulate(design=design, assumed_rate=assumed_rate, n_per_arm=n_per_arm,
                            endpoint=endpoint, effect=effect, timing=timing,
                            observed_share=OBSERVED_SHARE)
    out["miss"] = 1 - out["power"]
    return out


def _test_result(key):
    def show(f):
        if f["design"] == "none":
            return "no test: nothing to compare with"
        if key == "power" and f["effect"] == 0:
            return "no effect to detect"
        return percent(f[key])
    return show


def _rct_power(f):
    if f["effect"] == 0:
        return "no effect to detect"
    return percent(f["rct_power"])


def _shown_if(design, key):
    return lambda f: f[key] if f["design"] == design else None


FIGURE = {
    "data": [
        {
            "type": "bar", "orientation": "h", "y": ROWS, "x": [0, None, None],
            "name": "Share improving (bar) and the range a trial of this size would see (whiskers)",
            "marker": {"color": [COLORS["treated"], COLORS["control"], COLORS["benchmark"]]},
            "error_x": {"type": "data", "symmetric": False, "array": [0, 0, 0],
                        "arrayminus": [0, 0, 0], "color": "#222", "thickness": 2, "width": 8},
            "hovertemplate": "%{y}: %{x:.0%}<extra></extra>",
        },
    ],
    "layout": {
        "height": 340,
        "margin": {"l": 210, "r": 20, "t": 50, "b": 60},
        "font": figures.FONT,
        "paper_bgcolor": "white", "plot_bgcolor": "white",
        "title": {"text": "Who improves, and what a trial of this size would see", "x": 0, "xanchor": "left",
                  "font": {"size": 15}},
        "xaxis": {"title": {"text": "Patients improving on the chosen endpoint"}, "range": [0, 1],
                  "tickformat": ".0%", "gridcolor": "#ddd", "zeroline": False},
        "yaxis": {"autorange": "reversed", "automargin": True},
        "showlegend": False,
        "shapes": [
            {"type": "line", "xref": "x", "yref": "paper", "x0": 0, "x1": 0, "y0": 0, "y1": 1,
             "line": {"color": COLORS["truth"], "width": 3, "dash": "dash"}},
            {"type": "line", "xref": "x", "yref": "paper", "x0": OBSERVED_SHARE, "x1": OBSERVED_SHARE,
             "y0": 0, "y1": 1,
             "line": {"color": "#8b1a1a", "width": 2, "dash": "dot"}},
        ],
        "annotations": [
            {"x": 0, "y": 0, "xref": "x", "yref": "paper", "yanchor": "bottom", "xanchor": "left",
             "xshift": 4, "showarrow": False, "bgcolor": "rgba(255,255,255,0.85)",
             "text": "true natural recovery", "font": {"color": COLORS["truth"], "size": 12}},
            {"x": OBSERVED_SHARE, "y": 1.0, "xref": "x", "yref": "paper", "yanchor": "bottom", "xanchor": "left",
             "xshift": 4, "showarrow": False,
             "text": f"CELLTOP: {K_TRIAL} of {N_TRIAL}", "font": {"color": "#8b1a1a", "size": 12}},
        ],
    },
}

NATURAL_RECOVERY = Explorer(
    name="natural-recovery",
    title="Could this be natural recovery?",
    page="chapters/01-celltop-spinal-cord",
    figure_label=("Bar chart: share of treated patients, control patients and the literature benchmark "
                  "improving, with the range a trial of the chosen size would observe; a dashed line marks "
                  f"the true natural recovery rate and a dotted line CELLTOP's {K_TRIAL} of {N_TRIAL}."),
    note=(f"Model numbers are illustrative; the {K_TRIAL} of {N_TRIAL} is CELLTOP's published result "
          "(Bydon 2024, doi:10.1038/s41467-024-46259-y)."),
    controls=[
        Control("design", "Comparison", [
            ("No control arm (as in CELLTOP)", "none"),
            ("Historical benchmark", "historical", "a recovery rate taken from the literature"),
            ("Randomised control arm", "randomised", "a concurrent control arm, allocated at random"),
        ], "none"),
        Control("timing", "Time from injury to injection", [
            ("Early: within the first year", "early"),
            ("Late: over a year", "late", "a chronic injury"),
        ], "early"),
        Control("assumed_rate", "Assumed natural improvement rate (late, at least 1 AIS grade)", [
            ("2%", 0.02), ("5%", 0.05), ("10%", 0.10), ("20%", 0.20), ("30%", 0.30),
        ], 0.05, kind="range",
            help="Kirshblum 2004 found 5.6% of complete injuries converted between years 1 and 5."),
        Control("endpoint", "Endpoint", [
            ("At least 1 AIS grade better", "ais1"),
            ("At least 2 AIS grades better", "ais2"),
            ("Motor score gain", "motor", "a gain in motor score past a threshold"),
        ], "ais1"),
        Control("effect", "True effect of the cells", [
            ("None", 0.0), ("Small: helps 10%", 0.1, "helps 10% of those who would not recover"),
            ("Moderate: helps 25%", 0.25), ("Large: helps 50%", 0.5),
        ], 0.0),
        Control("n_per_arm", "Patients per arm", [
            ("10", 10), ("20", 20), ("50", 50), ("100", 100), ("200", 200),
        ], 10, kind="range"),
    ],
    simulate=_simulate,
    readouts=[
        Readout("Natural improvement in these patients (the truth)", lambda f: percent(f["p_natural"])),
        Readout(f"Chance of a CELLTOP-like result ({OBSERVED_SHARE:.0%} improving) with no effect",
                lambda f: f"{percent(f['chance_like'])} (at least {f['k_like']} of {f['n_per_arm']})"),
        Readout(f"95% confidence interval if {OBSERVED_SHARE:.0%} improve",
                lambda f: f"{share(f['ci_low'])} to {share(f['ci_high'])} ({f['k_like']} of {f['n_per_arm']})"),
        Readout("This design credits cells that do nothing", _test_result("false_alarm")),
        Readout("This design detects the chosen effect", _test_result("power")),
        Readout("A randomised trial of this size detects it", _rct_power),
    ],
    figure_template=FIGURE,
    slots=[
        ("data.0.x.0", lambda f: f["p_treated"]),
        ("data.0.x.1", _shown_if("randomised", "p_natural")),
        ("data.0.x.2", _shown_if("historical", "p_benchmark")),
        ("data.0.error_x.array.0", lambda f: f["treated_high"] - f["p_treated"]),
        ("data.0.error_x.arrayminus.0", lambda f: f["p_treated"] - f["treated_low"]),
        ("data.0.error_x.array.1", lambda f: f["control_high"] - f["p_natural"]),
        ("data.0.error_x.arrayminus.1", lambda f: f["p_natural"] - f["control_low"]),
        ("layout.shapes.0.x0", lambda f: f["p_natural"]),
        ("layout.shapes.0.x1", lambda f: f["p_natural"]),
        ("layout.annotations.0.x", lambda f: f["p_natural"]),
    ],
    rules=Rules(
        Rule("With no control arm, {k_like} of {n_per_arm} improving proves nothing: untreated patients "
             "like these would do as well {chance_like:P} of the time.",
             when=lambda f: f["design"] == "none" and f["chance_like"] >= 0.05),
        Rule("With no control arm the cells cannot be credited: at a natural rate of {p_natural:P}, "
             "{k_like} of {n_per_arm} would arise by chance {chance_like:P} of the time, but that rate "
             "is a guess the trial never checks.",
             when=lambda f: f["design"] == "none"),
        Rule("The {p_benchmark:P} benchmark understates natural recovery in these patients "
             "({p_natural:P}), so this comparison would credit the cells in {false_alarm:P} of trials "
             "where they do nothing.",
             when=lambda f: f["design"] == "historical" and f["false_alarm"] > 0.05),
        Rule("With a benchmark that happens to match these patients, false alarms stay at "
             "{false_alarm:P}, but the benchmark comes from other patients and this trial cannot check it.",
             when=lambda f: f["design"] == "historical" and f["effect"] == 0),
        Rule("Even with a matching benchmark, {n_per_arm} patients would detect this effect only "
             "{power:P} of the time, and the benchmark itself is borrowed from other patients.",
             when=lambda f: f["design"] == "historical" and f["power"] < 0.8),
        Rule("With a matching benchmark, {n_per_arm} patients would detect this effect {power:P} of the "
             "time, but the result is only as sound as the borrowed benchmark.",
             when=lambda f: f["design"] == "historical"),
        Rule("A concurrent control arm measures natural recovery directly, so a trial of {n_per_arm} per "
             "arm would wrongly credit the cells only {false_alarm:P} of the time.",
             when=lambda f: f["effect"] == 0),
        Rule("The comparison is fair, but with {n_per_arm} per arm it would miss this effect {miss:P} of "
             "the time, so a negative result would not rule the cells out.",
             when=lambda f: f["power"] < 0.8),
        Rule("With {n_per_arm} patients per arm and a concurrent control, the trial would detect this "
             "effect {power:P} of the time and wrongly credit the cells only {false_alarm:P} of the time, "
             "so a positive result could be attributed to the cells."),
    ),
)

EXPLORERS = [NATURAL_RECOVERY]
