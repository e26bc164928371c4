"""The "Your trial" calculators on the page: one declaration for both front ends.

``CALCULATORS`` declares each calculator once: its fields (label, kind,
worked example), the checks between fields, and the rows of results. On the
static site ``calculator(name)`` writes a container holding the declaration
as JSON, and ``book/static/js/calculators.js`` builds the form, checks what
the reader types, computes with ``yourtrial.js`` and reads the result. Live
in JupyterLab the same call returns ipywidgets that compute with
``trialsim.stats.yourtrial``.

Field kinds (``LIMITS`` and ``LISTS`` say what each allows): ``size`` (a
whole number from 1), ``count`` (a whole number from 0), ``number``,
``share`` (0 to 1, exclusive), ``unit`` (0 to 1), ``pvalue`` (a p-value above
0), ``level`` (0.5 to 0.999), the lists ``shares``, ``pvalues`` and
``counts``, ``names`` (a list of names) and ``choice`` (one of ``options``).
"""

from __future__ import annotations

import html
import json
import math
import re
from typing import TYPE_CHECKING, Any

from ..stats import intervals, yourtrial
from .static import json_script

if TYPE_CHECKING:
    import ipywidgets as widgets

NOTHING = "Fix the fields marked above to see results."

CALCULATORS: dict[str, dict[str, Any]] = {
    "two-groups": {
        "title": "Two groups, a yes/no outcome",
        "fields": [
            {"name": "events_t", "label": "Treated: patients with the event", "kind": "count", "example": 35},
            {"name": "n_t", "label": "Treated: patients", "kind": "size", "example": 69},
            {"name": "events_c", "label": "Control: patients with the event", "kind": "count", "example": 42},
            {"name": "n_c", "label": "Control: patients", "kind": "size", "example": 75},
            {"name": "event", "label": "The event is", "kind": "choice", "example": "bad",
             "options": [["bad", "bad (an adverse event, a relapse)"], ["good", "good (a response, recovery)"]]},
            {"name": "worthwhile", "label": "Smallest worthwhile difference (share, e.g. 0.1 for 10 points)",
             "kind": "share", "example": 0.1},
        ],
        "checks": [["le", "events_t", "n_t"], ["le", "events_c", "n_c"]],
        "rows": [["risk_t", "Risk, treated", "pct"], ["risk_c", "Risk, control", "pct"],
                 ["rd", "Risk difference (treated minus control)", "pts", "rd_low", "rd_high"],
                 ["rr", "Risk ratio", "ratio", "rr_low", "rr_high"],
                 ["or", "Odds ratio", "ratio", "or_low", "or_high"],
                 ["fisher_p", "Fisher's exact test, two-sided p", "p"],
                 ["chi2_p", "Chi-square test, p", "p"],
                 ["chi2_yates_p", "Chi-square with continuity correction, p", "p"],
                 ["power", "Power of these arms for the worthwhile difference", "pct"],
                 ["n80", "Treated patients needed for 80 % power", "int"],
                 ["n90", "Treated patients needed for 90 % power", "int"]],
        "reading": [
            [None, "{v.events_t} of {v.n_t} treated patients ({risk_t:pct}) and {v.events_c} of {v.n_c} controls "
                   "({risk_c:pct}) had the event: a difference of {rd:pts} (95% CI {rd_low:pts} to {rd_high:pts})."],
            [None, "Against a worthwhile difference of {v.worthwhile:pts}: {rd_verdict:verdict}."],
            ["nnt_crosses", "Number needed to treat: {nnt:nnt}; its interval runs from {nnt_a:nnt}, through no "
                            "effect, to {nnt_b:nnt}."],
            ["!nnt_crosses", "Number needed to treat: {nnt:nnt} (95% CI {nnt_a:nnt} to {nnt_b:nnt})."],
            ["corrected", "A cell is zero, so 0.5 was added to every cell for the risk and odds ratios."],
            ["small_expected", "Report Fisher's exact test: the smallest expected count is {expected_min:f1}, below 5, "
                               "where the chi-square test is unreliable."],
            ["!small_expected", "Every expected count is 5 or more: Fisher's exact test and the chi-square test "
                                "agree closely. Fisher's test is exact; with the chi-square test, report the "
                                "continuity-corrected p if the protocol named it."],
            ["has_power", "These arms had {power:pct} power to detect a change from {risk_c:pct} to {power_p_t:pct} "
                          "(two-sided 5%). 80% power needs {n80:int} treated and {n80_c:int} control patients; "
                          "90% power, {n90:int} and {n90_c:int}."],
        ],
        "links": [["chapters/04-mesems", "Chapter 4: adverse events by group"],
                  ["chapters/03-progressive-ms", "Chapter 3: a small randomised trial"]],
    },
    "estimate": {
        "title": "An estimate and its interval, as printed",
        "fields": [
            {"name": "scale", "label": "The estimate is a", "kind": "choice", "example": "ratio",
             "options": [["ratio", "ratio (no effect is 1)"], ["difference", "difference (no effect is 0)"]]},
            {"name": "value", "label": "Estimate", "kind": "number", "example": 0.94},
            {"name": "low", "label": "Lower limit", "kind": "number", "example": 0.58},
            {"name": "high", "label": "Upper limit", "kind": "number", "example": 1.50},
            {"name": "level", "label": "Confidence level (e.g. 0.95)", "kind": "level", "example": 0.95},
            {"name": "worthwhile", "label": "Smallest worthwhile effect, on the same scale", "kind": "number",
             "example": 0.7},
        ],
        "checks": [["lt", "low", "high"], ["within", "value", "low", "high"], ["positive_if_ratio", "low"],
                   ["not_null", "worthwhile"]],
        "rows": [["se", "Standard error (of the log, for a ratio)", "f3"], ["z", "z", "f2"],
                 ["p", "Two-sided p", "p"]],
        "reading": [
            [None, "From the interval, z = {z:f2} and the two-sided p = {p:p}."],
            [None, "Against a smallest worthwhile effect of {v.worthwhile}: {verdict:verdict}."],
        ],
        "links": [["chapters/04-mesems", "Chapter 4: reading MESEMS's interval"],
                  ["chapters/06-meta-analysis", "Chapter 6: pooled estimates"]],
    },
    "one-group": {
        "title": "One group, no control",
        "fields": [
            {"name": "k", "label": "Patients who improved", "kind": "count", "example": 7},
            {"name": "n", "label": "Patients", "kind": "size", "example": 10},
            {"name": "rates", "label": "Natural-history rates to compare (shares, separated by commas)",
             "kind": "shares", "example": "0.056, 0.3"},
        ],
        "checks": [["le", "k", "n"]],
        "rows": [["share", "Share who improved", "pct"], ["low", "Exact 95 % interval, lower end", "pct"],
                 ["high", "Exact 95 % interval, upper end", "pct"]],
        "table": {"list": "rates", "label": "Natural-history rate", "kind": "pct",
                  "columns": [["p", "Chance of {v.k} or more of {v.n} at this rate", "p"]]},
        "reading": [
            [None, "{v.k} of {v.n} ({share:pct}; exact 95% CI {low:pct} to {high:pct}) stops being surprising "
                   "(one-sided exact p above 2.5%) once the natural-history rate is above {threshold:pct}."],
            [None, "With no control arm, nothing here says which natural-history rate applies to these patients."],
        ],
        "links": [["chapters/01-celltop-spinal-cord", "Chapter 1: seven of ten, and natural recovery"]],
    },
    "many-results": {
        "title": "Many results",
        "fields": [
            {"name": "names", "label": "Names of the results (separated by commas)", "kind": "names",
             "example": "T25FW (EDSS 6.0-6.5), 6MWT (EDSS 6.0-6.5), EDSS-Plus"},
            {"name": "pvalues", "label": "Their p-values, as reported (separated by commas)", "kind": "pvalues",
             "example": "0.030, 0.036, 1"},
        ],
        "checks": [["same_length", "names", "pvalues"]],
        "rows": [["any_false", "Chance of at least one p below 0.05 if no effect is real", "pct"]],
        "table": {"list": "names", "label": "Result", "kind": "text",
                  "columns": [["in:pvalues", "p as reported", "p"], ["bonferroni", "Bonferroni", "p"],
                              ["holm", "Holm", "p"], ["bh", "Benjamini-Hochberg", "p"]]},
        "reading": [
            [None, "{raw_count:int} of {m:int} results have p at or below 0.05 as reported; after Holm's "
                   "adjustment {holm_count:int} remain, after Benjamini-Hochberg's {bh_count:int}."],
            [None, "With {m:int} independent looks and no real effect, the chance that at least one p falls "
                   "below 0.05 is {any_false:pct}."],
        ],
        "links": [["chapters/03-progressive-ms", "Chapter 3: many looks"]],
    },
    "who-analysed": {
        "title": "Who was analysed",
        "fields": [
            {"name": "rand_t", "label": "Treated: randomised", "kind": "size", "example": 27},
            {"name": "anal_t", "label": "Treated: analysed", "kind": "size", "example": 24},
            {"name": "succ_t", "label": "Treated: analysed with the good outcome", "kind": "count", "example": 9},
            {"name": "rand_c", "label": "Control: randomised", "kind": "size", "example": 27},
            {"name": "anal_c", "label": "Control: analysed", "kind": "size", "example": 27},
            {"name": "succ_c", "label": "Control: analysed with the good outcome", "kind": "count", "example": 10},
        ],
        "checks": [["le", "anal_t", "rand_t"], ["le", "anal_c", "rand_c"], ["le", "succ_t", "anal_t"],
                   ["le", "succ_c", "anal_c"]],
        "rows": [["dropout_p", "Different shares lost from the arms? Fisher's p", "p"]],
        "table": {"rows": [["completers", "Completers only"], ["missing_failures", "Missing counted as failures"],
                           ["missing_successes", "Missing counted as successes"],
                           ["best_case", "Best case for the treatment"],
                           ["worst_case", "Worst case for the treatment"]],
                  "label": "Analysis",
                  "columns": [["risk_t", "Treated", "pct"], ["risk_c", "Control", "pct"],
                              ["rd", "Difference", "pts"], ["rd_low", "95% CI from", "pts"],
                              ["rd_high", "to", "pts"], ["fisher_p", "Fisher's p", "p"]]},
        "reading": [
            [None, "{missing_t:int} treated and {missing_c:int} control patients are missing from the analysis."],
            ["robust", "Every way of counting them gives the same conclusion at the 5% level."],
            ["!robust", "The conclusion at the 5% level depends on how the missing patients are counted: the "
                        "result is fragile."],
        ],
        "links": [["chapters/02-als-run-in", "Chapter 2: who reached the later injections"],
                  ["chapters/05-liver-landmark", "Chapter 5: counting only the survivors"]],
    },
    "unit": {
        "title": "The unit of analysis",
        "fields": [
            {"name": "observations", "label": "Observations analysed (periods, limbs, lesions, eyes)",
             "kind": "size", "example": 41},
            {"name": "patients", "label": "Patients they came from", "kind": "size", "example": 19},
            {"name": "icc", "label": "Correlation within a patient (ICC, 0 to 1)", "kind": "unit", "example": 0.5},
            {"name": "p", "label": "Reported two-sided p", "kind": "pvalue", "example": 0.0038},
        ],
        "checks": [["ge", "observations", "patients"]],
        "rows": [["per_patient", "Observations per patient", "f2"], ["design_effect", "Design effect", "f2"],
                 ["effective_n", "Effective number of independent observations", "f1"],
                 ["p_adjusted", "p recomputed for the patients", "p"]],
        "reading": [
            [None, "Analysed as {v.observations} independent observations, the result counts {per_patient:f2} per "
                   "patient. With a correlation of {v.icc:f2} within a patient, they are worth about "
                   "{effective_n:f1} independent ones (design effect {design_effect:f2}), and the reported "
                   "p = {v.p:p} becomes {p_adjusted:p}."],
        ],
        "links": [["chapters/02-als-run-in", "Chapter 2: treatment intervals from the same patients"]],
    },
    "ordered": {
        "title": "An ordered outcome",
        "fields": [
            {"name": "counts_t", "label": "Treated: patients per category, worst to best (commas)",
             "kind": "counts", "example": "1, 2, 3, 4"},
            {"name": "counts_c", "label": "Control: patients per category, worst to best (commas)",
             "kind": "counts", "example": "3, 3, 2, 1"},
        ],
        "checks": [["same_length", "counts_t", "counts_c"]],
        "rows": [["prob_better", "Chance a treated patient does better than a control (ties count half)", "pct"],
                 ["p", "Wilcoxon-Mann-Whitney test, two-sided p", "p"]],
        "reading": [
            [None, "A treated patient does better than a control in {prob_better:pct} of pairs (50% is no "
                   "difference); Wilcoxon-Mann-Whitney p = {p:p}, from {n_t:int} treated and {n_c:int} controls."],
        ],
        "links": [["chapters/01-celltop-spinal-cord", "Chapter 1: grades on an ordered scale"]],
    },
}


