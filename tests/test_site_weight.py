"""The built site's weight on a first visit, measured as ./course bench measures
it: every chapter at most 1 MB gzipped and the front page at most 300 KB, with
plotly.js's basic bundle, loaded deferred, without the theme's fontawesome.js,
and with icon fonts cut down to the icons the site shows; figure boxes hold
their place while the page loads."""

from __future__ import annotations

import re

import pytest

from trialsim import bench, sphinxext

pytestmark = [pytest.mark.build, pytest.mark.browser]


def test_a_chapters_first_visit_is_at_most_one_megabyte(site_dir, browser):
    pages = sorted(str(p.relative_to(site_dir)) for p in site_dir.glob("chapters/*.html")) + ["book/intro.html"]
    weights = bench.first_visit_weights(site_dir, browser, pages)
    assert isinstance(weights, list), weights
    chapters = [w for w in weights if w["page"].startswith("chapters/")]
    assert len(chapters) == 8
    heavy = [w for w in chapters if w["kb_gzip"] > bench.CHAPTER_WEIGHT_KB]
    assert heavy == [], heavy
    intro = next(w for w in weights if w["page"] == "book/intro.html")
    assert intro["kb_gzip"] <= bench.INTRO_WEIGHT_KB, intro
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


def test_each_chapter_offers_its_notebook_as_ipynb(site_dir):
    """The download menu of every chapter and of Your trial offers .ipynb besides
    .md: the notebook jupytext writes from the page's source, which opens and runs
    as the chapter does (the same code cells)."""
    import json

    import jupytext

    root = site_dir.parents[1]  # the course folder the site was built from
    pages = sorted(site_dir.glob("chapters/*.html")) + [site_dir / "book" / "your-trial.html"]
    assert len(pages) == 9
    for page in pages:
        rel = page.relative_to(site_dir).with_suffix("")
        html = page.read_text(encoding="utf-8")
        assert f"_sources/{rel}.ipynb" in html and f"_sources/{rel}.md" in html, rel
        notebook = json.loads((site_dir / "_sources" / f"{rel}.ipynb").read_text(encoding="utf-8"))
        assert notebook["metadata"]["kernelspec"]["name"] == "python3"
        code = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]
        source = jupytext.read(root / f"{rel}.md")
        assert code == [c.source for c in source.cells if c.cell_type == "code"], rel
        assert all(not c.get("outputs") for c in notebook["cells"] if c["cell_type"] == "code")


def test_the_jupyterhub_launch_switch_is_documented_and_off(site_dir):
    import yaml

    root = site_dir.parents[1]
    config = yaml.safe_load((root / "_config.yml").read_text())
    assert config["launch_buttons"]["jupyterhub_url"] == ""
    assert "nbgitpuller" in (root / "_config.yml").read_text()
    assert "git-pull" not in (site_dir / "chapters" / "04-mesems.html").read_text(encoding="utf-8")  # no hub link


def test_icon_fonts_hold_every_icon_the_site_shows_and_no_more(site_dir):
    """The theme's Font Awesome fonts are cut to the code points the site's pages
    and stylesheets use: each used icon has its glyph, and the fonts are small."""
    from fontTools.ttLib import TTFont

    used = set(sphinxext.icon_codepoints(site_dir).values())
    assert len(used) >= 10, used
    fonts = sorted(site_dir.glob("_static/**/webfonts/fa-*.woff2"))
    assert len(fonts) >= 3, "no Font Awesome fonts in the site"
    held = set()
    for font in fonts:
        held |= set(TTFont(str(font)).getBestCmap() or {})
        # fa-brands is left whole: no page shows a brand's icon, so no page loads it
        if "brands" not in font.name:
            assert font.stat().st_size < 12_000, (font, font.stat().st_size)
    assert used - held == set(), [hex(c) for c in sorted(used - held)]


@pytest.mark.parametrize("width", [390, 1280])
def test_figure_boxes_hold_their_place_while_the_page_loads(site_dir, browser, width):
    """Each figure's box is reserved at its drawn height before plotly draws it
    (the layout's height as min-height), and the first visit's cumulative
    layout shift in the window is nil."""
    pages = [str(p.relative_to(site_dir)) for p in sorted(site_dir.glob("chapters/*.html"))]
    for rel in pages:
        boxes = re.findall(r'class="(?:tsx-figure|tsx-plotly)"[^>]*>', (site_dir / rel).read_text(encoding="utf-8"))
        assert boxes and all(re.search(r'style="min-height: \d+px"', b) for b in boxes), (rel, boxes[:2])
    weights = bench.first_visit_weights(site_dir, browser, pages, width=width)
    shifted = [(w["page"], w["layout_shift"]) for w in weights if w["layout_shift"] > 0.01]
    assert shifted == [], shifted
