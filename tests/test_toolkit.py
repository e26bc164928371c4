"""The "Your trial" calculators' declaration and its two front ends
(trialsim.frontends.toolkit and toolkit_live in Python, calculators.js in the
browser): the worked examples reproduce the chapters' numbers, and for the
examples and 1,000 random inputs per calculator (good and bad: empty fields,
text, negative and decimal counts, events above the arm size, reversed
limits, ...) both front ends accept and refuse the same inputs with the same
message beside the same field, and read the same results in the same words."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np

from trialsim.frontends import toolkit
from trialsim.frontends.toolkit_live import LiveCalculator

ROOT = Path(__file__).resolve().parents[1]
FUZZ = 1000


def test_worked_examples_read_the_chapters_numbers():
    text = {name: toolkit.results_text(name, toolkit.examples(name)) for name in toolkit.CALCULATORS}
    # chapter 4: MESEMS adverse events, 35 of 69 vs 42 of 75
    assert "Risk, treated: 50.7%" in text["two-groups"] and "Risk, control: 56.0%" in text["two-groups"]
    assert "Fisher's exact test, two-sided p: 0.616" in text["two-groups"]
    # chapter 4: the GEL rate ratio 0.94 (0.58 to 1.50)
    assert "two-sided p = 0.799" in text["estimate"] and "inconclusive" in text["estimate"]
    # chapter 1: 7 of 10 against 5.6 % and 30 %
    assert "5.6% | < 0.0001" in text["one-group"] and "30.0% | 0.011" in text["one-group"]
    # chapter 3: the two subgroup p-values and the primary endpoint (9 of 27 vs 10 of 27, Fisher p = 1)
    assert "after Holm's adjustment 0 remain" in text["many-results"]
    assert "3 treated and 0 control patients are missing" in text["who-analysed"]
    for name in toolkit.CALCULATORS:
        assert "not defined" not in text[name], name


def test_live_calculator_shows_results_or_messages_never_both():
    calc = LiveCalculator("two-groups")
    assert "Risk difference" in calc.results.value
    calc.set(events_t="70")
    assert "cannot be more than treated: patients (69)" in calc.messages["events_t"].value
    assert toolkit.NOTHING in calc.results.value and "Risk difference" not in calc.results.value
    calc.set(events_t="3.5")
    assert "3.5 is not a whole number" in calc.messages["events_t"].value
    calc.set(events_t="35", event="good")
    assert calc.messages["events_t"].value == "" and "to harm" in calc.results.value


def _random_text(rng) -> str:
    pool = ["", " ", "abc", "-1", "0", "1", "2", "10", "69", "1.5", "0.5", "0.95", "1e3", "1e-20", "-0.3", "∞",
            "NaN", "1,2", "0.1, 0.2", "3, 3, 2, 1", "1,,2", "<b>x</b>", "1 2", "100001", "0x10", ".5", "5.",
            "0.0001", "0.9999", "a, b, c", "0, 0", "1, 2, 3", "1e400", "+4", "２"]
    kind = rng.integers(0, 4)
    if kind == 0:
        return str(rng.choice(pool))
    if kind == 1:
        return str(int(rng.integers(-5, 300)))
    if kind == 2:
        return f"{rng.normal(0, 2):.{int(rng.integers(0, 4))}f}"
    return ", ".join(str(int(v)) for v in rng.integers(0, 9, int(rng.integers(1, 6))))


def _cases(seed: int = 7) -> list[tuple[str, dict]]:
    rng = np.random.default_rng(seed)
    cases = []
    for name, spec in toolkit.CALCULATORS.items():
        example = {f["name"]: str(f["example"]) for f in spec["fields"]}
        cases.append((name, example))
        for _ in range(FUZZ):
            texts = dict(example)
            for f in rng.choice(spec["fields"], int(rng.integers(1, 3)), replace=False):
                if f["kind"] == "choice":
                    texts[f["name"]] = str(rng.choice([o[0] for o in f["options"]] + ["other"]))
                else:
                    texts[f["name"]] = _random_text(rng)
            cases.append((name, texts))
    return cases


def _python(name: str, texts: dict) -> dict:
    values, errors = toolkit.check(name, texts)
    return {"errors": errors, "text": None if errors else toolkit.results_text(name, values)}


NODE = r"""
const calc = require(process.argv[2]);
const {specs, cases} = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'));
const out = cases.map(([name, texts]) => {
  const spec = specs[name], values = {}, errors = {};
  spec.fields.forEach(f => {
    const r = calc.parseField(f, texts[f.name]);
    if (r.error) errors[f.name] = r.error; else values[f.name] = r.value;
  });
  calc.relationErrors(spec, values).forEach(([k, m]) => { if (!(k in errors)) errors[k] = m; });
  return {errors, text: Object.keys(errors).length ? null : calc.resultsText(spec, values)};
});
process.stdout.write(JSON.stringify(out));
"""


def test_both_front_ends_accept_refuse_and_read_alike(tmp_path):
    specs = {name: dict(spec, name=name, verdicts=toolkit.intervals.VERDICTS)
             for name, spec in toolkit.CALCULATORS.items()}
    cases = _cases()
    (tmp_path / "cases.json").write_text(json.dumps({"specs": specs, "cases": cases}))
    proc = subprocess.run([shutil.which("node") or "node", "-e", NODE, str(tmp_path / "cases.json"),
                           str(ROOT / "book" / "static" / "js" / "calculators.js")],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads(proc.stdout)
    refused = shown = 0
    for (name, texts), browser in zip(cases, got, strict=True):
        want = _python(name, texts)
        assert browser == want, f"{name} {texts}"
        refused += bool(want["errors"])
        shown += want["text"] is not None
    # the fuzz reaches both sides: many inputs refused, many computed
    assert refused > 0.3 * len(cases) and shown > 0.1 * len(cases), (refused, shown)


HANDOUT = r"""
const calc = require(process.argv[2]);
const {appraisal, cases} = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'));
process.stdout.write(JSON.stringify(cases.map(([answers, attached]) => calc.handoutMarkdown(appraisal, answers,
  attached.map(([title, text]) => ({title, text}))))));