def _list(text: str) -> list[str]:
    return [part.strip() for part in str(text).split(",") if part.strip()]


def compute(name: str, values: dict[str, Any]) -> dict:
    """The engine's results for a calculator's parsed field values (the
    Python twin of ``calculators.js``'s compute)."""
    v = values
    if name == "two-groups":
        return yourtrial.two_groups(v["events_t"], v["n_t"], v["events_c"], v["n_c"],
                                    event_is_good=v["event"] == "good", worthwhile=v["worthwhile"])
    if name == "estimate":
        return yourtrial.estimate(v["value"], v["low"], v["high"], scale=v["scale"], level=v["level"],
                                  worthwhile=v["worthwhile"])
    if name == "one-group":
        return yourtrial.one_group(v["k"], v["n"], [float(r) for r in _list(v["rates"])])
    if name == "many-results":
        return yourtrial.many_results([float(p) for p in _list(v["pvalues"])])
    if name == "who-analysed":
        return yourtrial.who_analysed(v["rand_t"], v["anal_t"], v["succ_t"], v["rand_c"], v["anal_c"], v["succ_c"])
    if name == "unit":
        return yourtrial.unit_of_analysis(v["observations"], v["patients"], v["icc"], v["p"])
    if name == "ordered":
        return yourtrial.ordered([int(c) for c in _list(v["counts_t"])], [int(c) for c in _list(v["counts_c"])])
    raise ValueError(f"no calculator {name!r}: choose one of {', '.join(CALCULATORS)}")


