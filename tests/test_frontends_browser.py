"""The static front end in Chromium without a book build: one page written
from every explorer's ``static_html()`` and the course's scripts (the same
files, in the same order, as the site loads them), opened from a folder.

The page's decoder must give, for every state of every explorer, exactly what
the Python engine computes; moving each control must redraw the figure and
show the engine's readouts and conclusion."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from trialsim import sphinxext
from trialsim.explorers import all_explorers
from trialsim.frontends import payload
from trialsim.frontends.static import JS_MODULES

ROOT = Path(__file__).resolve().parents[1]
EXPLORERS = all_explorers()


@pytest.fixture(scope="module")
def explorers_page(tmp_path_factory, browser):
    folder = tmp_path_factory.mktemp("frontends")
    shutil.copy(sphinxext.plotly_js_source(ROOT), folder / sphinxext.PLOTLY_FILE)
    scripts = [f'<script src="{sphinxext.PLOTLY_FILE}"></script>']
    for name in JS_MODULES:
        shutil.copy(ROOT / "book" / "static" / "js" / f"{name}.js", folder / f"{name}.js")
        scripts.append(f'<script src="{name}.js"></script>')
    body = "\n".join(e.static_html() for e in EXPLORERS)
    (folder / "index.html").write_text(
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Explorers</title>"
        f"{''.join(scripts)}</head><body>{body}</body></html>", encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto((folder / "index.html").as_uri())
    page.wait_for_function("document.querySelectorAll('[data-explorer][data-state]').length === %d" % len(EXPLORERS))
    yield page, errors
    context.close()


DECODE_ALL = """name => {
  const root = document.querySelector(`[data-explorer="${name}"]`);
  const data = JSON.parse(root.querySelector("script.tsx-data").textContent);
  const codec = window.CellsOnTrial.payload;
  const total = data.controls.reduce((n, c) => n * c.size, 1);
  const out = [];
  for (let i = 0; i < total; i++) {
    const s = codec.decode(data, codec.choiceOf(data, i));
    out.push([s.readouts, s.conclusion, s.slots]);
  }
  return JSON.stringify(out);
}"""


@pytest.mark.parametrize("explorer", EXPLORERS, ids=[e.name for e in EXPLORERS])
def test_every_state_decodes_in_chromium_to_what_the_engine_computes(explorers_page, explorer):
    page, errors = explorers_page
    decoded = json.loads(page.evaluate(DECODE_ALL, explorer.name))
    outcomes = explorer.all_outcomes()
    assert len(decoded) == len(outcomes) == explorer.n_states
    for params, out, (readouts, conclusion, slots) in zip(explorer.states(), outcomes, decoded, strict=True):
        assert (readouts, conclusion) == (out.shown, out.conclusion), params
        assert slots == json.loads(json.dumps(payload.state_slots(explorer, out))), params
    assert errors == []


@pytest.mark.parametrize("explorer", EXPLORERS, ids=[e.name for e in EXPLORERS])
def test_each_control_redraws_and_shows_the_engine_state(explorers_page, explorer):
    """Each control in turn set to its last option by keyboard (End on a
    slider, arrow keys on a select), the others at their defaults: the page
    shows the engine's state and draws it."""
    page, errors = explorers_page
    root = page.locator(f'[data-explorer="{explorer.name}"]')
    for i, control in enumerate(explorer.controls):
        element = root.locator(f'.tsx-controls [data-index="{i}"]')
        select = element.evaluate("e => e.tagName") == "SELECT"
        element.focus()
        for key in ["ArrowDown"] * len(control.options) if select else ["End"]:
            page.keyboard.press(key)
        want = explorer.outcome(**{control.name: control.values[-1]})
        assert root.get_attribute("data-state") == str(_index(explorer, want.params))
        assert [r.text_content() for r in root.locator("[data-readout]").all()] == want.shown
        assert root.locator("[data-conclusion]").text_content() == want.conclusion
        assert root.locator(".tsx-figure .main-svg").count() > 0
        back = control.index(control.default)  # back to the default: to the first option, then down
        element.focus()
        for key in (["ArrowUp"] * len(control.options) + ["ArrowDown"] * back if select
                    else ["Home"] + ["ArrowRight"] * back):
            page.keyboard.press(key)
        assert root.get_attribute("data-state") == str(_index(explorer, explorer.defaults))
    assert errors == []


def _index(explorer, params: dict) -> int:
    index = 0
    for control in explorer.controls:
        index = index * len(control.options) + control.index(params[control.name])
    return index
