"""Every figure of every page, on a phone (390 px) and a laptop (1280 px), in
each explorer's default state and after every change of every control: no
text cut off at the figure's edge, no two texts on top of each other, no
label across a bar, the toolbar over no text, no legend entry without a
trace and no empty category row (tests/js/figure_layout.js measures the
drawn SVG in Chromium). Every select shows its whole current option."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from test_site_browser import wait_drawn

from trialsim.bench import CONTROLS_JS, REDRAW_JS

pytestmark = [pytest.mark.build, pytest.mark.browser]

CHECK = (Path(__file__).parent / "js" / "figure_layout.js").read_text()
WIDTHS = (390, 1280)

SELECTS_JS = """() => {
  const ctx = document.createElement('canvas').getContext('2d'), out = [];
  document.querySelectorAll('select').forEach(s => {
    if (s.offsetParent === null) { return; }
    const st = getComputedStyle(s);
    ctx.font = st.font;
    // the room for the text: the box less its padding and the arrow
    const room = s.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight) - 20;
    Array.from(s.options).forEach(o => {
      const w = ctx.measureText(o.text).width;
      if (w > room) { out.push(`select #${s.id}: "${o.text}" needs ${Math.round(w)} px, has ${Math.round(room)}`); }
    });
  });
  return out;
}"""

SET_JS = """([k, i, v]) => {
  const root = document.querySelectorAll('[data-explorer]')[k];
  const el = root.querySelectorAll('select[data-index], input[data-index]')[i];
  el.value = String(v);
  el.dispatchEvent(new Event('input', {bubbles: true}));
  el.dispatchEvent(new Event('change', {bubbles: true}));
  return root.getAttribute('data-state');
}"""


def layout_problems(page) -> tuple[list[str], int]:
    """The layout problems of one open page, every explorer driven through each
    option of each control (one at a time, the others at their defaults); and
    the number of figure states checked."""
    problems = page.evaluate(f"({CHECK})(null)") + page.evaluate(SELECTS_JS)
    checked = page.evaluate("document.querySelectorAll('.js-plotly-plot').length")
    for k in range(page.evaluate("document.querySelectorAll('[data-explorer]').length")):
        for i, (size, default) in enumerate(page.evaluate(CONTROLS_JS, k)):
            for v in range(size):
                if v == default:
                    continue
                page.evaluate(SET_JS, [k, i, v])
                found = page.evaluate(f"k => ({CHECK})(document.querySelectorAll('[data-explorer]')[k])", k)
                problems += [f"explorer {k}, control {i} set to option {v}: {p}" for p in found]
                checked += 1
            page.evaluate(SET_JS, [k, i, default])
    return problems, checked


@pytest.mark.parametrize("width", WIDTHS)
def test_figures_fit_their_width_in_every_state(open_page, site_pages, width, capsys):
    problems, checked, pages = [], 0, 0
    for rel in site_pages:
        if rel.startswith("_"):
            continue
        rec = open_page(rel, viewport=(width, 900))
        wait_drawn(rec.page)
        found, n = layout_problems(rec.page)
        problems += [f"{rel} at {width} px: {p}" for p in found]
        checked += n
        pages += 1
    with capsys.disabled():
        print(f"\n{width} px: {checked} figure states on {pages} pages checked, {len(problems)} problems")
    assert checked > 100, "too few figure states were checked: the explorers did not start?"
    common = Counter(p.split(": ", 1)[-1] for p in problems).most_common(3)
    assert not problems, f"{len(problems)} layout problems (most common: {common}):\n" + "\n".join(problems[:60])


def test_the_check_finds_what_it_is_for(open_page):
    """The checker itself: a title pushed into the toolbar's corner, a legend
    entry with no point, a clipped label and an empty row are each reported."""
    rec = open_page("chapters/03-progressive-ms.html", viewport=(390, 900))
    wait_drawn(rec.page)
    found = rec.page.evaluate(f"""() => {{
      const gd = document.querySelector('[data-explorer] .tsx-figure');
      const data = JSON.parse(JSON.stringify(gd.data));
      data.push({{type: 'bar', x: ['Ghost'], y: [null], name: 'Nobody'}});
      const layout = Object.assign({{}}, gd.layout, {{
        title: {{text: 'A title long enough to run under the toolbar at the right', x: 0.3, y: 0.98}},
        showlegend: true, annotations: [{{xref: 'paper', x: 0.9, yref: 'paper', y: 0.5, xanchor: 'left',
          text: 'a label that runs off the right edge', showarrow: false}}]}});
      return Plotly.react(gd, data, layout).then(() => ({CHECK})(gd.closest('[data-explorer]')));
    }}""")
    text = "\n".join(found)
    assert "the toolbar lies over" in text, text
    assert 'the legend lists "Nobody", which has no point' in text, text
    assert '"a label that runs off the right edge" is clipped' in text, text
    assert 'the row "Ghost" is drawn with nothing in it' in text, text


def test_one_draw_per_control_change(open_page, site_pages):
    """Moving a select or a slider fires "input" and "change": the figure is
    drawn once (the page counts its plotly draws while every control of every
    explorer is moved in turn; ./course bench times the same run)."""
    seen = {}
    for rel in [r for r in site_pages if r.startswith("chapters/")]:
        rec = open_page(rel)
        wait_drawn(rec.page)
        for k in range(rec.page.evaluate("document.querySelectorAll('[data-explorer]').length")):
            sizes = rec.page.evaluate(CONTROLS_JS, k)
            steps = [[i, (default + 1) % size] for i, (size, default) in enumerate(sizes)]
            got = rec.page.evaluate(REDRAW_JS, [k, steps])
            seen[got["name"]] = (got["draws"], len(steps))
    assert len(seen) >= 15, seen
    assert all(draws == changes for draws, changes in seen.values()), seen