def examples(name: str) -> dict[str, Any]:
    """A calculator's worked example, as field values."""
    return {f["name"]: f["example"] for f in CALCULATORS[name]["fields"]}


def container_html(name: str) -> str:
    """The static site's container: the declaration as JSON, for calculators.js."""
    spec = dict(CALCULATORS[name], name=name, verdicts=intervals.VERDICTS)
    return (f'<div class="tsx-calc" data-calc="{html.escape(name)}">'
            f'{json_script(json.dumps(spec), "tsx-calc-spec")}'
            f'<noscript><p>This calculator computes in your browser: turn on JavaScript to use it.</p></noscript>'
            f"</div>")


class _Static:
    """HTML for myst-nb to place on the static page."""

    def __init__(self, html_text: str) -> None:
        self.html = html_text

    def _repr_html_(self) -> str:
        return self.html


def calculator(name: str) -> _Static | widgets.Widget:
    """A calculator for a page: the static container when the book is built,
    live widgets in JupyterLab."""
    if name not in CALCULATORS:
        raise ValueError(f"no calculator {name!r}: choose one of {', '.join(CALCULATORS)}")
    from .explorer import static_mode

    if static_mode():
        return _Static(container_html(name))
    from .toolkit_live import LiveCalculator

    return LiveCalculator(name).widget