"""


def test_the_handout_is_the_same_in_both_front_ends(tmp_path):
    rng = np.random.default_rng(3)
    cases = []
    for i in range(50):
        answers = {"trial": str(rng.choice(["", "CELLTOP", "  MESEMS (Uccelli 2021) "])),
                   "source": str(rng.choice(["", "doi 10.1016/S1474-4422(21)00301-X"]))}
        for key, _, _ in toolkit.APPRAISAL["items"]:
            answers[key] = str(rng.choice(["", "ok", "concern", "unclear"]))
            answers[f"{key}_note"] = str(rng.choice(["", "no control arm", " <b>x</b> "]))
        names = list(rng.choice(list(toolkit.CALCULATORS), int(rng.integers(0, 3)), replace=False)) if i else []
        attached = {n: toolkit.results_text(n, toolkit.examples(n)) for n in names}
        cases.append((answers, attached))
    payload = {"appraisal": toolkit.APPRAISAL,
               "cases": [(a, [[toolkit.CALCULATORS[n]["title"], t] for n, t in att.items()]) for a, att in cases]}
    (tmp_path / "handout.json").write_text(json.dumps(payload))
    proc = subprocess.run([shutil.which("node") or "node", "-e", HANDOUT, str(tmp_path / "handout.json"),
                           str(ROOT / "book" / "static" / "js" / "calculators.js")],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = json.loads(proc.stdout)
    for (answers, attached), text in zip(cases, got, strict=True):
        assert text == toolkit.handout_markdown(answers, attached)
    assert "No calculator results attached." in got[0] and "# Appraisal: (trial not named)" in "".join(got)


def test_live_appraisal_attaches_the_calculators_the_reader_changed():
    from trialsim.frontends import toolkit_live

    toolkit_live.SHOWN.clear()
    kept, changed = LiveCalculator("estimate"), LiveCalculator("one-group")
    changed.set(k="3", n="12")
    appraisal = toolkit_live.LiveAppraisal()
    appraisal.trial.value = "A trial"
    appraisal.ratings["control"].value = "concern"
    text = appraisal.markdown
    assert text.startswith("# Appraisal: A trial\n") and "randomised to it?** A concern." in text
    assert "### One group, no control" in text and "3 of 12 (25.0%" in text
    assert "### An estimate" not in text and kept.changed is False
    assert "A trial" in appraisal.handout.value


def test_live_ordered_outcome_adds_the_proportional_odds_model():
    from trialsim.stats import yourtrial

    calc = LiveCalculator("ordered")
    fit = yourtrial.proportional_odds([1, 2, 3, 4], [3, 3, 2, 1])
    assert f"{fit['odds_ratio']:.2f} (95% CI {fit['low']:.2f} to {fit['high']:.2f})" in calc.results.value
    assert "Wilcoxon-Mann-Whitney" in calc.results.value


def test_the_python_template_runs_and_gives_the_pages_numbers(capsys):
    """book/your-trial-template.md, the notebook for readers who prefer code: every
    code cell runs, and it prints the page's readings."""
    import jupytext

    notebook = jupytext.read(ROOT / "book" / "your-trial-template.md")
    namespace: dict = {}
    for cell in notebook.cells:
        if cell.cell_type == "code":
            exec(compile(cell.source, "your-trial-template", "exec"), namespace)  # noqa: S102 - the course's own file
    printed = capsys.readouterr().out
    assert "Fisher p 0.616" in printed and "p = 0.799: inconclusive" in printed
    assert toolkit.results_text("two-groups", toolkit.examples("two-groups")) in printed


