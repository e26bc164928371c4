"""The built site's weight on a first visit, measured as ./course bench measures
it: every chapter at most 1 MB gzipped, with plotly.js's basic bundle, loaded
deferred, and without the theme's fontawesome.js."""

from __future__ import annotations

import re

import pytest

from trialsim import bench, sphinxext

pytestmark = [pytest.mark.build, pytest.mark.browser]


def test_a_chapters_first_visit_is_at_most_one_megabyte(site_dir, browser):
    pages = sorted(str(p.relative_to(site_dir)) for p in site_dir.glob("chapters/*.html")) + ["book/intro.html"]
    weights = bench.first_visit_weights(site_dir, pages, browser)
    assert isinstance(weights, list), weights
    chapters = [w for w in weights if w["page"].startswith("chapters/")]
    assert len(chapters) == 8
    heavy = [w for w in chapters if w["kb_gzip"] > bench.CHAPTER_WEIGHT_KB]
    assert heavy == [], heavy
    # the times are the benchmark's to report, not this test's to judge; they are measured
    assert all(w["first_paint_ms"] is not None and w["layout_shift"] >= 0 for w in weights), weights
    for w in weights:
        print(f"{w['page']}: {w['kb_gzip']} KB gzipped in {w['resources']} resources, first paint "
              f"{w['first_paint_ms']} ms, layout shift {w['layout_shift']}")


def test_plotly_is_the_basic_bundle_deferred_and_fontawesome_js_is_gone(site_dir):
    page = (site_dir / "chapters" / "04-mesems.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script[^>]*src=\"([^\"]+)\"[^>]*>", page)
    plotly = [s for s in scripts if "plotly" in s]
    assert len(plotly) == 1 and sphinxext.PLOTLY_FILE in plotly[0], plotly
    assert re.search(r'<script defer="defer" src="[^"]*' + re.escape(sphinxext.PLOTLY_FILE), page), scripts
    for html in site_dir.rglob("*.html"):
        assert "fontawesome.js" not in html.read_text(encoding="utf-8"), html


def test_search_from_a_folder_says_what_it_cannot_do(browser, site_dir, site_url):
    """Opened with file://, the search page says plainly that excerpts need
    ./course serve (a browser does not let a page read files); served, it says nothing."""
    page = browser.new_page()
    page.goto((site_dir / "search.html").as_uri() + "?q=randomised")
    page.wait_for_selector(".tsx-search-note")
    note = page.locator(".tsx-search-note").text_content()
    assert "./course serve" in note and "excerpts" in note
    page.goto(site_url + "search.html?q=randomised")  # served: full search, no note
    page.wait_for_function("!!(window.CellsOnTrial && window.CellsOnTrial.core)")
    page.wait_for_timeout(300)
    assert page.locator(".tsx-search-note").count() == 0
    page.close()