NNT_WORDS = ("to benefit", "to harm")


def fmt(value: Any, kind: str) -> str:
    """A result as the page shows it: the same rules as ``calculators.js``."""
    if kind == "text":  # numbers as JavaScript writes them, so both front ends read alike
        return _js_number(value) if isinstance(value, float) else str(value)
    if kind == "verdict":
        return intervals.VERDICTS[value]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not defined"
    if kind == "nnt":
        if math.isinf(value):
            return "infinite (no effect)"
        return f"{math.ceil(abs(value) - 1e-9):,} {NNT_WORDS[0] if value > 0 else NNT_WORDS[1]}"
    if kind == "pct":
        return fixed(value * 100, 1) + "%"
    if kind == "pts":
        return fixed(value * 100, 1) + " points"
    if kind == "p":
        return "< 0.0001" if value < 0.0001 else fixed(value, 4 if value < 0.01 else 3)
    if kind == "int":
        return f"{int(value):,}"
    if kind == "ratio":
        return fixed(value, 2)
    return fixed(value, int(kind[1]))


def fixed(value: float, digits: int) -> str:
    """``value`` with ``digits`` decimals, halves rounded away from zero, by the
    same floating-point steps as calculators.js (so 6.25 reads 6.3 in both)."""
    scale = 10**digits
    rounded = math.floor(abs(value) * scale + 0.5) / scale
    if rounded == 0:
        return f"{0:.{digits}f}"
    return f"{math.copysign(rounded, value):.{digits}f}"