def test_worked_examples_are_the_datasets_numbers():
    """Every trial number of a worked example is the chapter's, from its data file
    (the worthwhile effects, the ALS example's correlation and p and the ordered
    counts are illustrative, and the page says so)."""
    from trialsim import data

    mesems, celltop, ms = data.facts("mesems_summary"), data.facts("celltop_summary"), data.facts(
        "progressive_ms_summary")
    two = toolkit.examples("two-groups")
    assert (two["events_t"], two["n_t"], two["events_c"], two["n_c"]) == (
        mesems["ae_patients_msc_first"], mesems["n_msc_first"], mesems["ae_patients_placebo_first"],
        mesems["n_placebo_first"])
    est = toolkit.examples("estimate")
    assert (est["value"], est["low"], est["high"]) == (mesems["gel_rr"], mesems["gel_ci_low"], mesems["gel_ci_high"])
    one = toolkit.examples("one-group")
    assert (one["k"], one["n"]) == (celltop["n_improved_ais"], celltop["n_enrolled"])
    assert [float(r) for r in one["rates"].split(",")] == [celltop["late_conversion"], celltop["early_conversion_high"]]
    many = [float(p) for p in toolkit.examples("many-results")["pvalues"].split(",")]
    events = [round(ms["rct_improved_msc"] * ms["rct_msc"]), round(ms["rct_improved_placebo"] * ms["rct_placebo"])]
    from scipy import stats

    fisher = stats.fisher_exact([[events[0], ms["rct_msc"] - events[0]], [events[1], ms["rct_placebo"] - events[1]]])
    assert many == [ms["rct_sub_t25fw_p"], ms["rct_sub_6mwt_p"], round(fisher.pvalue, 3)]
    who = toolkit.examples("who-analysed")
    assert (who["rand_t"], who["anal_t"], who["succ_t"], who["rand_c"], who["anal_c"], who["succ_c"]) == (
        ms["rct_msc"], ms["rct_completed_msc"], events[0], ms["rct_placebo"], ms["rct_completed_placebo"], events[1])
