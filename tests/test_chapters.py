"""Every built chapter has the course's shape: the nine sections in order, an
explorer, at least five self-check questions, rendered glue and citations."""

import re

import pytest

pytestmark = pytest.mark.build

SECTIONS = ["Learning objectives", "The claim", "The study", "Explore", "What we can and cannot conclude",
            "What happened next", "Check yourself", "For journal clubs", "Exercise and references"]


@pytest.fixture(scope="module")
def chapters(site_dir):
    pages = sorted((site_dir / "chapters").glob("*.html"))
    assert pages, "no chapter was built"
    return {p.name: p.read_text(encoding="utf-8") for p in pages}


def _headings(html):
    found = re.findall(r"<h2>(?:<span class=\"section-number\">[^<]*</span>)?(.*?)<a class=\"headerlink\"", html)
    return [re.sub(r"<[^>]+>", "", h).strip() for h in found]


def test_chapter_shape(chapters):
    for name, html in chapters.items():
        headings = _headings(html)
        positions = []
        for section in SECTIONS:
            match = [i for i, h in enumerate(headings) if h.startswith(section)]
            assert match, f"{name}: section {section!r} missing (has {headings})"
            positions.append(match[0])
        assert positions == sorted(positions), f"{name}: sections out of order: {headings}"


def test_chapter_interactive_parts(chapters):
    for name, html in chapters.items():
        assert "data-explorer=" in html, f"{name}: no explorer"
        assert html.count('<fieldset class="tsx-question"') >= 5, f"{name}: fewer than 5 self-checks"
        assert "Try this" in html, f"{name}: no 'Try this' prompts"


def test_glue_and_citations_rendered(chapters):
    for name, html in chapters.items():
        assert "{glue" not in html and "{footcite" not in html and "{term}" not in html, name
        assert html.count('class="pasted-text"') >= 10, f"{name}: numbers should come through glue"
        assert re.search(r'class="footnote-reference', html), f"{name}: no citations"
        assert "doi" in html.lower(), f"{name}: references should give a DOI"