def _field(values: dict, result: dict, ref: str, index: int | None = None):
    if ref.startswith("v."):
        return values[ref[2:]]
    if ref.startswith("in:"):
        return [float(x) for x in _list(values[ref[3:]])][index]
    value = result[ref]
    return value[index] if index is not None else value


def fill(template: str, values: dict, result: dict) -> str:
    """A reading's template with each ``{key:kind}`` (``v.name`` for a field) formatted."""
    def one(match):
        ref, _, kind = match.group(1).partition(":")
        return fmt(_field(values, result, ref), kind or "text")

    return re.sub(r"\{([^{}]+)\}", one, template)


def reading(name: str, values: dict, result: dict) -> list[str]:
    """The sentences that read a result, in order."""
    out = []
    for condition, template in CALCULATORS[name].get("reading", []):
        if condition is None or (result[condition.lstrip("!")] is True) != condition.startswith("!"):
            out.append(fill(template, values, result))
    return out


def table(name: str, values: dict, result: dict) -> tuple[list[str], list[list[str]]]:
    """The result's table (header, rows), for calculators that have one."""
    spec = CALCULATORS[name].get("table")
    if spec is None:
        return [], []
    header = [spec["label"]] + [fill(label, values, result) for _, label, _ in spec["columns"]]
    rows = []
    if "list" in spec:
        labels = _list(values[spec["list"]])
        for i, label in enumerate(labels):
            shown = fmt(float(label), spec["kind"]) if spec["kind"] != "text" else label
            rows.append([shown] + [fmt(_field(values, result, key, i), kind) for key, _, kind in spec["columns"]])
    else:
        for prefix, label in spec["rows"]:
            rows.append([label] + [fmt(result[f"{prefix}_{key}"], kind) for key, _, kind in spec["columns"]])
    return header, rows


def rows(name: str, result: dict) -> list[tuple[str, str]]:
    """The labelled results (label, shown value, with its interval where it has one)."""
    out = []
    for row in CALCULATORS[name]["rows"]:
        key, label, kind = row[:3]
        shown = fmt(result[key], kind)
        if len(row) == 5:
            shown += f" (95% CI {fmt(result[row[3]], kind)} to {fmt(result[row[4]], kind)})"
        out.append((label, shown))
    return out


def results_text(name: str, values: dict) -> str:
    """Everything a reader reads for these field values, as plain text (rows,
    table and reading), the same text the page shows."""
    result = compute(name, values)
    lines = [f"{label}: {shown}" for label, shown in rows(name, result)]
    header, body = table(name, values, result)
    if header:
        lines += [" | ".join(header)] + [" | ".join(r) for r in body]
    return "\n".join(lines + reading(name, values, result))


# --- reading what the reader typed: the same rules and words as calculators.js -------------------

LIMITS = {
    "size": (1, 100_000, True, "a whole number from 1 to 100,000"),
    "count": (0, 100_000, True, "a whole number from 0 to 100,000"),
    "number": (-1e12, 1e12, False, "a number, such as 0.94 or -2.18"),
    "share": (0, 1, False, "a share between 0 and 1 (not 0 or 1), such as 0.1 for 10%"),
    "level": (0.5, 0.999, False, "a level from 0.5 to 0.999, such as 0.95"),
    "unit": (0, 1, False, "a number from 0 to 1"),
    "pvalue": (1e-15, 1, False, "a p-value from 0.000000000000001 to 1, such as 0.03"),
}
NUMBER = r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$"
LISTS = {"shares": ("share", (1, 20), "natural-history rates"), "pvalues": ("unit", (1, 1000), "p-values"),
         "counts": ("count", (2, 12), "category counts")}


