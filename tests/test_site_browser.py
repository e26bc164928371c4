"""The built site in headless Chromium: explorers answer the keyboard and
change their figure and conclusion, the static page says what the Python
engine says, self-checks give feedback, figures draw, nothing is requested
from another host, no console errors, no serious axe violations."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.build, pytest.mark.browser]

CELLTOP_PAGE = "chapters/01-celltop-spinal-cord.html"
INTRO_PAGE = "book/intro.html"

SNAPSHOT_JS = """root => ({
  state: root.getAttribute('data-state'),
  conclusion: root.querySelector('[data-conclusion]').textContent,
  readouts: Array.from(root.querySelectorAll('[data-readout]')).map(e => e.textContent),
  figure: JSON.stringify((root.querySelector('.tsx-figure') || {}).data || null),
})"""

DRAWN_JS = """root => { const f = root.querySelector('.tsx-figure');
  return !!f && (!!f.querySelector('.main-svg') || Array.isArray(f.data)); }"""

CONTROL_JS = """el => ({
  tag: el.tagName.toLowerCase(), type: el.type, id: el.id,
  label: (el.labels && el.labels[0]) ? el.labels[0].textContent.trim() : null,
  index: el.tagName === 'SELECT' ? el.selectedIndex : parseInt(el.value, 10),
  last: el.tagName === 'SELECT' ? el.options.length - 1 : parseInt(el.max, 10),
  focused: el === document.activeElement,
})"""

ACTIVE_JS = """() => { const a = document.activeElement;
  return a ? `<${a.tagName.toLowerCase()} id="${a.id}" class="${a.className}">` : 'nothing'; }"""


def chapter_pages(site_pages) -> list[str]:
    return [rel for rel in site_pages if re.fullmatch(r"chapters/[^/]+\.html", rel)]


def wait_drawn(page, timeout=15_000) -> None:
    """Wait until every explorer figure and every plotly figure is drawn."""
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll('[data-explorer] .tsx-figure, .tsx-plotly'))
                 .every(f => f.querySelector('.main-svg'))""",
        timeout=timeout,
    )


def page_problems(rec) -> list[str]:
    return [f"{rec.url}: {p}" for p in rec.problems()]


# ------------------------------------------------------------------ explorers
def drive_explorer(page, root, name) -> list[str]:
    """Drive every control of one explorer from the keyboard; return problems."""
    problems = []
    page.wait_for_function(DRAWN_JS, arg=root.element_handle(), timeout=15_000)
    controls = sorted(root.locator("select[data-index], input[data-index]").all(),
                      key=lambda c: int(c.get_attribute("data-index")))
    if not controls:
        return [f"[{name}] has no [data-index] controls"]
    sizes = root.evaluate(
        "r => JSON.parse(r.querySelector('script.tsx-data').textContent).controls.map(c => c.size)")

    def expected_state():
        idx = 0
        for size, c in zip(sizes, controls, strict=True):
            idx = idx * size + int(c.input_value())
        return str(idx)

    before = root.evaluate(SNAPSHOT_JS)
    if before["state"] is None:
        problems.append(f"[{name}] has no data-state after start-up")
    conclusion_changed = figure_changed = False
    for i, control in enumerate(controls):
        if i == 0:
            control.focus()
        else:
            page.keyboard.press("Tab")
        info = control.evaluate(CONTROL_JS)
        where = f"[{name}] control {i} <{info['tag']} id={info['id']}> ({info['label']!r})"
        if not info["label"]:
            problems.append(f"{where}: no <label for=...>")
        if not info["focused"]:
            how = "focus()" if i == 0 else "Tab from the previous control"
            problems.append(f"{where}: {how} did not focus it; focus is on {page.evaluate(ACTIVE_JS)}")
            control.focus()  # carry on so the other checks still run
        if info["tag"] == "select":
            key = "ArrowDown" if info["index"] < info["last"] else "ArrowUp"
        else:
            key = "ArrowRight" if info["index"] < info["last"] else "ArrowLeft"
        page.keyboard.press(key)
        try:
            page.wait_for_function(
                "([root, old]) => root.getAttribute('data-state') !== old",
                arg=[root.element_handle(), before["state"]], timeout=3_000,
            )
        except Exception:  # playwright TimeoutError
            after_idx = control.evaluate(CONTROL_JS)["index"]
            problems.append(f"{where}: pressing {key} did not change data-state "
                            f"(still {before['state']}; control index {info['index']} -> {after_idx})")
            continue
        page.wait_for_timeout(30)  # let Plotly.react settle
        after = root.evaluate(SNAPSHOT_JS)
        if after["state"] != expected_state():
            problems.append(f"{where}: data-state {after['state']} is not the row-major index "
                            f"{expected_state()} of the control values")
        changed = {k: before[k] != after[k] for k in ("conclusion", "readouts", "figure")}
        if not any(changed.values()):
            problems.append(f"{where}: {key} changed data-state {before['state']} -> {after['state']} "
                            "but neither the conclusion, a readout nor the figure changed")
        conclusion_changed |= changed["conclusion"]
        figure_changed |= changed["figure"]
        before = after
    if not conclusion_changed:
        problems.append(f"[{name}] the conclusion never changed while driving every control")
    if not figure_changed:
        problems.append(f"[{name}] the figure data never changed while driving every control")
    return problems


