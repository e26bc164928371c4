"""The red-flag drill, the capstone checklist and the checklist's preset
links in headless Chromium, driven by keyboard: the browser's scores equal
trialsim's, the model appraisal opens only after every item is answered,
and a preset link opens its explorer showing what the engine computes for
those settings. No console errors, no request to another host."""

from __future__ import annotations

from urllib.parse import parse_qs, urljoin, urlparse

import pytest

from trialsim.explorers import capstone, get, marketing

pytestmark = [pytest.mark.build, pytest.mark.browser]

DRILL_PAGES = {"chapters/07-mechanism-to-marketing.html": marketing.DRILL,
               "chapters/08-capstone-appraisal.html": capstone.DRILL}
CAPSTONE = "chapters/08-capstone-appraisal.html"


def tick_by_keyboard(page, fs, flags):
    for key in flags:
        box = fs.locator(f'input[type="checkbox"][value="{key}"]')
        box.focus()
        page.keyboard.press("Space")
        assert box.is_checked(), f"Space did not tick {key}"


@pytest.mark.parametrize("rel", list(DRILL_PAGES))
def test_drill_scores_every_claim_as_the_engine_does(open_page, site_dir, rel):
    drill = DRILL_PAGES[rel]
    rec = open_page(rel)
    page = rec.page
    root = page.locator(f'[data-drill="{drill.name}"]')
    problems = []
    for n, claim in enumerate(drill.claims):
        fs = root.locator(f'fieldset[data-claim="{claim.key}"]')
        # odd claims: the right answer; even claims: one flag missed and one wrong flag ticked
        truth = sorted(claim.flags)
        wrong_flag = next(f for f in drill.flags if f not in claim.flags)
        ticked = truth if n % 2 else truth[1:] + [wrong_flag]
        tick_by_keyboard(page, fs, ticked)
        fs.locator("button.tsd-check").focus()
        page.keyboard.press("Enter")
        expected = drill.score(claim.key, ticked)
        feedback = fs.locator(".tsd-feedback")
        page.wait_for_function("fs => fs.hasAttribute('data-right')", arg=fs.element_handle())
        if int(fs.get_attribute("data-right")) != expected["right"]:
            problems.append(f"{claim.key}: browser {fs.get_attribute('data-right')} right, engine {expected['right']}")
        text = feedback.inner_text()
        for key in expected["missed"]:
            if f"Missed: {drill.flags[key].label}" not in text or drill.flags[key].taught_in not in text:
                problems.append(f"{claim.key}: feedback does not name missed {key} and its chapter: {text!r}")
        for key in expected["wrong"]:
            if f"Not shown by this claim: {drill.flags[key].label}" not in text:
                problems.append(f"{claim.key}: feedback does not name wrong {key}: {text!r}")
        if expected["all_right"] and "All flags right." not in text:
            problems.append(f"{claim.key}: a right answer is not called right: {text!r}")
        for href in feedback.locator("a").evaluate_all("as => as.map(a => a.getAttribute('href'))"):
            if not (site_dir / "chapters" / href).is_file():
                problems.append(f"{claim.key}: feedback links to missing page {href}")
    right_claims = sum(1 for n, _ in enumerate(drill.claims) if n % 2)
    assert root.get_attribute("data-all-right") == str(right_claims)
    total = root.locator("[data-total]").inner_text()
    assert f"Claims checked: {len(drill.claims)} of {len(drill.claims)}" in total, total
    assert not problems, "\n".join(problems)
    assert not rec.problems(), rec.problems()


def test_model_appraisal_opens_only_after_every_item(open_page):
    rec = open_page(CAPSTONE)
    page = rec.page
    root = page.locator(f'[data-appraisal="{capstone.CHECKLIST.name}"]')
    button = root.locator("button.tsa-open")
    assert button.is_disabled()
    answers = {}
    items = capstone.CHECKLIST.items
    for n, item in enumerate(items):
        rating = "concern" if n % 3 else "ok"
        answers[item.key] = rating
        radio = root.locator(f'fieldset[data-item="{item.key}"] input[value="{rating}"]')
        radio.focus()
        page.keyboard.press("Space")
        assert radio.is_checked()
        if n < len(items) - 1:
            assert button.is_disabled(), f"the model opened with {n + 1} of {len(items)} answered"
            assert root.locator(".tsa-model").first.is_hidden()
    assert button.is_enabled()
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("r => r.hasAttribute('data-agree')", arg=root.element_handle())
    expected = capstone.CHECKLIST.agreement(answers)["agree"]
    assert root.get_attribute("data-agree") == str(expected)
    assert f"agree with it on {expected} of {len(items)}" in root.locator("[data-status]").inner_text()
    assert all(m.is_visible() for m in root.locator(".tsa-model").all())
    assert not rec.problems(), rec.problems()


def test_checklist_links_open_their_explorers_preset(open_page, site_url, site_dir):
    rec = open_page(CAPSTONE)
    hrefs = rec.page.locator(".tsa-links a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert hrefs, "no links in the checklist"
    problems, presets = [], 0
    base = site_url + CAPSTONE
    for href in hrefs:
        url = urljoin(base, href)
        path, anchor = urlparse(url).path, urlparse(url).fragment
        rel = path[len(urlparse(site_url).path):]
        if not (site_dir / rel).is_file():
            problems.append(f"{href}: no page {rel}")
            continue
        raw_query = urlparse(url).query
        query = parse_qs(raw_query)
        target = rec if href.startswith("#") else open_page(rel + (f"?{raw_query}" if raw_query else ""))
        page = target.page
        if anchor and not page.locator(f'[id="{anchor}"]').count():
            problems.append(f"{href}: no element #{anchor} on {rel}")
        if "tsx" not in query:
            continue
        presets += 1
        name = query["tsx"][0]
        root = page.locator(f'[data-explorer="{name}"]')
        page.wait_for_function("r => r.hasAttribute('data-state')", arg=root.element_handle())
        explorer = get(name)
        choice = [explorer.controls[i].index(explorer.controls[i].default) for i in range(len(explorer.controls))]
        for i, control in enumerate(explorer.controls):
            if control.name in query:
                choice[i] = int(query[control.name][0])
        shown = [int(c.input_value()) for c in sorted(
            root.locator("select[data-index], input[data-index]").all(),
            key=lambda c: int(c.get_attribute("data-index")))]
        if shown != choice:
            problems.append(f"{href}: controls show {shown}, the link asked for {choice}")
        want = explorer.outcome(**{c.name: c.values[k] for c, k in zip(explorer.controls, choice, strict=True)})
        readouts = [e.text_content() for e in root.locator("[data-readout]").all()]
        if readouts != want.shown:
            problems.append(f"{href}: readouts {readouts} are not the engine's {want.shown}")
        if not root.locator(".tsx-preset").count():
            problems.append(f"{href}: the page does not say the controls were preset")
        problems += [f"{href}: {p}" for p in target.problems()]
    assert presets >= 6, f"only {presets} preset links"
    assert not problems, "\n".join(problems)