def _js_number(value: float) -> str:
    """A number as JavaScript's String() writes it, for the messages that echo one."""
    if value == int(value) and abs(value) < 1e21:
        return str(int(value))
    text = repr(value)
    return text.replace("e-0", "e-").replace("e+0", "e+") if "e" in text else text


def parse_number(text: str, kind: str) -> tuple[Any, str | None]:
    """(value, None) or (None, the message naming what is wrong and what is allowed)."""
    low, high, whole, allowed = LIMITS[kind]
    raw = str(text).strip()
    if raw == "":
        return None, f"This field is empty: enter {allowed}."
    if not re.match(NUMBER, raw, re.ASCII):  # as JavaScript: ASCII digits only
        return None, f"“{raw}” is not a number: enter {allowed}."
    value = float(raw)
    if not math.isfinite(value):
        return None, f"{raw} is out of range: enter {allowed}."
    if whole and value != round(value):
        return None, f"{raw} is not a whole number: enter {allowed}."
    too_low = value <= low if kind == "share" else value < low
    too_high = value >= high if kind == "share" else value > high
    if too_low or too_high or not math.isfinite(value):
        return None, f"{raw} is out of range: enter {allowed}."
    return (int(value) if whole else value), None


def parse_field(field: dict, text: str) -> tuple[Any, str | None]:
    """A field's value from the reader's text, as calculators.js's parseField."""
    kind = field["kind"]
    if kind == "choice":
        ok = any(option[0] == text for option in field["options"])
        return (text, None) if ok else (None, "Choose one of the options.")
    if kind in LIMITS:
        return parse_number(text, kind)
    parts = _list(text)
    if kind == "names":
        return (", ".join(parts), None) if parts else (None, "This field is empty: enter names separated by commas.")
    item, (least, most), what = LISTS[kind]
    if not least <= len(parts) <= most:
        return None, f"Enter {least} to {most} {what} separated by commas (found {len(parts)})."
    for i, part in enumerate(parts):
        _, error = parse_number(part, item)
        if error:
            return None, f"Item {i + 1} of the list: {error}"
    if kind == "counts" and all(float(p) == 0 for p in parts):
        return None, "Every count is 0: an arm needs at least one patient."
    if kind == "shares" and any(not 0.0001 <= float(p) <= 0.9999 for p in parts):
        return None, "A natural-history rate must be between 0.0001 and 0.9999."
    return ", ".join(parts), None


def _label(name: str, field_name: str) -> str:
    return next(f["label"] for f in CALCULATORS[name]["fields"] if f["name"] == field_name)


def relation_errors(name: str, v: dict) -> list[tuple[str, str]]:
    """The checks between fields that fail: (field to mark, message), as calculators.js."""
    errors = []
    n = _js_number
    for check in CALCULATORS[name]["checks"]:
        kind, a = check[0], check[1]
        b = check[2] if len(check) > 2 else None
        if a not in v or (b is not None and b not in v):
            continue
        null = 0 if v.get("scale") == "difference" else 1
        if kind == "le" and v[a] > v[b]:
            errors.append((a, f"{_label(name, a)} ({n(v[a])}) cannot be more than {_label(name, b).lower()} "
                              f"({n(v[b])})."))
        elif kind == "ge" and v[a] < v[b]:
            errors.append((a, f"{_label(name, a)} ({n(v[a])}) cannot be fewer than {_label(name, b).lower()} "
                              f"({n(v[b])})."))
        elif kind == "lt" and not v[a] < v[b]:
            errors.append((a, f"The lower limit ({n(v[a])}) must be below the upper limit ({n(v[b])})."))
        elif kind == "within" and check[3] in v and not v[b] <= v[a] <= v[check[3]]:
            errors.append((a, f"The estimate ({n(v[a])}) must lie within its interval ({n(v[b])} to "
                              f"{n(v[check[3]])})."))
        elif kind == "positive_if_ratio" and v.get("scale") == "ratio" and not v[a] > 0:
            errors.append((a, f"A ratio's interval must be above 0 ({n(v[a])} is not): a ratio of 0 or less is "
                              "impossible."))
        elif kind == "not_null" and (v[a] == null or (v.get("scale") == "ratio" and v[a] <= 0)):
            what = "no effect" if v[a] == null else "not a ratio"
            errors.append((a, f"A worthwhile effect of {n(v[a])} is {what}: enter the smallest benefit worth "
                              f"having, on the side of {null} that means benefit."))
        elif kind == "same_length" and len(_list(v[a])) != len(_list(v[b])):
            errors.append((b, f"Give as many entries here ({len(_list(v[b]))}) as in “{_label(name, a)}” "
                              f"({len(_list(v[a]))})."))
    return errors