def test_explorers_driven_by_keyboard(open_page, explorer_pages):
    assert explorer_pages, "no page with a [data-explorer] in the built site"
    problems = []
    for rel in explorer_pages:
        rec = open_page(rel)
        page = rec.page
        roots = page.locator("[data-explorer]")
        for k in range(roots.count()):
            root = roots.nth(k)
            name = root.get_attribute("data-explorer")
            try:
                problems += [f"{rel} {p}" for p in drive_explorer(page, root, name)]
            except Exception as err:  # a timeout waiting for a figure, for example
                problems.append(f"{rel} [{name}]: {type(err).__name__}: {str(err).splitlines()[0]}")
        problems += page_problems(rec)
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------------ CELLTOP
def choose(select, prefix: str) -> None:
    """Select the option whose label starts with ``prefix`` (case-insensitive)."""
    labels = select.evaluate("el => Array.from(el.options).map(o => o.textContent)")
    hits = [i for i, lab in enumerate(labels) if lab.lower().startswith(prefix.lower())]
    assert hits, f"no option starting with {prefix!r} in {labels}"
    select.select_option(index=hits[0])


def set_range(slider, label: str) -> None:
    labels = json.loads(slider.get_attribute("data-labels"))
    assert label in labels, f"{label!r} not among the slider's values {labels}"
    slider.fill(str(labels.index(label)))


def test_celltop_conclusion_matches_engine(open_page):
    import trialsim.explorers

    explorer = trialsim.explorers.get("natural-recovery")
    rec = open_page(CELLTOP_PAGE)
    page = rec.page
    root = page.locator('[data-explorer="natural-recovery"]')
    assert root.count() == 1, f"{CELLTOP_PAGE} has {root.count()} natural-recovery explorers"
    page.wait_for_function(DRAWN_JS, arg=root.element_handle())
    dom = "#tsx-natural-recovery-"
    conclusion = root.locator("[data-conclusion]")

    def settle(old_state):
        page.wait_for_function("([r, old]) => r.getAttribute('data-state') !== old",
                               arg=[root.element_handle(), old_state], timeout=3_000)

    def engine_view():
        params, index = {}, 0
        for c in explorer.controls:
            i = int(page.locator(dom + c.name).input_value())
            params[c.name] = c.options[i][1]
            index = index * len(c.options) + i
        return params, index

    choose(page.locator(dom + "design"), "No control arm")
    choose(page.locator(dom + "timing"), "Early")
    uncontrolled = conclusion.text_content()
    params, index = engine_view()
    assert root.get_attribute("data-state") == str(index)
    assert uncontrolled == explorer.outcome(**params).conclusion

    old = root.get_attribute("data-state")
    choose(page.locator(dom + "design"), "Randomised")
    settle(old)
    old = root.get_attribute("data-state")
    set_range(page.locator(dom + "n_per_arm"), "200")
    settle(old)
    old = root.get_attribute("data-state")
    choose(page.locator(dom + "effect"), "Moderate")
    settle(old)

    controlled = conclusion.text_content()
    params, index = engine_view()
    assert params["design"] == "randomised" and params["n_per_arm"] == 200 and params["effect"] == 0.25, params
    assert root.get_attribute("data-state") == str(index), "data-state is not the row-major state index"
    assert controlled != uncontrolled, f"the conclusion did not change: {controlled!r}"
    assert re.search(r"randomi[sz]ed|control", controlled, re.I), (
        f"the randomised-trial conclusion does not mention the control comparison: {controlled!r}")
    expected = explorer.outcome(**params).conclusion
    assert controlled == expected, f"page says {controlled!r}\nengine says {expected!r}\nfor {params}"
    assert not rec.problems(), "\n".join(page_problems(rec))


