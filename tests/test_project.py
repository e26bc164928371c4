"""The repository's promises: layout, exact pins, README quick start, CI entry
point, benchmark output and the plotly renderer."""

import json
import re
import subprocess
import sys
from pathlib import Path

from trialsim import sphinxext
from trialsim.explorers import all_explorers

ROOT = Path(__file__).resolve().parents[1]


def test_top_level_layout():
    for name in ["book", "chapters", "datasets", "exercises", "solutions", "src/trialsim", "tests",
                 "_config.yml", "requirements.txt", "README.md", "pyproject.toml", ".ci/run",
                 "book/_toc.yml", "book/references.bib", "book/static/course.js", "book/static/course.css"]:
        assert (ROOT / name).exists(), name


def test_requirements_are_exact_pins():
    lines = [l.strip() for l in (ROOT / "requirements.txt").read_text().splitlines() if l.strip()]
    loose = [l for l in lines if l != "-e ." and not re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[A-Za-z0-9_.+\-]+", l)]
    assert not loose, f"not exact pins: {loose}"
    assert "-e ." in lines
    pins = dict(l.split("==") for l in lines if "==" in l)
    assert pins["jupyter-book"] == "1.0.4.post1"
    for name in ["nbgrader", "jupyterlab", "ipywidgets", "plotly", "pandas", "scipy", "statsmodels",
                 "lifelines", "pytest", "playwright", "axe-playwright-python", "jupytext", "anywidget"]:
        assert name in pins, name


def _quick_start_commands():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```[a-z]*\n(.*?)```", section, re.S)
    assert len(blocks) == 1, "Quick start must hold exactly one code block"
    return [l for l in blocks[0].splitlines() if l.strip() and not l.strip().startswith("#")]


def test_readme_quick_start_has_two_commands_and_ci_runs_the_second():
    commands = _quick_start_commands()
    assert len(commands) == 2
    build, test = commands
    assert "build" in build and "test" in test
    ci = [l for l in (ROOT / ".ci/run").read_text().splitlines() if l.strip() and not l.startswith("#")]
    assert test.strip() in [l.strip() for l in ci]


def test_bench_prints_the_promised_json():
    out = subprocess.run([sys.executable, "-m", "trialsim.bench"], capture_output=True, text=True,
                         check=True, timeout=600)
    report = json.loads(out.stdout)
    by_name = {e["name"]: e for e in report["explorers"]}
    for explorer in all_explorers():
        row = by_name[explorer.name]
        assert row["states"] == explorer.n_states
        assert 0 < row["p50_ms"] <= row["p95_ms"]
    pages = {p["page"]: p["explorer_bytes"] for p in report["pages"]}
    assert pages["chapters/01-celltop-spinal-cord"] == len(all_explorers()[0].payload_json().encode())


class _Data:
    def __init__(self, mime_type, content):
        self.mime_type, self.content = mime_type, content


def test_plotly_outputs_become_course_figures():
    fig = {"data": [{"type": "bar", "x": [1], "y": [2]}], "layout": {"title": {"text": "T</script>"}}}
    nodes = sphinxext.PlotlyMimeRenderer.handle_mime(None, _Data(sphinxext.PLOTLY_MIME, fig), False)
    html = nodes[0].astext()
    assert 'class="tsx-plotly"' in html and 'aria-label="Figure: T&lt;/script&gt;"' in html
    assert "T</script>" not in html.split('type="application/json">', 1)[1]
    assert sphinxext.PlotlyMimeRenderer.handle_mime(None, _Data("text/html", "x"), False) is None
    assert sphinxext.plotly_js_source().name == "plotly.min.js"