def check(name: str, texts: dict[str, str]) -> tuple[dict, dict[str, str]]:
    """The reader's texts to (values, errors by field): errors leave no result."""
    values, errors = {}, {}
    for f in CALCULATORS[name]["fields"]:
        value, error = parse_field(f, texts.get(f["name"], ""))
        if error:
            errors[f["name"]] = error
        else:
            values[f["name"]] = value
    for field_name, message in relation_errors(name, values):
        errors.setdefault(field_name, message)
    return values, errors


# --- your appraisal: the capstone's checklist for any trial, and its handout ------------------------

APPRAISAL = {
    "title": "Your appraisal",
    "ratings": [["ok", "Reassuring"], ["concern", "A concern"], ["unclear", "Not reported, or can't tell"]],
    "items": [
        ["control", "Is there a control group, and were patients randomised to it?",
         "chapters/01-celltop-spinal-cord"],
        ["natural", "Could natural history, selection or regression to the mean explain the change?",
         "chapters/02-als-run-in"],
        ["blinding", "Were patients and the people measuring the outcome blinded?", "chapters/03-progressive-ms"],
        ["primary", "Was the primary endpoint named in advance (in the registry), and is it the one reported?",
         "chapters/03-progressive-ms"],
        ["analysed", "Were all randomised patients analysed, in the arm they were randomised to?",
         "chapters/05-liver-landmark"],
        ["unit", "Is each patient counted once (not periods, limbs or lesions as if they were patients)?",
         "chapters/02-als-run-in"],
        ["looks", "How many endpoints, subgroups and time points were tested, and is the claim one of many?",
         "chapters/03-progressive-ms"],
        ["interval", "Is the effect given with its interval, and does the interval rule in a worthwhile benefit?",
         "chapters/04-mesems"],
        ["harms", "Are harms reported by group, with enough patients to see uncommon ones?", "chapters/04-mesems"],
        ["claim", "Do the abstract, the press release and the marketing claim what the results show?",
         "chapters/07-mechanism-to-marketing"],
    ],
}


def handout_markdown(answers: dict[str, str], attached: dict[str, str]) -> str:
    """The one-page handout as Markdown: the trial, each checklist item with its
    rating and note, and the results of the calculators attached (name -> the
    results text); the same text as calculators.js's handoutMarkdown."""
    ratings = dict(APPRAISAL["ratings"])
    trial = answers.get("trial", "").strip() or "(trial not named)"
    lines = [f"# Appraisal: {trial}", ""]
    source = answers.get("source", "").strip()
    if source:
        lines += [f"Source: {source}", ""]
    lines += ["## Checklist", ""]
    for i, (key, question, _) in enumerate(APPRAISAL["items"], start=1):
        rating = ratings.get(answers.get(key, ""), "Not answered")
        note = answers.get(f"{key}_note", "").strip()
        lines.append(f"{i}. **{question}** {rating}." + (f" {note}" if note else ""))
    lines += ["", "## Results", ""]
    if not attached:
        lines.append("No calculator results attached.")
    for name, text in attached.items():
        lines += [f"### {CALCULATORS[name]['title']}", "", *[f"- {line}" for line in text.split("\n")], ""]
    lines += ["", "Prepared with the Cells on Trial toolkit (Your trial)."]
    return "\n".join(lines).rstrip() + "\n"


def appraisal_html() -> str:
    """The static site's container for Your appraisal (calculators.js builds it)."""
    return (f'<div class="tsx-yourappraisal">{json_script(json.dumps(APPRAISAL), "tsx-appraisal-spec")}'
            "<noscript><p>The appraisal form needs JavaScript.</p></noscript></div>")


def appraisal() -> _Static | widgets.Widget:
    """Your appraisal for a page: the static form when the book is built, live widgets in JupyterLab."""
    from .explorer import static_mode

    if static_mode():
        return _Static(appraisal_html())
    from .toolkit_live import LiveAppraisal

    return LiveAppraisal().widget