# ------------------------------------------------------------------ self-checks
def test_self_checks_give_feedback(open_page, site_pages):
    pages = [rel for rel, tree in site_pages.items()
             if any(n.tag == "fieldset" for n in tree.find_all(class_="tsx-question"))]
    if not pages:
        pytest.skip("no self-check questions in the built site")
    problems = []
    for rel in pages:
        rec = open_page(rel)
        page = rec.page
        questions = page.locator("fieldset.tsx-question")
        for q in range(questions.count()):
            fs = questions.nth(q)
            qid = fs.get_attribute("id")
            radios = [r.get_attribute("id") for r in fs.locator('input[type="radio"]').all()]
            right = [p.get_attribute("data-for") for p in fs.locator("p.tsx-feedback.tsx-right").all()]
            wrong = [p.get_attribute("data-for") for p in fs.locator("p.tsx-feedback.tsx-wrong").all()]
            if len(right) != 1 or not wrong:
                problems.append(f"{rel} #{qid}: {len(right)} right and {len(wrong)} wrong feedback paragraphs")
                continue
            verdict = fs.locator("p.tsx-verdict")

            def check(radio_id, expect, how, fs=fs, page=page, problems=problems, rel=rel, qid=qid,
                      verdict=verdict):
                fb = fs.locator(f'p.tsx-feedback[data-for="{radio_id}"]')
                if not page.locator(f'[id="{radio_id}"]').is_checked():
                    problems.append(f"{rel} #{qid}: {how} did not check #{radio_id}")
                    return
                if not fb.is_visible():
                    problems.append(f"{rel} #{qid}: after {how} the feedback for #{radio_id} is not visible")
                    return
                text = fb.inner_text().strip()
                if not text.startswith(expect):
                    problems.append(f"{rel} #{qid}: feedback for #{radio_id} starts {text[:40]!r}, want {expect!r}")
                shown = [p for p in fs.locator("p.tsx-feedback").all() if p.is_visible()]
                if len(shown) != 1:
                    problems.append(f"{rel} #{qid}: {len(shown)} feedback paragraphs visible after {how}")
                v = (verdict.text_content() or "").strip()
                if not v.startswith(expect):
                    problems.append(f"{rel} #{qid}: verdict {v!r} after {how}, want it to start {expect!r}")

            # a wrong option: focus it and press Space
            page.locator(f'[id="{wrong[0]}"]').focus()
            page.keyboard.press("Space")
            check(wrong[0], "Not quite", "Space on a wrong option")
            # then walk the group with ArrowDown until the right option is checked
            for _ in range(len(radios)):
                page.keyboard.press("ArrowDown")
                current = fs.locator('input[type="radio"]:checked')
                if current.count() != 1:
                    problems.append(f"{rel} #{qid}: ArrowDown left {current.count()} options checked")
                    break
                cid = current.get_attribute("id")
                check(cid, "Correct" if cid == right[0] else "Not quite", "ArrowDown")
                if cid == right[0]:
                    break
            else:
                problems.append(f"{rel} #{qid}: ArrowDown never reached the right option #{right[0]}")
        problems += page_problems(rec)
    assert not problems, "\n".join(problems)


