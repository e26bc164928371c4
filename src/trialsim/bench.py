"""Benchmark: ``python -m trialsim.bench`` (``./course bench``).

Prints JSON ``{"explorers": [{"name", "states", "p50_ms", "p95_ms",
"mc_halfwidth"}], "pages": [{"page", "explorer_bytes"}], "budget_ms"}``: the
live recompute time per control change (simulate, format the readouts, fill
the figure slots, derive the conclusion) over every state of every explorer,
the worst 95 % Monte Carlo half-width of any simulated rate it shows
(``null`` for an explorer computed exactly), and the bytes of precomputed
state data each page embeds.

It also times each "Your trial" calculator in Chromium (``"calculators":
[{"name", "inputs", "p50_ms", "p95_ms"}]``): a page written from the
calculators' containers and the site's scripts, each recompute timed from the
keystroke's ``input`` event to the new reading (needs Chromium and the npm
packages that ``./course test`` installs; ``null`` with the reason without),
and, when the site is built, each page's first-visit weight (``"first_visit":
[{"page", "resources", "kb_gzip"}]``: everything Chromium loads for the page
with nothing cached, gzip-compressed as a server sends it), with the time to
its first contentful paint and its cumulative layout shift.

With the site built, each explorer is also driven in Chromium (``"redraws":
[{"name", "changes", "p50_ms", "p95_ms", "frame_p95_ms",
"draws_per_change"}]``): a control change timed to the redrawn figure and to
the next frame, and the figure draws it caused (one per change).

It exits 1, naming the explorer or the calculator, when any explorer's p95 is
over the 50 ms budget of a control change (in Python, or from a change to
the redrawn figure in Chromium), an explorer draws its figure more than once
per change, or any calculator's p95 is over the 16 ms budget of a keystroke
(one frame).

``--suite`` also runs the README's test command and the quick lane
(``./course test`` and ``./course test --quick``) and adds their wall-clock
seconds as ``"suite": {"full_s", "quick_s"}``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from .explorers import all_explorers
from .frontends.explorer import Explorer

BUDGET_MS = 50.0
CALCULATOR_BUDGET_MS = 16.0
ROOT = Path(__file__).resolve().parents[2]

TIME_CALCULATOR_JS = """([name, field, texts]) => {
  const el = document.querySelector(`.tsx-calc[data-calc="${name}"]`);
  const input = el.querySelector(`#tsx-calc-${name}-${field}`);
  const times = [];
  texts.forEach(text => {
    input.value = text;
    const t0 = performance.now();
    input.dispatchEvent(new Event('input', {bubbles: true}));
    void el.querySelector('.tsx-calc-results').textContent;
    times.push(performance.now() - t0);
  });
  return times;
}"""


def time_explorer(explorer: Explorer) -> dict:
    """Time every state of ``explorer`` once (the outcomes are kept for its payload)."""
    explorer._cache.pop("outcomes", None)
    explorer._cache.pop("payload", None)
    seconds: list[float] = []
    outcomes = explorer.all_outcomes(timings=seconds)
    times = np.asarray(seconds) * 1000
    widths = [out.numbers.get("mc_halfwidth", 0.0) for out in outcomes]
    return {
        "name": explorer.name,
        "states": len(times),
        "p50_ms": round(float(np.percentile(times, 50)), 3),
        "p95_ms": round(float(np.percentile(times, 95)), 3),
        "mc_halfwidth": round(float(max(widths)), 5) if explorer.monte_carlo else None,
    }


def page_bytes(explorers: list[Explorer]) -> list[dict]:
    """The bytes of state data each chapter page embeds, summed over its explorers."""
    sizes: dict[str, int] = defaultdict(int)
    for explorer in explorers:
        sizes[explorer.page] += len(explorer.payload_json().encode())
    return [{"page": page, "explorer_bytes": size} for page, size in sorted(sizes.items())]


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """One headless Chromium (Playwright) for the browser measurements, or None
    when Chromium is not installed (``./course test`` installs it)."""
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not path:
        yield None
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


NO_CHROMIUM = {"skipped": "Chromium is not installed: ./course test installs it"}


def time_calculators(browser: Any, rounds: int = 300) -> list[dict] | dict:
    """Time each "Your trial" calculator's recompute in ``browser``, ``rounds``
    inputs each (its first numeric field, alternating its worked example and that
    plus one); returns per calculator p50 and p95 in ms, or {"skipped": why}."""
    import tempfile

    from .frontends import toolkit

    jstat = ROOT / "node_modules" / "jstat" / "dist" / "jstat.min.js"
    if browser is None:
        return NO_CHROMIUM
    if not jstat.is_file():
        return {"skipped": "the npm packages are missing: ./course test installs them"}
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        scripts = []
        for path in [ROOT / "book/static/js/core.js", jstat, ROOT / "book/static/js/yourtrial.js",
                     ROOT / "book/static/js/calculators.js"]:
            shutil.copy(path, folder / path.name)
            scripts.append(f'<script src="{path.name}"></script>')
        body = "".join(toolkit.container_html(name) for name in toolkit.CALCULATORS)
        (folder / "index.html").write_text(f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
                                           f"<title>bench</title>{''.join(scripts)}</head><body>{body}</body></html>")
        out = []
        page = browser.new_page()
        page.goto((folder / "index.html").as_uri())
        page.wait_for_function("document.querySelectorAll('.tsx-calc[data-ready]').length === %d"
                               % len(toolkit.CALCULATORS))
        for name, spec in toolkit.CALCULATORS.items():
            field = next(f for f in spec["fields"] if f["kind"] not in ("choice", "names"))
            first, _, rest = str(field["example"]).partition(",")
            whole = field["kind"] in ("size", "count", "counts")
            other = f"{float(first) + 1 if whole else float(first) * 0.99:g}" + ("," + rest if rest else "")
            texts = [str(field["example"]) if i % 2 else other for i in range(rounds)]
            times = np.asarray(page.evaluate(TIME_CALCULATOR_JS, [name, field["name"], texts]))
            out.append({"name": name, "inputs": rounds, "p50_ms": round(float(np.percentile(times, 50)), 3),
                        "p95_ms": round(float(np.percentile(times, 95)), 3)})
        page.close()
    return out


# the k-th explorer's controls on a page: [number of options, current option] each
CONTROLS_JS = """k => Array.from(document.querySelectorAll('[data-explorer]')[k]
  .querySelectorAll('select[data-index], input[data-index]'))
  .map(c => [c.tagName === 'SELECT' ? c.options.length : parseInt(c.max, 10) + 1, parseInt(c.value, 10)])"""

REDRAW_JS = """async ([k, steps]) => {
  const root = document.querySelectorAll('[data-explorer]')[k];
  const controls = Array.from(root.querySelectorAll('select[data-index], input[data-index]'));
  const real = window.Plotly.react;
  let draws = 0;
  window.Plotly.react = function () { draws++; return real.apply(this, arguments); };
  const handler = [], frame = [];
  for (const [i, v] of steps) {
    const el = controls[i];
    const t0 = performance.now();
    el.value = String(v);   // a select or a slider moved: the browser fires both events
    el.dispatchEvent(new Event('input', {bubbles: true}));
    el.dispatchEvent(new Event('change', {bubbles: true}));
    handler.push(performance.now() - t0);
    await new Promise(done => requestAnimationFrame(() => done()));
    frame.push(performance.now() - t0);
  }
  window.Plotly.react = real;
  return {name: root.getAttribute('data-explorer'), handler, frame, draws};
}"""


def time_redraws(site: Path, browser: Any, rounds: int = 60) -> list[dict] | dict:
    """Each explorer of the built site ``site`` driven in ``browser``: ``rounds``
    control changes (each control in turn moved to its next option), timed from
    the change to the figure redrawn (``p50_ms``, ``p95_ms``: the page's handler,
    which draws the figure) and to the next frame on screen (``frame_p95_ms``),
    with the number of figure draws per change (``draws_per_change``, 1 when
    each change draws once); or {"skipped": why}."""
    site = Path(site).resolve()
    if browser is None:
        return NO_CHROMIUM
    if not (site / "index.html").is_file():
        return {"skipped": f"no built site at {site}: run ./course build"}
    out = []
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    for path in sorted(site.glob("chapters/*.html")):
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_function("""() => Array.from(document.querySelectorAll('[data-explorer]'))
                                   .every(e => e.hasAttribute('data-state') && e.querySelector('.main-svg'))""")
        for k in range(page.evaluate("document.querySelectorAll('[data-explorer]').length")):
            sizes = page.evaluate(CONTROLS_JS, k)
            current = [value for _, value in sizes]
            steps = []
            while len(steps) < rounds:
                for i, (size, _) in enumerate(sizes):
                    current[i] = (current[i] + 1) % size
                    steps.append([i, current[i]])
            got = page.evaluate(REDRAW_JS, [k, steps[:rounds]])
            handler, frame = np.asarray(got["handler"]), np.asarray(got["frame"])
            out.append({"name": got["name"], "changes": rounds,
                        "p50_ms": round(float(np.percentile(handler, 50)), 1),
                        "p95_ms": round(float(np.percentile(handler, 95)), 1),
                        "frame_p95_ms": round(float(np.percentile(frame, 95)), 1),
                        "draws_per_change": round(got["draws"] / rounds, 2)})
    page.close()
    return out


CHAPTER_WEIGHT_KB = 1024   # a chapter's first visit, gzipped, all resources
INTRO_WEIGHT_KB = 300      # the course's front page


def first_visit_weights(site: Path, browser: Any, pages: list[str] | None = None,
                        width: int = 1280) -> list[dict] | dict:
    """Each page's first-visit weight in the built site ``site``, loaded in
    ``browser``: every resource Chromium loads for it (a fresh context, so
    nothing cached), gzip-compressed as a server would send it, summed in KB,
    the first contentful paint in ms and the cumulative layout shift while it
    loads in a window ``width`` px wide; or {"skipped": why}."""
    import gzip
    import urllib.parse

    site = Path(site).resolve()
    if browser is None:
        return NO_CHROMIUM
    if not (site / "index.html").is_file():
        return {"skipped": f"no built site at {site}: run ./course build"}
    pages = pages or sorted(str(p.relative_to(site)) for p in list(site.glob("chapters/*.html"))
                            + list(site.glob("book/*.html")))
    out = []
    for rel in pages:
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        urls: set[str] = set()
        page.on("request", lambda request, urls=urls: urls.add(request.url))
        page.add_init_script("""window.tsxShift = 0; new PerformanceObserver(list => list.getEntries()
            .forEach(e => { if (!e.hadRecentInput) window.tsxShift += e.value; }))
            .observe({type: 'layout-shift', buffered: true});""")
        page.goto((site / rel).as_uri(), wait_until="load")
        page.wait_for_timeout(300)  # the font and the icons the page asks for after load
        paint = page.evaluate("(performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || null")
        shift = page.evaluate("window.tsxShift")
        total = 0
        for url in urls:
            path = Path(urllib.parse.unquote(urllib.parse.urlsplit(url).path))
            if url.startswith("file://") and path.is_file():
                total += len(gzip.compress(path.read_bytes(), 6))
        out.append({"page": rel, "resources": len(urls), "kb_gzip": round(total / 1024),
                    "first_paint_ms": round(paint) if paint is not None else None,
                    "layout_shift": round(shift, 3)})
        context.close()
    return out


def time_grading(students: int, workers: list[int], seed: int = 1) -> list[dict]:
    """Grade a synthetic class of ``students`` (``trialsim.grading.synthetic``)
    with the course's own settings (30 s of computing per cell) once for each
    worker count, each in a fresh temporary course: wall seconds, seconds per
    submission, peak memory per worker and per kernel, and whether every
    student got their expected score."""
    import io
    import tempfile

    from nbgrader.api import Gradebook

    from .grading import batch, new_course, synthetic

    out = []
    for count in workers:
        with tempfile.TemporaryDirectory(prefix="grade-bench-") as tmp:
            course = new_course(Path(tmp) / "course", [synthetic.PS])
            expected = synthetic.write_class(course, students, seed)
            summary = batch.grade_class(course, synthetic.PS, workers=count, out=io.StringIO())
            with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
                right = sum(sum(g.auto_score or 0 for nb in gb.find_submission(synthetic.PS, s).notebooks
                                for g in nb.grades) == e["score"] for s, e in expected.items())
        out.append({"students": students, "workers": count, "wall_s": summary["wall_s"],
                    "s_per_submission": summary["s_per_submission"],
                    "worker_s_median": summary["worker_s_median"], "worker_mb_peak": summary["worker_mb_peak"],
                    "kernel_mb_peak": summary["kernel_mb_peak"], "expected_scores": f"{right} of {students}"})
    if len(out) > 1:
        for row in out:
            row["speed_up"] = round(out[0]["wall_s"] / row["wall_s"], 2)
    return out


def kernel_memory(chapters: list[Path] | None = None) -> list[dict]:
    """The memory a learner's kernel holds after Run All of each chapter (the
    resident set of the kernel process, in MB): what a JupyterHub needs per
    student with one chapter open."""
    import jupytext
    import psutil
    from nbclient import NotebookClient

    out = []
    for path in chapters or sorted((ROOT / "chapters").glob("[0-9][0-9]-*.md")):
        nb = jupytext.read(path)
        client = NotebookClient(nb, timeout=600, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        start = time.perf_counter()
        with client.setup_kernel():
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
            rss = psutil.Process(client.km.provisioner.pid).memory_info().rss
        out.append({"chapter": path.stem, "kernel_mb": round(rss / 2**20), "run_all_s":
                    round(time.perf_counter() - start, 1)})
    return out


def time_command(args: list[str]) -> float:
    """Wall-clock seconds of a command run in the repository (it must succeed)."""
    start = time.perf_counter()
    subprocess.run(args, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return round(time.perf_counter() - start, 1)


def over_budget(report: dict) -> list[str]:
    """One message for each explorer in ``report`` whose p95 recompute time is over
    the 50 ms budget, each calculator over its 16 ms budget and each page over
    its first-visit weight (an empty list when all are within)."""
    problems = [f"{e['name']}: p95 {e['p95_ms']:.1f} ms is over the {BUDGET_MS:g} ms budget"
                for e in report["explorers"] if e["p95_ms"] > BUDGET_MS]
    redraws = report.get("redraws")
    if isinstance(redraws, list):
        problems += [f"explorer {r['name']} in Chromium: p95 {r['p95_ms']:.1f} ms from a change to the redrawn "
                     f"figure is over the {BUDGET_MS:g} ms budget" for r in redraws if r["p95_ms"] > BUDGET_MS]
        problems += [f"explorer {r['name']} in Chromium: {r['draws_per_change']} figure draws per control change, "
                     "not 1" for r in redraws if r["draws_per_change"] != 1]
    visits = report.get("first_visit")
    if isinstance(visits, list):
        problems += [f"{v['page']}: first visit {v['kb_gzip']} KB gzipped is over the {limit} KB budget"
                     for v in visits
                     for limit in [INTRO_WEIGHT_KB if v["page"] == "book/intro.html" else CHAPTER_WEIGHT_KB]
                     if v["kb_gzip"] > limit]
    calculators = report.get("calculators")
    if isinstance(calculators, list):
        problems += [f"calculator {c['name']}: p95 {c['p95_ms']:.1f} ms is over the {CALCULATOR_BUDGET_MS:g} ms "
                     "budget" for c in calculators if c["p95_ms"] > CALCULATOR_BUDGET_MS]
    return problems


def main(argv: list[str] | None = None) -> int:
    """Print the benchmark report as JSON and return the exit status: 1 when an
    explorer is over budget, else 0."""
    parser = argparse.ArgumentParser(prog="./course bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--suite", action="store_true",
                        help="also time the full test suite and the quick lane (several minutes)")
    parser.add_argument("--grading", type=int, metavar="N", default=None,
                        help="only grade a synthetic class of N (./course grade) with 1 and 2 workers")
    parser.add_argument("--workers", default="1,2", help="worker counts for --grading (default 1,2)")
    parser.add_argument("--kernels", action="store_true",
                        help="only measure a chapter's kernel memory after Run All (each chapter)")
    args = parser.parse_args(argv)
    if args.kernels:
        json.dump({"kernels": kernel_memory()}, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    if args.grading:
        rows = time_grading(args.grading, [int(w) for w in args.workers.split(",")])
        json.dump({"grading": rows}, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    explorers = all_explorers()
    report: dict = {"explorers": [time_explorer(e) for e in explorers], "pages": page_bytes(explorers),
                    "budget_ms": BUDGET_MS, "calculator_budget_ms": CALCULATOR_BUDGET_MS}
    with chromium() as browser:  # one browser for both measurements
        report["redraws"] = time_redraws(ROOT / "_build" / "html", browser)
        report["calculators"] = time_calculators(browser)
        report["first_visit"] = first_visit_weights(ROOT / "_build" / "html", browser)
        report["first_visit_phone"] = first_visit_weights(ROOT / "_build" / "html", browser, width=390)
    if args.suite:
        report["suite"] = {"quick_s": time_command([str(ROOT / "course"), "test", "--quick", "-q"]),
                           "full_s": time_command([str(ROOT / "course"), "test", "-q"])}
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")
    problems = over_budget(report)
    for problem in problems:
        print(f"bench: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