# ------------------------------------------------------ every page: figures, errors, axe
AXE_OPTIONS = {"resultTypes": ["violations"]}
DARK_RULES = {**AXE_OPTIONS, "runOnly": {"type": "rule", "values": ["color-contrast", "link-in-text-block"]}}


def test_every_page_draws_its_figures_cleanly_and_passes_axe(open_page, site_pages, capsys):
    """Every built page: each explorer figure and each ``.tsx-plotly`` figure
    is drawn (holds an svg); there is no console error, no page error and no
    request to another host; and axe-core finds no serious or critical
    violation, with the system set to a light and to a dark colour scheme
    (the site follows it, when the page loads and when the system changes;
    half the pages load in each). In dark only the rules about colour run,
    since only the colours differ. With COURSE_SCREENSHOTS set to a folder, a
    full-page screenshot of each chapter in each scheme is saved there."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    chapters = chapter_pages(site_pages)
    assert chapters, "no chapter pages in the built site"
    assert INTRO_PAGE in site_pages, f"{INTRO_PAGE} is not in the built site"
    shots = os.environ.get("COURSE_SCREENSHOTS")
    problems, n_plotly, loaded_in = [], 0, {"light": 0, "dark": 0}
    pages = [rel for rel in site_pages if not rel.startswith("_")]
    assert len(pages) >= len(chapters) + 9, pages
    for k, rel in enumerate(pages):
        schemes = ("light", "dark") if k % 2 == 0 else ("dark", "light")
        rec = open_page(rel, color_scheme=schemes[0])
        loaded_in[schemes[0]] += 1
        n_plotly += len(list(site_pages[rel].find_all(class_="tsx-plotly")))
        try:
            wait_drawn(rec.page)
        except Exception:
            undrawn = rec.page.evaluate(
                """() => Array.from(document.querySelectorAll('[data-explorer] .tsx-figure, .tsx-plotly'))
                   .filter(f => !f.querySelector('svg')).map(f => f.getAttribute('aria-label'))""")
            problems.append(f"{rel}: figures not drawn: {undrawn}")
        rec.settle()  # the theme's colours are set after load; late requests are logged
        problems += page_problems(rec)
        if rel == "index.html":  # the site's root only redirects to the intro
            continue
        for n, scheme in enumerate(schemes):
            if n:  # the system's scheme changes while the page is open
                rec.page.emulate_media(color_scheme=scheme)
            try:
                rec.page.wait_for_function("s => document.documentElement.dataset.theme === s", arg=scheme,
                                           timeout=3_000)
                # and the colours have finished changing (the theme eases some of them)
                rec.page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')",
                                           timeout=5_000)
            except Exception:
                problems.append(f"{rel}: the system asks for {scheme}, the page shows "
                                f"{rec.page.evaluate('document.documentElement.dataset.theme')}")
                continue
            if shots and rel in chapters:
                path = Path(shots) / f"{scheme}-{rel.replace('/', '__').removesuffix('.html')}.png"
                path.parent.mkdir(parents=True, exist_ok=True)
                rec.page.screenshot(path=str(path), full_page=True)
                with capsys.disabled():
                    print(f"\nscreenshot of {rel}: {path}")
            results = axe.run(rec.page, options=AXE_OPTIONS if scheme == "light" else DARK_RULES)
            for v in results.response["violations"]:
                if v.get("impact") in ("serious", "critical"):
                    targets = [" ".join(map(str, n.get("target", []))) for n in v["nodes"][:3]]
                    summary = (v["nodes"][0].get("failureSummary", "") or "").replace("\n", " ")[:200] \
                        if v["nodes"] else ""
                    problems.append(f"{rel} ({scheme}): {v['id']} ({v['impact']}, {len(v['nodes'])} nodes) "
                                    f"{v.get('help', '')}; targets {targets}; {summary}")
    print(f"{n_plotly} .tsx-plotly figures drawn; pages loaded in light {loaded_in['light']}, "
          f"in dark {loaded_in['dark']}")
    assert not problems, "\n".join(problems)
